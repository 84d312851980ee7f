//! The explanation as an indented tree: the verdict, the pattern's wildcard complexity, then each
//! `$or` alternative with its conditions, each condition with the event's values at its path and
//! whether a matcher accepted them, then what decided the alternative (a missing field, an
//! array-consistency conflict, an `exists: false` field that is present).

use super::matcher::matcher_text;
use anstyle::{AnsiColor, Style};
use ferruler::explain::{Alternative, ConditionReport, Explanation, Verdict};
use std::fmt::Write as _;

/// The styles of the tree's parts; all plain for [`text`].
struct Styles {
    good: Style,
    bad: Style,
    dim: Style,
    path: Style,
}

const PLAIN: Styles = Styles {
    good: Style::new(),
    bad: Style::new(),
    dim: Style::new(),
    path: Style::new(),
};

const COLOURED: Styles = Styles {
    good: AnsiColor::Green.on_default().bold(),
    bad: AnsiColor::Red.on_default().bold(),
    dim: Style::new().dimmed(),
    path: Style::new().bold(),
};

/// The explanation as `ferruler explain` prints it when its output is not a terminal.
pub fn text(e: &Explanation) -> String {
    render(e, &PLAIN)
}

/// The explanation as `ferruler explain` prints it on a terminal: [`text`] with ANSI colours (a
/// plain style prints no escape codes, so stripping them gives [`text`] back).
pub fn coloured_text(e: &Explanation) -> String {
    render(e, &COLOURED)
}

fn render(e: &Explanation, s: &Styles) -> String {
    let Styles { good, bad, .. } = s;
    let mut out = String::new();
    let n = e.alternatives.len();
    if e.matched {
        let _ = writeln!(out, "{good}match{good:#}");
    } else if n > 1 {
        let _ = writeln!(
            out,
            "{bad}no match{bad:#}: none of the {n} alternatives ($or combinations) matches"
        );
    } else {
        let _ = writeln!(out, "{bad}no match{bad:#}");
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
            let outcome = match alternative.verdict {
                Verdict::Matched { .. } => format!("{good}matches{good:#}"),
                _ => format!("{bad}no match{bad:#}"),
            };
            let _ = writeln!(out, "alternative {} of {n}: {outcome}", i + 1);
            "  "
        } else {
            ""
        };
        alternative_text(alternative, indent, s, &mut out);
    }
    out
}

fn alternative_text(a: &Alternative, indent: &str, s: &Styles, out: &mut String) {
    let Styles {
        good, bad, path, ..
    } = s;
    let chosen = match &a.verdict {
        Verdict::Matched { chosen } | Verdict::AbsentViolated { chosen, .. } => Some(chosen),
        _ => None,
    };
    for (c, condition) in a.conditions.iter().enumerate() {
        let mark = if condition.holds {
            format!("{good}✓{good:#}")
        } else {
            format!("{bad}✗{bad:#}")
        };
        let _ = writeln!(
            out,
            "{indent}{mark} {path}{}{path:#} {}",
            condition.path,
            test_text(condition)
        );
        let pick = chosen.and_then(|ch| ch[c]);
        values_text(condition, pick, &format!("{indent}    "), s, out);
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
    let _ = writeln!(out, "{indent}{bad}→{bad:#} {why}");
}

fn test_text(condition: &ConditionReport) -> String {
    let matchers = condition.matchers();
    if matchers.is_empty() {
        return "{\"exists\": false}".to_string();
    }
    let list: Vec<String> = matchers.iter().map(matcher_text).collect();
    format!("[{}]", list.join(", "))
}

fn values_text(
    condition: &ConditionReport,
    pick: Option<usize>,
    indent: &str,
    s: &Styles,
    out: &mut String,
) {
    let Styles { good, bad, dim, .. } = s;
    if condition.values.is_empty() {
        let found = match (condition.objects, condition.empty_arrays) {
            (0, 0) => "field missing",
            (0, _) => "only an empty array here (no values)",
            (_, 0) => "an object here, not a value (objects never match)",
            _ => "only objects and empty arrays here, no values",
        };
        let _ = writeln!(out, "{indent}{dim}{found}{dim:#}");
        return;
    }
    let matchers = condition.matchers();
    for (v, value) in condition.values.iter().enumerate() {
        let verdict = if matchers.is_empty() {
            format!("{dim}(present){dim:#}")
        } else if value.accepted_by.is_empty() {
            format!("{bad}not accepted{bad:#}")
        } else {
            let by: Vec<String> = value
                .accepted_by
                .iter()
                .map(|&m| matcher_text(&matchers[m]))
                .collect();
            let chosen = if pick == Some(v) { " (chosen)" } else { "" };
            format!("{good}accepted{good:#} by {}{chosen}", by.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}{} = {}  {verdict}",
            value.location, value.value
        );
    }
}
