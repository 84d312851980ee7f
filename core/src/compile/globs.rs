//! All wildcard matchers of one path, merged into one deterministic automaton.
//!
//! Testing a value against n wildcards one by one costs n passes; a DFA over all of them costs one
//! table lookup per byte whatever n is. The DFA is built by subset construction from the obvious
//! NFA (one state per token of each wildcard: a literal byte advances, a `*` loops and may be
//! skipped), with two savings that keep it small:
//!
//! * bytes are grouped into classes that no wildcard tells apart (typically a few dozen), so a
//!   state's row has one entry per class instead of 256;
//! * the states of a leading `*` are active at every position, so they are left out of the subsets
//!   and added back at each step; a DFA state is the set of partial matches *in progress*, which
//!   for typical rules (`*-1234-*`, `arn:aws:*:instance/*`) stays small.
//!
//! It is built lazily, on the first match after a change (the machine is immutable while
//! matching, so a `OnceLock` holds it). Only wildcards with a star away from their ends can make it
//! explode; when a rule adds one, the machine builds the automaton at once and rejects the rule if
//! it needs more than `Limits::max_wildcard_states` states (while such wildcards are few on the
//! path, and then at every doubling of their number, so that the checks cost amortised constant
//! time per add). Should an automaton built at match time not fit, the set is matched one wildcard
//! at a time instead (each test linear in the value, never backtracking): slower, never unbounded.

use super::Target;
use crate::pattern::Wildcard;
use foldhash::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Default, Clone)]
pub(crate) struct Globs {
    patterns: Vec<(Wildcard, Target)>,
    dfa: OnceLock<Option<Dfa>>,
    /// `Limits::max_wildcard_states` of the machine.
    budget: usize,
    /// Wildcards with a star anywhere but at their ends (see [`Wildcard::is_simple`]).
    complex: usize,
    /// Total length of the wildcards' literal bytes.
    literal_bytes: usize,
}

impl Globs {
    pub(crate) fn add(&mut self, w: &Wildcard, t: Target, budget: usize) {
        self.patterns.push((w.clone(), t));
        self.dfa = OnceLock::new();
        self.budget = budget;
        self.complex += usize::from(!w.is_simple());
        self.literal_bytes += w.source().len();
    }

    pub(crate) fn remove(&mut self, w: &Wildcard, t: Target) -> bool {
        match self.patterns.iter().position(|(x, y)| *y == t && x == w) {
            Some(i) => {
                self.patterns.swap_remove(i);
                if self.patterns.is_empty() {
                    self.patterns = Vec::new();
                }
                self.dfa = OnceLock::new();
                self.complex -= usize::from(!w.is_simple());
                self.literal_bytes -= w.source().len();
                true
            }
            None => false,
        }
    }

