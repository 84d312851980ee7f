//! Byte-string keys and their targets, stored for memory per rule.
//!
//! A path can hold a key per rule (an exact string, a prefix, a folded form, a wildcard's
//! anchored piece), so an entry is kept small: the key's bytes live in one arena per map, and a
//! key's single target (the usual case) is held inline. [`Targets`] is the same idea for lists
//! that are not keyed by bytes. [`Affixes`] adds the set of distinct key lengths, which turns
//! "which keys are prefixes of this value" into one probe per length.
//!
//! A target is an item of the machine (see `compile::items`): a condition, or a wildcard's slot
//! in `globs`.

use super::{push_slot, put_slot, ItemId};
use foldhash::HashMap;
use hashbrown::HashTable;
use std::hash::{BuildHasher, Hasher};
use std::ops::Deref;

/// The targets of one matcher key (or list). Most keys belong to one condition, so one target is
/// held inline, without an allocation; a key shared by several conditions holds a vector. 16
/// bytes, which matters in maps with a key per rule.
#[derive(Debug, Clone, Default)]
pub(crate) enum Targets {
    #[default]
    None,
    One(ItemId),
    // Boxed so that the enum is 16 bytes: a bare Vec would make every entry 8 bytes larger.
    #[allow(clippy::box_collection)]
    Many(Box<Vec<ItemId>>),
}

impl Deref for Targets {
    type Target = [ItemId];

    #[inline]
    fn deref(&self) -> &[ItemId] {
        match self {
            Targets::None => &[],
            Targets::One(t) => std::slice::from_ref(t),
            Targets::Many(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a Targets {
    type Item = &'a ItemId;
    type IntoIter = std::slice::Iter<'a, ItemId>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

pub(crate) fn push(ts: &mut Targets, t: ItemId) {
    *ts = match std::mem::take(ts) {
        Targets::None => Targets::One(t),
        Targets::One(first) => Targets::Many(Box::new(vec![first, t])),
        Targets::Many(mut v) => {
            push_slot(&mut v, t);
            Targets::Many(v)
        }
    };
}

pub(crate) fn pull(ts: &mut Targets, t: ItemId) -> bool {
    let Some(i) = ts.iter().position(|x| *x == t) else {
        return false;
    };
    *ts = match std::mem::take(ts) {
        Targets::Many(mut v) if v.len() > 2 => {
            v.swap_remove(i);
            if v.len() <= v.capacity() / 4 {
                v.shrink_to(v.len() * 2); // give memory back as the vector empties
            }
            Targets::Many(v)
        }
        Targets::Many(v) => Targets::One(v[1 - i]),
        Targets::One(_) | Targets::None => Targets::None,
    };
    true
}

pub(crate) fn pull_key<K, Q>(map: &mut HashMap<K, Targets>, key: &Q, t: ItemId) -> bool
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    let Some(ts) = map.get_mut(key) else {
        return false;
    };
    let removed = pull(ts, t);
    if ts.is_empty() {
        map.remove(key);
        if map.is_empty() {
            map.shrink_to_fit();
        }
    }
    removed
}

/// Byte-string keys (exact strings, prefixes, suffixes, folded forms) and their targets.
///
/// A path can hold a key per rule, so an entry is kept to 12 bytes: the key's place in one byte
/// arena and one target inline. (A map of boxed keys to target vectors took 40 bytes and an
/// allocation per key.) In the arena each key is preceded by a varint of its length, shifted left
/// by one, with the low bit set when the key has several targets: then they are in `many`, and
/// the entry's `target.sub` says where. Deleted keys leave their bytes in the arena until they are
/// half of it; then it is compacted.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyMap {
    table: HashTable<KeyEntry>,
    bytes: Vec<u8>,
    /// Arena bytes of deleted keys.
    garbage: usize,
    many: Vec<Vec<ItemId>>,
    free_many: Vec<u32>,
    hasher: foldhash::fast::RandomState,
}

#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    /// Where the key's header starts in the arena.
    at: u32,
    target: ItemId,
}

impl KeyEntry {
    /// Where the key's bytes are in the arena, and whether it has several targets.
    #[inline]
    fn place(&self, bytes: &[u8]) -> (std::ops::Range<usize>, bool) {
        let mut at = self.at as usize;
        let first = bytes[at];
        let mut header = u64::from(first & 0x7f);
        let mut shift = 7;
        at += 1;
        if first >= 0x80 {
            loop {
                let b = bytes[at];
                at += 1;
                header |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
        }
        (at..at + (header >> 1) as usize, first & 1 != 0)
    }

    #[inline]
    fn key<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        &bytes[self.place(bytes).0]
    }

    /// Where the key's header and bytes are in the arena.
    fn span(&self, bytes: &[u8]) -> std::ops::Range<usize> {
        self.at as usize..self.place(bytes).0.end
    }
}

impl KeyMap {
    pub(crate) fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// How many keys it holds.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// The lengths of the keys.
    pub(crate) fn key_lengths(&self) -> impl Iterator<Item = usize> + '_ {
        self.table.iter().map(|e| e.key(&self.bytes).len())
    }

    /// Calls `f` with every key and its targets.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8], &[ItemId])) {
        for e in self.table.iter() {
            let (place, many) = e.place(&self.bytes);
            let targets = if many {
                &self.many[e.target as usize][..]
            } else {
                std::slice::from_ref(&e.target)
            };
            f(&self.bytes[place], targets);
        }
    }

