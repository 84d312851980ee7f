//! The native half of the JS `Machine` class.

use crate::failure::Failure;
use crate::input::bytes_of;
use ferruler::{Machine, Scratch};
use napi::bindgen_prelude::Either;
use napi_derive::napi;
use std::cell::RefCell;

/// A `ferruler::Machine` keyed by rule name. JS is single-threaded per isolate (a worker thread
/// loads its own instance of the addon), so the matching scratch space lives in a `RefCell` next to
/// the machine: it is reused by every match and never borrowed twice, since matching calls no JS.
#[napi]
pub struct NativeMachine {
    machine: Machine<String>,
    scratch: RefCell<Scratch>,
}

/// What a machine holds, for monitoring.
#[napi(object)]
pub struct MachineStats {
    /// Distinct rule names.
    pub names: u32,
    /// Patterns, over all names (a name may have several).
    pub patterns: u32,
    /// Alternatives the patterns expanded to (`$or` multiplies them).
    pub sub_rules: u32,
    /// Distinct field paths the rules use.
    pub paths: u32,
}

#[napi]
impl NativeMachine {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)] // a JS constructor, not a Rust API
    pub fn new() -> Self {
        NativeMachine {
            machine: Machine::new(),
            scratch: RefCell::new(Scratch::default()),
        }
    }

    /// Adds `pattern` under `name`; `null` on success.
    #[napi(catch_unwind)]
    pub fn add_rule(&mut self, name: String, pattern: Either<String, &[u8]>) -> Option<Failure> {
        self.machine
            .add_rule(name, bytes_of(&pattern))
            .err()
            .map(Failure::from)
    }

    /// Deletes `pattern` from `name`: whether it was there.
    #[napi(catch_unwind)]
    pub fn delete_rule(
        &mut self,
        name: String,
        pattern: Either<String, &[u8]>,
    ) -> Either<bool, Failure> {
        match self.machine.delete_rule(&name, bytes_of(&pattern)) {
            Ok(found) => Either::A(found),
            Err(e) => Either::B(e.into()),
        }
    }

    /// Deletes every pattern of `name`: how many there were.
    #[napi(catch_unwind)]
    pub fn delete_rules(&mut self, name: String) -> u32 {
        count(self.machine.delete_rules_named(&name))
    }

    /// Matches an event given as a JS string.
    #[napi(catch_unwind)]
    pub fn matches_text(&self, event: String) -> Either<Vec<String>, Failure> {
        self.matches(event.as_bytes())
    }

    /// Matches an event given as bytes, read in place.
    #[napi(catch_unwind)]
    pub fn matches_bytes(&self, event: &[u8]) -> Either<Vec<String>, Failure> {
        self.matches(event)
    }

    /// Distinct rule names.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        count(self.machine.len())
    }

    /// Whether a rule of this name exists.
    #[napi]
    pub fn has(&self, name: String) -> bool {
        self.machine.contains_rule(&name)
    }

    /// The rule names, in no particular order.
    #[napi]
    pub fn rule_names(&self) -> Vec<&str> {
        self.machine.rule_names().map(String::as_str).collect()
    }

    /// Validates `pattern` against this machine's limits; `null` if it is valid.
    #[napi(catch_unwind)]
    pub fn check_pattern(&self, pattern: Either<String, &[u8]>) -> Option<Failure> {
        self.machine
            .check_pattern(bytes_of(&pattern))
            .err()
            .map(Failure::from)
    }

    /// Counts of what the machine holds.
    #[napi]
    pub fn stats(&self) -> MachineStats {
        let s = self.machine.stats();
        MachineStats {
            names: count(s.names),
            patterns: count(s.patterns),
            sub_rules: count(s.sub_rules),
            paths: count(s.paths),
        }
    }
}

impl NativeMachine {
    /// The names of the rules `event` matches. They are cloned because `for_each_match` lends each
    /// name only for the duration of its callback (a higher-ranked borrow), although the names live
    /// as long as the machine; with no match, nothing is allocated.
    fn matches(&self, event: &[u8]) -> Either<Vec<String>, Failure> {
        let mut names = Vec::new();
        let mut scratch = self.scratch.borrow_mut();
        match self
            .machine
            .for_each_match(event, &mut scratch, |name| names.push(name.clone()))
        {
            Ok(()) => Either::A(names),
            Err(e) => Either::B(Failure::event(e, event)),
        }
    }
}

/// A count as a JS number. Counts are of things held in memory, far below `u32::MAX`, but the
/// conversion saturates rather than wraps should that ever not hold.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
