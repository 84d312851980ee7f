//! The bodies of the fuzz targets in `fuzz/`, kept here as plain functions so that a stable-Rust
//! test (`tests/tests/fuzz_replay.rs`) can replay every committed seed and regression through the
//! very code libFuzzer runs. Each body takes any bytes and panics when a property fails; returning
//! means the input was fine (or not meaningful for that target).
//!
//! * [`parse_pattern`](parse_pattern::run): pattern text; never panics, valid patterns round-trip.
//! * [`match_event`](match_event::run): event text against a fixed machine; errors only on
//!   invalid JSON, answers as the reference interpreter does.
//! * [`differential`](differential::run): patterns and events (text or drawn with `arbitrary`);
//!   the machine agrees with the reference interpreter.
//! * [`machine_ops`](machine_ops::run): add / delete / match sequences agree with a model that
//!   rebuilds the machine from scratch.

pub mod differential;
pub mod duplicates;
pub mod json;
pub mod machine_ops;
pub mod match_event;
pub mod parse_pattern;
pub mod seeds;
pub mod spec;

/// A target body: takes any bytes, panics when a property fails.
pub type Body = fn(&[u8]);

/// Every target: its name (as in `fuzz/fuzz_targets/<name>.rs`) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("parse_pattern", parse_pattern::run),
    ("match_event", match_event::run),
    ("differential", differential::run),
    ("machine_ops", machine_ops::run),
];