    /// The targets of `key`.
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> Option<&[ItemId]> {
        if self.table.is_empty() {
            return None; // many paths have no key of a kind: skip hashing the value
        }
        let e = self
            .table
            .find(hash(&self.hasher, key), |e| e.key(&self.bytes) == key)?;
        Some(if self.bytes[e.at as usize] & 1 != 0 {
            &self.many[e.target as usize]
        } else {
            std::slice::from_ref(&e.target)
        })
    }

    /// Adds target `t` to `key`; returns whether the key is new.
    pub(crate) fn add(&mut self, key: &[u8], t: ItemId) -> bool {
        let hash = hash(&self.hasher, key);
        let KeyMap {
            table,
            bytes,
            many,
            free_many,
            hasher,
            ..
        } = self;
        if let Some(e) = table.find_mut(hash, |e| e.key(bytes) == key) {
            let flag = &mut bytes[e.at as usize];
            if *flag & 1 != 0 {
                push_slot(&mut many[e.target as usize], t);
            } else {
                let list = vec![e.target, t];
                let index = put_slot(many, free_many, list);
                *flag |= 1;
                e.target = index;
            }
            return false;
        }
        let at = u32::try_from(bytes.len() + key.len() + 10)
            .map(|_| bytes.len() as u32)
            .expect("less than 4 GiB of keys on one path");
        let needed = key.len() + 10;
        if bytes.capacity() - bytes.len() < needed {
            bytes.reserve_exact(needed.max(bytes.len() / 8)); // grow by an eighth, as push_slot
        }
        let mut header = (key.len() as u64) << 1;
        while header >= 0x80 {
            bytes.push(header as u8 | 0x80);
            header >>= 7;
        }
        bytes.push(header as u8);
        bytes.extend_from_slice(key);
        let entry = KeyEntry { at, target: t };
        table.insert_unique(hash, entry, |e| self::hash(hasher, e.key(bytes)));
        true
    }

    /// Removes target `t` from `key`; returns whether it was there.
    pub(crate) fn remove(&mut self, key: &[u8], t: ItemId) -> bool {
        let hash = hash(&self.hasher, key);
        let KeyMap {
            table,
            bytes,
            many,
            free_many,
            garbage,
            ..
        } = self;
        let Ok(mut found) = table.find_entry(hash, |e| e.key(bytes) == key) else {
            return false;
        };
        let e = found.get_mut();
        if bytes[e.at as usize] & 1 != 0 {
            let index = e.target as usize;
            let list = &mut many[index];
            let Some(i) = list.iter().position(|x| *x == t) else {
                return false;
            };
            list.swap_remove(i);
            if list.len() == 1 {
                e.target = list[0];
                bytes[e.at as usize] &= !1;
                many[index] = Vec::new();
                free_many.push(index as u32);
                if free_many.len() == many.len() {
                    *many = Vec::new();
                    *free_many = Vec::new();
                }
            } else if list.len() <= list.capacity() / 4 {
                list.shrink_to(list.len() * 2); // give memory back as the list empties
            }
            return true;
        }
        if e.target != t {
            return false;
        }
        *garbage += e.span(bytes).len();
        found.remove();
        if table.is_empty() {
            *self = KeyMap::default();
        } else if self.garbage > self.bytes.len() / 2 {
            self.compact();
        }
        true
    }

    /// Rewrites the arena without the bytes of deleted keys.
    fn compact(&mut self) {
        let mut bytes = Vec::with_capacity(self.bytes.len() - self.garbage);
        for e in self.table.iter_mut() {
            let span = e.span(&self.bytes);
            e.at = bytes.len() as u32;
            bytes.extend_from_slice(&self.bytes[span]);
        }
        self.bytes = bytes;
        self.garbage = 0;
        self.table
            .shrink_to_fit(|e| hash(&self.hasher, e.key(&self.bytes)));
    }
}

/// The hash of a `KeyMap` key. Written out rather than `hash_one`, whose slice `Hash` impl (a
/// length prefix, then the bytes) the compiler may leave uninlined: the call then costs more
/// than hashing a short key. (The key's length still enters the hash, as a rotation.)
#[inline(always)]
fn hash(hasher: &foldhash::fast::RandomState, key: &[u8]) -> u64 {
    let mut h = hasher.build_hasher();
    h.write(key);
    h.finish()
}

