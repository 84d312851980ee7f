//! Shared helpers for ferruler's benchmarks: loading the CityLots corpus and rule sets, and
//! generating the synthetic rule sets of the scale and memory benchmarks.

pub mod corpus;
pub mod shapes;
