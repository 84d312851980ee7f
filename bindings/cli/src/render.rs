//! Explanations (`ferruler::explain`) for people and for programs.
//!
//! The text form is a tree: the verdict, then each `$or` alternative with its conditions, each
//! condition with the event's values at its path and whether a matcher accepted them, then what
//! decided the alternative (a missing field, an array-consistency conflict, an `exists: false`
//! field that is present). Colour goes through anstream, which drops it when the output is not a
//! terminal or `NO_COLOR` is set. The JSON form carries the same facts, with event values as the
//! event spelled them.

use anstyle::{AnsiColor, Style};
use ferruler::explain::{Alternative, ConditionReport, Explanation, Verdict};
use ferruler::pattern::{Bound, Matcher};
use serde::Serialize;
use serde_json::value::RawValue;
use std::fmt::Write as _;

const GOOD: Style = AnsiColor::Green.on_default().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();
const PATH: Style = Style::new().bold();

/// The explanation as an indented, coloured tree (ANSI codes included; strip them for plain text).
pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    let n = e.alternatives.len();
    if e.matched {
        let _ = writeln!(out, "{GOOD}match{GOOD:#}");
    } else if n > 1 {
        let _ = writeln!(
            out,
            "{BAD}no match{BAD:#}: none of the {n} alternatives ($or combinations) matches"
        );
    } else {
        let _ = writeln!(out, "{BAD}no match{BAD:#}");
    }
    if e.complexity > 0 {
        let _ = writeln!(
            out,
            "wildcard complexity {} (EventBridge refuses a rule above {})",
            e.complexity,
            ferruler::Limits::default().max_complexity
        );
    }
    for (i, alternative) in e.alternatives.iter().enumerate() {
        let indent = if n > 1 {
            let _ = writeln!(
                out,
                "alternative {} of {n}: {}",
                i + 1,
                outcome(alternative)
            );
            "  "
        } else {
            ""
        };
        alternative_text(alternative, indent, &mut out);
    }
    out
}

fn outcome(a: &Alternative) -> String {
    match a.verdict {
        Verdict::Matched { .. } => format!("{GOOD}matches{GOOD:#}"),
        _ => format!("{BAD}no match{BAD:#}"),
    }
}

fn alternative_text(a: &Alternative, indent: &str, out: &mut String) {
    let chosen = match &a.verdict {
        Verdict::Matched { chosen } | Verdict::AbsentViolated { chosen, .. } => Some(chosen),
        _ => None,
    };
    for (c, condition) in a.conditions.iter().enumerate() {
        let mark = if condition.holds {
            format!("{GOOD}✓{GOOD:#}")
        } else {
            format!("{BAD}✗{BAD:#}")
        };
        let _ = writeln!(
            out,
            "{indent}{mark} {PATH}{}{PATH:#} {}",
            condition.path,
            test_text(condition)
        );
        let pick = chosen.and_then(|ch| ch[c]);
        values_text(condition, pick, &format!("{indent}    "), out);
    }
    let why = match &a.verdict {
        Verdict::Matched { .. } => return,
        Verdict::Unsatisfied { conditions } => {
            let paths: Vec<&str> = conditions.iter().map(|&c| a.conditions[c].path.as_str()).collect();
            format!("no accepted value at {}", paths.join(", "))
        }
        Verdict::ArrayConflict { pairs } if pairs.is_empty() => {
            "array consistency: every condition has an accepted value, but no choice of them lies in one element of each array they share".to_string()
        }
        Verdict::ArrayConflict { pairs } => {
            let parts: Vec<String> = pairs
                .iter()
                .map(|p| {
                    format!(
                        "{} and {} are accepted only in different elements of {}",
                        a.conditions[p.first].path, a.conditions[p.second].path, p.array
                    )
                })
                .collect();
            format!("array consistency: {}", parts.join("; "))
        }
        Verdict::AbsentViolated { blocking, .. } => {
            let parts: Vec<String> = blocking
                .iter()
                .map(|&(c, v)| {
                    let value = &a.conditions[c].values[v];
                    format!("{} must not exist, but {} is {}", a.conditions[c].path, value.location, value.value)
                })
                .collect();
            let scope = if a.conditions.iter().any(|c| !c.matchers().is_empty()) {
                " (in the same array elements as the accepted values)"
            } else {
                ""
            };
            format!("{}{scope}", parts.join("; "))
        }
    };
    let _ = writeln!(out, "{indent}{BAD}→{BAD:#} {why}");
}

fn test_text(condition: &ConditionReport) -> String {
    let matchers = condition.matchers();
    if matchers.is_empty() {
        return "{\"exists\": false}".to_string();
    }
    let list: Vec<String> = matchers.iter().map(matcher_text).collect();
    format!("[{}]", list.join(", "))
}

