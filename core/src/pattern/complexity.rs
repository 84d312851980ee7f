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
    /// Children by literal byte.
    bytes: Vec<(u8, usize)>,
    /// The child by a star (a state that stays put on any byte).
    star: Option<usize>,
    /// Whether this is a star's state.
    looping: bool,
    /// How many of the wildcards end at or below this node.
    reach: usize,
}

/// EventBridge's complexity of the wildcards of one field (see the module docs), or some number
/// above `cap` as soon as it is known to exceed `cap`.
pub(crate) fn complexity(wildcards: &[&Wildcard], cap: usize) -> usize {
    let mut nodes = vec![Node::default()];
    let mut seen: Vec<&str> = Vec::new();
    let mut alphabet = [false; 256];
    for w in wildcards {
        if seen.contains(&w.source()) {
            continue;
        }
        seen.push(w.source());
        let mut at = 0;
        let mut path = vec![0];
        for (i, piece) in w.pieces().iter().enumerate() {
            if i > 0 {
                at = match nodes[at].star {
                    Some(next) => next,
                    None => {
                        nodes.push(Node {
                            looping: true,
                            ..Node::default()
                        });
                        let next = nodes.len() - 1;
                        nodes[at].star = Some(next);
                        next
                    }
                };
                path.push(at);
            }
            for &b in piece.as_bytes() {
                alphabet[b as usize] = true;
                at = match nodes[at].bytes.iter().find(|(x, _)| *x == b) {
                    Some(&(_, next)) => next,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].bytes.push((b, next));
                        next
                    }
                };
                path.push(at);
            }
        }
        for n in path {
            nodes[n].reach += 1;
        }
    }
    // Every byte no wildcard names behaves alike: one stands for them all.
    let mut bytes: Vec<u8> = (0..=255u8).filter(|&b| alphabet[b as usize]).collect();
    if let Some(other) = (0..=255u8).find(|&b| !alphabet[b as usize]) {
        bytes.push(other);
    }
    let count = |set: &[usize]| -> usize {
        set.iter()
            .map(|&n| {
                let before_star = match nodes[n].star {
                    Some(s) if set.binary_search(&s).is_err() => nodes[s].reach,
                    _ => 0,
                };
                nodes[n].reach + before_star
            })
            .sum()
    };
    let mut most = 0;
    let mut known: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    let mut queue: Vec<Vec<usize>> = vec![vec![0]];
    let mut first = true;
    while let Some(set) = queue.pop() {
        if !first {
            let n = count(&set);
            most = most.max(n);
            if most > cap {
                return most;
            }
        }
        first = false;
        for &b in &bytes {
            let mut next = Vec::new();
            for &n in &set {
                // The state itself, and the star's state, which a value may enter without a byte.
                for m in std::iter::once(n).chain(nodes[n].star) {
                    if nodes[m].looping {
                        next.push(m);
                    }
                    if let Some(&(_, c)) = nodes[m].bytes.iter().find(|(x, _)| *x == b) {
                        next.push(c);
                    }
                }
            }
            next.sort_unstable();
            next.dedup();
            if !next.is_empty() && known.insert(next.clone()) {
                queue.push(next);
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
