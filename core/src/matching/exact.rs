//! The brute-force definition of array-consistent matching, for the rare events that reach a path
//! twice (see "Aliases" in the parent module).
//!
//! The event is scanned again; every leaf on a rule's path is recorded with its *trail* (which
//! element of which array it lies in) and the targets its path's value index emits for it. Then,
//! for each sub-rule the event touched: choose one leaf per positive condition among the leaves
//! that hit it, no two from different elements of one array; the sub-rule matches if some choice
//! leaves every `exists: false` condition without a leaf compatible with all the chosen ones.
//! The search backtracks, trying the condition with fewest candidates first.

use super::{Log, MatchScratch, SubInfo};
use crate::compile::paths::{Key, NodeId, PathTrie, ROOT};
use crate::compile::values::ValueIndex;
use crate::error::EventError;
use crate::event::scan::{self, ScanBuffers, Sink};
use crate::event::Leaf;

/// A recorded leaf: its trail is `trails[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    start: u32,
    end: u32,
}

/// A target a leaf emitted: (sub-rule, condition bit, leaf, veto).
type Hit = (u32, u32, u32, bool);

/// Working memory of the brute-force decision, kept in [`MatchScratch`] so that it is reused.
#[derive(Debug, Default)]
pub(crate) struct ExactScratch {
    trail: Vec<(u32, u32)>,
    arrays: Vec<(u32, u32)>,
    leaves: Vec<Recorded>,
    trails: Vec<(u32, u32)>,
    hits: Vec<Hit>,
    emitted: Log,
    candidates: Vec<Vec<u32>>,
    vetoes: Vec<u32>,
    chosen: Vec<u32>,
    steps: usize,
}

/// Candidate tries one sub-rule's search may take.
const STEP_BUDGET: usize = 2_000_000;

/// The search gave up (see [`STEP_BUDGET`]).
struct TooComplex;

struct Recorder<'a> {
    trie: &'a PathTrie,
    fold: &'a mut Vec<u8>,
    next_array: u32,
    s: &'a mut ExactScratch,
}

impl<'a> Sink for Recorder<'a> {
    type Node = NodeId;
    type Values = &'a ValueIndex;

    fn child(&mut self, node: NodeId, key: Key<'_>) -> Option<NodeId> {
        self.trie.child(node, key).map(|(child, _)| child)
    }

    fn has_children(&self, node: NodeId) -> bool {
        self.trie.has_children(node)
    }

    fn values(&self, node: NodeId) -> Option<&'a ValueIndex> {
        self.trie.node(node).values.as_deref()
    }

    fn leaf(&mut self, values: &'a ValueIndex, leaf: Leaf<'_>) {
        let s = &mut *self.s;
        s.emitted.clear();
        values.match_leaf(leaf, self.fold, &mut s.emitted);
        if s.emitted.entries.is_empty() && s.emitted.sole.is_empty() {
            return;
        }
        let index = s.leaves.len() as u32;
        let start = s.trails.len() as u32;
        s.trails.extend_from_slice(&s.trail);
        s.leaves.push(Recorded {
            start,
            end: s.trails.len() as u32,
        });
        for &sub in &s.emitted.sole {
            s.hits.push((sub, 0, index, false));
        }
        for e in &s.emitted.entries {
            for (mask, veto) in [(e.hits, false), (e.vetoes, true)] {
                let mut m = mask;
                while m != 0 {
                    let bit = m.trailing_zeros();
                    m &= m - 1;
                    s.hits.push((e.sub, e.word * 64 + bit, index, veto));
                }
            }
        }
    }

    fn array_start(&mut self, _node: NodeId) -> bool {
        self.s.arrays.push((self.next_array, 0));
        self.next_array += 1;
        true
    }

    fn element_start(&mut self, _node: NodeId) {
        let &(array, element) = self.s.arrays.last().expect("inside an array");
        self.s.trail.push((array, element));
    }

    fn element_end(&mut self, _node: NodeId) {
        self.s.trail.pop();
        if let Some(top) = self.s.arrays.last_mut() {
            top.1 += 1;
        }
    }

    fn array_end(&mut self, _node: NodeId) {
        self.s.arrays.pop();
    }

    fn object_start(&mut self) {}

    fn object_end(&mut self) {}
}

