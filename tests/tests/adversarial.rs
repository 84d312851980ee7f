//! Adversarial events and patterns: inputs built to crash, hang, exhaust or fool a matcher. Each
//! test states the defined behaviour (docs/hardening.md lists them) and checks the answer, at the
//! sizes the issue names where debug builds allow; that matching time grows linearly with size is
//! shown by `benches/benches/adversarial.rs`, not asserted here.

mod adversarial {
    pub mod duplicates;
    pub mod nesting;
    pub mod numbers;
    pub mod size;
    pub mod text;
}

use ferruler::{EventError, Limits, Machine};

/// The sorted indexes of `rules` that `event` matches, in a machine with `limits`.
pub fn matching(
    rules: &[&str],
    event: impl AsRef<[u8]>,
    limits: Limits,
) -> Result<Vec<usize>, EventError> {
    let mut machine = Machine::with_limits(limits);
    for (i, rule) in rules.iter().enumerate() {
        machine
            .add_rule(i, rule)
            .unwrap_or_else(|e| panic!("rule {rule}: {e}"));
    }
    let mut names = machine.matches_for_event(event)?;
    names.sort_unstable();
    Ok(names)
}

/// [`matching`] with the default limits.
pub fn matches(rules: &[&str], event: impl AsRef<[u8]>) -> Result<Vec<usize>, EventError> {
    matching(rules, event, Limits::default())
}

/// Whether the single `rule` matches `event`; panics if the event is rejected.
pub fn hit(rule: &str, event: impl AsRef<[u8]>) -> bool {
    let event = event.as_ref();
    !matches(&[rule], event)
        .unwrap_or_else(|e| panic!("event {} rejected: {e}", preview(event)))
        .is_empty()
}

/// The start of an event, for messages.
pub fn preview(event: &[u8]) -> String {
    String::from_utf8_lossy(&event[..event.len().min(80)]).into_owned()
}

/// Limits that admit events of `bytes` bytes.
pub fn room_for(bytes: usize) -> Limits {
    Limits {
        max_event_bytes: bytes.max(Limits::default().max_event_bytes),
        ..Limits::default()
    }
}
