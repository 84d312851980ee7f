//! Whether one matcher accepts one leaf value, written out case by case from EventBridge's
//! documented semantics rather than through the machine's merged value indexes, so that the
//! explanation is a second opinion and not a replay.

use super::Value;
use crate::casefold;
use crate::number::value_of;
use crate::pattern::{AnythingBut, Matcher};

/// Whether `matcher` accepts `value`.
pub(super) fn accepts(matcher: &Matcher, value: &Value) -> bool {
    match (matcher, value) {
        (Matcher::Exists, _) => true,
        (Matcher::AnythingBut(excluded), v) => !excludes(excluded, v),
        (Matcher::Null, Value::Null) => true,
        (Matcher::Bool(b), Value::Bool(v)) => b == v,
        (Matcher::Number(n), Value::Number(text)) => value_of(text.as_bytes()) == n.value,
        (Matcher::Numeric(range), Value::Number(text)) => range.contains(value_of(text.as_bytes())),
        (Matcher::String(s), Value::String(v)) => s == v,
        (Matcher::Prefix(p), Value::String(v)) => v.starts_with(p.as_str()),
        (Matcher::Suffix(p), Value::String(v)) => v.ends_with(p.as_str()),
        (Matcher::PrefixIgnoreCase(p), Value::String(v)) => casefold::starts_with(p, v),
        (Matcher::SuffixIgnoreCase(p), Value::String(v)) => casefold::ends_with(p, v),
        (Matcher::EqualsIgnoreCase(p), Value::String(v)) => casefold::equals(p, v),
        (Matcher::Wildcard(w), Value::String(v)) => w.is_match(v.as_bytes()),
        (Matcher::Cidr(range), Value::String(v)) => range.contains_str(v.as_bytes()),
        // Every other pairing compares values of different types, which never match: a string
        // matcher never accepts a number (`["5"]` does not match `5`) and vice versa.
        _ => false,
    }
}

/// Whether an anything-but excludes `value`. Only a value of the excluded kind can be excluded:
/// strings by string exclusions, numbers (by value) by number exclusions; booleans and null never.
fn excludes(excluded: &AnythingBut, value: &Value) -> bool {
    match (excluded, value) {
        (AnythingBut::Strings(list), Value::String(v)) => list.iter().any(|s| s == v),
        (AnythingBut::Prefixes(list), Value::String(v)) => {
            list.iter().any(|p| v.starts_with(p.as_str()))
        }
        (AnythingBut::Suffixes(list), Value::String(v)) => {
            list.iter().any(|p| v.ends_with(p.as_str()))
        }
        (AnythingBut::IgnoreCase(list), Value::String(v)) => {
            list.iter().any(|s| casefold::equals(s, v))
        }
        (AnythingBut::Wildcards(list), Value::String(v)) => {
            list.iter().any(|w| w.is_match(v.as_bytes()))
        }
        (AnythingBut::Numbers(list), Value::Number(text)) => {
            let v = value_of(text.as_bytes());
            list.iter().any(|n| n.value == v)
        }
        _ => false,
    }
}
