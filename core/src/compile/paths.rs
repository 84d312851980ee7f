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
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Index of a node; the root is 0.
pub(crate) type NodeId = u32;

pub(crate) const ROOT: NodeId = 0;

/// Up to this many children are kept in a vector and searched linearly (faster than hashing for
/// the small fan-outs typical of events); beyond it, a hash table of their ids, which finds a
/// child by the segment the child holds (a router can give a node a child per rule, `flag<N>`,
/// and a map keyed by a copy of each segment took 24 bytes an entry and an allocation).
const FEW: usize = 8;

/// A key as the scanner found it, with its first eight bytes loaded as one little-endian word
/// (zero-padded): most keys are short, and then comparing one with a segment is one comparison of
/// words and one of lengths, with no loop over bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<'a> {
    pub bytes: &'a [u8],
    word: u64,
    /// The 16 bytes the key starts, when the scanner found it in such a chunk: then whether it
    /// holds a dot is one compare away.
    chunk: Option<&'a [u8; 16]>,
}

impl<'a> Key<'a> {
    /// The key `bytes`, wherever it is.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Key {
            bytes,
            word: prefix_word(bytes),
            chunk: None,
        }
    }

    /// The key `text[start..end]`: its word is one unaligned load when eight bytes of `text`
    /// follow `start`, which is almost always (the rest of the event follows a key).
    #[inline]
    pub(crate) fn within(text: &'a [u8], start: usize, end: usize) -> Self {
        let bytes = &text[start..end];
        let word = match text.get(start..start + 8) {
            Some(eight) => {
                let w = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
                // The low `len` bytes, by table: key lengths vary around eight, and a branch on
                // them is mispredicted often.
                w & crate::number::LOW_BYTES[bytes.len().min(8)]
            }
            None => prefix_word(bytes),
        };
        Key {
            bytes,
            word,
            chunk: None,
        }
    }

    /// The key held in the first `len` bytes of `chunk` (`len` below 16), as
    /// [`short_plain`](crate::event::strings::short_plain) finds it: no bounds to check, and its
    /// dots found by one more compare of the chunk.
    #[inline(always)]
    pub(crate) fn in_chunk(chunk: &'a [u8; 16], len: usize) -> Self {
        let w = u64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
        let len = len.min(15);
        Key {
            bytes: &chunk[..len],
            word: w & crate::number::LOW_BYTES[len.min(8)],
            chunk: Some(chunk),
        }
    }

    /// Whether the key holds a dot, and so may span several segments.
    #[inline]
    fn dotted(&self) -> bool {
        match self.chunk {
            Some(chunk) => {
                crate::event::strings::byte_mask(chunk, b'.') & ((1 << self.bytes.len()) - 1) != 0
            }
            None => memchr::memchr(b'.', self.bytes).is_some(),
        }
    }
}

/// The first (up to) eight bytes of `bytes` as a little-endian word, zero-padded.
fn prefix_word(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .enumerate()
        .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i))
}

/// A child in a short list: its segment's word and length first, so that a probe touches one
/// cache line and compares two integers.
#[derive(Debug, Clone)]
struct Probe {
    word: u64,
    len: u32,
    id: NodeId,
    segment: Box<[u8]>,
}

impl Probe {
    #[inline]
    fn is(&self, key: Key<'_>) -> bool {
        self.word == key.word
            && self.len as usize == key.bytes.len()
            && (key.bytes.len() <= 8 || {
                // Short tails: an inline loop beats a call to `memcmp`.
                let (a, b) = (&self.segment[8..], &key.bytes[8..]);
                a.iter().zip(b).all(|(x, y)| x == y)
            })
    }
}

/// A one-word Bloom filter of a short list's keys: most event keys lead nowhere, and the filter
/// turns most of those away with one multiplication instead of a probe per child.
fn filter_bit(key: Key<'_>) -> u64 {
    let h = (key.word ^ key.bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    1 << (h >> 58)
}

#[derive(Debug, Clone)]
enum Children {
    /// The children, and the filter bits of their segments.
    Few(Vec<Probe>, u64),
    /// The children's ids, by the hash of their segments (see `FEW`); boxed, so that every node
    /// (most have no child or a few) is 8 bytes smaller.
    Many(Box<HashTable<NodeId>>),
}

/// What looking a child up in `Children::Many` needs: the nodes, which hold the segments, and the
/// hasher.
#[derive(Clone, Copy)]
struct Lookup<'a> {
    nodes: &'a [PathNode],
    hasher: &'a foldhash::fast::RandomState,
}

