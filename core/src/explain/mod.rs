//! Why a pattern does or does not match an event.
//!
//! [`Machine`] answers *whether* an event matches, as fast as it can: it never
//! materialises the event, and array consistency is folded into bit masks as the scanner goes. That
//! leaves nothing to show a person who asks *why not*. This module answers that question, and does
//! it a different way on purpose, so that it doubles as an independent check of the matcher:
//!
//! 1. The event is read into a tree and walked along the pattern's paths (see `collect`), giving
//!    every leaf value there with its location (`detail.items[2].sku`) and the array elements it
//!    sits in. A malformed event is reported with the machine's own message and offset.
//! 2. Each condition of each `$or` alternative is tested on every value at its path, with the
//!    matcher semantics written out directly from EventBridge's documentation (see `accept`), not
//!    with the machine's merged indexes.
//! 3. Array consistency is decided by search, straight from its definition (see `search`): choose
//!    one matching value per positive condition such that no two come from different elements of
//!    one array, and such that no `exists: false` path has a value compatible with the choice.
//!
//! It is slower than matching and allocates freely; it is meant for one event at a time (the CLI's
//! `explain`, failing test cases). Its verdict must equal the machine's on every input; the test
//! suite checks that on the whole conformance corpus.

mod accept;
mod collect;
mod search;

use crate::error::{Error, EventError};
use crate::limits::Limits;
use crate::machine::Machine;
use crate::pattern::{Matcher, Pattern, Test};
use std::fmt;

/// Explains how `pattern` (JSON text) applies to `event` (JSON text), with the default [`Limits`].
///
/// ```
/// let why = ferruler::explain::explain(
///     r#"{"detail": {"state": ["stopped"]}}"#,
///     r#"{"detail": {"state": "running"}}"#,
/// )?;
/// assert!(!why.matched);
/// let condition = &why.alternatives[0].conditions[0];
/// assert_eq!(condition.path, "detail.state");
/// assert_eq!(condition.values[0].value.to_string(), r#""running""#);
/// # Ok::<(), ferruler::Error>(())
/// ```
pub fn explain(pattern: impl AsRef<[u8]>, event: impl AsRef<[u8]>) -> Result<Explanation, Error> {
    explain_with_limits(pattern, event, &Limits::default())
}

/// Like [`explain`], enforcing `limits` on the pattern and the event as a machine with those limits
/// would.
pub fn explain_with_limits(
    pattern: impl AsRef<[u8]>,
    event: impl AsRef<[u8]>,
    limits: &Limits,
) -> Result<Explanation, Error> {
    let pattern_text = pattern.as_ref();
    let pattern = Pattern::parse_with_limits(pattern_text, limits)?;
    let complexity = pattern.complexity();
    let event = event.as_ref();
    if event.len() > limits.max_event_bytes {
        return Err(EventError::new(
            format!(
                "event is {} bytes long, more than the limit of {} bytes (Limits::max_event_bytes)",
                event.len(),
                limits.max_event_bytes
            ),
            0,
        )
        .into());
    }
    let leaves = match collect::collect(&pattern, event, limits.max_event_depth) {
        Ok(leaves) => leaves,
        Err(ours) => {
            // Report a malformed event as matching would, so that both say the same thing; the
            // reader's own error stands only where matching skips the damage (inside a value no
            // rule reads).
            let mut machine: Machine<()> = Machine::with_limits(limits.clone());
            machine.add_rule((), pattern_text)?;
            return Err(machine
                .matches_for_event(event)
                .err()
                .unwrap_or(ours)
                .into());
        }
    };
    let mut alternatives = Vec::with_capacity(pattern.sub_rules().len());
    for sub_rule in pattern.sub_rules() {
        let mut conditions = Vec::with_capacity(sub_rule.conditions().len());
        let mut trails = Vec::with_capacity(sub_rule.conditions().len());
        for condition in sub_rule.conditions() {
            let found = leaves.at(condition.path());
            let values: Vec<ValueReport> = found
                .values
                .iter()
                .map(|leaf| ValueReport {
                    location: leaf.location.clone(),
                    value: leaf.value.clone(),
                    accepted_by: match condition.test() {
                        Test::AnyOf(matchers) => (0..matchers.len())
                            .filter(|&i| accept::accepts(&matchers[i], &leaf.value))
                            .collect(),
                        Test::Absent => Vec::new(),
                    },
                })
                .collect();
            let holds = match condition.test() {
                Test::AnyOf(_) => values.iter().any(|v| !v.accepted_by.is_empty()),
                Test::Absent => values.is_empty(),
            };
            trails.push(
                found
                    .values
                    .iter()
                    .map(|leaf| leaf.trail.as_slice())
                    .collect::<Vec<_>>(),
            );
            conditions.push(ConditionReport {
                path: condition.dotted_path(),
                segments: condition.path().to_vec(),
                test: condition.test().clone(),
                values,
                objects: found.objects,
                empty_arrays: found.empty_arrays,
                holds,
            });
        }
        let verdict = search::decide(&conditions, &trails, &leaves.arrays)?;
        alternatives.push(Alternative {
            conditions,
            verdict,
        });
    }
    let matched = alternatives
        .iter()
        .any(|a| matches!(a.verdict, Verdict::Matched { .. }));
    Ok(Explanation {
        matched,
        alternatives,
        complexity,
    })
}

