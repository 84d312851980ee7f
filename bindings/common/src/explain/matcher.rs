//! Matchers as they are written in a pattern.

use ferruler::pattern::{Bound, Matcher};

/// A matcher as it would be written in a pattern. The core's `Display` serves for all but numeric
/// ranges, which it prints as `">= 2"` rather than the pattern's `[">=", 2]`.
pub(super) fn matcher_text(matcher: &Matcher) -> String {
    let Matcher::Numeric(range) = matcher else {
        return matcher.to_string();
    };
    let mut parts = Vec::new();
    if let Some(v) = range.equals_value() {
        parts.push(format!("\"=\", {v}"));
    } else {
        match range.lower {
            Bound::Inclusive(b) => parts.push(format!("\">=\", {b}")),
            Bound::Exclusive(b) => parts.push(format!("\">\", {b}")),
            Bound::Unbounded => {}
        }
        match range.upper {
            Bound::Inclusive(b) => parts.push(format!("\"<=\", {b}")),
            Bound::Exclusive(b) => parts.push(format!("\"<\", {b}")),
            Bound::Unbounded => {}
        }
    }
    format!("{{\"numeric\": [{}]}}", parts.join(", "))
}
