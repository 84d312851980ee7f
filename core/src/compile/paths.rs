//! The path trie: every field path some rule uses, one node per path segment.
//!
//! The event scanner walks it while reading the event, so a key that no rule mentions is skipped
//! with its whole value after one lookup. Keys are split at dots on both sides (patterns when they
//! are added, events while they are scanned), which is how EventBridge's dotted paths behave:
//! `{"a.b": ..}` and `{"a": {"b": ..}}` reach the same node.
//!
//! Nodes are reference-counted by the conditions that use them or their descendants; a node no
//! condition uses is removed, so deleting rules gives their memory back.

use super::values::ValueIndex;
use foldhash::HashMap;

/// Index of a node; the root is 0.
pub(crate) type NodeId = u32;

pub(crate) const ROOT: NodeId = 0;

/// Up to this many children are kept in a vector and searched linearly (faster than hashing for
/// the small fan-outs typical of events); beyond it, a hash map.
const FEW: usize = 8;

#[derive(Debug, Clone)]
enum Children {
    Few(Vec<(Box<[u8]>, NodeId)>),
    Many(HashMap<Box<[u8]>, NodeId>),
}

/// Byte-string equality; keys are short, and an inline loop beats a call to `memcmp` for them.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 16 {
        a.iter().zip(b).all(|(x, y)| x == y)
    } else {
        a == b
    }
}

impl Children {
    fn get(&self, key: &[u8]) -> Option<NodeId> {
        match self {
            Children::Few(v) => v.iter().find(|(k, _)| same(k, key)).map(|&(_, id)| id),
            Children::Many(m) => m.get(key).copied(),
        }
    }

    fn insert(&mut self, key: &[u8], id: NodeId) {
        match self {
            Children::Few(v) if v.len() < FEW => v.push((key.into(), id)),
            Children::Few(v) => {
                let mut m: HashMap<Box<[u8]>, NodeId> = v.drain(..).collect();
                m.insert(key.into(), id);
                *self = Children::Many(m);
            }
            Children::Many(m) => {
                m.insert(key.into(), id);
            }
        }
    }

