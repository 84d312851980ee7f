//! Bad input reported as a value, for `index.js` to raise as `InvalidPatternError` or
//! `InvalidEventError`.
//!
//! Why a value and not a thrown napi error: a napi error reaches JS as a plain `Error` with a
//! message and a string `code`; the line, column and offset would have to be re-parsed from the
//! message. Returning them as fields keeps them exact and costs nothing on the success path.

use ferruler::{EventError, PatternError};
use napi_derive::napi;

/// Why a pattern or an event was rejected.
#[napi(object)]
pub struct Failure {
    /// `"INVALID_PATTERN"` or `"INVALID_EVENT"`: the `code` of the JS error.
    pub code: String,
    /// The full text, position included, exactly as the Rust error displays it.
    pub message: String,
    /// The reason alone, without the position.
    pub reason: String,
    /// 1-based line of the problem in the pattern or event text.
    pub line: u32,
    /// 1-based column (in Unicode code points) of the problem in that line.
    pub column: u32,
    /// 0-based byte offset of the problem in the UTF-8 text.
    pub offset: f64,
}

impl From<PatternError> for Failure {
    fn from(e: PatternError) -> Self {
        Failure {
            code: "INVALID_PATTERN".into(),
            message: js_names(&e.to_string()),
            reason: js_names(e.message()),
            line: e.line(),
            column: e.column(),
            offset: e.offset() as f64,
        }
    }
}

impl Failure {
    /// An event error, with the line and column the core does not give (events are usually one
    /// line, so it reports a byte offset only) computed from `text`, the event as matched.
    pub fn event(e: EventError, text: &[u8]) -> Self {
        let (line, column) = line_and_column(text, e.offset());
        Failure {
            code: "INVALID_EVENT".into(),
            message: js_names(&e.to_string()),
            reason: js_names(e.message()),
            line,
            column,
            offset: e.offset() as f64,
        }
    }
}

/// `message` with the limits it names spelled as in JS: the engine writes
/// `(Limits::max_pattern_bytes)`, a JS user sets `limits.maxPatternBytes`.
fn js_names(message: &str) -> String {
    const RUST: &str = "(Limits::";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(RUST) {
        out.push_str(&rest[..at]);
        out.push_str("(limits.");
        rest = &rest[at + RUST.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let mut upper = false;
        for c in rest[..end].chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The 1-based line and column of byte `offset` in `text`. Columns count code points: a byte
/// starts a code point unless it is a UTF-8 continuation byte, which holds for invalid UTF-8 too,
/// so the count is well defined on any bytes. An offset past the end is clamped to the end.
fn line_and_column(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::js_names;

    #[test]
    fn limits_are_named_as_in_js() {
        assert_eq!(
            js_names("more than the limit of 4096 bytes (Limits::max_pattern_bytes)"),
            "more than the limit of 4096 bytes (limits.maxPatternBytes)"
        );
        assert_eq!(
            js_names("nested more than 3 levels deep (Limits::max_event_depth) at byte 9"),
            "nested more than 3 levels deep (limits.maxEventDepth) at byte 9"
        );
        assert_eq!(
            js_names("\"Limits::x\" (Limits::"),
            "\"Limits::x\" (limits."
        );
        assert_eq!(
            js_names("Value of > must be numeric"),
            "Value of > must be numeric"
        );
    }
}
