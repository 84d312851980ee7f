//! The explanation as an indented tree: the verdict, then each `$or` alternative with its
//! conditions, each condition with the event's values at its path and whether a matcher accepted
//! them, then what decided the alternative (a missing field, an array-consistency conflict, an
//! `exists: false` field that is present).

use super::matcher::matcher_text;
use ferruler::explain::{Alternative, ConditionReport, Explanation, Verdict};
use std::fmt::Write as _;

/// The explanation as `ferruler explain` prints it when its output is not a terminal.
pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    let n = e.alternatives.len();
    if e.matched {
        out.push_str("match\n");
    } else if n > 1 {
        let _ = writeln!(
            out,
            "no match: none of the {n} alternatives ($or combinations) matches"
        );
    } else {
        out.push_str("no match\n");
    }
    for (i, alternative) in e.alternatives.iter().enumerate() {
        let indent = if n > 1 {
            let outcome = match alternative.verdict {
                Verdict::Matched { .. } => "matches",
                _ => "no match",
            };
            let _ = writeln!(out, "alternative {} of {n}: {outcome}", i + 1);
            "  "
        } else {
            ""
        };
        alternative_text(alternative, indent, &mut out);
    }
    out
}

fn alternative_text(a: &Alternative, indent: &str, out: &mut String) {
    let chosen = match &a.verdict {
        Verdict::Matched { chosen } | Verdict::AbsentViolated { chosen, .. } => Some(chosen),
        _ => None,
    };
    for (c, condition) in a.conditions.iter().enumerate() {
        let mark = if condition.holds { "✓" } else { "✗" };
        let _ = writeln!(
            out,
            "{indent}{mark} {} {}",
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
            "array consistency: every condition has an accepted value, but no choice of them lies in \
             one element of each array they share"
                .to_string()
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
    let _ = writeln!(out, "{indent}→ {why}");
}

fn test_text(condition: &ConditionReport) -> String {
    let matchers = condition.matchers();
    if matchers.is_empty() {
        return "{\"exists\": false}".to_string();
    }
    let list: Vec<String> = matchers.iter().map(matcher_text).collect();
    format!("[{}]", list.join(", "))
}

fn values_text(condition: &ConditionReport, pick: Option<usize>, indent: &str, out: &mut String) {
    if condition.values.is_empty() {
        let found = match (condition.objects, condition.empty_arrays) {
            (0, 0) => "field missing",
            (0, _) => "only an empty array here (no values)",
            (_, 0) => "an object here, not a value (objects never match)",
            _ => "only objects and empty arrays here, no values",
        };
        let _ = writeln!(out, "{indent}{found}");
        return;
    }
    let matchers = condition.matchers();
    for (v, value) in condition.values.iter().enumerate() {
        let verdict = if matchers.is_empty() {
            "(present)".to_string()
        } else if value.accepted_by.is_empty() {
            "not accepted".to_string()
        } else {
            let by: Vec<String> = value
                .accepted_by
                .iter()
                .map(|&m| matcher_text(&matchers[m]))
                .collect();
            let chosen = if pick == Some(v) { " (chosen)" } else { "" };
            format!("accepted by {}{chosen}", by.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}{} = {}  {verdict}",
            value.location, value.value
        );
    }
}