/// The whole explanation: the verdict and, for each `$or` alternative of the pattern, why it did or
/// did not match.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Explanation {
    /// Whether the pattern matches the event (some alternative matched).
    pub matched: bool,
    /// The pattern's alternatives: one for a pattern without `$or`, otherwise one per combination
    /// of `$or` branches, in the order the pattern's [`sub_rules`](Pattern::sub_rules) lists them.
    pub alternatives: Vec<Alternative>,
    /// The pattern's wildcard complexity, EventBridge's measure (see
    /// [`pattern_complexity`](crate::pattern_complexity)): 0 without wildcards, never above
    /// [`Limits::max_complexity`] (a pattern above it is an error, as in a machine).
    pub complexity: usize,
}

/// One alternative (`$or` combination) of the pattern: its conditions and its verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Alternative {
    /// Every condition, sorted by path.
    pub conditions: Vec<ConditionReport>,
    /// Whether and why the alternative matched.
    pub verdict: Verdict,
}

/// What decided an alternative. Condition and value numbers index [`Alternative::conditions`] and
/// [`ConditionReport::values`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every condition holds on array-consistent values: `chosen[c]` is the value that satisfies
    /// condition `c` (`None` for an `exists: false` condition).
    Matched {
        /// The value used for each condition.
        chosen: Vec<Option<usize>>,
    },
    /// These positive conditions have no value at their path that any of their matchers accepts.
    Unsatisfied {
        /// The failing conditions.
        conditions: Vec<usize>,
    },
    /// Every positive condition has an accepted value, but no choice of them is array-consistent:
    /// some must come from different elements of one array.
    ArrayConflict {
        /// Pairs of positive conditions that no two accepted values can satisfy together, each
        /// with the location of an array whose elements they are split across. Empty when every
        /// pair can be satisfied together but no choice satisfies all conditions at once.
        pairs: Vec<Conflict>,
    },
    /// Array-consistent choices exist, but an `exists: false` condition has a value that is
    /// compatible with every one of them (it sits outside any array, or in the chosen elements).
    /// Shown for the first such choice.
    AbsentViolated {
        /// A consistent choice (as in [`Verdict::Matched`]).
        chosen: Vec<Option<usize>>,
        /// `(condition, value)`: an `exists: false` condition and a value that rules it out.
        blocking: Vec<(usize, usize)>,
    },
}

/// Two positive conditions that array consistency keeps apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The first condition.
    pub first: usize,
    /// The second condition.
    pub second: usize,
    /// Location of an array (e.g. `detail.items`) such that every pair of accepted values comes
    /// from different elements of it.
    pub array: String,
}

/// One condition of an alternative and the event's values at its path.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConditionReport {
    /// The path, joined with dots as EventBridge writes it.
    pub path: String,
    /// The path's segments.
    pub segments: Vec<String>,
    /// What the values must satisfy.
    pub test: Test,
    /// Every leaf value at the path (scalars, and the elements of arrays at any depth), in event
    /// order.
    pub values: Vec<ValueReport>,
    /// How many objects sit at the path (objects are not leaf values: no matcher sees them).
    pub objects: usize,
    /// How many empty arrays sit at the path (they hold no leaf value).
    pub empty_arrays: usize,
    /// Whether the condition holds on its own, without regard to array consistency: for a positive
    /// condition, some value is accepted; for `exists: false`, the path has no value at all. (An
    /// `exists: false` condition with values may still hold when they sit in array elements other
    /// than the chosen ones; the verdict decides.)
    pub holds: bool,
}

impl ConditionReport {
    /// The matchers of a positive condition; empty for `exists: false`.
    pub fn matchers(&self) -> &[Matcher] {
        match &self.test {
            Test::AnyOf(m) => m,
            Test::Absent => &[],
        }
    }
}

