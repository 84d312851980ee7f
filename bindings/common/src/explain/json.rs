//! The explanation as JSON, the document `ferruler explain --json` prints: the same facts as the
//! text, with each event value as the event spelled it and each matcher in pattern syntax. The
//! bindings build their explanation objects from it.

use super::matcher::matcher_text;
use ferruler::explain::{Alternative, Explanation, Verdict};
use serde::Serialize;
use serde_json::value::RawValue;

/// The explanation as JSON.
pub fn json(e: &Explanation) -> String {
    serde_json::to_string_pretty(&json_document(e)).expect("explanations always serialise")
}

/// The explanation as a document to serialise, for reports that hold several (`ferruler explain`
/// over a file of cases).
pub fn json_document(e: &Explanation) -> JsonExplanation {
    JsonExplanation {
        matched: e.matched,
        alternatives: e.alternatives.iter().map(json_alternative).collect(),
    }
}

/// The JSON document of an explanation; see [`json`].
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
