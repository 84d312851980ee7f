//! How complex a pattern's wildcards are, by EventBridge's measure ("Rule is too complex").
//!
//! EventBridge (event-ruler's `MachineComplexityEvaluator`) builds the automaton of one field's
//! wildcards, of all the rule's `$or` alternatives together, as a trie of their bytes and stars
//! (wildcards that start alike share their first states), and asks: over every input value, at
//! most how many *wildcard rule prefixes* can be matching at once? Each state the input can be in
//! after a byte counts once per distinct wildcard still reachable from it; a state just before a
//! star also counts the star's state (a value matching `foo` is on its way to match `foo*` too)
//! when the input is not already in that one. The complexity of a rule is the largest count over
//! its fields; more than `Limits::max_complexity` (EventBridge's 10) is refused. So three
//! `*:stack/NAME/*` on one field count 9 (the leading star's state and the state after the
//! shared `:stack/` reach all three wildcards, and each trailing star's state one) and four count
//! 12; `*/*/*/*/*.json` counts 9 (five star states and four states before one), and a sixth star
//! makes 11; `*aaaaaaaaaaaa` counts 13, because a run of `a`s keeps every state after an `a`
//! alive.
//!
//! The count is taken here by exploring the sets of states the input can reach (the subset
//! construction), a set at a time, stopping as soon as a count passes the cap: under it, every
//! set holds at most `cap` states, which keeps the exploration small.

use super::{AnythingBut, Matcher, Pattern, Test, Wildcard};
use smallvec::{smallvec, SmallVec};
use std::collections::HashSet;

/// The complexity of `pattern` (the largest of its fields', over all its sub-rules) and the path
/// of the field that has it (`None` without wildcards); the count stops above `cap` as
/// [`complexity`] does.
pub(crate) fn of_pattern(pattern: &Pattern, cap: usize) -> (usize, Option<&[String]>) {
    let mut fields: Vec<(&[String], Vec<&Wildcard>)> = Vec::new();
    for condition in pattern.sub_rules().iter().flat_map(|s| s.conditions()) {
        let Test::AnyOf(matchers) = condition.test() else {
            continue;
        };
        let wildcards = matchers.iter().flat_map(|m| match m {
            Matcher::Wildcard(w) => std::slice::from_ref(w),
            Matcher::AnythingBut(AnythingBut::Wildcards(ws)) => ws.as_slice(),
            _ => &[],
        });
        for w in wildcards {
            match fields.iter_mut().find(|(p, _)| *p == condition.path()) {
                Some((_, ws)) => ws.push(w),
                None => fields.push((condition.path(), vec![w])),
            }
        }
    }
    let mut most = (0, None);
    for (path, wildcards) in fields {
        let n = complexity(&wildcards, cap);
        if n > most.0 || most.1.is_none() {
            most = (n, Some(path));
        }
        if n > cap {
            break;
        }
    }
    most
}

/// EventBridge's message for a rule above the limit.
pub(crate) const TOO_COMPLEX: &str = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/// EventBridge's error for a rule above the complexity limit, placed at the field `path`.
pub(crate) fn too_complex(text: &[u8], path: &[String]) -> crate::PatternError {
    let at = path
        .last()
        .and_then(|name| memchr::memmem::find(text, format!("\"{name}\"").as_bytes()))
        .unwrap_or(0);
    super::error_at(text, at, TOO_COMPLEX)
}

/// A node of the trie: a state of the automaton.
#[derive(Default)]
struct Node {
    /// Children by literal byte (one, in a single wildcard's trie).
    bytes: SmallVec<[(u8, u32); 1]>,
    /// The child by a star (a state that stays put on any byte).
    star: Option<u32>,
    /// Whether this is a star's state.
    looping: bool,
    /// How many of the wildcards end at or below this node.
    reach: usize,
}

/// A set of states, sorted; under the cap, sets are small.
type States = SmallVec<[u32; 8]>;

