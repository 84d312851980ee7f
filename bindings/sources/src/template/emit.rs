//! A template's pattern (a YAML or JSON node) as the JSON text the core reads.
//!
//! CloudFormation turns the YAML of an `EventPattern` into JSON before EventBridge sees it; this
//! does the same, resolving intrinsic functions on the way, and records for each token it writes
//! the template position it came from, so the core's error offsets lead back to the template.
//! Numbers are written as spelled in the template (EventBridge compares them by value, but the
//! spelling shows in messages); YAML's other spellings of numbers, booleans and null are written
//! the JSON way.

use super::intrinsics::{self, Resolved};
use super::yaml::{Kind, Node};
use super::Context;
use crate::failure::{Failure, Location};
use yaml_rust2::scanner::TScalarStyle;

/// JSON text and, in increasing order of offset, where its tokens came from.
pub struct Emitted {
    pub text: String,
    pub spans: Vec<(usize, Location)>,
}

/// Writes `node` as JSON.
pub fn emit(node: &Node, ctx: &Context) -> Result<Emitted, Failure> {
    let mut out = Emitted {
        text: String::new(),
        spans: Vec::new(),
    };
    write(node, ctx, &mut out)?;
    Ok(out)
}

fn write(node: &Node, ctx: &Context, out: &mut Emitted) -> Result<(), Failure> {
    out.spans.push((out.text.len(), node.location(ctx.file)));
    if intrinsics::is_intrinsic(node) {
        let value = intrinsics::resolve(node, ctx)?;
        write_resolved(&value, out);
        return Ok(());
    }
    match &node.kind {
        Kind::Map(entries) => {
            out.text.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.text.push_str(", ");
                }
                out.spans.push((out.text.len(), key.location(ctx.file)));
                out.text.push_str(&quote(key.as_str().unwrap_or_default()));
                out.text.push_str(": ");
                write(value, ctx, out)?;
            }
            out.text.push('}');
        }
        Kind::Seq(items) => {
            out.text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text.push_str(", ");
                }
                write(item, ctx, out)?;
            }
            out.text.push(']');
        }
        Kind::Scalar(s) => out
            .text
            .push_str(&scalar_json(&s.text, s.style, node.tag.as_deref())),
    }
    Ok(())
}

fn write_resolved(value: &Resolved, out: &mut Emitted) {
    match value {
        Resolved::Str(s) => out.text.push_str(&quote(s)),
        Resolved::List(items) => {
            out.text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text.push_str(", ");
                }
                write_resolved(item, out);
            }
            out.text.push(']');
        }
    }
}

/// A YAML scalar as JSON: quoted scalars and `!!str` are strings; plain scalars follow YAML 1.2's
/// core schema (null, booleans, integers in decimal, octal or hex, floats), anything else is a
/// string.
pub fn scalar_json(text: &str, style: TScalarStyle, tag: Option<&str>) -> String {
    let plain = style == TScalarStyle::Plain;
    match tag {
        Some("!!str") => return quote(text),
        Some("!!int" | "!!float") => return number_json(text).unwrap_or_else(|| quote(text)),
        _ => {}
    }
    if !plain {
        return quote(text);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => "null".to_string(),
        "true" | "True" | "TRUE" => "true".to_string(),
        "false" | "False" | "FALSE" => "false".to_string(),
        _ => number_json(text).unwrap_or_else(|| quote(text)),
    }
}

/// A YAML 1.2 core-schema number as JSON: as written when it is already JSON, otherwise in
/// decimal; `None` if `text` is not a finite number.
fn number_json(text: &str) -> Option<String> {
    if is_json_number(text) {
        return Some(text.to_string());
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(oct) = text.strip_prefix("0o").filter(|s| digits(s, 8)) {
        return u128::from_str_radix(oct, 8).ok().map(|v| v.to_string());
    }
    if let Some(hex) = text.strip_prefix("0x").filter(|s| digits(s, 16)) {
        return u128::from_str_radix(hex, 16).ok().map(|v| v.to_string());
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let looks_numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !looks_numeric {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    if digits(unsigned, 10) {
        // An integer with a sign or leading zeros: keep every digit.
        let negative = text.starts_with('-');
        let trimmed = unsigned.trim_start_matches('0');
        let magnitude = if trimmed.is_empty() { "0" } else { trimmed };
        return Some(if negative && magnitude != "0" {
            format!("-{magnitude}")
        } else {
            magnitude.to_string()
        });
    }
    Some(format!("{value:?}"))
}

fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == frac {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp {
            return false;
        }
    }
    i == b.len()
}

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_become_json() {
        let plain = |t: &str| scalar_json(t, TScalarStyle::Plain, None);
        assert_eq!(plain("3.5e1"), "3.5e1");
        assert_eq!(plain("+5"), "5");
        assert_eq!(plain("007"), "7");
        assert_eq!(plain("0x1F"), "31");
        assert_eq!(plain(".5"), "0.5");
        assert_eq!(plain("~"), "null");
        assert_eq!(plain("True"), "true");
        assert_eq!(plain("aws.ec2"), "\"aws.ec2\"");
        assert_eq!(plain("1.2.3"), "\"1.2.3\"");
        assert_eq!(plain(".inf"), "\".inf\"");
        assert_eq!(scalar_json("5", TScalarStyle::SingleQuoted, None), "\"5\"");
        assert_eq!(
            scalar_json("5", TScalarStyle::Plain, Some("!!str")),
            "\"5\""
        );
    }
}