/// Prefixes (or suffixes) keyed by their bytes, with the set of distinct lengths present.
#[derive(Debug, Default, Clone)]
pub(crate) struct Affixes {
    map: KeyMap,
    /// Distinct lengths, ascending, each with how many keys have it.
    pub(crate) lengths: Vec<(usize, u32)>,
}

impl Affixes {
    /// The targets of `key`.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&[ItemId]> {
        self.map.get(key)
    }

    pub(crate) fn add(&mut self, key: &[u8], t: ItemId) {
        if self.map.add(key, t) {
            match self.lengths.binary_search_by_key(&key.len(), |&(l, _)| l) {
                Ok(i) => self.lengths[i].1 += 1,
                Err(i) => self.lengths.insert(i, (key.len(), 1)),
            }
        }
    }

    pub(crate) fn remove(&mut self, key: &[u8], t: ItemId) -> bool {
        let removed = self.map.remove(key, t);
        if removed && self.map.get(key).is_none() {
            if let Ok(i) = self.lengths.binary_search_by_key(&key.len(), |&(l, _)| l) {
                self.lengths[i].1 -= 1;
                if self.lengths[i].1 == 0 {
                    self.lengths.remove(i);
                }
            }
        }
        removed
    }

    /// Calls `f` with the targets of every key that is a prefix (or a suffix) of `value`.
    #[inline]
    pub(crate) fn matches(&self, value: &[u8], prefix: bool, mut f: impl FnMut(ItemId)) {
        for &(len, _) in &self.lengths {
            if len > value.len() {
                break;
            }
            let part = if prefix {
                &value[..len]
            } else {
                &value[value.len() - len..]
            };
            if let Some(ts) = self.map.get(part) {
                ts.iter().for_each(|&t| f(t));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(sub: u32) -> ItemId {
        sub
    }

    fn sorted(ts: Option<&[ItemId]>) -> Vec<u32> {
        let mut v: Vec<u32> = ts.unwrap_or_default().to_vec();
        v.sort();
        v
    }

    /// Keys go from one target to many and back, deleted keys' bytes are compacted away, and an
    /// emptied map holds nothing.
    #[test]
    fn key_map_adds_and_removes() {
        let mut m = KeyMap::default();
        let key = |i: u32| format!("key-{i}").into_bytes();
        for i in 0..100 {
            assert!(m.add(&key(i), t(i)));
        }
        for i in 0..100 {
            assert!(!m.add(&key(i % 10), t(1000 + i)));
        }
        assert_eq!(
            sorted(m.get(&key(3))),
            [3, 1003, 1013, 1023, 1033, 1043, 1053, 1063, 1073, 1083, 1093]
        );
        assert_eq!(sorted(m.get(&key(42))), [42]);
        assert_eq!(m.get(b"key-"), None);
        assert!(!m.remove(&key(42), t(43)));
        for i in 10..100 {
            assert!(m.remove(&key(i), t(i)));
            assert_eq!(m.get(&key(i)), None);
        }
        assert!(m.bytes.len() < 100 * 6, "compacted: {}", m.bytes.len());
        for i in 0..100 {
            assert!(m.remove(&key(i % 10), t(1000 + i)));
        }
        assert!(m.many.is_empty() && m.free_many.is_empty());
        for i in 0..10 {
            assert_eq!(sorted(m.get(&key(i))), [i]);
            assert!(m.remove(&key(i), t(i)));
        }
        assert!(m.table.is_empty() && m.table.capacity() == 0 && m.bytes.capacity() == 0);
    }

    /// Keys of every header size (one, two and three varint bytes) read back, alone or shared.
    #[test]
    fn key_map_long_keys() {
        let mut m = KeyMap::default();
        let key = |n: usize| vec![b'a' + (n % 26) as u8; n];
        let lengths = [0, 1, 63, 64, 65, 8191, 8192, 20000];
        for (i, &n) in lengths.iter().enumerate() {
            assert!(m.add(&key(n), t(i as u32)));
        }
        for (i, &n) in lengths.iter().enumerate().step_by(2) {
            assert!(!m.add(&key(n), t(100 + i as u32)));
        }
        for (i, &n) in lengths.iter().enumerate() {
            let expected = if i % 2 == 0 {
                vec![i as u32, 100 + i as u32]
            } else {
                vec![i as u32]
            };
            assert_eq!(sorted(m.get(&key(n))), expected, "{n}");
            assert_eq!(m.get(&[key(n), b"#".to_vec()].concat()), None);
        }
        for (i, &n) in lengths.iter().enumerate() {
            assert!(m.remove(&key(n), t(i as u32)));
        }
        for (i, &n) in lengths.iter().enumerate().step_by(2) {
            assert_eq!(sorted(m.get(&key(n))), [100 + i as u32]);
            assert!(m.remove(&key(n), t(100 + i as u32)));
        }
        assert!(m.table.is_empty() && m.bytes.capacity() == 0);
    }
}
