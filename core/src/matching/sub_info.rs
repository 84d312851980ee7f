//! What matching needs to know about a sub-rule, stored without allocating for the usual sizes.
//!
//! There is one `SubInfo` per sub-rule, so its size is paid per rule. Most sub-rules have at most
//! three conditions: then the path nodes and the positive mask are held inline, and a `SubInfo` is
//! 32 bytes with nothing on the heap (a boxed slice and a small vector took 48 and an
//! allocation). Wider sub-rules keep their nodes on the heap, behind one pointer; their mask stays
//! inline up to 64 conditions, because folding the hits of an event reads the mask (and the number
//! of mask words) of every sub-rule it touched, and a pointer to chase there would cost a cache
//! miss per sub-rule.

use crate::compile::paths::NodeId;

/// What matching needs to know about a sub-rule.
#[derive(Debug, Clone)]
pub(crate) struct SubInfo {
    /// The rule (name slot) the sub-rule belongs to.
    pub rule: u32,
    /// Up to three path nodes, `NO_NODE` after the last; when `wide` is set, `[words, ..]`: the
    /// number of mask words.
    nodes: [NodeId; 3],
    /// The positive mask, when it is one word.
    positive: u64,
    wide: Option<Box<Wide>>,
}

/// The nodes of a sub-rule of more than three conditions, and its mask when it is wider than a
/// word.
#[derive(Debug, Clone)]
struct Wide {
    nodes: Box<[NodeId]>,
    positive: Box<[u64]>,
}

/// Marks unused inline nodes (no trie has this many nodes).
const NO_NODE: NodeId = NodeId::MAX;

impl SubInfo {
    pub(crate) fn new(rule: u32, nodes: &[NodeId], positive: &[u64]) -> Self {
        match (nodes, positive) {
            (_, &[p]) if nodes.len() <= 3 => {
                let mut inline = [NO_NODE; 3];
                inline[..nodes.len()].copy_from_slice(nodes);
                SubInfo {
                    rule,
                    nodes: inline,
                    positive: p,
                    wide: None,
                }
            }
            _ => SubInfo {
                rule,
                nodes: [positive.len() as u32, NO_NODE, NO_NODE],
                positive: positive.first().copied().unwrap_or(0),
                wide: Some(Box::new(Wide {
                    nodes: nodes.into(),
                    positive: if positive.len() > 1 {
                        positive.into()
                    } else {
                        Box::default()
                    },
                })),
            },
        }
    }

    /// A free slot's placeholder.
    pub(crate) fn free() -> Self {
        SubInfo::new(u32::MAX, &[], &[0])
    }

    /// The path node of each condition, indexed by condition bit.
    #[inline]
    pub(crate) fn nodes(&self) -> &[NodeId] {
        match &self.wide {
            Some(w) => &w.nodes,
            None => {
                let n = self.nodes.iter().take_while(|&&n| n != NO_NODE).count();
                &self.nodes[..n]
            }
        }
    }

    /// Which condition bits are positive (not `exists: false`), one word per 64 conditions.
    #[inline]
    pub(crate) fn positive(&self) -> &[u64] {
        match &self.wide {
            Some(w) if self.words() > 1 => &w.positive,
            _ => std::slice::from_ref(&self.positive),
        }
    }

    /// The first word of the positive mask: all of it when [`words`](Self::words) is 1.
    #[inline]
    pub(crate) fn positive_word(&self) -> u64 {
        self.positive
    }

    /// Whether the sub-rule has one condition, a positive one (see [`Target::SOLE`]).
    ///
    /// [`Target::SOLE`]: crate::compile::Target::SOLE
    pub(crate) fn sole(&self) -> bool {
        self.wide.is_none() && self.positive == 1 && self.nodes[1] == NO_NODE
    }

    #[inline]
    pub(crate) fn words(&self) -> usize {
        match self.wide {
            Some(_) => self.nodes[0] as usize,
            None => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_holds() {
        for n in 0..6u32 {
            let nodes: Vec<NodeId> = (10..10 + n).collect();
            for words in [vec![5u64], vec![1, 2]] {
                let info = SubInfo::new(7, &nodes, &words);
                assert_eq!(info.nodes(), &nodes[..]);
                assert_eq!(info.positive(), &words[..]);
                assert_eq!(info.words(), words.len());
                assert_eq!(info.wide.is_some(), n > 3 || words.len() > 1);
            }
        }
        assert_eq!(std::mem::size_of::<SubInfo>(), 32);
    }
}
