//! Array consistency by search, from its definition.
//!
//! An alternative matches when one accepted value can be chosen for each positive condition such
//! that no two chosen values come from different elements of the same array, and no
//! `exists: false` path holds a value that is compatible (in that sense) with every chosen value.
//!
//! Trying every combination of values is exponential in the number of conditions, so two facts cut
//! the search down without changing its answer: only arrays holding values of two or more of the
//! alternative's conditions can make two values incompatible, so trails are projected onto those
//! arrays; and values whose projected trails are equal are interchangeable, so each condition is
//! searched over its distinct projected trails only. What is left is a backtracking search that
//! rejects a partial choice as soon as two of its values conflict. A step budget keeps a
//! pathological event from running away; exceeding it is an error, never a guess.

use super::collect::Trail;
use super::{ConditionReport, Conflict, Verdict};
use crate::error::EventError;
use crate::pattern::Test;
use std::collections::HashMap;

/// Compatibility checks allowed for one alternative.
const BUDGET: u64 = 50_000_000;

/// One distinct projected trail of a condition's candidate values, and the first such value.
struct Class {
    trail: Trail,
    value: usize,
}

/// Decides an alternative. `trails[c][v]` is the trail of value `v` of condition `c`; `arrays`
/// names every array by id.
pub(super) fn decide(
    conditions: &[ConditionReport],
    trails: &[Vec<&[(u32, u32)]>],
    arrays: &[String],
) -> Result<Verdict, EventError> {
    let positive = |c: usize| matches!(conditions[c].test, Test::AnyOf(_));
    let unsatisfied: Vec<usize> = (0..conditions.len())
        .filter(|&c| positive(c) && !conditions[c].holds)
        .collect();
    if !unsatisfied.is_empty() {
        return Ok(Verdict::Unsatisfied {
            conditions: unsatisfied,
        });
    }
    // Candidates: accepted values of positive conditions, every value of exists: false ones.
    let candidates: Vec<Vec<usize>> = (0..conditions.len())
        .map(|c| {
            let values = &conditions[c].values;
            (0..values.len())
                .filter(|&v| !positive(c) || !values[v].accepted_by.is_empty())
                .collect()
        })
        .collect();
    // Arrays shared by the candidates of two or more conditions.
    let mut users: Vec<Option<(usize, bool)>> = vec![None; arrays.len()];
    for (c, values) in candidates.iter().enumerate() {
        for &v in values {
            for &(array, _) in trails[c][v] {
                let u = &mut users[array as usize];
                match *u {
                    None => *u = Some((c, false)),
                    Some((first, _)) if first != c => *u = Some((first, true)),
                    Some(_) => {}
                }
            }
        }
    }
    let shared = |array: u32| matches!(users[array as usize], Some((_, true)));
    let classes: Vec<Vec<Class>> = candidates
        .iter()
        .enumerate()
        .map(|(c, values)| {
            let mut seen = HashMap::new();
            let mut out = Vec::new();
            for &v in values {
                let trail: Trail = trails[c][v]
                    .iter()
                    .copied()
                    .filter(|&(a, _)| shared(a))
                    .collect();
                seen.entry(trail.clone())
                    .or_insert_with(|| out.push(Class { trail, value: v }));
            }
            out
        })
        .collect();
    let mut order: Vec<usize> = (0..conditions.len()).filter(|&c| positive(c)).collect();
    order.sort_by_key(|&c| classes[c].len());
    let absent: Vec<usize> = (0..conditions.len()).filter(|&c| !positive(c)).collect();
    let mut search = Search {
        classes: &classes,
        order: &order,
        absent: &absent,
        picked: Vec::with_capacity(order.len()),
        steps: 0,
        blocked: None,
    };
    if search.run()? {
        return Ok(Verdict::Matched {
            chosen: search.chosen(conditions.len()),
        });
    }
    if let Some((chosen, blocking)) = search.blocked {
        return Ok(Verdict::AbsentViolated { chosen, blocking });
    }
    let mut pairs = Vec::new();
    for (i, &first) in order.iter().enumerate() {
        for &second in &order[i + 1..] {
            let together = classes[first].iter().any(|a| {
                classes[second]
                    .iter()
                    .any(|b| compatible(&a.trail, &b.trail))
            });
            if !together {
                let (a, b) = (&classes[first][0].trail, &classes[second][0].trail);
                let array =
                    split_array(a, b).map_or_else(String::new, |id| arrays[id as usize].clone());
                let (first, second) = (first.min(second), first.max(second));
                pairs.push(Conflict {
                    first,
                    second,
                    array,
                });
            }
        }
    }
    pairs.sort_by_key(|p| (p.first, p.second));
    Ok(Verdict::ArrayConflict { pairs })
}