/// A leaf value of the event at a condition's path.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ValueReport {
    /// Where it is in the event: the path with array indexes, e.g. `detail.items[1].sku`.
    pub location: String,
    /// The value.
    pub value: Value,
    /// Indexes (into [`ConditionReport::matchers`]) of the matchers that accept the value.
    pub accepted_by: Vec<usize>,
}

/// A leaf value of the event.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, escapes decoded.
    String(String),
    /// A number, spelled as in the event.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl fmt::Display for Value {
    /// The value as JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(&crate::pattern::json_quote(s)),
            Value::Number(n) => f.write_str(n),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(pattern: &str, event: &str) -> Explanation {
        let e = explain(pattern, event).unwrap();
        assert_eq!(
            e.matched,
            crate::matches_rule(event, pattern).unwrap(),
            "{pattern} on {event}"
        );
        e
    }

    #[test]
    fn reports_values_and_matchers() {
        let e = why(
            r#"{"a": ["x", {"prefix": "y"}]}"#,
            r#"{"a": ["q", "yes", "x"]}"#,
        );
        let c = &e.alternatives[0].conditions[0];
        let accepted: Vec<_> = c
            .values
            .iter()
            .map(|v| (v.location.as_str(), v.accepted_by.clone()))
            .collect();
        assert_eq!(
            accepted,
            [("a[0]", vec![]), ("a[1]", vec![1]), ("a[2]", vec![0])]
        );
        assert_eq!(
            e.alternatives[0].verdict,
            Verdict::Matched {
                chosen: vec![Some(1)]
            }
        );
    }

    #[test]
    fn unsatisfied_and_missing() {
        let e = why(r#"{"a": ["x"], "b": [1]}"#, r#"{"a": "x", "b": {"c": 1}}"#);
        let alt = &e.alternatives[0];
        assert_eq!(
            alt.verdict,
            Verdict::Unsatisfied {
                conditions: vec![1]
            }
        );
        assert_eq!(alt.conditions[1].objects, 1);
        assert!(alt.conditions[1].values.is_empty());
    }

    #[test]
    fn array_conflict_names_the_array() {
        let e = why(
            r#"{"items": {"sku": ["A"], "qty": [2]}}"#,
            r#"{"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}"#,
        );
        let Verdict::ArrayConflict { pairs } = &e.alternatives[0].verdict else {
            panic!("{e:?}")
        };
        assert_eq!(
            pairs,
            &[Conflict {
                first: 0,
                second: 1,
                array: "items".into()
            }]
        );
    }

    #[test]
    fn absent_in_another_element_does_not_block() {
        let p = r#"{"a": {"b": [1], "c": [{"exists": false}]}}"#;
        let e = why(p, r#"{"a": [{"b": 1}, {"b": 2, "c": 5}]}"#);
        assert_eq!(
            e.alternatives[0].verdict,
            Verdict::Matched {
                chosen: vec![Some(0), None]
            }
        );
        let e = why(p, r#"{"a": [{"b": 1, "c": 5}]}"#);
        assert_eq!(
            e.alternatives[0].verdict,
            Verdict::AbsentViolated {
                chosen: vec![Some(0), None],
                blocking: vec![(1, 0)]
            }
        );
    }

    #[test]
    fn dotted_keys_and_nested_arrays_have_locations() {
        let e = why(r#"{"a": {"b": [3]}}"#, r#"{"a.b": [[1], [2, 3]]}"#);
        let locations: Vec<_> = e.alternatives[0].conditions[0]
            .values
            .iter()
            .map(|v| v.location.clone())
            .collect();
        assert_eq!(locations, ["a.b[0][0]", "a.b[1][0]", "a.b[1][1]"]);
    }

    #[test]
    fn or_alternatives_each_explained() {
        let e = why(r#"{"$or": [{"a": [1]}, {"b": [2]}]}"#, r#"{"b": 2}"#);
        assert_eq!(e.alternatives.len(), 2);
        assert!(matches!(
            e.alternatives[0].verdict,
            Verdict::Unsatisfied { .. }
        ));
        assert!(matches!(e.alternatives[1].verdict, Verdict::Matched { .. }));
    }

    #[test]
    fn event_errors_are_the_machines() {
        let err = explain(r#"{"a": [1]}"#, r#"{"a": [1,}"#).unwrap_err();
        let machine = crate::matches_rule(r#"{"a": [1,}"#, r#"{"a": [1]}"#).unwrap_err();
        assert_eq!(err, machine);
    }
}
