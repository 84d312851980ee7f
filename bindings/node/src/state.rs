//! What one JS `Machine` owns on the native side, shared by the napi-rs class (`machine.rs`,
//! every cold method) and the raw matching entry points (`hot.rs`).
//!
//! It is reference-counted (`Rc`) because two JS objects keep it alive: the `NativeMachine`
//! instance and the matching handle (`hot.rs`); whichever the garbage collector finalizes last
//! frees it. Both live on one JS thread (a worker thread loads its own copy of the addon), hence
//! `Rc` and `RefCell` rather than their thread-safe versions. Matching never calls back into JS, so
//! a borrow is never re-entered; the `RefCell`s turn that invariant into a checked one.

use crate::failure::Failure;
use ferruler::{Limits, Machine, Scratch};
use std::cell::RefCell;

#[derive(Default)]
pub struct State {
    pub machine: RefCell<Machine<String>>,
    /// Working memory reused by every match.
    pub scratch: RefCell<Scratch>,
    /// Reused to transcode string events to UTF-8 without allocating per call.
    pub text: RefCell<Vec<u8>>,
}

impl State {
    /// An empty machine enforcing `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        State {
            machine: RefCell::new(Machine::with_limits(limits)),
            ..State::default()
        }
    }

    /// Calls `each` with the name of every rule `event` matches (each once).
    pub fn for_each_match(&self, event: &[u8], each: impl FnMut(&String)) -> Result<(), Failure> {
        let machine = self.machine.borrow();
        let mut scratch = self.scratch.borrow_mut();
        machine
            .for_each_match(event, &mut scratch, each)
            .map_err(|e| Failure::event(e, event))
    }
}
