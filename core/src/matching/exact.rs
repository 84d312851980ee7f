//! The brute-force definition of array-consistent matching, for the rare events that reach a path
//! twice (see "Aliases" in the parent module).
//!
//! The event is scanned again; every leaf on a rule's path is recorded with its *trail* (which
//! element of which array it lies in) and the conditions its path's value index emits for it.
//! The sub-rules that could match are those reached from those conditions through trigger lists
//! (a sub-rule's trigger, or its group's, must be satisfied). For each: its groups are flattened
//! into its conditions; then choose one leaf per positive condition among the leaves that
//! satisfy it, no two from different elements of one array; the sub-rule matches if some choice
//! leaves every `exists: false` condition without a leaf compatible with all the chosen ones.
//! The search backtracks, trying the condition with fewest candidates first.

use super::{MatchScratch, Value};
use crate::compile::items::{Item, Items, ABSENT, ENTRY_ID, SUB_RULE};
use crate::compile::paths::{Key, NodeId, PathTrie, ROOT};
use crate::compile::values::{Emit, LeafScratch, ValueIndex};
use crate::compile::ItemId;
use crate::error::EventError;
use crate::event::scan::{self, ScanBuffers, Sink};
use crate::event::Leaf;

/// A recorded leaf: its trail is `trails[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    start: u32,
    end: u32,
    node: NodeId,
    /// Its value, when its path has anything-but conditions.
    value: Value,
}

/// Working memory of the brute-force decision, kept in [`MatchScratch`] so that it is reused.
#[derive(Debug, Default)]
pub(crate) struct ExactScratch {
    trail: Vec<(u32, u32)>,
    arrays: Vec<(u32, u32)>,
    leaves: Vec<Recorded>,
    trails: Vec<(u32, u32)>,
    /// (condition, leaf) for every condition a leaf satisfied, sorted.
    hits: Vec<(ItemId, u32)>,
    emitted: Emitted,
    bytes: Vec<u8>,
    fold: Vec<u8>,
    /// Items reached from the satisfied conditions, and the sub-rules among them.
    reached: Vec<ItemId>,
    subs: Vec<ItemId>,
    /// The flattened members of the sub-rule being decided, and the groups left to flatten.
    members: Vec<u32>,
    groups: Vec<ItemId>,
    candidates: Vec<Vec<u32>>,
    vetoes: Vec<u32>,
    chosen: Vec<u32>,
    steps: usize,
}

#[derive(Debug, Default)]
struct Emitted(Vec<ItemId>);

impl Emit for Emitted {
    fn emit(&mut self, c: ItemId) {
        self.0.push(c);
    }
}

/// Candidate tries one sub-rule's search may take.
const STEP_BUDGET: usize = 2_000_000;

/// The search gave up (see [`STEP_BUDGET`]).
struct TooComplex;

struct Recorder<'a> {
    trie: &'a PathTrie,
    leaf: &'a mut LeafScratch,
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
        s.emitted.0.clear();
        values.match_leaf(leaf, self.leaf, &mut s.emitted);
        if s.emitted.0.is_empty() && values.excluding() == 0 {
            return;
        }
        let index = s.leaves.len() as u32;
        let start = s.trails.len() as u32;
        s.trails.extend_from_slice(&s.trail);
        let value = if values.excluding() > 0 {
            Value::record(leaf, &mut s.bytes)
        } else {
            Value::Other
        };
        s.leaves.push(Recorded {
            start,
            end: s.trails.len() as u32,
            node: values.node,
            value,
        });
        s.hits.extend(s.emitted.0.iter().map(|&c| (c, index)));
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

    fn object_start(&mut self, _node: NodeId) {}

    fn object_end(&mut self, _node: NodeId) {}
}

