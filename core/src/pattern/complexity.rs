//! How complex a pattern's wildcards are: the states of the automaton that would match one
//! field's wildcards together (see `compile::glob_dfa`).
//!
//! This is what the machine checks a rule against when it is added
//! (`Limits::max_wildcard_states`), per rule and per field, so that the check costs the same
//! whatever the machine already holds: matching never merges many rules' wildcards into one
//! automaton (see `compile::globs`). Wildcards whose stars are all at their ends cannot make it
//! grow faster than their literals.

use super::Wildcard;
use crate::compile::glob_dfa::Dfa;

/// The number of states of the automaton matching `wildcards` together, or `None` if it needs
/// more than `budget`.
pub(crate) fn wildcard_states(wildcards: &[&Wildcard], budget: usize) -> Option<usize> {
    let numbered: Vec<(&Wildcard, u32)> = wildcards.iter().map(|&w| (w, 0)).collect();
    Dfa::build(&numbered, budget).map(|dfa| dfa.states())
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