/// Decides the event by the brute-force definition, leaving the matched rule slots, sorted and
/// distinct, in `scratch.rules`.
pub(crate) fn decide(
    event: &[u8],
    trie: &PathTrie,
    subs: &[SubInfo],
    absent_only: &[u32],
    max_depth: usize,
    scratch: &mut MatchScratch,
    buffers: &mut ScanBuffers,
) -> Result<(), EventError> {
    let MatchScratch {
        exact, fold, rules, ..
    } = scratch;
    for v in [&mut exact.trail, &mut exact.arrays, &mut exact.trails] {
        v.clear();
    }
    exact.leaves.clear();
    exact.hits.clear();
    let mut recorder = Recorder {
        trie,
        fold,
        next_array: 0,
        s: exact,
    };
    scan::scan(event, ROOT, &mut recorder, max_depth, buffers)?;
    exact.hits.sort_unstable();
    exact.hits.dedup();
    rules.clear();
    let mut i = 0;
    while i < exact.hits.len() {
        let sub = exact.hits[i].0;
        let j = i + exact.hits[i..].iter().take_while(|h| h.0 == sub).count();
        let info = &subs[sub as usize];
        if info.positive().iter().any(|&p| p != 0) {
            match exact.sub_rule_holds(info, i..j) {
                Ok(true) => rules.push(info.rule),
                Ok(false) => {}
                Err(TooComplex) => {
                    return Err(EventError::new(
                        format!(
                            "the event reaches fields by several routes (repeated or dotted keys) in more combinations than can be decided ({STEP_BUDGET} steps); give each key once"
                        ),
                        0,
                    ));
                }
            }
        }
        i = j;
    }
    for &sub in absent_only {
        if exact.hits.binary_search_by_key(&sub, |h| h.0).is_err() {
            rules.push(subs[sub as usize].rule);
        }
    }
    rules.sort_unstable();
    rules.dedup();
    Ok(())
}

impl ExactScratch {
    fn trail(&self, leaf: u32) -> &[(u32, u32)] {
        let r = self.leaves[leaf as usize];
        &self.trails[r.start as usize..r.end as usize]
    }

    /// Whether two leaves may be used together: no array holds them in different elements.
    fn compatible(&self, a: u32, b: u32) -> bool {
        let (ta, tb) = (self.trail(a), self.trail(b));
        ta.iter()
            .all(|&(array, i)| tb.iter().all(|&(other, j)| array != other || i == j))
    }

    /// Whether one sub-rule holds, given its hits and vetoes (`self.hits[range]`).
    fn sub_rule_holds(
        &mut self,
        info: &SubInfo,
        range: std::ops::Range<usize>,
    ) -> Result<bool, TooComplex> {
        let is_positive = |bit: u32| info.positive()[(bit / 64) as usize] & (1 << (bit % 64)) != 0;
        let mut used = 0;
        for bit in 0..info.nodes().len() as u32 {
            if !is_positive(bit) {
                continue;
            }
            if self.candidates.len() == used {
                self.candidates.push(Vec::new());
            }
            let list = &mut self.candidates[used];
            list.clear();
            list.extend(
                self.hits[range.clone()]
                    .iter()
                    .filter(|h| h.1 == bit && !h.3)
                    .map(|h| h.2),
            );
            if list.is_empty() {
                return Ok(false);
            }
            used += 1;
        }
        self.candidates[..used].sort_by_key(Vec::len);
        self.vetoes.clear();
        for h in &self.hits[range] {
            if h.3 && !is_positive(h.1) {
                self.vetoes.push(h.2);
            }
        }
        // A veto compatible with every candidate is compatible with every choice: no search.
        let candidates = &self.candidates[..used];
        if self
            .vetoes
            .iter()
            .any(|&v| candidates.iter().flatten().all(|&c| self.compatible(c, v)))
        {
            return Ok(false);
        }
        self.chosen.clear();
        self.steps = 0;
        self.choose(used)
    }

    /// Extends `self.chosen` with one compatible candidate per remaining condition, backtracking.
    /// Gives up after `STEP_BUDGET` candidate tries: an event can make this search exponential
    /// (many routes to the same fields and an `exists: false` that every choice violates), and
    /// an error is better than a hang.
    fn choose(&mut self, conditions: usize) -> Result<bool, TooComplex> {
        let depth = self.chosen.len();
        if depth == conditions {
            return Ok(!self
                .vetoes
                .iter()
                .any(|&v| self.chosen.iter().all(|&c| self.compatible(c, v))));
        }
        for k in 0..self.candidates[depth].len() {
            self.steps += 1;
            if self.steps > STEP_BUDGET {
                return Err(TooComplex);
            }
            let leaf = self.candidates[depth][k];
            if self.chosen.iter().all(|&c| self.compatible(c, leaf)) {
                self.chosen.push(leaf);
                if self.choose(conditions)? {
                    return Ok(true);
                }
                self.chosen.pop();
            }
        }
        Ok(false)
    }
}
