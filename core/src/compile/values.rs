//! The value index of one path: every matcher that any rule applies to that path, merged.
//!
//! A leaf value arriving at a path is tested against all of the path's matchers at once, and the
//! cost of that does not depend on how many rules use the path for the matcher kinds EventBridge
//! users have thousands of:
//!
//! * exact strings, numbers (by value), booleans and null: one hash lookup;
//! * prefixes and suffixes (and their ignore-case forms, on the case-folded value): one hash lookup
//!   per *distinct length* among the path's prefixes. This is a dictionary automaton flattened by
//!   length: it needs no per-byte trie nodes, which keeps memory per rule small;
//! * equals-ignore-case: one lookup of the folded value;
//! * numeric ranges and CIDR blocks: a stabbing query on an interval index, O(log n + answers).
//!   The index is rebuilt lazily, on the first match after a change (`OnceLock`), so adding many
//!   rules costs one build, not one per rule;
//! * `exists: true` and `exists: false`: lists hit by any leaf.
//!
//! * wildcards: one run of a DFA merging all of the path's wildcards (see `globs`).
//!
//! Anything-but matchers are tested one by one (linear in their number at this path); each test is
//! linear in the value and never backtracks.
//!
//! Storage is laid out for memory per rule, since a path can hold a key per rule: byte-string keys
//! live in one arena per map with 12-byte entries (`KeyMap`), and a key's targets are held inline
//! when there is one, which is the usual case (`Targets`, and `KeyMap`'s entries).

use super::globs::Globs;
use super::interval::IntervalIndex;
use super::{push_slot, Target};
use crate::casefold;
use crate::event::Leaf;
use crate::number;
use crate::pattern::{AnythingBut, Bound, IpRange, Matcher, NumericRange, Wildcard};
use foldhash::HashMap;
use hashbrown::HashTable;
use std::cmp::Ordering;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::OnceLock;

/// Up to this many numeric ranges on a path are tested directly; beyond, through the index.
const LINEAR_RANGES: usize = 8;

/// A hit on a target (`veto = false`), or a leaf that rules out an `exists: false` target.
pub(crate) trait Emit {
    fn emit(&mut self, target: Target, veto: bool);
}

/// All matchers on one path.
#[derive(Debug, Default, Clone)]
pub(crate) struct ValueIndex {
    strings: KeyMap,
    numbers: HashMap<u64, Targets>,
    trues: Targets,
    falses: Targets,
    nulls: Targets,
    prefixes: Affixes,
    suffixes: Affixes,
    folded: KeyMap,
    folded_prefixes: Affixes,
    folded_suffixes: Affixes,
    wildcards: Globs,
    ranges: Vec<(NumericRange, Target)>,
    range_index: OnceLock<IntervalIndex<NumKey, Target>>,
    /// Every number the path's matchers compare with (equality values, range bounds, excluded
    /// numbers), sorted; built lazily. See `match_number`.
    critical: OnceLock<Box<[f64]>>,
    cidrs: Vec<(IpRange, Target)>,
    cidr_index: OnceLock<[IntervalIndex<u128, Target>; 2]>,
    exists: Targets,
    anything_but: Vec<(Exclusion, Target)>,
    absent: Targets,
    /// How many matchers need the folded value.
    folding: usize,
    /// How many matchers in all (the index is empty when this is zero).
    count: usize,
}

