//! Wildcards merged into one deterministic automaton: one table step per byte of a value, whatever
//! the number of wildcards.
//!
//! The DFA is built by subset construction from the obvious NFA (one state per token of each
//! wildcard: a literal byte advances, a `*` loops and may be skipped), with two savings that keep
//! it small:
//!
//! * bytes are grouped into classes that no wildcard tells apart (typically a few dozen), so a
//!   state's row has one entry per class instead of 256;
//! * the states of a leading `*` are active at every position, so they are left out of the subsets
//!   and added back at each step; a DFA state is the set of partial matches *in progress*, and a
//!   wildcard that reached its final star has matched (it is reported on the spot and dropped), so
//!   `*word*` sets stay as small as Aho-Corasick.
//!
//! Only wildcards with a star away from their ends can make the states multiply. The automaton
//! matches a path's wildcards while they are few (see `globs`), always under a budget of states.
//! (How complex a pattern's wildcards are is EventBridge's measure, in `pattern::complexity`.)

use crate::pattern::STAR;
use foldhash::HashMap;

/// One token of a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Byte(u8),
    Star,
}

#[derive(Debug, Clone)]
pub(crate) struct Dfa {
    /// Byte -> class.
    classes: [u16; 256],
    width: usize,
    /// `next[state * width + class]`, with [`OUTPUT`] set when the transition completes wildcards
    /// that end with a star (they match whatever follows, so they are reported on the spot and
    /// not carried in the state: this is what keeps `*word*` sets as small as Aho-Corasick).
    next: Vec<u32>,
    /// For transitions flagged [`OUTPUT`], the range of `outputs` they report.
    output_ranges: HashMap<u32, (u32, u32)>,
    outputs: Vec<u32>,
    /// Per state, the range of `accepting` holding the targets matched when input ends there.
    accept: Vec<(u32, u32)>,
    accepting: Vec<u32>,
}

/// Flag on a transition that reports matches.
const OUTPUT: u32 = 1 << 31;

/// The NFA: every wildcard's tokens laid end to end, each followed by an accepting position.
struct Nfa {
    tokens: Vec<Option<Token>>,
    /// For an accepting position (`tokens[i] == None`), the target of its wildcard.
    targets: Vec<Option<u32>>,
    /// Positions active everywhere: the leading stars (and what follows them by skipping).
    always: Vec<u32>,
    starts: Vec<u32>,
}

impl Nfa {
    fn new(patterns: &[(&[u8], u32)]) -> Nfa {
        let mut nfa = Nfa {
            tokens: Vec::new(),
            targets: Vec::new(),
            always: Vec::new(),
            starts: Vec::new(),
        };
        for (joined, t) in patterns {
            let start = nfa.tokens.len() as u32;
            for &b in joined.iter() {
                nfa.tokens.push(Some(if b == STAR {
                    Token::Star
                } else {
                    Token::Byte(b)
                }));
                nfa.targets.push(None);
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
    /// The automaton of `patterns` (wildcards in their joined form, each with the id it
    /// reports), or `None` if it needs more than `budget` states.
    pub(crate) fn build(patterns: &[(&[u8], u32)], budget: usize) -> Option<Dfa> {
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

    /// Calls `f` with the id of every wildcard `value` matches (possibly more than once: a
    /// `*word*` is reported at each occurrence, which costs less than remembering).
    #[inline]
    pub(crate) fn run(&self, value: &[u8], mut f: impl FnMut(u32)) {
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
    use crate::pattern::Wildcard;

    fn parsed(ws: &[&str]) -> Vec<Wildcard> {
        ws.iter().map(|w| Wildcard::parse(w).unwrap()).collect()
    }

    fn joined(ws: &[Wildcard]) -> Vec<Box<[u8]>> {
        ws.iter().map(Wildcard::joined).collect()
    }

    fn hits(dfa: &Dfa, v: &str) -> Vec<u32> {
        let mut out = Vec::new();
        dfa.run(v.as_bytes(), |id| out.push(id));
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn dfa_agrees_with_one_by_one() {
        let ws = parsed(&[
            "*", "x*", "*y", "a*b", "*b*", "a\\*b", "*ab*ab", "*a*b", "exact", "", "*-42-*",
            "2*0*1*7", "VA*IL",
        ]);
        let joined = joined(&ws);
        let numbered: Vec<(&[u8], u32)> = joined.iter().map(|j| &j[..]).zip(0..).collect();
        let dfa = Dfa::build(&numbered, 20_000).unwrap();
        for v in [
            "", "x", "xy", "ab", "aXb", "a*b", "abab", "xaxbxb", "exact", "exactly", "a-42-b",
            "2501307", "VACSTWIL", "yyy",
        ] {
            let want: Vec<u32> = (0..ws.len() as u32)
                .filter(|&i| ws[i as usize].is_match(v.as_bytes()))
                .collect();
            assert_eq!(hits(&dfa, v), want, "value {v:?}");
        }
    }

    #[test]
    fn middle_stars_outgrow_a_budget() {
        let ws: Vec<String> = (0..12)
            .map(|i| format!("*a{}*b*c{}*", "x".repeat(i), i))
            .collect();
        let ws = parsed(&ws.iter().map(String::as_str).collect::<Vec<_>>());
        let joined = joined(&ws);
        let numbered: Vec<(&[u8], u32)> = joined.iter().map(|j| &j[..]).zip(0..).collect();
        assert!(Dfa::build(&numbered, 10).is_none());
        assert!(Dfa::build(&numbered[..2], 1_000).is_some());
    }
}
