//! Support for ferruler's black-box tests: the shared conformance corpus, the reference interpreter
//! the property tests compare the compiled machine with, and the generators they draw from.

pub mod cases;
pub mod fuzz_bodies;
pub mod generate;
pub mod reference;

/// README.md, whose Rust code blocks (the quick start) run as doc-tests, so that the README cannot
/// drift from the API: `cargo test --doc -p ferruler-tests`, part of the workspace's tests and of
/// scripts/test-docs.sh.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct Readme;
