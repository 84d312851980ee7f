//! Support for ferruler's black-box tests: the shared conformance corpus, the reference interpreter
//! the property tests compare the compiled machine with, and the generators they draw from.

pub mod cases;
pub mod fuzz_bodies;
pub mod generate;
pub mod reference;
