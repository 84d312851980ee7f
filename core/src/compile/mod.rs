//! Compiled structures: where the conditions of every rule live once the machine holds them.
//!
//! * [`paths`]: the path trie the event scanner walks; one node per path segment.
//! * [`values`]: per path, one merged index of every matcher on that path.
//! * [`interval`]: the range index behind numeric and CIDR matchers.
//! * [`globs`]: the automaton behind wildcard matchers.
//!
//! A compiled condition is known by its [`Target`]: the sub-rule it belongs to and its bit in that
//! sub-rule's condition mask. Matching collects targets; `crate::machine` turns them into rules.

pub(crate) mod globs;
pub(crate) mod interval;
pub(crate) mod paths;
pub(crate) mod values;

/// One condition of one sub-rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    /// The sub-rule's slot in the machine.
    pub sub: u32,
    /// The condition's index in its sub-rule (its bit in the sub-rule's masks), or [`SOLE`]
    /// (`Target::SOLE`) for the condition of a sub-rule that has no other.
    pub bit: u32,
}

impl Target {
    /// The `bit` of the only condition of a sub-rule, a positive one: a hit on it alone matches
    /// the sub-rule, which matching records without a mask to fold (see `matching::Log`).
    pub const SOLE: u32 = u32::MAX;

    /// The target of condition `bit` of sub-rule `sub`; `sole` when that condition is positive
    /// and the sub-rule's only one.
    pub(crate) fn new(sub: u32, bit: usize, sole: bool) -> Self {
        Target {
            sub,
            bit: if sole { Target::SOLE } else { bit as u32 },
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