/// EventBridge's complexity of the wildcards of one field (see the module docs), or some number
/// above `cap` as soon as it is known to exceed `cap`.
///
/// Adding a rule with a wildcard runs this, so it is frugal: a set of states is a small inline
/// vector, each step's set is built in one reused buffer, only sets not seen before are kept,
/// and from each set only the bytes that lead somewhere are tried.
pub(crate) fn complexity(wildcards: &[&Wildcard], cap: usize) -> usize {
    let mut nodes = vec![Node::default()];
    let mut seen: SmallVec<[&str; 4]> = SmallVec::new();
    let mut path: SmallVec<[u32; 32]> = SmallVec::new();
    for w in wildcards {
        if seen.contains(&w.source()) {
            continue;
        }
        seen.push(w.source());
        let mut at = 0u32;
        path.clear();
        path.push(0);
        for (i, piece) in w.pieces().iter().enumerate() {
            if i > 0 {
                at = match nodes[at as usize].star {
                    Some(next) => next,
                    None => {
                        let next = nodes.len() as u32;
                        nodes.push(Node {
                            looping: true,
                            ..Node::default()
                        });
                        nodes[at as usize].star = Some(next);
                        next
                    }
                };
                path.push(at);
            }
            for &b in piece.as_bytes() {
                at = match nodes[at as usize].bytes.iter().find(|(x, _)| *x == b) {
                    Some(&(_, next)) => next,
                    None => {
                        let next = nodes.len() as u32;
                        nodes.push(Node::default());
                        nodes[at as usize].bytes.push((b, next));
                        next
                    }
                };
                path.push(at);
            }
        }
        for &n in &path {
            nodes[n as usize].reach += 1;
        }
    }
    let count = |set: &[u32]| -> usize {
        set.iter()
            .map(|&n| {
                let node = &nodes[n as usize];
                let before_star = match node.star {
                    Some(s) if set.binary_search(&s).is_err() => nodes[s as usize].reach,
                    _ => 0,
                };
                node.reach + before_star
            })
            .sum()
    };
    // A state and the star's state a value may enter from it without a byte.
    let with_star = |n: u32| std::iter::once(n).chain(nodes[n as usize].star);
    let mut most = 0;
    let mut known: HashSet<States, foldhash::fast::FixedState> = HashSet::default();
    let mut queue: Vec<States> = vec![smallvec![0]];
    let mut next = States::new();
    let mut labels: SmallVec<[Option<u8>; 8]> = SmallVec::new();
    let mut first = true;
    while let Some(set) = queue.pop() {
        if !first {
            most = most.max(count(&set));
            if most > cap {
                return most;
            }
        }
        first = false;
        // The bytes that lead somewhere from this set, each the label of a child of one of its
        // states; every other byte leads to the set's star states alone, and one step (`None`)
        // stands for them all.
        labels.clear();
        for &n in &set {
            for m in with_star(n) {
                labels.extend(nodes[m as usize].bytes.iter().map(|&(b, _)| Some(b)));
            }
        }
        labels.sort_unstable();
        labels.dedup();
        labels.push(None);
        for &b in &labels {
            next.clear();
            for &n in &set {
                for m in with_star(n) {
                    let node = &nodes[m as usize];
                    if node.looping {
                        next.push(m);
                    }
                    if let Some(&(_, c)) = node.bytes.iter().find(|&&(x, _)| Some(x) == b) {
                        next.push(c);
                    }
                }
            }
            next.sort_unstable();
            next.dedup();
            if !next.is_empty() && !known.contains(&next) {
                known.insert(next.clone());
                queue.push(next.clone());
            }
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(ws: &[&str]) -> usize {
        let parsed: Vec<Wildcard> = ws.iter().map(|w| Wildcard::parse(w).unwrap()).collect();
        let refs: Vec<&Wildcard> = parsed.iter().collect();
        complexity(&refs, 1000)
    }

    /// The public data points of the module docs.
    #[test]
    fn eventbridge_data_points() {
        let stacks = [
            "*:stack/orders/*",
            "*:stack/billing/*",
            "*:stack/shipping/*",
            "*:stack/search/*",
        ];
        assert_eq!(of(&stacks[..3]), 9);
        assert_eq!(of(&stacks), 12);
        assert_eq!(of(&["*/*/*/*/*.json"]), 9);
        assert_eq!(of(&["*/*/*/*/*/*.json"]), 11);
        assert_eq!(of(&["*aaaaaaaaaaaa"]), 13);
        assert_eq!(of(&["*:x/*", "*:y/*", "*:z/*", "*:w/*"]), 12);
        assert_eq!(of(&["abc"]), 1);
        assert_eq!(of(&[]), 0);
    }

    #[test]
    fn the_cap_stops_early() {
        let many: Vec<String> = (0..40).map(|i| format!("*a{i}*b*c{i}*")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let parsed: Vec<Wildcard> = refs.iter().map(|w| Wildcard::parse(w).unwrap()).collect();
        let refs: Vec<&Wildcard> = parsed.iter().collect();
        assert!(complexity(&refs, 10) > 10);
    }
}
