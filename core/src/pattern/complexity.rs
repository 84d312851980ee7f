//! How complex a pattern's wildcards are: the states of the automaton that would match one
//! field's wildcards together.
//!
//! Matching does not build such an automaton (see `compile::globs`); this measure is what the
//! machine checks a rule against when it is added (`Limits::max_wildcard_states`), per rule and
//! per field, so that the check costs the same whatever the machine already holds. The automaton
//! is the subset construction over the obvious NFA (a literal byte advances, a `*` loops and may
//! be skipped), with bytes grouped into the classes the literals tell apart, the states of a
//! leading `*` (active everywhere) left out of the subsets, and a wildcard whose final star was
//! reached dropped from them (it has matched whatever follows). Wildcards whose stars are all at
//! their ends cannot make it grow faster than their literals.

use super::Wildcard;
use foldhash::HashMap;

/// One token of a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Byte(u8),
    Star,
}

/// The NFA: every wildcard's tokens laid end to end, each followed by an accepting position.
struct Nfa {
    tokens: Vec<Option<Token>>,
    /// Positions active everywhere: the leading stars (and what follows them by skipping).
    always: Vec<u32>,
    starts: Vec<u32>,
}

impl Nfa {
    fn new(wildcards: &[&Wildcard]) -> Nfa {
        let mut nfa = Nfa {
            tokens: Vec::new(),
            always: Vec::new(),
            starts: Vec::new(),
        };
        for w in wildcards {
            let start = nfa.tokens.len() as u32;
            for (i, piece) in w.pieces().iter().enumerate() {
                if i > 0 {
                    nfa.tokens.push(Some(Token::Star));
                }
                nfa.tokens
                    .extend(piece.as_bytes().iter().map(|&b| Some(Token::Byte(b))));
            }
            nfa.tokens.push(None);
            if nfa.tokens[start as usize] == Some(Token::Star) {
                nfa.always.push(start);
            } else {
                nfa.starts.push(start);
            }
        }
        nfa
    }

    /// Adds `pos` and the positions reachable from it by skipping stars.
    fn close(&self, pos: u32, into: &mut Vec<u32>) {
        let mut p = pos;
        loop {
            into.push(p);
            match self.tokens[p as usize] {
                Some(Token::Star) => p += 1,
                _ => break,
            }
        }
    }
}

/// The number of states of the automaton matching `wildcards` together, or `None` if it needs
/// more than `budget`.
pub(crate) fn wildcard_states(wildcards: &[&Wildcard], budget: usize) -> Option<usize> {
    let nfa = Nfa::new(wildcards);
    let mut used = [false; 256];
    for token in nfa.tokens.iter().flatten() {
        if let Token::Byte(b) = token {
            used[*b as usize] = true;
        }
    }
    // One byte per class: each literal byte, and (if there is one) a byte no literal uses.
    let mut representatives: Vec<u8> = (0..=255u8).filter(|b| used[*b as usize]).collect();
    if let Some(other) = (0..=255u8).find(|b| !used[*b as usize]) {
        representatives.push(other);
    }
    let mut always = Vec::new();
    for &p in &nfa.always {
        nfa.close(p, &mut always);
    }
    always.sort_unstable();
    always.dedup();
    let mut start = Vec::new();
    for &p in &nfa.starts {
        nfa.close(p, &mut start);
    }
    start.sort_unstable();
    start.dedup();
    let mut ids: HashMap<Vec<u32>, u32> = HashMap::default();
    let mut sets: Vec<Vec<u32>> = vec![start.clone()];
    ids.insert(start, 0);
    let mut step = Vec::new();
    let mut state = 0;
    while state < sets.len() {
        for &b in &representatives {
            step.clear();
            for &p in sets[state].iter().chain(&always) {
                match nfa.tokens[p as usize] {
                    Some(Token::Byte(c)) if c == b => nfa.close(p + 1, &mut step),
                    Some(Token::Star) => nfa.close(p, &mut step),
                    _ => {}
                }
            }
            step.sort_unstable();
            step.dedup();
            step.retain(|p| always.binary_search(p).is_err());
            // A wildcard whose final star was reached has matched: its positions are dropped.
            step.retain(|&p| {
                let p = p as usize;
                match (nfa.tokens[p], nfa.tokens.get(p + 1)) {
                    (Some(Token::Star), Some(None)) => false,
                    (None, _) => !(p > 0 && nfa.tokens[p - 1] == Some(Token::Star)),
                    _ => true,
                }
            });
            if !ids.contains_key(&step) {
                if sets.len() >= budget {
                    return None;
                }
                ids.insert(step.clone(), sets.len() as u32);
                sets.push(step.clone());
            }
        }
        state += 1;
    }
    Some(sets.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(ws: &[&str], budget: usize) -> Option<usize> {
        let parsed: Vec<Wildcard> = ws.iter().map(|w| Wildcard::parse(w).unwrap()).collect();
        let refs: Vec<&Wildcard> = parsed.iter().collect();
        wildcard_states(&refs, budget)
    }

    #[test]
    fn middle_stars_multiply_states_and_end_stars_do_not() {
        let ends: Vec<String> = (0..200).map(|i| format!("*-{i}-*")).collect();
        let refs: Vec<&str> = ends.iter().map(String::as_str).collect();
        assert!(states(&refs, 20_000).is_some());
        let middle: Vec<String> = (0..12)
            .map(|i| format!("*a{}*b*c{}*", "x".repeat(i), i))
            .collect();
        let refs: Vec<&str> = middle.iter().map(String::as_str).collect();
        assert!(states(&refs, 10).is_none());
        assert!(states(&refs[..2], 1_000).is_some());
        // Start, after "a", after "ab", accepting, and the dead state.
        assert_eq!(states(&["abc"], 100), Some(5));
    }
}
