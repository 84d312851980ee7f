//! Shared helpers for ferruler's benchmarks: loading the CityLots corpus and rule sets, and
//! generating the synthetic rule sets of the scale benchmarks.

pub mod corpus;