impl Lookup<'_> {
    #[inline]
    fn hash(&self, segment: &[u8]) -> u64 {
        self.hasher.hash_one(segment)
    }

    #[inline]
    fn find(&self, m: &HashTable<NodeId>, key: &[u8]) -> Option<NodeId> {
        m.find(self.hash(key), |&c| *self.nodes[c as usize].segment == *key)
            .copied()
    }

    /// Adds child `id`, whose segment is `key` (not yet in its node).
    fn put(&self, m: &mut HashTable<NodeId>, key: &[u8], id: NodeId) {
        m.insert_unique(self.hash(key), id, |&c| {
            self.hash(&self.nodes[c as usize].segment)
        });
    }
}

impl Children {
    fn get(&self, key: &[u8], lookup: Lookup<'_>) -> Option<NodeId> {
        match self {
            Children::Few(v, _) => v.iter().find(|p| *p.segment == *key).map(|p| p.id),
            Children::Many(m) => lookup.find(m, key),
        }
    }

    fn insert(&mut self, key: &[u8], id: NodeId, lookup: Lookup<'_>) {
        match self {
            Children::Few(v, filter) if v.len() < FEW => {
                let k = Key::new(key);
                *filter |= filter_bit(k);
                v.push(Probe {
                    word: k.word,
                    len: key.len() as u32,
                    id,
                    segment: key.into(),
                })
            }
            Children::Few(v, _) => {
                let mut m = HashTable::with_capacity(FEW * 2);
                for p in v.drain(..) {
                    lookup.put(&mut m, &p.segment, p.id);
                }
                lookup.put(&mut m, key, id);
                *self = Children::Many(Box::new(m));
            }
            Children::Many(m) => lookup.put(m, key, id),
        }
    }

