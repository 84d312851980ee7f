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
            message: e.to_string(),
            reason: e.message().into(),
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
            message: e.to_string(),
            reason: e.message().into(),
            line,
            column,
            offset: e.offset() as f64,
        }
    }
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