impl ValueIndex {
    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds `matcher` for `target`; `wildcard_budget` is `Limits::max_wildcard_states`.
    pub(crate) fn add(&mut self, matcher: &Matcher, target: Target, wildcard_budget: usize) {
        self.count += 1;
        self.critical = OnceLock::new();
        match matcher {
            Matcher::String(s) => {
                self.strings.add(s.as_bytes(), target);
            }
            Matcher::Number(n) => push(
                self.numbers.entry(number::key_of(n.value)).or_default(),
                target,
            ),
            Matcher::Bool(true) => push(&mut self.trues, target),
            Matcher::Bool(false) => push(&mut self.falses, target),
            Matcher::Null => push(&mut self.nulls, target),
            Matcher::Prefix(s) => self.prefixes.add(s.as_bytes(), target),
            Matcher::Suffix(s) => self.suffixes.add(s.as_bytes(), target),
            Matcher::PrefixIgnoreCase(s) => {
                self.folding += 1;
                self.folded_prefixes
                    .add(casefold::fold(s).as_bytes(), target)
            }
            Matcher::SuffixIgnoreCase(s) => {
                self.folding += 1;
                self.folded_suffixes
                    .add(casefold::fold(s).as_bytes(), target)
            }
            Matcher::EqualsIgnoreCase(s) => {
                self.folding += 1;
                self.folded.add(casefold::fold(s).as_bytes(), target);
            }
            Matcher::Wildcard(w) => self.wildcards.add(w, target, wildcard_budget),
            Matcher::Numeric(r) => match r.equals_value() {
                Some(v) => push(self.numbers.entry(number::key_of(v)).or_default(), target),
                None => {
                    self.ranges.push((*r, target));
                    self.range_index = OnceLock::new();
                }
            },
            Matcher::Cidr(c) => {
                self.cidrs.push((c.clone(), target));
                self.cidr_index = OnceLock::new();
            }
            Matcher::Exists => push(&mut self.exists, target),
            Matcher::AnythingBut(a) => {
                let exclusion = Exclusion::new(a);
                if exclusion.folds() {
                    self.folding += 1;
                }
                self.anything_but.push((exclusion, target));
            }
        }
    }

    /// Adds an `exists: false` test for `target`.
    pub(crate) fn add_absent(&mut self, target: Target) {
        self.count += 1;
        push(&mut self.absent, target);
    }

    /// Removes an `exists: false` test for `target`.
    pub(crate) fn remove_absent(&mut self, target: Target) {
        if pull(&mut self.absent, target) {
            self.count -= 1;
        }
    }

    /// Removes what `add(matcher, target)` added.
    pub(crate) fn remove(&mut self, matcher: &Matcher, target: Target) {
        self.critical = OnceLock::new();
        let removed = match matcher {
            Matcher::String(s) => self.strings.remove(s.as_bytes(), target),
            Matcher::Number(n) => pull_key(&mut self.numbers, &number::key_of(n.value), target),
            Matcher::Bool(true) => pull(&mut self.trues, target),
            Matcher::Bool(false) => pull(&mut self.falses, target),
            Matcher::Null => pull(&mut self.nulls, target),
            Matcher::Prefix(s) => self.prefixes.remove(s.as_bytes(), target),
            Matcher::Suffix(s) => self.suffixes.remove(s.as_bytes(), target),
            Matcher::PrefixIgnoreCase(s) => {
                let r = self
                    .folded_prefixes
                    .remove(casefold::fold(s).as_bytes(), target);
                self.folding -= usize::from(r);
                r
            }
            Matcher::SuffixIgnoreCase(s) => {
                let r = self
                    .folded_suffixes
                    .remove(casefold::fold(s).as_bytes(), target);
                self.folding -= usize::from(r);
                r
            }
            Matcher::EqualsIgnoreCase(s) => {
                let r = self.folded.remove(casefold::fold(s).as_bytes(), target);
                self.folding -= usize::from(r);
                r
            }
            Matcher::Wildcard(w) => self.wildcards.remove(w, target),
            Matcher::Numeric(r) => match r.equals_value() {
                Some(v) => pull_key(&mut self.numbers, &number::key_of(v), target),
                None => {
                    self.range_index = OnceLock::new();
                    pull_pair(&mut self.ranges, |x| x == r, target)
                }
            },
            Matcher::Cidr(c) => {
                self.cidr_index = OnceLock::new();
                pull_pair(&mut self.cidrs, |x| x == c, target)
            }
            Matcher::Exists => pull(&mut self.exists, target),
            Matcher::AnythingBut(a) => {
                let exclusion = Exclusion::new(a);
                let r = pull_pair(&mut self.anything_but, |x| *x == exclusion, target);
                if r && exclusion.folds() {
                    self.folding -= 1;
                }
                r
            }
        };
        if removed {
            self.count -= 1;
        }
    }

    /// The path's wildcards, for the complexity check and measure.
    pub(crate) fn wildcards(&self) -> &Globs {
        &self.wildcards
    }