    /// Removes child `id`, whose segment is `key`.
    fn remove(&mut self, key: &[u8], id: NodeId, lookup: Lookup<'_>) {
        match self {
            Children::Few(v, filter) => {
                v.retain(|p| *p.segment != *key);
                *filter = v
                    .iter()
                    .fold(0, |f, p| f | filter_bit(Key::new(&p.segment)));
                if v.is_empty() {
                    *v = Vec::new();
                }
            }
            Children::Many(m) => {
                if let Ok(entry) = m.find_entry(lookup.hash(key), |&c| c == id) {
                    entry.remove();
                }
                if m.len() <= FEW / 2 {
                    let mut few = Children::Few(Vec::new(), 0);
                    for c in m.drain() {
                        few.insert(&lookup.nodes[c as usize].segment, c, lookup);
                    }
                    *self = few;
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Children::Few(v, _) => v.is_empty(),
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
    /// Groups resolved at this path: conditions of a sub-rule that must hold within one value
    /// here (see `compile::items`).
    pub groups: u32,
    /// Nodes in this subtree (itself included) whose `groups` is not zero.
    pub groups_below: u32,
}

const _: () = assert!(std::mem::size_of::<PathNode>() == 80);

impl PathNode {
    /// How many segments the path has.
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    fn new(parent: NodeId, depth: u32, segment: &[u8]) -> Self {
        PathNode {
            children: Children::Few(Vec::new(), 0),
            parent,
            depth,
            segment: segment.into(),
            values: None,
            users: 0,
            groups: 0,
            groups_below: 0,
        }
    }
}

/// All paths in use.
#[derive(Debug, Clone)]
pub(crate) struct PathTrie {
    nodes: Vec<PathNode>,
    free: Vec<NodeId>,
    hasher: foldhash::fast::RandomState,
}

impl Default for PathTrie {
    fn default() -> Self {
        PathTrie {
            nodes: vec![PathNode::new(ROOT, 0, b"")],
            free: Vec::new(),
            hasher: Default::default(),
        }
    }
}

impl PathTrie {
    #[inline]
    fn lookup(&self) -> Lookup<'_> {
        Lookup {
            nodes: &self.nodes,
            hasher: &self.hasher,
        }
    }

    /// Changes the children of `id` with `f`, which may look at the other nodes.
    fn with_children(&mut self, id: NodeId, f: impl FnOnce(&mut Children, Lookup<'_>)) {
        let mut children = std::mem::replace(
            &mut self.nodes[id as usize].children,
            Children::Few(Vec::new(), 0),
        );
        f(&mut children, self.lookup());
        self.nodes[id as usize].children = children;
    }

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
            at = match self.nodes[at as usize].children.get(key, self.lookup()) {
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
                    self.with_children(at, |c, lookup| c.insert(key, id, lookup));
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
                self.with_children(parent, |c, lookup| c.remove(&segment, at, lookup));
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
    #[inline(always)]
    pub(crate) fn child(&self, from: NodeId, key: Key<'_>) -> Option<(NodeId, bool)> {
        if let Children::Few(v, filter) = &self.nodes[from as usize].children {
            if filter & filter_bit(key) != 0 {
                if let Some(p) = v.iter().find(|p| p.is(key)) {
                    return Some((p.id, false));
                }
            }
            // A dotted key must start with a child's segment followed by a dot; a key without
            // a dot where one could be is not looked at further.
            if !key.dotted()
                || !v
                    .iter()
                    .any(|p| key.bytes.get(p.len as usize) == Some(&b'.'))
            {
                return None;
            }
        }
        self.child_slow(from, key)
    }

    /// [`child`](Self::child) for many children and for keys that may be dotted.
    #[inline(never)]
    fn child_slow(&self, from: NodeId, key: Key<'_>) -> Option<(NodeId, bool)> {
        let bytes = key.bytes;
        let (next, rest) = match &self.nodes[from as usize].children {
            Children::Few(v, _) => {
                // Segments never hold dots, so a whole-key hit is exact.
                v.iter().find_map(|p| {
                    let l = p.segment.len();
                    (bytes.len() > l && bytes[l] == b'.' && bytes.starts_with(&p.segment))
                        .then(|| (p.id, &bytes[l + 1..]))
                })?
            }
            Children::Many(m) => {
                let lookup = self.lookup();
                if let Some(id) = lookup.find(m, bytes) {
                    return Some((id, false));
                }
                let dot = bytes.iter().position(|&b| b == b'.')?;
                (lookup.find(m, &bytes[..dot])?, &bytes[dot + 1..])
            }
        };
        self.child(next, Key::new(rest)).map(|(id, _)| (id, true))
    }

    #[inline]
    pub(crate) fn has_children(&self, id: NodeId) -> bool {
        !self.nodes[id as usize].children.is_empty()
    }

    /// The node of `path`, if it exists.
    pub(crate) fn find(&self, path: &[String]) -> Option<NodeId> {
        let mut at = ROOT;
        for segment in path {
            at = self.nodes[at as usize]
                .children
                .get(segment.as_bytes(), self.lookup())?;
        }
        Some(at)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(String::from).collect()
    }

    #[test]
    fn keys_loaded_in_place_equal_keys_built_byte_by_byte() {
        let text = b"abcdefghijklmnopq.rs";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let (a, b) = (Key::within(text, start, end), Key::new(&text[start..end]));
                assert_eq!((a.bytes, a.word), (b.bytes, b.word), "{start}..{end}");
                let dot = text[start..end].contains(&b'.');
                assert_eq!((a.dotted(), b.dotted()), (dot, dot), "{start}..{end}");
                if let Some(chunk) = text[start..].first_chunk::<16>() {
                    if end - start < 16 {
                        let c = Key::in_chunk(chunk, end - start);
                        assert_eq!(
                            (c.bytes, c.word, c.dotted()),
                            (b.bytes, b.word, dot),
                            "{start}..{end}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn whole_and_dotted_keys_of_every_length_around_a_word() {
        let mut trie = PathTrie::default();
        let segments: Vec<String> = (1..=18).map(|n| "k".repeat(n)).collect();
        let ids: Vec<NodeId> = segments
            .iter()
            .map(|s| trie.acquire(&path(&format!("{s}.{s}x"))))
            .collect();
        for (s, &id) in segments.iter().zip(&ids) {
            let parent = trie.find(&path(s)).expect("acquired");
            let whole = format!("{s}x");
            assert_eq!(
                trie.child(parent, Key::new(whole.as_bytes())),
                Some((id, false))
            );
            let dotted = format!("{s}.{s}x");
            assert_eq!(
                trie.child(ROOT, Key::new(dotted.as_bytes())),
                Some((id, true))
            );
            let near = format!("{s}.{s}y");
            assert_eq!(trie.child(ROOT, Key::new(near.as_bytes())), None);
        }
        assert_eq!(trie.child(ROOT, Key::new(b"kkkkkkkkkkkkkkkkkkk")), None);

        // Releasing paths shrinks the root's children back to a short list (with its filter
        // rebuilt); the paths left are still found, the released ones are not.
        for &id in &ids[..15] {
            trie.release(id);
        }
        for (n, s) in segments.iter().enumerate() {
            let dotted = format!("{s}.{s}x");
            let found = trie.child(ROOT, Key::new(dotted.as_bytes()));
            assert_eq!(found, (n >= 15).then(|| (ids[n], true)), "{dotted}");
        }
    }
}
