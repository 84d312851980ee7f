//! What one JS `Machine` owns on the native side, shared by the napi-rs class (`machine.rs`,
//! every cold method) and the raw matching entry points (`hot.rs`).
//!
//! It is reference-counted (`Rc`) because two JS objects keep it alive: the `NativeMachine`
//! instance and the matching handle (`hot.rs`); whichever the garbage collector finalizes last
//! frees it. Both live on one JS thread (a worker thread loads its own copy of the addon), hence
//! `Rc` and `RefCell` rather than their thread-safe versions. Matching never calls back into JS, so
//! a borrow is never re-entered; the `RefCell`s turn that invariant into a checked one.
//!
//! Rules are known to the engine by a *slot*, a small integer standing for the rule's name, rather
//! than by the name itself: matching reports slots, and `index.js` turns them into names with an
//! array of the JS strings it was given (slot -> name). That way a match costs no JS string
//! creation, and the strings are plain JS values owned by the JS `Machine`, collected with it.

use crate::failure::Failure;
use ferruler::{Limits, Machine, Scratch};
use std::cell::RefCell;
use std::collections::HashMap;

/// A slot that is never given to a name (slots are below the number of names).
pub const NO_SLOT: u32 = u32::MAX;

#[derive(Default)]
pub struct State {
    pub machine: RefCell<Machine<u32>>,
    pub names: RefCell<Names>,
    /// Working memory reused by every match.
    pub scratch: RefCell<Scratch>,
    /// Reused to transcode string events to UTF-8 without allocating per call.
    pub text: RefCell<Vec<u8>>,
    /// Reused to collect the matched slots before they are copied out to JS.
    pub matched: RefCell<Vec<u32>>,
    /// Reused to transcode a batch's string events (see `hot.rs`): memory fresh from the system
    /// for every batch cost more in page faults than transcoding into it.
    pub segments: RefCell<Segments>,
}

/// Buffers a batch's strings are transcoded into, one after the other. A buffer is never grown:
/// text is only appended within its capacity, and a string that does not fit starts the next
/// buffer. So no text moves before the next batch (other threads match it meanwhile, see
/// `hot.rs`), and none is copied to grow. Some buffers are kept from batch to batch; the rest are
/// freed.
#[derive(Default)]
pub struct Segments {
    buffers: Vec<Vec<u8>>,
    used: usize,
}

impl Segments {
    const SIZE: usize = 2 << 20;
    /// How many buffers are kept between batches: enough for a few thousand typical events.
    const KEPT: usize = 4;

    /// Empties every buffer, for a new batch.
    pub fn clear(&mut self) {
        self.buffers.truncate(Self::KEPT);
        self.buffers.iter_mut().for_each(Vec::clear);
        self.used = 0;
    }

    /// The buffer to append the next string to, with at least `room` bytes of spare capacity.
    pub fn with_room(&mut self, room: usize) -> &mut Vec<u8> {
        let fits = |buffer: &Vec<u8>| buffer.capacity() - buffer.len() >= room;
        if self.used == 0 || !fits(&self.buffers[self.used - 1]) {
            if self.used == self.buffers.len() {
                self.buffers.push(Vec::new());
            }
            let next = &mut self.buffers[self.used];
            if !fits(next) {
                *next = Vec::with_capacity(room.max(Self::SIZE));
            }
            self.used += 1;
        }
        &mut self.buffers[self.used - 1]
    }
}

/// The slot of each rule name. Freed slots are reused first, so slots stay below the number of
/// names the machine has held at once.
#[derive(Default)]
pub struct Names {
    slots: HashMap<String, u32>,
    free: Vec<u32>,
    next: u32,
}

impl Names {
    /// The slot of `name`, if it has one.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.slots.get(name).copied()
    }

    /// The slot of `name`, given one if it had none (then `true`).
    pub fn get_or_insert(&mut self, name: String) -> (u32, bool) {
        if let Some(&slot) = self.slots.get(&name) {
            return (slot, false);
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.next += 1;
            self.next - 1
        });
        self.slots.insert(name, slot);
        (slot, true)
    }

    /// Frees the slot of `name`.
    pub fn remove(&mut self, name: &str) {
        if let Some(slot) = self.slots.remove(name) {
            self.free.push(slot);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.slots.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.slots.keys()
    }
}

impl State {
    /// An empty machine enforcing `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        State {
            machine: RefCell::new(Machine::with_limits(limits)),
            ..State::default()
        }
    }

    /// Collects into `matched` the slot of every rule `event` matches (each once).
    pub fn collect_matches(&self, event: &[u8], matched: &mut Vec<u32>) -> Result<(), Failure> {
        let machine = self.machine.borrow();
        let mut scratch = self.scratch.borrow_mut();
        matched.clear();
        machine
            .for_each_match(event, &mut scratch, |&slot| matched.push(slot))
            .map_err(|e| Failure::event(e, event))
    }
}