    /// Tests one leaf value against every matcher of the path.
    pub(crate) fn match_leaf(&self, leaf: Leaf<'_>, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        for &t in &self.exists {
            out.emit(t, false);
        }
        for &t in &self.absent {
            out.emit(t, true);
        }
        match leaf {
            Leaf::String(s) => self.match_string(s, fold_buf, out),
            Leaf::Number(text) => self.match_number(text, out),
            Leaf::Bool(b) => {
                emit_all(if b { &self.trues } else { &self.falses }, out);
                self.anything_but_other(out);
            }
            Leaf::Null => {
                emit_all(&self.nulls, out);
                self.anything_but_other(out);
            }
        }
    }

    fn match_string(&self, s: &str, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        let bytes = s.as_bytes();
        if let Some(ts) = self.strings.get(bytes) {
            emit_all(ts, out);
        }
        self.prefixes.matches(bytes, true, out);
        self.suffixes.matches(bytes, false, out);
        let folded: &[u8] = if self.folding > 0 {
            fold_buf.clear();
            casefold::fold_into(s, fold_buf);
            if let Some(ts) = self.folded.get(fold_buf.as_slice()) {
                emit_all(ts, out);
            }
            self.folded_prefixes.matches(fold_buf, true, out);
            self.folded_suffixes.matches(fold_buf, false, out);
            fold_buf
        } else {
            &[]
        };
        self.wildcards.matches(bytes, |t| out.emit(t, false));
        if !self.cidrs.is_empty() {
            if let Some(ip) = crate::pattern::parse_ip_bytes(bytes) {
                let [v4, v6] = self
                    .cidr_index
                    .get_or_init(|| build_cidr_index(&self.cidrs));
                match ip {
                    crate::pattern::Ip::V4(a) => v4.stab(a as u128, |t| out.emit(t, false)),
                    crate::pattern::Ip::V6(a) => v6.stab(a, |t| out.emit(t, false)),
                }
            }
        }
        for (x, t) in &self.anything_but {
            if !x.excludes_string(bytes, folded) {
                out.emit(*t, false);
            }
        }
    }

    fn match_number(&self, text: &[u8], out: &mut impl Emit) {
        if self.numbers.is_empty() && self.ranges.is_empty() && self.anything_but.is_empty() {
            return;
        }
        // Parsing a long number exactly costs more than everything else done with it, and most
        // numbers are far from every value the matchers compare with: then an approximation
        // within 2^-52 gives the same comparisons, and no equality can hold. Only numbers close
        // to a critical value are parsed exactly.
        let v = match number::approximate(text) {
            Some(a) if !self.near_critical(a) => a,
            _ => number::value_of(text),
        };
        if !self.numbers.is_empty() {
            if let Some(ts) = self.numbers.get(&number::key_of(v)) {
                emit_all(ts, out);
            }
        }
        if self.ranges.len() <= LINEAR_RANGES {
            // A few ranges are quicker to test one by one than through the index.
            for (r, t) in &self.ranges {
                if r.contains(v) {
                    out.emit(*t, false);
                }
            }
        } else {
            let index = self
                .range_index
                .get_or_init(|| build_range_index(&self.ranges));
            index.stab(NumKey::at(v), |t| out.emit(t, false));
        }
        for (x, t) in &self.anything_but {
            if !x.excludes_number(v) {
                out.emit(*t, false);
            }
        }
    }

    /// Whether `a` is within 2^-48 (relative) of a value the path's numeric matchers compare with.
    fn near_critical(&self, a: f64) -> bool {
        let critical = self.critical.get_or_init(|| self.critical_values());
        let i = critical.partition_point(|&c| c < a);
        let near = |c: f64| (a - c).abs() <= (a.abs().max(c.abs())) * (1.0 / (1u64 << 48) as f64);
        critical.get(i).is_some_and(|&c| near(c)) || (i > 0 && near(critical[i - 1]))
    }

    fn critical_values(&self) -> Box<[f64]> {
        let mut values: Vec<f64> = self.numbers.keys().map(|&k| f64::from_bits(k)).collect();
        for (r, _) in &self.ranges {
            for bound in [r.lower, r.upper] {
                if let Bound::Inclusive(b) | Bound::Exclusive(b) = bound {
                    values.push(b);
                }
            }
        }
        for (x, _) in &self.anything_but {
            if let Exclusion::Numbers(keys) = x {
                values.extend(keys.iter().map(|&k| f64::from_bits(k)));
            }
        }
        values.sort_by(f64::total_cmp);
        values.dedup();
        values.into_boxed_slice()
    }

    /// Booleans and null are never excluded by anything-but (which only lists strings or numbers).
    fn anything_but_other(&self, out: &mut impl Emit) {
        for (_, t) in &self.anything_but {
            out.emit(*t, false);
        }
    }
}

fn emit_all(ts: &[Target], out: &mut impl Emit) {
    for &t in ts {
        out.emit(t, false);
    }
}

