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

use super::globs::Globs;
use super::interval::IntervalIndex;
use super::Target;
use crate::casefold;
use crate::event::Leaf;
use crate::number;
use crate::pattern::{AnythingBut, Bound, IpRange, Matcher, NumericRange, Wildcard};
use foldhash::HashMap;
use std::cmp::Ordering;
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
    strings: HashMap<Box<[u8]>, Targets>,
    numbers: HashMap<u64, Targets>,
    trues: Targets,
    falses: Targets,
    nulls: Targets,
    prefixes: Affixes,
    suffixes: Affixes,
    folded: HashMap<Box<[u8]>, Targets>,
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
                push(self.strings.entry(s.as_bytes().into()).or_default(), target)
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
                push(
                    self.folded
                        .entry(casefold::fold(s).into_bytes().into())
                        .or_default(),
                    target,
                )
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
            Matcher::String(s) => pull_key(&mut self.strings, s.as_bytes(), target),
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
                let r = pull_key(&mut self.folded, casefold::fold(s).as_bytes(), target);
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
            v.push(t);
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

/// Prefixes (or suffixes) keyed by their bytes, with the set of distinct lengths present.
#[derive(Debug, Default, Clone)]
struct Affixes {
    map: HashMap<Box<[u8]>, Targets>,
    /// Distinct lengths, ascending, each with how many keys have it.
    lengths: Vec<(usize, u32)>,
}

impl Affixes {
    fn add(&mut self, key: &[u8], t: Target) {
        let entry = self.map.entry(key.into()).or_default();
        if entry.is_empty() {
            match self.lengths.binary_search_by_key(&key.len(), |&(l, _)| l) {
                Ok(i) => self.lengths[i].1 += 1,
                Err(i) => self.lengths.insert(i, (key.len(), 1)),
            }
        }
        push(entry, t);
    }

    fn remove(&mut self, key: &[u8], t: Target) -> bool {
        let removed = pull_key(&mut self.map, key, t);
        if removed && !self.map.contains_key(key) {
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
