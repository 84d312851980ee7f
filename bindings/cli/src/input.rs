//! `<FILE|JSON>` arguments: a pattern or an event given inline, as a file, or on standard input.
//!
//! The AWS CLI takes `--event-pattern file://p.json` or inline JSON; so does this tool, and a bare
//! path works too. An argument is inline JSON when it starts with `{` or `[` (after spaces), which
//! no sensible file name does, or when it is any other JSON value (`"x"`, `1`, `null`): the engine
//! then says what is wrong with it ("an event must be a JSON object") instead of this tool
//! reporting a missing file. A file whose name is a JSON value is read as `file://NAME` or `./NAME`.

use ferruler::dialect::DialectError;
use ferruler::EventError;
use ferruler_sources::failure::{locate, Failure};
use ferruler_sources::rules::{Origin, Rule};
use std::io::Read;
use std::sync::Arc;

/// The text of an argument and the name to show in messages.
pub struct Input {
    pub name: String,
    pub text: String,
}

/// Reads a `<FILE|JSON>` argument; `what` names it in messages (`event`, `event-pattern`).
pub fn read(arg: &str, what: &str) -> Result<Input, Failure> {
    if is_inline_json(arg) {
        return Ok(Input {
            name: format!("<{what}>"),
            text: arg.to_string(),
        });
    }
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure(format!("<stdin>: error: cannot read the {what}: {e}")))?;
        return Ok(Input {
            name: "<stdin>".to_string(),
            text,
        });
    }
    let path = arg.strip_prefix("file://").unwrap_or(arg);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::file(path, format_args!("cannot read the {what}: {e}")))?;
    Ok(Input {
        name: path.to_string(),
        text,
    })
}

/// Whether `arg` is JSON given inline rather than a file name; see the module docs.
fn is_inline_json(arg: &str) -> bool {
    arg.trim_start().starts_with(['{', '['])
        || serde_json::from_str::<serde::de::IgnoredAny>(arg).is_ok()
}

impl Input {
    /// This input as an unnamed rule, so pattern errors point into it.
    pub fn into_rule(self) -> Rule {
        let contents: Arc<str> = self.text.as_str().into();
        Rule::new(
            String::new(),
            self.text,
            Origin::Slice {
                file: self.name,
                contents,
                base: 0,
            },
        )
    }

    /// The message for a record that is not a record of `rule`'s source.
    pub fn record_failure(&self, rule: &Rule, error: &DialectError) -> Failure {
        Failure::at(
            &locate(&self.name, &self.text, error.offset()),
            record_message(rule, error),
        )
    }

    /// The message for an event error in this input.
    pub fn event_failure(&self, error: &EventError) -> Failure {
        Failure::at(
            &locate(&self.name, &self.text, error.offset()),
            format_args!("invalid event: {}", error.message()),
        )
    }
}

/// What is wrong with a record read for `rule`, a filter.
pub fn record_message(rule: &Rule, error: &DialectError) -> String {
    let source = rule
        .dialect
        .source()
        .map_or(String::new(), |s| format!(" {s}"));
    format!("invalid{source} record: {}", error.message())
}