/// The targets of one matcher key (or list). Most keys belong to one condition, so one target is
/// held inline, without an allocation; a key shared by several conditions holds a vector. 16
/// bytes, which matters in maps with a key per rule.
#[derive(Debug, Clone, Default)]
enum Targets {
    #[default]
    None,
    One(Target),
    // Boxed so that the enum is 16 bytes: a bare Vec would make every entry 8 bytes larger.
    #[allow(clippy::box_collection)]
    Many(Box<Vec<Target>>),
}

impl Deref for Targets {
    type Target = [Target];

    #[inline]
    fn deref(&self) -> &[Target] {
        match self {
            Targets::None => &[],
            Targets::One(t) => std::slice::from_ref(t),
            Targets::Many(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a Targets {
    type Item = &'a Target;
    type IntoIter = std::slice::Iter<'a, Target>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

fn push(ts: &mut Targets, t: Target) {
    *ts = match std::mem::take(ts) {
        Targets::None => Targets::One(t),
        Targets::One(first) => Targets::Many(Box::new(vec![first, t])),
        Targets::Many(mut v) => {
            push_slot(&mut v, t);
            Targets::Many(v)
        }
    };
}

fn pull(ts: &mut Targets, t: Target) -> bool {
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

fn pull_key<K, Q>(map: &mut HashMap<K, Targets>, key: &Q, t: Target) -> bool
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

fn pull_pair<M>(list: &mut Vec<(M, Target)>, same: impl Fn(&M) -> bool, t: Target) -> bool {
    match list.iter().position(|(m, x)| *x == t && same(m)) {
        Some(i) => {
            list.swap_remove(i);
            if list.is_empty() {
                *list = Vec::new();
            }
            true
        }
        None => false,
    }
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
struct KeyMap {
    table: HashTable<KeyEntry>,
    bytes: Vec<u8>,
    /// Arena bytes of deleted keys.
    garbage: usize,
    many: Vec<Vec<Target>>,
    free_many: Vec<u32>,
    hasher: foldhash::fast::RandomState,
}

#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    /// Where the key's header starts in the arena.
    at: u32,
    target: Target,
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
    /// The targets of `key`.
    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[Target]> {
        if self.table.is_empty() {
            return None; // many paths have no key of a kind: skip hashing the value
        }
        let e = self
            .table
            .find(self.hasher.hash_one(key), |e| e.key(&self.bytes) == key)?;
        Some(if self.bytes[e.at as usize] & 1 != 0 {
            &self.many[e.target.sub as usize]
        } else {
            std::slice::from_ref(&e.target)
        })
    }

    /// Adds target `t` to `key`; returns whether the key is new.
    fn add(&mut self, key: &[u8], t: Target) -> bool {
        let hash = self.hasher.hash_one(key);
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
                push_slot(&mut many[e.target.sub as usize], t);
            } else {
                let list = vec![e.target, t];
                let index = match free_many.pop() {
                    Some(i) => {
                        many[i as usize] = list;
                        i
                    }
                    None => {
                        push_slot(many, list);
                        (many.len() - 1) as u32
                    }
                };
                *flag |= 1;
                e.target = Target { sub: index, bit: 0 };
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
        table.insert_unique(hash, entry, |e| hasher.hash_one(e.key(bytes)));
        true
    }

    /// Removes target `t` from `key`; returns whether it was there.
    fn remove(&mut self, key: &[u8], t: Target) -> bool {
        let hash = self.hasher.hash_one(key);
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
            let index = e.target.sub as usize;
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
            .shrink_to_fit(|e| self.hasher.hash_one(e.key(&self.bytes)));
    }
}

/// Prefixes (or suffixes) keyed by their bytes, with the set of distinct lengths present.
#[derive(Debug, Default, Clone)]
struct Affixes {
    map: KeyMap,
    /// Distinct lengths, ascending, each with how many keys have it.
    lengths: Vec<(usize, u32)>,
}

impl Affixes {
    fn add(&mut self, key: &[u8], t: Target) {
        if self.map.add(key, t) {
            match self.lengths.binary_search_by_key(&key.len(), |&(l, _)| l) {
                Ok(i) => self.lengths[i].1 += 1,
                Err(i) => self.lengths.insert(i, (key.len(), 1)),
            }
        }
    }

    fn remove(&mut self, key: &[u8], t: Target) -> bool {
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

    fn matches(&self, value: &[u8], prefix: bool, out: &mut impl Emit) {
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
                emit_all(ts, out);
            }
        }
    }
}

/// What an anything-but excludes, ready for testing.
#[derive(Debug, Clone, PartialEq)]
enum Exclusion {
    Strings(Vec<Box<[u8]>>),
    Numbers(Vec<u64>),
    Prefixes(Vec<Box<[u8]>>),
    Suffixes(Vec<Box<[u8]>>),
    /// Folded forms.
    IgnoreCase(Vec<Box<[u8]>>),
    Wildcards(Vec<Wildcard>),
}

impl Exclusion {
    fn new(a: &AnythingBut) -> Self {
        let bytes = |v: &[String]| v.iter().map(|s| s.as_bytes().into()).collect();
        match a {
            AnythingBut::Strings(v) => Exclusion::Strings(bytes(v)),
            AnythingBut::Numbers(v) => {
                Exclusion::Numbers(v.iter().map(|n| number::key_of(n.value)).collect())
            }
            AnythingBut::Prefixes(v) => Exclusion::Prefixes(bytes(v)),
            AnythingBut::Suffixes(v) => Exclusion::Suffixes(bytes(v)),
            AnythingBut::IgnoreCase(v) => Exclusion::IgnoreCase(
                v.iter()
                    .map(|s| casefold::fold(s).into_bytes().into())
                    .collect(),
            ),
            AnythingBut::Wildcards(v) => Exclusion::Wildcards(v.clone()),
        }
    }

    fn folds(&self) -> bool {
        matches!(self, Exclusion::IgnoreCase(_))
    }

    fn excludes_string(&self, s: &[u8], folded: &[u8]) -> bool {
        match self {
            Exclusion::Strings(v) => v.iter().any(|x| **x == *s),
            Exclusion::Numbers(_) => false,
            Exclusion::Prefixes(v) => v.iter().any(|x| s.starts_with(x)),
            Exclusion::Suffixes(v) => v.iter().any(|x| s.ends_with(x)),
            Exclusion::IgnoreCase(v) => v.iter().any(|x| **x == *folded),
            Exclusion::Wildcards(v) => v.iter().any(|w| w.is_match(s)),
        }
    }

    fn excludes_number(&self, value: f64) -> bool {
        match self {
            Exclusion::Numbers(v) => v.contains(&number::key_of(value)),
            _ => false,
        }
    }
}

/// A point on the number line, or just below or above it: `(v, -1) < (v, 0) < (v, 1)`. Open range
/// ends become closed ends on these keys, so one closed-interval index serves every bound kind.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NumKey(f64, i8);

impl NumKey {
    fn at(v: f64) -> Self {
        NumKey(if v == 0.0 { 0.0 } else { v }, 0)
    }
}

impl Eq for NumKey {}

impl PartialOrd for NumKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NumKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

fn build_range_index(ranges: &[(NumericRange, Target)]) -> IntervalIndex<NumKey, Target> {
    let key = |v: f64, side: i8| NumKey(if v == 0.0 { 0.0 } else { v }, side);
    let intervals: Vec<_> = ranges
        .iter()
        .map(|(r, t)| {
            let low = match r.lower {
                Bound::Unbounded => None,
                Bound::Inclusive(v) => Some(key(v, 0)),
                Bound::Exclusive(v) => Some(key(v, 1)),
            };
            let high = match r.upper {
                Bound::Unbounded => None,
                Bound::Inclusive(v) => Some(key(v, 0)),
                Bound::Exclusive(v) => Some(key(v, -1)),
            };
            (low, high, *t)
        })
        .collect();
    IntervalIndex::build(&intervals)
}

fn build_cidr_index(cidrs: &[(IpRange, Target)]) -> [IntervalIndex<u128, Target>; 2] {
    let family = |v6: bool| {
        let intervals: Vec<_> = cidrs
            .iter()
            .filter(|(c, _)| c.is_v6() == v6)
            .map(|(c, t)| {
                let (lo, hi) = c.bounds();
                (Some(lo), Some(hi), *t)
            })
            .collect();
        IntervalIndex::build(&intervals)
    };
    [family(false), family(true)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(sub: u32) -> Target {
        Target { sub, bit: 0 }
    }

    fn sorted(ts: Option<&[Target]>) -> Vec<u32> {
        let mut v: Vec<u32> = ts.unwrap_or_default().iter().map(|t| t.sub).collect();
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