/// A matcher as it would be written in a pattern. The core's `Display` serves for all but numeric
/// ranges, which it prints as `">= 2"` rather than the pattern's `[">=", 2]`.
fn matcher_text(matcher: &Matcher) -> String {
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

fn values_text(condition: &ConditionReport, pick: Option<usize>, indent: &str, out: &mut String) {
    if condition.values.is_empty() {
        let found = match (condition.objects, condition.empty_arrays) {
            (0, 0) => "field missing".to_string(),
            (0, _) => "only an empty array here (no values)".to_string(),
            (_, 0) => "an object here, not a value (objects never match)".to_string(),
            _ => "only objects and empty arrays here, no values".to_string(),
        };
        let _ = writeln!(out, "{indent}{DIM}{found}{DIM:#}");
        return;
    }
    let matchers = condition.matchers();
    for (v, value) in condition.values.iter().enumerate() {
        let verdict = if matchers.is_empty() {
            format!("{DIM}(present){DIM:#}")
        } else if value.accepted_by.is_empty() {
            format!("{BAD}not accepted{BAD:#}")
        } else {
            let by: Vec<String> = value
                .accepted_by
                .iter()
                .map(|&m| matcher_text(&matchers[m]))
                .collect();
            let chosen = if pick == Some(v) { " (chosen)" } else { "" };
            format!("{GOOD}accepted{GOOD:#} by {}{chosen}", by.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}{} = {}  {verdict}",
            value.location, value.value
        );
    }
}

/// The explanation as JSON.
pub fn json(e: &Explanation) -> String {
    serde_json::to_string_pretty(&json_document(e)).expect("explanations always serialise")
}

/// The explanation as a document to serialise, for reports that hold several.
pub fn json_document(e: &Explanation) -> JsonExplanation {
    JsonExplanation {
        matched: e.matched,
        alternatives: e.alternatives.iter().map(json_alternative).collect(),
    }
}

#[derive(Serialize)]
pub struct JsonExplanation {
    matched: bool,
    alternatives: Vec<JsonAlternative>,
}

#[derive(Serialize)]
struct JsonAlternative {
    matched: bool,
    /// `matched`, `unsatisfied`, `array_conflict` or `absent_violated`.
    reason: &'static str,
    conditions: Vec<JsonCondition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conflicts: Vec<JsonConflict>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    blocking: Vec<JsonBlocking>,
}

#[derive(Serialize)]
struct JsonCondition {
    path: String,
    /// The matchers in pattern syntax; empty for `exists: false`.
    matchers: Vec<String>,
    exists_false: bool,
    holds: bool,
    values: Vec<JsonValue>,
    objects: usize,
    empty_arrays: usize,
    /// Index into `values` of the value the verdict used.
    chosen: Option<usize>,
}

#[derive(Serialize)]
struct JsonValue {
    location: String,
    value: Box<RawValue>,
    accepted_by: Vec<String>,
}

#[derive(Serialize)]
struct JsonConflict {
    first: String,
    second: String,
    array: String,
}

#[derive(Serialize)]
struct JsonBlocking {
    path: String,
    location: String,
}

fn json_alternative(a: &Alternative) -> JsonAlternative {
    let (reason, chosen) = match &a.verdict {
        Verdict::Matched { chosen } => ("matched", Some(chosen)),
        Verdict::Unsatisfied { .. } => ("unsatisfied", None),
        Verdict::ArrayConflict { .. } => ("array_conflict", None),
        Verdict::AbsentViolated { chosen, .. } => ("absent_violated", Some(chosen)),
    };
    let conflicts = match &a.verdict {
        Verdict::ArrayConflict { pairs } => pairs
            .iter()
            .map(|p| JsonConflict {
                first: a.conditions[p.first].path.clone(),
                second: a.conditions[p.second].path.clone(),
                array: p.array.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let blocking = match &a.verdict {
        Verdict::AbsentViolated { blocking, .. } => blocking
            .iter()
            .map(|&(c, v)| JsonBlocking {
                path: a.conditions[c].path.clone(),
                location: a.conditions[c].values[v].location.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let conditions = a
        .conditions
        .iter()
        .enumerate()
        .map(|(c, condition)| {
            let matchers = condition.matchers();
            JsonCondition {
                path: condition.path.clone(),
                matchers: matchers.iter().map(matcher_text).collect(),
                exists_false: matchers.is_empty(),
                holds: condition.holds,
                values: condition
                    .values
                    .iter()
                    .map(|v| JsonValue {
                        location: v.location.clone(),
                        value: RawValue::from_string(v.value.to_string())
                            .expect("values print as JSON"),
                        accepted_by: v
                            .accepted_by
                            .iter()
                            .map(|&m| matcher_text(&matchers[m]))
                            .collect(),
                    })
                    .collect(),
                objects: condition.objects,
                empty_arrays: condition.empty_arrays,
                chosen: chosen.and_then(|ch| ch[c]),
            }
        })
        .collect();
    JsonAlternative {
        matched: matches!(a.verdict, Verdict::Matched { .. }),
        reason,
        conditions,
        conflicts,
        blocking,
    }
}

/// `text` without colour, for logs and JUnit files.
pub fn plain(e: &Explanation) -> String {
    let mut out = Vec::new();
    let mut stream = anstream::StripStream::new(&mut out);
    let _ = std::io::Write::write_all(&mut stream, text(e).as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}
