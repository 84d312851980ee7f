//! The envelope `aws events test-event-pattern` requires, for `test-event-pattern --envelope aws`.
//!
//! EventBridge's TestEventPattern API refuses an event that lacks any of `id`, `account`,
//! `source`, `time`, `region`, `resources` and `detail-type` (the list its API reference gives as
//! mandatory), answering `ValidationException: Parameter Event is not valid.`, whatever the
//! pattern. Rule matching itself has no such requirement: EventBridge fills the envelope of every
//! event it delivers, and a pattern only reads the fields it names. So the check is opt-in: by
//! default (`--envelope none`) a fixture event holding only the fields a pattern reads is matched
//! as a rule would match it, and `--envelope aws` adds the API's check, for events that must also
//! pass the real command. Types follow the event structure reference: `resources` is an array of
//! strings (ARNs), the other six are strings.

use crate::input::Input;
use ferruler_sources::failure::{locate, Failure};
use ferruler_sources::rules::map;

/// The fields TestEventPattern requires, in the order its reference lists them.
const REQUIRED: [&str; 7] = [
    "id",
    "account",
    "source",
    "time",
    "region",
    "resources",
    "detail-type",
];

/// The service's message, which names neither the field nor the problem; ours follows it.
pub const SERVICE_ERROR: &str = "Parameter Event is not valid.";

/// Checks that `event` (already known to be a valid event) has the envelope TestEventPattern
/// requires.
pub fn check_aws(event: &Input) -> Result<(), Failure> {
    match problem(&event.text) {
        None => Ok(()),
        Some((offset, why)) => Err(Failure::at(
            &locate(&event.name, &event.text, offset),
            format_args!("{SERVICE_ERROR} (--envelope aws: {why})"),
        )),
    }
}

/// What keeps `event` (a valid event's JSON text) from passing TestEventPattern's check: the byte
/// offset to point at and why, or `None` when it passes. The service itself says only
/// [`SERVICE_ERROR`].
pub fn problem(event: &str) -> Option<(usize, String)> {
    let start = event.len() - event.trim_start().len();
    let entries = match map::entries(event) {
        Ok(entries) => entries,
        Err(e) => return Some((start, e.to_string())),
    };
    for field in REQUIRED {
        // The last of repeated keys wins, as in matching.
        let Some((_, raw)) = entries.iter().rev().find(|(k, _)| k == field) else {
            return Some((
                start,
                format!(
                    "the event has no {field:?}; TestEventPattern requires {}",
                    REQUIRED.join(", ")
                ),
            ));
        };
        let well_typed = match field {
            "resources" => serde_json::from_str::<Vec<String>>(raw.get()).is_ok(),
            _ => serde_json::from_str::<String>(raw.get()).is_ok(),
        };
        if !well_typed {
            let offset = raw.get().as_ptr() as usize - event.as_ptr() as usize;
            let kind = match field {
                "resources" => "an array of strings",
                _ => "a string",
            };
            return Some((offset, format!("{field:?} must be {kind}")));
        }
    }
    None
}
