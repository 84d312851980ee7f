//! The brute-force definition of array-consistent matching, for the rare events that reach a path
//! twice (see "Aliases" in the parent module).
//!
//! The event is scanned again; every leaf on a rule's path is recorded with its *trail* (which
//! element of which array it lies in) and the targets its path's value index emits for it. Then,
//! for each sub-rule the event touched: choose one leaf per positive condition among the leaves
//! that hit it, no two from different elements of one array; the sub-rule matches if some choice
//! leaves every `exists: false` condition without a leaf compatible with all the chosen ones.
//! The search backtracks, trying the condition with fewest candidates first.

use super::{Entry, Scratch, SubInfo};
use crate::compile::paths::{NodeId, PathTrie, ROOT};
use crate::error::EventError;
use crate::event::scan::{self, Sink};
use crate::event::Leaf;

/// A recorded leaf: its trail is `trails[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    start: u32,
    end: u32,
}

/// A target a leaf emitted: (sub-rule, condition bit, leaf, veto).
type Hit = (u32, u32, u32, bool);

struct Recorder<'a> {
    trie: &'a PathTrie,
    fold: &'a mut Vec<u8>,
    trail: Vec<(u32, u32)>,
    arrays: Vec<(u32, u32)>,
    next_array: u32,
    leaves: Vec<Recorded>,
    trails: Vec<(u32, u32)>,
    hits: Vec<Hit>,
    emitted: Vec<Entry>,
}

impl Sink for Recorder<'_> {
    type Node = NodeId;

    fn child(&mut self, node: NodeId, key: &[u8]) -> Option<NodeId> {
        self.trie.child(node, key).map(|(child, _)| child)
    }

    fn has_children(&self, node: NodeId) -> bool {
        self.trie.has_children(node)
    }

    fn has_values(&self, node: NodeId) -> bool {
        self.trie.node(node).values.is_some()
    }

    fn leaf(&mut self, node: NodeId, leaf: Leaf<'_>) {
        let Some(values) = &self.trie.node(node).values else {
            return;
        };
        self.emitted.clear();
        values.match_leaf(leaf, self.fold, &mut self.emitted);
        if self.emitted.is_empty() {
            return;
        }
        let index = self.leaves.len() as u32;
        let start = self.trails.len() as u32;
        self.trails.extend_from_slice(&self.trail);
        self.leaves.push(Recorded {
            start,
            end: self.trails.len() as u32,
        });
        for e in &self.emitted {
            for (mask, veto) in [(e.hits, false), (e.vetoes, true)] {
                let mut m = mask;
                while m != 0 {
                    let bit = m.trailing_zeros();
                    m &= m - 1;
                    self.hits.push((e.sub, e.word * 64 + bit, index, veto));
                }
            }
        }
    }

    fn array_start(&mut self, _node: NodeId) -> bool {
        self.arrays.push((self.next_array, 0));
        self.next_array += 1;
        true
    }

    fn element_start(&mut self, _node: NodeId) {
        let &(array, element) = self.arrays.last().expect("inside an array");
        self.trail.push((array, element));
    }

    fn element_end(&mut self, _node: NodeId) {
        self.trail.pop();
        if let Some(top) = self.arrays.last_mut() {
            top.1 += 1;
        }
    }

    fn array_end(&mut self, _node: NodeId) {
        self.arrays.pop();
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
    scratch: &mut Scratch,
) -> Result<(), EventError> {
    let mut buffers = std::mem::take(&mut scratch.buffers);
    let mut recorder = Recorder {
        trie,
        fold: &mut scratch.fold,
        trail: Vec::new(),
        arrays: Vec::new(),
        next_array: 0,
        leaves: Vec::new(),
        trails: Vec::new(),
        hits: Vec::new(),
        emitted: Vec::new(),
    };
    let scanned = scan::scan(event, ROOT, &mut recorder, max_depth, &mut buffers);
    scratch.buffers = buffers;
    scanned?;
    let Recorder {
        mut hits,
        leaves,
        trails,
        ..
    } = recorder;
    hits.sort_unstable();
    hits.dedup();
    let trail = |leaf: u32| {
        let r = leaves[leaf as usize];
        &trails[r.start as usize..r.end as usize]
    };
    let compatible = |a: u32, b: u32| {
        let (ta, tb) = (trail(a), trail(b));
        ta.iter()
            .all(|&(array, i)| tb.iter().all(|&(other, j)| array != other || i == j))
    };
    scratch.rules.clear();
    let mut i = 0;
    while i < hits.len() {
        let sub = hits[i].0;
        let j = i + hits[i..].iter().take_while(|h| h.0 == sub).count();
        let info = &subs[sub as usize];
        if info.positive.iter().any(|&p| p != 0) && sub_rule_holds(info, &hits[i..j], &compatible) {
            scratch.rules.push(info.rule);
        }
        i = j;
    }
    for &sub in absent_only {
        if hits.binary_search_by_key(&sub, |h| h.0).is_err() {
            scratch.rules.push(subs[sub as usize].rule);
        }
    }
    scratch.rules.sort_unstable();
    scratch.rules.dedup();
    Ok(())
}

/// Whether one sub-rule holds, given every hit and veto of its conditions.
fn sub_rule_holds(info: &SubInfo, hits: &[Hit], compatible: &impl Fn(u32, u32) -> bool) -> bool {
    let is_positive = |bit: u32| info.positive[(bit / 64) as usize] & (1 << (bit % 64)) != 0;
    let mut candidates: Vec<Vec<u32>> = Vec::new();
    for bit in 0..info.nodes.len() as u32 {
        if is_positive(bit) {
            let leaves: Vec<u32> = hits
                .iter()
                .filter(|h| h.1 == bit && !h.3)
                .map(|h| h.2)
                .collect();
            if leaves.is_empty() {
                return false;
            }
            candidates.push(leaves);
        }
    }
    candidates.sort_by_key(Vec::len);
    let vetoes: Vec<u32> = hits
        .iter()
        .filter(|h| h.3 && !is_positive(h.1))
        .map(|h| h.2)
        .collect();
    let mut chosen = Vec::with_capacity(candidates.len());
    choose(&candidates, &vetoes, &mut chosen, compatible)
}

fn choose(
    candidates: &[Vec<u32>],
    vetoes: &[u32],
    chosen: &mut Vec<u32>,
    compatible: &impl Fn(u32, u32) -> bool,
) -> bool {
    if chosen.len() == candidates.len() {
        return !vetoes
            .iter()
            .any(|&v| chosen.iter().all(|&c| compatible(c, v)));
    }
    for &leaf in &candidates[chosen.len()] {
        if chosen.iter().all(|&c| compatible(c, leaf)) {
            chosen.push(leaf);
            if choose(candidates, vetoes, chosen, compatible) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}
