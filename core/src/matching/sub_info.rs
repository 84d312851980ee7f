//! What matching needs to know about a sub-rule, stored without allocating for the usual sizes.
//!
//! There is one `SubInfo` per sub-rule, so its size is paid per rule. Most sub-rules have one or
//! two conditions (at most 64, one mask word): then the path nodes and the positive mask are held
//! inline, and a `SubInfo` is 40 bytes with nothing on the heap (a boxed slice and a small vector
//! took 56 and an allocation). Both read as slices, as before.

use crate::compile::paths::NodeId;
use std::ops::Deref;

/// What matching needs to know about a sub-rule.
#[derive(Debug, Clone)]
pub(crate) struct SubInfo {
    /// The rule (name slot) the sub-rule belongs to.
    pub rule: u32,
    /// The path node of each condition, indexed by condition bit.
    pub nodes: Nodes,
    /// Which condition bits are positive (not `exists: false`), one word per 64 conditions.
    pub positive: Mask,
}

impl SubInfo {
    pub(crate) fn new(rule: u32, nodes: &[NodeId], positive: &[u64]) -> Self {
        SubInfo {
            rule,
            nodes: match *nodes {
                [a] => Nodes::Inline([a, NO_NODE]),
                [a, b] => Nodes::Inline([a, b]),
                _ => Nodes::Heap(nodes.into()),
            },
            positive: match *positive {
                [p] => Mask::One(p),
                _ => Mask::Heap(positive.into()),
            },
        }
    }

    /// A free slot's placeholder.
    pub(crate) fn free() -> Self {
        SubInfo::new(u32::MAX, &[], &[])
    }

    pub(crate) fn words(&self) -> usize {
        self.positive.len()
    }
}

/// Marks the second inline node as absent (no trie has this many nodes).
const NO_NODE: NodeId = NodeId::MAX;

/// Path nodes: up to two inline, more on the heap.
#[derive(Debug, Clone)]
pub(crate) enum Nodes {
    Heap(Box<[NodeId]>),
    Inline([NodeId; 2]),
}

impl Deref for Nodes {
    type Target = [NodeId];

    #[inline]
    fn deref(&self) -> &[NodeId] {
        match self {
            Nodes::Heap(v) => v,
            Nodes::Inline(v) if v[1] == NO_NODE => &v[..1],
            Nodes::Inline(v) => v,
        }
    }
}

/// Mask words: one inline, more on the heap.
#[derive(Debug, Clone)]
pub(crate) enum Mask {
    Heap(Box<[u64]>),
    One(u64),
}

impl Deref for Mask {
    type Target = [u64];

    #[inline]
    fn deref(&self) -> &[u64] {
        match self {
            Mask::Heap(v) => v,
            Mask::One(p) => std::slice::from_ref(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_holds() {
        for n in 0..5u32 {
            let nodes: Vec<NodeId> = (10..10 + n).collect();
            for words in [vec![5u64], vec![1, 2]] {
                let info = SubInfo::new(7, &nodes, &words);
                assert_eq!(&*info.nodes, &nodes[..]);
                assert_eq!(&*info.positive, &words[..]);
                assert_eq!(info.words(), words.len());
            }
        }
        assert_eq!(std::mem::size_of::<SubInfo>(), 40);
    }
}
