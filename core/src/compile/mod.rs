//! Compiled structures: where the conditions of every rule live once the machine holds them.
//!
//! * [`paths`]: the path trie the event scanner walks; one node per path segment.
//! * [`values`]: per path, one merged index of every matcher on that path, pointing at the
//!   conditions the matchers belong to.
//! * [`items`]: the conditions (interned: one per distinct path and test) and the groups that
//!   make sub-rules of them, with the trigger lists through which sub-rules are reached.
//! * [`keys`]: byte-string keys and target lists, laid out for memory per rule.
//! * [`interval`]: the range index behind numeric and CIDR matchers.
//! * [`globs`]: the index behind wildcard matchers, and [`glob_dfa`], the automaton for few.
//! * [`exclusion`]: anything-but, tested lazily.
//! * [`runs`]: the arenas holding the codes of conditions and the members of groups.
//!
//! Matching collects the items an event satisfies; `crate::matching` turns them into rules.

pub(crate) mod exclusion;
pub(crate) mod glob_dfa;
pub(crate) mod globs;
pub(crate) mod interval;
pub(crate) mod items;
pub(crate) mod keys;
pub(crate) mod paths;
pub(crate) mod runs;
pub(crate) mod values;

/// A condition or group of a machine: its slot in [`items::Items`].
pub(crate) type ItemId = u32;

/// Puts `value` in a free slot of `table` (one `free` lists), or in a new one at its end; returns
/// the slot. Tables of slots whose numbers others hold (rules, items, lists) reuse them this way.
pub(crate) fn put_slot<T>(table: &mut Vec<T>, free: &mut Vec<u32>, value: T) -> u32 {
    match free.pop() {
        Some(slot) => {
            table[slot as usize] = value;
            slot
        }
        None => {
            push_slot(table, value);
            u32::try_from(table.len() - 1).expect("fewer than 2^32 slots")
        }
    }
}

/// Appends to a vector, growing it by an eighth rather than doubling it. Used for the vectors
/// with an element per rule (rule and sub-rule slots, key arenas, targets shared by many rules):
/// doubling leaves up to half of them unused (a quarter on average), an eighth at most this way.
/// Amortised, each element is moved eight times, a few nanoseconds per added rule.
pub(crate) fn push_slot<T>(table: &mut Vec<T>, value: T) {
    if table.len() == table.capacity() {
        table.reserve_exact(table.len() / 8 + 4);
    }
    table.push(value);
}