/// Whether two values may be chosen together: no array holds them in different elements.
fn compatible(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    split_array(a, b).is_none()
}

/// An array holding the two values in different elements, if any.
fn split_array(a: &[(u32, u32)], b: &[(u32, u32)]) -> Option<u32> {
    a.iter()
        .find(|&&(array, i)| b.iter().any(|&(other, j)| other == array && i != j))
        .map(|&(array, _)| array)
}

/// A consistent choice (a value per condition) and the `(condition, value)` pairs that block it.
type Blocked = (Vec<Option<usize>>, Vec<(usize, usize)>);

struct Search<'a> {
    classes: &'a [Vec<Class>],
    /// Positive conditions, fewest classes first.
    order: &'a [usize],
    absent: &'a [usize],
    /// The class picked for each condition of `order` so far.
    picked: Vec<usize>,
    steps: u64,
    /// The first consistent choice that an `exists: false` value blocked, with what blocked it.
    blocked: Option<Blocked>,
}

impl Search<'_> {
    /// Extends `picked` to a full matching choice; returns whether one exists.
    fn run(&mut self) -> Result<bool, EventError> {
        let depth = self.picked.len();
        if depth == self.order.len() {
            let blocking = self.blocking()?;
            if blocking.is_empty() {
                return Ok(true);
            }
            if self.blocked.is_none() {
                self.blocked = Some((self.chosen(self.classes.len()), blocking));
            }
            return Ok(false);
        }
        let condition = self.order[depth];
        let classes = self.classes;
        for (k, class) in classes[condition].iter().enumerate() {
            let trail = &class.trail;
            let mut fits = true;
            for d in 0..self.picked.len() {
                self.step()?;
                let other = &self.classes[self.order[d]][self.picked[d]].trail;
                if !compatible(trail, other) {
                    fits = false;
                    break;
                }
            }
            if fits {
                self.picked.push(k);
                if self.run()? {
                    return Ok(true);
                }
                self.picked.pop();
            }
        }
        Ok(false)
    }

    /// For the full choice in `picked`: each `exists: false` condition with a value compatible with
    /// every chosen one, and that value.
    fn blocking(&mut self) -> Result<Vec<(usize, usize)>, EventError> {
        let mut out = Vec::new();
        for &condition in self.absent {
            'classes: for class in &self.classes[condition] {
                for (d, &p) in self.picked.iter().enumerate() {
                    self.steps += 1;
                    if !compatible(&class.trail, &self.classes[self.order[d]][p].trail) {
                        continue 'classes;
                    }
                }
                out.push((condition, class.value));
                break;
            }
        }
        self.step()?;
        Ok(out)
    }

    fn step(&mut self) -> Result<(), EventError> {
        self.steps += 1;
        if self.steps > BUDGET {
            return Err(EventError::new(
                format!(
                    "too many combinations of array elements to explain (more than {BUDGET} checks); \
                     matching is not affected"
                ),
                0,
            ));
        }
        Ok(())
    }

    /// The picked values, as a value index per condition.
    fn chosen(&self, conditions: usize) -> Vec<Option<usize>> {
        let mut chosen = vec![None; conditions];
        for (d, &p) in self.picked.iter().enumerate() {
            let c = self.order[d];
            chosen[c] = Some(self.classes[c][p].value);
        }
        chosen
    }
}