    fn remove(&mut self, key: &[u8]) {
        match self {
            Children::Few(v) => {
                v.retain(|(k, _)| **k != *key);
                if v.is_empty() {
                    *v = Vec::new();
                }
            }
            Children::Many(m) => {
                m.remove(key);
                if m.len() <= FEW / 2 {
                    *self = Children::Few(m.drain().collect());
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Children::Few(v) => v.is_empty(),
            Children::Many(m) => m.is_empty(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PathNode {
    children: Children,
    parent: NodeId,
    depth: u32,
    segment: Box<[u8]>,
    /// Matchers on this exact path.
    pub values: Option<Box<ValueIndex>>,
    /// Conditions on this path or below it.
    users: u32,
    /// Sub-rules that need an array at this path resolved element by element (see `machine`).
    pub scope_users: u32,
    /// Nodes in this subtree (itself included) whose `scope_users` is not zero.
    pub scoped_below: u32,
}

impl PathNode {
    fn new(parent: NodeId, depth: u32, segment: &[u8]) -> Self {
        PathNode {
            children: Children::Few(Vec::new()),
            parent,
            depth,
            segment: segment.into(),
            values: None,
            users: 0,
            scope_users: 0,
            scoped_below: 0,
        }
    }
}

/// All paths in use.
#[derive(Debug, Clone)]
pub(crate) struct PathTrie {
    nodes: Vec<PathNode>,
    free: Vec<NodeId>,
}

impl Default for PathTrie {
    fn default() -> Self {
        PathTrie {
            nodes: vec![PathNode::new(ROOT, 0, b"")],
            free: Vec::new(),
        }
    }
}

impl PathTrie {
    pub(crate) fn node(&self, id: NodeId) -> &PathNode {
        &self.nodes[id as usize]
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut PathNode {
        &mut self.nodes[id as usize]
    }

    /// The node for `path`, created if needed, with one more user on it and its ancestors.
    pub(crate) fn acquire(&mut self, path: &[String]) -> NodeId {
        let mut at = ROOT;
        self.nodes[0].users += 1;
        for (depth, segment) in path.iter().enumerate() {
            let key = segment.as_bytes();
            at = match self.nodes[at as usize].children.get(key) {
                Some(next) => next,
                None => {
                    let node = PathNode::new(at, depth as u32 + 1, key);
                    let id = match self.free.pop() {
                        Some(id) => {
                            self.nodes[id as usize] = node;
                            id
                        }
                        None => {
                            self.nodes.push(node);
                            (self.nodes.len() - 1) as NodeId
                        }
                    };
                    self.nodes[at as usize].children.insert(key, id);
                    id
                }
            };
            self.nodes[at as usize].users += 1;
        }
        at
    }

    /// Takes one user off `id` and its ancestors, removing nodes nobody uses any more.
    pub(crate) fn release(&mut self, id: NodeId) {
        let mut at = id;
        loop {
            let node = &mut self.nodes[at as usize];
            node.users -= 1;
            let parent = node.parent;
            if at != ROOT && node.users == 0 {
                debug_assert!(node.children.is_empty());
                let segment = std::mem::take(&mut node.segment);
                *node = PathNode::new(ROOT, 0, b"");
                self.nodes[parent as usize].children.remove(&segment);
                self.free.push(at);
            }
            if at == ROOT {
                break;
            }
            at = parent;
        }
        if self.free.len() + 1 == self.nodes.len() {
            // Everything is gone: give the arena back.
            *self = PathTrie::default();
        }
    }

    /// The node reached from `from` by an event key, which may hold dots. Returns the node and
    /// whether the key was dotted (spanned several segments).
    #[inline]
    pub(crate) fn child(&self, from: NodeId, key: &[u8]) -> Option<(NodeId, bool)> {
        match &self.nodes[from as usize].children {
            Children::Few(v) => {
                // Segments never hold dots, so a whole-key hit is exact. A dotted key must start
                // with one of the (few) children's segments followed by a dot; checking that
                // costs less than looking for a dot in every key that misses.
                let mut dotted = None;
                for (segment, id) in v {
                    if same(segment, key) {
                        return Some((*id, false));
                    }
                    if key.len() > segment.len()
                        && key[segment.len()] == b'.'
                        && key.starts_with(segment)
                    {
                        dotted = Some((*id, &key[segment.len() + 1..]));
                    }
                }
                let (next, rest) = dotted?;
                self.child(next, rest).map(|(id, _)| (id, true))
            }
            Children::Many(m) => {
                if let Some(&id) = m.get(key) {
                    return Some((id, false));
                }
                let dot = key.iter().position(|&b| b == b'.')?;
                let next = m.get(&key[..dot])?;
                self.child(*next, &key[dot + 1..]).map(|(id, _)| (id, true))
            }
        }
    }

    #[inline]
    pub(crate) fn has_children(&self, id: NodeId) -> bool {
        !self.nodes[id as usize].children.is_empty()
    }

    /// The node of `path`, if it exists.
    pub(crate) fn find(&self, path: &[String]) -> Option<NodeId> {
        let mut at = ROOT;
        for segment in path {
            at = self.nodes[at as usize].children.get(segment.as_bytes())?;
        }
        Some(at)
    }

    /// The value indexes of all live nodes.
    pub(crate) fn nodes_with_values(
        &self,
    ) -> impl Iterator<Item = &super::values::ValueIndex> + '_ {
        self.nodes.iter().filter_map(|n| n.values.as_deref())
    }

    /// The parent of `node`, or `None` for the root.
    pub(crate) fn parent(&self, node: NodeId) -> Option<NodeId> {
        (node != ROOT).then(|| self.nodes[node as usize].parent)
    }

    /// Whether `ancestor` is `node` or lies on its path to the root.
    pub(crate) fn contains(&self, ancestor: NodeId, node: NodeId) -> bool {
        let target_depth = self.nodes[ancestor as usize].depth;
        let mut at = node;
        while self.nodes[at as usize].depth > target_depth {
            at = self.nodes[at as usize].parent;
        }
        at == ancestor
    }

    /// The ancestors of `node`, itself included, root excluded.
    pub(crate) fn lineage(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut at = node;
        std::iter::from_fn(move || {
            if at == ROOT {
                return None;
            }
            let current = at;
            at = self.nodes[at as usize].parent;
            Some(current)
        })
    }

    /// Number of live nodes (the root included).
    pub(crate) fn len(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}
