//! Explicit bounds on what a machine accepts, so that no pattern or event can make it slow, deep or
//! large by surprise. Every limit has a default; exceeding one is an error whose message names the
//! limit and its value. Defaults follow EventBridge where it documents a limit.

/// Limits enforced when patterns are added and events are matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest pattern text, in bytes. EventBridge's `PutRule` accepts event patterns of up to 4096
    /// characters; the default follows it.
    pub max_pattern_bytes: usize,
    /// Deepest nesting of objects and arrays in a pattern's JSON text.
    pub max_pattern_depth: usize,
    /// Most values in one list of a pattern: a field's value list, or the operand list of an
    /// `anything-but`. (A 4096-byte pattern cannot hold many more anyway; this bounds patterns
    /// accepted under a raised `max_pattern_bytes`.)
    pub max_values_per_field: usize,
    /// Highest wildcard complexity of a rule, EventBridge's measure: on each field, the most
    /// wildcard rule prefixes (of all the rule's `$or` alternatives) that one value could be
    /// matching at once (see [`pattern_complexity`](crate::pattern_complexity)). A rule above it
    /// is refused when it is added ("Rule is too complex"); EventBridge refuses above 10, and the
    /// default follows it.
    pub max_complexity: usize,
    /// Most rule combinations one pattern's `$or`s may expand to. EventBridge rejects patterns whose
    /// `$or`s produce more than 1000 combinations; the default follows it.
    pub max_or_combinations: u64,
    /// Largest event, in bytes.
    pub max_event_bytes: usize,
    /// Deepest nesting of objects and arrays in an event.
    pub max_event_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pattern_bytes: 4096,
            max_pattern_depth: 64,
            max_values_per_field: 1000,
            max_complexity: 10,
            max_or_combinations: 1000,
            max_event_bytes: 64 << 20,
            max_event_depth: 1024,
        }
    }
}
