//! Support for ferruler's black-box tests: the shared conformance corpus and the reference
//! interpreter the property tests compare the compiled machine with.

pub mod cases;