/// Decides the event by the brute-force definition, leaving the matched rule slots, sorted and
/// distinct, in `scratch.rules`.
pub(crate) fn decide(
    event: &[u8],
    trie: &PathTrie,
    items: &Items,
    absent_only: &[ItemId],
    max_depth: usize,
    scratch: &mut MatchScratch,
    buffers: &mut ScanBuffers,
) -> Result<(), EventError> {
    let MatchScratch {
        exact, leaf, rules, ..
    } = scratch;
    for v in [&mut exact.trail, &mut exact.arrays, &mut exact.trails] {
        v.clear();
    }
    exact.leaves.clear();
    exact.hits.clear();
    exact.bytes.clear();
    let mut recorder = Recorder {
        trie,
        leaf,
        next_array: 0,
        s: exact,
    };
    scan::scan(event, ROOT, &mut recorder, max_depth, buffers)?;
    exact.hits.sort_unstable();
    exact.hits.dedup();
    exact.reach(items);
    rules.clear();
    for k in 0..exact.subs.len() {
        let sub = exact.subs[k];
        match exact.sub_rule_holds(items, sub) {
            Ok(true) => rules.push(items.rule(sub)),
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
    for &sub in absent_only {
        if exact.sub_rule_holds(items, sub).unwrap_or(false) {
            rules.push(items.rule(sub));
        }
    }
    rules.sort_unstable();
    rules.dedup();
    Ok(())
}

impl ExactScratch {
    /// The sub-rules reachable through trigger lists from the satisfied conditions, into `subs`.
    fn reach(&mut self, items: &Items) {
        self.reached.clear();
        self.subs.clear();
        self.reached.extend(self.hits.iter().map(|h| h.0));
        self.reached.dedup();
        let mut i = 0;
        while i < self.reached.len() {
            for &entry in items.triggers(self.reached[i]) {
                if entry & SUB_RULE == 0 {
                    self.reached.push(entry);
                } else {
                    self.subs.push(entry & ENTRY_ID);
                }
            }
            i += 1;
        }
        self.subs.sort_unstable();
        self.subs.dedup();
    }

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

    /// The leaves satisfying condition `c`, pushed to `out`.
    fn leaves_of(&mut self, items: &Items, c: ItemId, out: usize) {
        let from = self.hits.partition_point(|h| h.0 < c);
        let list = &mut self.candidates[out];
        list.clear();
        list.extend(
            self.hits[from..]
                .iter()
                .take_while(|h| h.0 == c)
                .map(|h| h.1),
        );
        if let Item::Cond(cond) = items.get(c) {
            if let Some(x) = items.excluded(cond) {
                for (i, leaf) in self.leaves.iter().enumerate() {
                    if leaf.node == cond.node
                        && leaf
                            .value
                            .passes(&x.exclusions, &self.bytes, &mut self.fold)
                    {
                        list.push(i as u32);
                    }
                }
                list.sort_unstable();
                list.dedup();
            }
        }
    }

    /// Whether sub-rule `sub` holds on the recorded leaves.
    fn sub_rule_holds(&mut self, items: &Items, sub: ItemId) -> Result<bool, TooComplex> {
        self.members.clear();
        self.groups.clear();
        self.groups.push(sub);
        while let Some(g) = self.groups.pop() {
            for m in items.members(items.group(g)) {
                match items.get(m & !ABSENT) {
                    Item::Group(_) => self.groups.push(m),
                    _ => self.members.push(m),
                }
            }
        }
        let members = std::mem::take(&mut self.members);
        let mut used = 0;
        self.vetoes.clear();
        for &m in &members {
            if m & ABSENT != 0 {
                let from = self.hits.partition_point(|h| h.0 < m & !ABSENT);
                let vetoes = self.hits[from..].iter().take_while(|h| h.0 == m & !ABSENT);
                self.vetoes.extend(vetoes.map(|h| h.1));
                continue;
            }
            if self.candidates.len() == used {
                self.candidates.push(Vec::new());
            }
            self.leaves_of(items, m, used);
            if self.candidates[used].is_empty() {
                self.members = members;
                return Ok(false);
            }
            used += 1;
        }
        self.members = members;
        self.candidates[..used].sort_by_key(Vec::len);
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