    /// The state budget for this set. Wildcards whose stars are all at their ends cannot blow up
    /// (their automaton is a trie and an Aho-Corasick automaton side by side, no bigger than their
    /// literals), so a set of only those may use as many states as its literal bytes need.
    fn state_budget(&self) -> usize {
        if self.complex == 0 {
            self.budget.max(2 * self.literal_bytes + 2)
        } else {
            self.budget
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// How many wildcards of the set have a star away from their ends.
    pub(crate) fn complex_count(&self) -> usize {
        self.complex
    }

    /// Builds the automaton now; `None` if the set needs more states than its budget.
    pub(crate) fn states(&self) -> Option<usize> {
        self.dfa
            .get_or_init(|| Dfa::build(&self.patterns, self.state_budget()))
            .as_ref()
            .map(|d| d.accept.len())
    }

    /// Calls `f` with the target of every wildcard `value` matches (possibly more than once: a
    /// `*word*` is reported at each occurrence, which costs less than remembering).
    #[inline]
    pub(crate) fn matches(&self, value: &[u8], mut f: impl FnMut(Target)) {
        if self.patterns.is_empty() {
            return;
        }
        match self
            .dfa
            .get_or_init(|| Dfa::build(&self.patterns, self.state_budget()))
        {
            Some(dfa) => dfa.run(value, f),
            None => {
                for (w, t) in &self.patterns {
                    if w.is_match(value) {
                        f(*t);
                    }
                }
            }
        }
    }
}

/// One token of a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Byte(u8),
    Star,
}

#[derive(Debug, Clone)]
struct Dfa {
    /// Byte -> class.
    classes: [u16; 256],
    width: usize,
    /// `next[state * width + class]`, with [`OUTPUT`] set when the transition completes wildcards
    /// that end with a star (they match whatever follows, so they are reported on the spot and
    /// not carried in the state: this is what keeps `*word*` sets as small as Aho-Corasick).
    next: Vec<u32>,
    /// For transitions flagged [`OUTPUT`], the range of `outputs` they report.
    output_ranges: HashMap<u32, (u32, u32)>,
    outputs: Vec<Target>,
    /// Per state, the range of `accepting` holding the targets matched when input ends there.
    accept: Vec<(u32, u32)>,
    accepting: Vec<Target>,
}

/// Flag on a transition that reports matches.
const OUTPUT: u32 = 1 << 31;

/// The NFA: every wildcard's tokens laid end to end, each followed by an accepting position.
struct Nfa {
    tokens: Vec<Option<Token>>,
    /// For an accepting position (`tokens[i] == None`), the target of its wildcard.
    targets: Vec<Option<Target>>,
    /// Positions active everywhere: the leading stars (and what follows them by skipping).
    always: Vec<u32>,
    starts: Vec<u32>,
}

impl Nfa {
    fn new(patterns: &[(Wildcard, Target)]) -> Nfa {
        let mut nfa = Nfa {
            tokens: Vec::new(),
            targets: Vec::new(),
            always: Vec::new(),
            starts: Vec::new(),
        };
        for (w, t) in patterns {
            let start = nfa.tokens.len() as u32;
            for (i, piece) in w.pieces().iter().enumerate() {
                if i > 0 {
                    nfa.tokens.push(Some(Token::Star));
                    nfa.targets.push(None);
                }
                for &b in piece.as_bytes() {
                    nfa.tokens.push(Some(Token::Byte(b)));
                    nfa.targets.push(None);
                }
            }
            nfa.tokens.push(None);
            nfa.targets.push(Some(*t));
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

impl Dfa {
    fn build(patterns: &[(Wildcard, Target)], budget: usize) -> Option<Dfa> {
        let nfa = Nfa::new(patterns);
        let (classes, width, representatives) = byte_classes(&nfa);
        let mut always = Vec::new();
        for &p in &nfa.always {
            nfa.close(p, &mut always);
        }
        always.sort_unstable();
        always.dedup();

        let mut ids: HashMap<Vec<u32>, u32> = HashMap::default();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        let mut start = Vec::new();
        for &p in &nfa.starts {
            nfa.close(p, &mut start);
        }
        start.sort_unstable();
        start.dedup();
        ids.insert(start.clone(), 0);
        sets.push(start);

        let mut next = Vec::new();
        let mut output_ranges = HashMap::default();
        let mut outputs = Vec::new();
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
                // A wildcard whose final star was reached has matched: report it, drop its states.
                let from = outputs.len() as u32;
                step.retain(|&p| {
                    let p = p as usize;
                    match (nfa.tokens[p], nfa.tokens.get(p + 1)) {
                        (Some(Token::Star), Some(None)) => false,
                        (None, _) if p > 0 && nfa.tokens[p - 1] == Some(Token::Star) => {
                            outputs.push(nfa.targets[p].expect("accepting positions have targets"));
                            false
                        }
                        _ => true,
                    }
                });
                let flag = if outputs.len() as u32 > from {
                    output_ranges.insert(next.len() as u32, (from, outputs.len() as u32));
                    OUTPUT
                } else {
                    0
                };
                let id = match ids.get(&step) {
                    Some(&id) => id,
                    None => {
                        if sets.len() >= budget {
                            return None;
                        }
                        let id = sets.len() as u32;
                        ids.insert(step.clone(), id);
                        sets.push(step.clone());
                        id
                    }
                };
                next.push(id | flag);
            }
            state += 1;
        }

        let mut accept = Vec::with_capacity(sets.len());
        let mut accepting = Vec::new();
        for set in &sets {
            let from = accepting.len() as u32;
            for &p in set.iter().chain(&always) {
                if let Some(t) = nfa.targets[p as usize] {
                    accepting.push(t);
                }
            }
            accept.push((from, accepting.len() as u32));
        }
        Some(Dfa {
            classes,
            width,
            next,
            output_ranges,
            outputs,
            accept,
            accepting,
        })
    }

    #[inline]
    fn run(&self, value: &[u8], mut f: impl FnMut(Target)) {
        let mut state = 0usize;
        for &b in value {
            let at = state * self.width + self.classes[b as usize] as usize;
            let next = self.next[at];
            if next & OUTPUT != 0 {
                let (from, to) = self.output_ranges[&(at as u32)];
                for &t in &self.outputs[from as usize..to as usize] {
                    f(t);
                }
            }
            state = (next & !OUTPUT) as usize;
        }
        let (from, to) = self.accept[state];
        for &t in &self.accepting[from as usize..to as usize] {
            f(t);
        }
    }
}

/// Groups bytes that no literal tells apart: each literal byte is its own class, everything else
/// shares class 0. Returns the map, the number of classes and one byte per class.
fn byte_classes(nfa: &Nfa) -> ([u16; 256], usize, Vec<u8>) {
    let mut classes = [0u16; 256];
    let mut representatives = vec![0u8];
    let mut used = [false; 256];
    for token in nfa.tokens.iter().flatten() {
        if let Token::Byte(b) = token {
            used[*b as usize] = true;
        }
    }
    // Class 0 needs a byte no literal uses, if there is one; otherwise it is never reached.
    representatives[0] = (0..=255u8).find(|b| !used[*b as usize]).unwrap_or(0);
    for b in 0..=255u8 {
        if used[b as usize] {
            classes[b as usize] = representatives.len() as u16;
            representatives.push(b);
        }
    }
    let width = representatives.len();
    (classes, width, representatives)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_set(ws: &[&str]) -> Globs {
        let mut g = Globs::default();
        for (i, w) in ws.iter().enumerate() {
            g.add(
                &Wildcard::parse(w).unwrap(),
                Target {
                    sub: i as u32,
                    bit: 0,
                },
                20_000,
            );
        }
        g
    }

    fn hits(g: &Globs, v: &str) -> Vec<u32> {
        let mut out = Vec::new();
        g.matches(v.as_bytes(), |t| out.push(t.sub));
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn dfa_agrees_with_one_by_one() {
        let ws = [
            "*", "x*", "*y", "a*b", "*b*", "a\\*b", "*ab*ab", "*a*b", "exact", "", "*-42-*",
            "2*0*1*7", "VA*IL",
        ];
        let g = glob_set(&ws);
        for v in [
            "", "x", "xy", "ab", "aXb", "a*b", "abab", "xaxbxb", "exact", "exactly", "a-42-b",
            "2501307", "VACSTWIL", "yyy",
        ] {
            let want: Vec<u32> = ws
                .iter()
                .enumerate()
                .filter(|(_, w)| Wildcard::parse(w).unwrap().is_match(v.as_bytes()))
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(hits(&g, v), want, "value {v:?}");
        }
    }

    #[test]
    fn over_budget_falls_back() {
        let ws: Vec<String> = (0..12)
            .map(|i| format!("*a{}*b*c{}*", "x".repeat(i), i))
            .collect();
        let refs: Vec<&str> = ws.iter().map(String::as_str).collect();
        let g = glob_set(&refs);
        assert!(Dfa::build(&g.patterns, 10).is_none());
        assert!(Dfa::build(&g.patterns[..2], 1_000).is_some());
        // With the default budget this set falls back to one-by-one tests, with the same answers.
        assert!(g.dfa.get_or_init(|| Dfa::build(&g.patterns, 50)).is_none());
        assert_eq!(hits(&g, "axxxb c3"), vec![3]);
        assert_eq!(hits(&g, "a b c3"), Vec::<u32>::new());
    }
}
