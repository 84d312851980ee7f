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
//! linear in the value and never backtracks. A string whose length no excluded string has is
//! excluded by none, which settles most values without a comparison.
//!
//! Per leaf, only the work that depends on the value is done. What depends only on the matchers
//! (which kinds the path has, the lengths of its exact and folded keys, the zones around numbers it
//! compares with, its ranges as closed intervals of doubles) is derived once after each change, on
//! the first match, like the interval index: a leaf then skips every kind the path lacks on one bit
//! test, and most numbers are compared on a cheap approximation without being parsed exactly.
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
use std::hash::{BuildHasher, Hasher};
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
    /// What matching needs that depends only on the matchers; built lazily, after each change.
    derived: OnceLock<Derived>,
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
        self.derived = OnceLock::new();
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
        self.derived = OnceLock::new();
        push(&mut self.absent, target);
    }

    /// Removes an `exists: false` test for `target`.
    pub(crate) fn remove_absent(&mut self, target: Target) {
        if pull(&mut self.absent, target) {
            self.count -= 1;
            self.derived = OnceLock::new();
        }
    }

    /// Removes what `add(matcher, target)` added.
    pub(crate) fn remove(&mut self, matcher: &Matcher, target: Target) {
        self.derived = OnceLock::new();
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
    ///
    /// Each kind of leaf has a function of its own, chosen here, where this is inlined (into the
    /// sink's `leaf`): a number on a numeric path is usually decided by a few comparisons, and
    /// inside one function with the string matchers it paid for their stack frame and registers,
    /// and for a jump table on the kind of leaf.
    #[inline(always)]
    pub(crate) fn match_leaf(&self, leaf: Leaf<'_>, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        match leaf {
            Leaf::Number(text, coarse) => self.match_number_leaf(text, coarse, out),
            _ => self.match_other_leaf(leaf, fold_buf, out),
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a leaf that is not a number.
    #[inline(never)]
    fn match_other_leaf(&self, leaf: Leaf<'_>, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        if let Leaf::String(s) = leaf {
            self.match_string_leaf(s, fold_buf, out)
        } else {
            self.match_literal_leaf(leaf, out)
        }
    }

    /// The matchers' facts, derived on the first use after a change.
    #[inline(always)]
    fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| self.derive())
    }

    /// `exists: true` hits and `exists: false` vetoes, which any leaf makes.
    #[inline(always)]
    fn emit_presence(&self, d: &Derived, out: &mut impl Emit) {
        if d.kinds & (EXISTS | ABSENT) != 0 {
            self.emit_present(out);
        }
    }

    /// [`emit_presence`](Self::emit_presence) for a path that has such conditions (out of line:
    /// the leaf functions need fewer registers without its loops).
    #[inline(never)]
    fn emit_present(&self, out: &mut impl Emit) {
        emit_all(&self.exists, out);
        for &t in &self.absent {
            out.emit(t, true);
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a number.
    #[inline(never)]
    fn match_number_leaf(&self, text: &[u8], coarse: Option<number::Coarse>, out: &mut impl Emit) {
        let d = self.derived();
        self.emit_presence(d, out);
        if d.kinds & NUMBER_KINDS != 0 {
            self.match_number(d, text, coarse, out)
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a string.
    #[inline(never)]
    fn match_string_leaf(&self, s: &str, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        let d = self.derived();
        self.emit_presence(d, out);
        if d.kinds & STRING_KINDS != 0 {
            self.match_string(d, s, fold_buf, out)
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a boolean or null.
    #[inline(never)]
    fn match_literal_leaf(&self, leaf: Leaf<'_>, out: &mut impl Emit) {
        let d = self.derived();
        self.emit_presence(d, out);
        match leaf {
            Leaf::Bool(b) => emit_all(if b { &self.trues } else { &self.falses }, out),
            Leaf::Null => emit_all(&self.nulls, out),
            // (Not reached through `match_leaf`.)
            Leaf::Number(..) | Leaf::String(_) => return,
        }
        self.emit_anything_but(out);
    }

    fn match_string(&self, d: &Derived, s: &str, fold_buf: &mut Vec<u8>, out: &mut impl Emit) {
        let bytes = s.as_bytes();
        // The folded value, when some matcher needs it. For an ASCII value it is the ASCII lower
        // case, of the same length: then the lengths of the folded keys can rule out a fold, and
        // anything-but ignoring case compares ignoring ASCII case without one.
        let ascii = d.kinds & FOLDING != 0 && s.is_ascii();
        let fold = d.kinds & FOLDING != 0
            && (!ascii
                || d.kinds & FOLDED_AFFIXES != 0
                || (d.kinds & FOLDED != 0 && has_length(d.folded_lengths, bytes.len())));
        if fold {
            fold_buf.clear();
            casefold::fold_into(s, fold_buf);
        }
        // (Paths with anything-but only skip all of these on one test.)
        if d.kinds & STRING_KINDS & !ANYTHING_BUT != 0 {
            if d.kinds & STRINGS != 0 && has_length(d.string_lengths, bytes.len()) {
                if let Some(ts) = self.strings.get(bytes) {
                    emit_all(ts, out);
                }
            }
            if d.kinds & PREFIXES != 0 {
                self.prefixes.matches(bytes, true, out);
            }
            if d.kinds & SUFFIXES != 0 {
                self.suffixes.matches(bytes, false, out);
            }
            if fold {
                if d.kinds & FOLDED != 0 {
                    if let Some(ts) = self.folded.get(fold_buf.as_slice()) {
                        emit_all(ts, out);
                    }
                }
                if d.kinds & FOLDED_AFFIXES != 0 {
                    self.folded_prefixes.matches(fold_buf, true, out);
                    self.folded_suffixes.matches(fold_buf, false, out);
                }
            }
            if d.kinds & WILDCARDS != 0 {
                self.wildcards.matches(bytes, |t| out.emit(t, false));
            }
            if d.kinds & CIDRS != 0 {
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
        }
        if d.kinds & ANYTHING_BUT != 0 {
            // Most values have a length that no excluded value has (when the folded value, if
            // compared, has the value's length: no exclusion folds, or the value is ASCII), and
            // then no exclusion holds.
            if d.kinds & EXCLUDED_PATTERNS == 0
                && (d.kinds & FOLDING == 0 || ascii)
                && !has_length(d.excluded_lengths, bytes.len())
            {
                self.emit_anything_but(out);
                return;
            }
            // (Without a fold, the value is ASCII, or no exclusion ignores case.)
            let folded = if fold {
                Folded::Bytes(fold_buf)
            } else {
                Folded::AsciiLowerCase
            };
            for (x, t) in &self.anything_but {
                if !x.excludes_string(bytes, folded) {
                    out.emit(*t, false);
                }
            }
        }
    }

    fn match_number(
        &self,
        d: &Derived,
        text: &[u8],
        coarse: Option<number::Coarse>,
        out: &mut impl Emit,
    ) {
        // Parsing a long number exactly costs more than everything else done with it, and most
        // numbers are far from every value the matchers compare with: then an approximation
        // within 2^-51 gives the same comparisons, and no equality can hold. Only numbers close
        // to a critical value are parsed exactly.
        // Most numbers are decided by their first eight digits (`coarse`, from the scanner);
        // then the finer approximation; only numbers within 2^-48 of a critical value are parsed.
        let (v, near) = match coarse {
            // Short numbers (eight digits or fewer) are known exactly at once.
            Some(c) if c.exact => (c.value, true),
            Some(c) if !in_zone(&d.coarse_zones, c.value) => (c.value, false),
            _ => closer_value(d, text),
        };
        // The usual work, a few ranges tested one by one (quicker than through the index), is
        // done here; the rest out of line, so that this function needs few registers.
        if d.kinds & (INDEXED_RANGES | ANYTHING_BUT) != 0 || (near && d.kinds & NUMBERS != 0) {
            self.match_number_rest(d, v, near, out);
        }
        for &(low, high, t) in d.ranges.iter() {
            if low <= v && v <= high {
                out.emit(t, false);
            }
        }
    }

    /// The part of [`match_number`](Self::match_number) for equality, for many ranges and for
    /// anything-but.
    #[inline(never)]
    fn match_number_rest(&self, d: &Derived, v: f64, near: bool, out: &mut impl Emit) {
        if near && d.kinds & NUMBERS != 0 {
            if let Some(ts) = self.numbers.get(&number::key_of(v)) {
                emit_all(ts, out);
            }
        }
        if d.kinds & INDEXED_RANGES != 0 {
            let index = self
                .range_index
                .get_or_init(|| build_range_index(&self.ranges));
            index.stab(NumKey::at(v), |t| out.emit(t, false));
        }
        if d.kinds & ANYTHING_BUT != 0 {
            for (x, t) in &self.anything_but {
                // Far from every excluded number, none can be equal.
                if !near || !x.excludes_number(v) {
                    out.emit(*t, false);
                }
            }
        }
    }

    fn derive(&self) -> Derived {
        let mut kinds = 0;
        for (present, kind) in [
            (!self.exists.is_empty(), EXISTS),
            (!self.absent.is_empty(), ABSENT),
            (!self.strings.is_empty(), STRINGS),
            (!self.prefixes.lengths.is_empty(), PREFIXES),
            (!self.suffixes.lengths.is_empty(), SUFFIXES),
            (!self.folded.is_empty(), FOLDED),
            (
                !self.folded_prefixes.lengths.is_empty()
                    || !self.folded_suffixes.lengths.is_empty(),
                FOLDED_AFFIXES,
            ),
            (self.folding > 0, FOLDING),
            (!self.wildcards.is_empty(), WILDCARDS),
            (!self.cidrs.is_empty(), CIDRS),
            (!self.anything_but.is_empty(), ANYTHING_BUT),
            (!self.numbers.is_empty(), NUMBERS),
            (!self.ranges.is_empty(), RANGES),
            (self.ranges.len() > LINEAR_RANGES, INDEXED_RANGES),
            (
                self.anything_but.iter().any(|(x, _)| {
                    matches!(
                        x,
                        Exclusion::Prefixes(_) | Exclusion::Suffixes(_) | Exclusion::Wildcards(_)
                    )
                }),
                EXCLUDED_PATTERNS,
            ),
        ] {
            if present {
                kinds |= kind;
            }
        }
        let mut critical: Vec<f64> = self.numbers.keys().map(|&k| f64::from_bits(k)).collect();
        let mut ranges = Vec::new();
        for &(r, t) in &self.ranges {
            for bound in [r.lower, r.upper] {
                if let Bound::Inclusive(b) | Bound::Exclusive(b) = bound {
                    critical.push(b);
                }
            }
            if self.ranges.len() <= LINEAR_RANGES {
                ranges.push((low_end(r.lower), high_end(r.upper), t));
            }
        }
        for (x, _) in &self.anything_but {
            if let Exclusion::Numbers(keys) = x {
                critical.extend(keys.iter().map(|&k| f64::from_bits(k)));
            }
        }
        Derived {
            kinds,
            string_lengths: length_bits(self.strings.key_lengths()),
            folded_lengths: length_bits(self.folded.key_lengths()),
            excluded_lengths: length_bits(self.anything_but.iter().flat_map(|(x, _)| {
                match x {
                    Exclusion::Strings(v) | Exclusion::IgnoreCase(v) => v.as_slice(),
                    _ => &[],
                }
                .iter()
                .map(|v| v.len())
            })),
            zones: zones(&mut critical, 48),
            coarse_zones: zones(&mut critical, 20),
            ranges: ranges.into_boxed_slice(),
        }
    }

    /// Every anything-but target: for values no exclusion holds for, such as booleans and null
    /// (anything-but only lists strings or numbers).
    fn emit_anything_but(&self, out: &mut impl Emit) {
        for (_, t) in &self.anything_but {
            out.emit(*t, false);
        }
    }
}

/// Kinds of matcher a path may have (bits of `Derived::kinds`).
const EXISTS: u32 = 1;
const ABSENT: u32 = 1 << 1;
const STRINGS: u32 = 1 << 2;
const PREFIXES: u32 = 1 << 3;
const SUFFIXES: u32 = 1 << 4;
/// Equals-ignore-case.
const FOLDED: u32 = 1 << 5;
/// Prefixes and suffixes ignoring case.
const FOLDED_AFFIXES: u32 = 1 << 6;
/// Any matcher that reads the folded value (these two, and anything-but ignoring case).
const FOLDING: u32 = 1 << 7;
const WILDCARDS: u32 = 1 << 8;
const CIDRS: u32 = 1 << 9;
const ANYTHING_BUT: u32 = 1 << 10;
const NUMBERS: u32 = 1 << 11;
const RANGES: u32 = 1 << 12;
/// Anything-but excluding prefixes, suffixes or wildcards (not only listed values).
const EXCLUDED_PATTERNS: u32 = 1 << 13;
/// More numeric ranges than are tested one by one (`LINEAR_RANGES`): they go through the index.
const INDEXED_RANGES: u32 = 1 << 14;
/// The kinds that can match a string, and a number.
const STRING_KINDS: u32 =
    STRINGS | PREFIXES | SUFFIXES | FOLDED | FOLDED_AFFIXES | WILDCARDS | CIDRS | ANYTHING_BUT;
const NUMBER_KINDS: u32 = NUMBERS | RANGES | ANYTHING_BUT;

/// What matching needs to know that depends only on a path's matchers, worked out once after each
/// change instead of at every leaf.
#[derive(Debug, Default, Clone)]
struct Derived {
    /// Which kinds of matcher the path has: a leaf skips every absent kind on one bit test, where
    /// probing an empty map, affix set or list costs a few dozen instructions each.
    kinds: u32,
    /// Bit `n` is set when some exact string has length `n` (bit 63: 63 or more). A value of
    /// another length needs no hashing and no probe.
    string_lengths: u64,
    /// The same for the folded (equals-ignore-case) keys.
    folded_lengths: u64,
    /// The same for the strings anything-but excludes (folded when ignoring case).
    excluded_lengths: u64,
    /// Half-open zones `[low, high)` around every number the numeric matchers compare with
    /// (equality values, range bounds, excluded numbers), sorted, disjoint and flattened: outside
    /// them, an approximation of a value compares with those numbers as the value itself does.
    zones: Box<[f64]>,
    /// Wider zones, of half-width 2^-20 relative, for `Spelling::coarse` values (within 10^-7 of
    /// the value): outside them, a coarse value compares as the value does.
    coarse_zones: Box<[f64]>,
    /// The numeric ranges as closed intervals of doubles (an open end moved to the next double,
    /// a missing end to an infinity), when there are few enough to test one by one.
    ranges: Box<[(f64, f64, Target)]>,
}

/// A number's value when its coarse value is not enough: an approximation within 2^-51 when that
/// is outside `d.zones` (and `false`), the correctly rounded value otherwise (and `true`). Out of
/// line: the exact parser's stack frame and registers would otherwise be paid by every number.
#[inline(never)]
fn closer_value(d: &Derived, text: &[u8]) -> (f64, bool) {
    match number::approximate(text) {
        Some(a) if !in_zone(&d.zones, a) => (a, false),
        _ => (number::value_of(text), true),
    }
}

/// Zone lists up to this long are searched by counting instead of by bisection.
const COUNTED_ZONES: usize = 16;

/// Whether `a` is inside one of `zones` (see `Derived::zones`), so that a closer value is needed.
/// A value outside the span of all zones (most values, and with one zone, all that are not in
/// it) is settled by two comparisons. Inside it, a short list is counted with independent
/// comparisons: a bisection is a chain of dependent loads and compares on the way from the
/// number's text to every test made with it.
#[inline]
fn in_zone(zones: &[f64], a: f64) -> bool {
    let [first, .., last] = zones else {
        return false; // (zones come in pairs: none at all)
    };
    if !(*first <= a && a < *last) {
        return false;
    }
    let below = if zones.len() <= COUNTED_ZONES {
        zones.iter().map(|&b| usize::from(b <= a)).sum()
    } else {
        zones.partition_point(|&b| b <= a)
    };
    below % 2 == 1
}

/// The length bit set (see `Derived::string_lengths`) of keys of `lengths`.
fn length_bits(lengths: impl Iterator<Item = usize>) -> u64 {
    lengths.fold(0, |bits, len| bits | 1 << len.min(63))
}

/// Whether a length bit set (see `Derived::string_lengths`) admits `len`.
#[inline]
fn has_length(lengths: u64, len: usize) -> bool {
    lengths >> len.min(63) & 1 != 0
}

/// The zones of `Derived::zones` around `critical` values, of half-width `2^-bits |c|`. An
/// approximation `a` within `e` of a value `v` (relative to `v`, and of the same sign and
/// zero-ness) compares with `c` as `v` does whenever `|a - c| > 2e |c|` (for small `e`). For
/// `Spelling::approximate` (`e` = 2^-51), `bits` = 48 is safe with room to spare for the rounding
/// of the zones' own ends; for `Spelling::coarse` (`e` < 1.01 * 10^-7 < 2^-23), 20 is. Around 0
/// the zone holds the zeros only.
fn zones(critical: &mut [f64], bits: u32) -> Box<[f64]> {
    critical.sort_by(f64::total_cmp);
    let mut zones: Vec<f64> = Vec::with_capacity(2 * critical.len());
    for &c in critical.iter() {
        let width = (c.abs() / (1u64 << bits) as f64).max(f64::MIN_POSITIVE);
        let (low, high) = (c - width, c + width);
        match zones.last_mut() {
            Some(end) if *end >= low => *end = end.max(high),
            _ => zones.extend([low, high]),
        }
    }
    zones.into_boxed_slice()
}

/// The least double a range with lower end `b` contains.
fn low_end(b: Bound) -> f64 {
    match b {
        Bound::Unbounded => f64::NEG_INFINITY,
        Bound::Inclusive(v) => v,
        Bound::Exclusive(v) => number::next_up(v),
    }
}

/// The greatest double a range with upper end `b` contains.
fn high_end(b: Bound) -> f64 {
    match b {
        Bound::Unbounded => f64::INFINITY,
        Bound::Inclusive(v) => v,
        Bound::Exclusive(v) => -number::next_up(-v),
    }
}

/// The folded form of a string value, for anything-but ignoring case.
#[derive(Clone, Copy)]
enum Folded<'a> {
    Bytes(&'a [u8]),
    /// The value is ASCII, so its folded form is its ASCII lower case (not made: comparing
    /// ignoring ASCII case is cheaper).
    AsciiLowerCase,
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
    fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The lengths of the keys.
    fn key_lengths(&self) -> impl Iterator<Item = usize> + '_ {
        self.table.iter().map(|e| e.key(&self.bytes).len())
    }

    /// The targets of `key`.
    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[Target]> {
        if self.table.is_empty() {
            return None; // many paths have no key of a kind: skip hashing the value
        }
        let e = self
            .table
            .find(hash(&self.hasher, key), |e| e.key(&self.bytes) == key)?;
        Some(if self.bytes[e.at as usize] & 1 != 0 {
            &self.many[e.target.sub as usize]
        } else {
            std::slice::from_ref(&e.target)
        })
    }

    /// Adds target `t` to `key`; returns whether the key is new.
    fn add(&mut self, key: &[u8], t: Target) -> bool {
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
        table.insert_unique(hash, entry, |e| self::hash(hasher, e.key(bytes)));
        true
    }

    /// Removes target `t` from `key`; returns whether it was there.
    fn remove(&mut self, key: &[u8], t: Target) -> bool {
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

    #[inline]
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

    fn excludes_string(&self, s: &[u8], folded: Folded<'_>) -> bool {
        match self {
            Exclusion::Strings(v) => v.iter().any(|x| same_bytes(x, s)),
            Exclusion::Numbers(_) => false,
            Exclusion::Prefixes(v) => v
                .iter()
                .any(|x| s.len() >= x.len() && same_bytes(x, &s[..x.len()])),
            Exclusion::Suffixes(v) => v
                .iter()
                .any(|x| s.len() >= x.len() && same_bytes(x, &s[s.len() - x.len()..])),
            Exclusion::IgnoreCase(v) => match folded {
                Folded::Bytes(f) => v.iter().any(|x| same_bytes(x, f)),
                // Folded keys have no upper-case ASCII, so this is `lower(s) == x`.
                Folded::AsciiLowerCase => v.iter().any(|x| same_ascii_lower(x, s)),
            },
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

/// Whether `a == b`. Strings of up to 16 bytes (what anything-but usually lists, and the
/// prefixes and suffixes it excludes) are compared inline, in at most two overlapping loads per
/// side: the call to `bcmp` that slice equality (and `starts_with`) makes costs more than that.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    same_words(a, b, |w| w)
}

/// Whether `x` is the ASCII lower case of `s`, which is ASCII; inline like [`same_bytes`], with
/// the upper-case letters of every word of `s` lowered at once.
#[inline(always)]
fn same_ascii_lower(x: &[u8], s: &[u8]) -> bool {
    same_words(x, s, |w| {
        // Bit 7 of each byte (all below 0x80): set in `w + 0x3f` from 'A' up, in `w + 0x25`
        // from 'Z' + 1 up. No byte carries into the next.
        let upper =
            (w + 0x3f3f_3f3f_3f3f_3f3f) & !(w + 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080;
        w | upper >> 2
    })
}

/// Whether `a` equals `b` mapped bytewise by `map`, which works on eight bytes in a `u64`
/// (fewer in its low bytes, the rest zero) and maps each byte on its own.
#[inline(always)]
fn same_words(a: &[u8], b: &[u8], map: impl Fn(u64) -> u64) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| {
        u64::from(u32::from_le_bytes(
            s[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let byte = |s: &[u8], at: usize| u64::from(s[at]);
    match n {
        0 => true,
        1..=3 => [0, n / 2, n - 1]
            .into_iter()
            .all(|at| byte(a, at) == map(byte(b, at))),
        4..=7 => half(a, 0) == map(half(b, 0)) && half(a, n - 4) == map(half(b, n - 4)),
        8..=16 => word(a, 0) == map(word(b, 0)) && word(a, n - 8) == map(word(b, n - 8)),
        _ => a
            .iter()
            .zip(b)
            .all(|(&x, &y)| u64::from(x) == map(u64::from(y))),
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
    use crate::pattern::Number;

    /// Targets hit (sorted, with their veto flag), from matching `leaf` against `index`.
    fn hits(index: &ValueIndex, leaf: Leaf<'_>) -> Vec<(u32, bool)> {
        struct Hits(Vec<(u32, bool)>);
        impl Emit for Hits {
            fn emit(&mut self, t: Target, veto: bool) {
                self.0.push((t.sub, veto));
            }
        }
        let mut out = Hits(Vec::new());
        index.match_leaf(leaf, &mut Vec::new(), &mut out);
        out.0.sort_unstable();
        out.0.dedup();
        out.0
    }

    fn target(sub: u32) -> Target {
        Target { sub, bit: 0 }
    }

    fn number(text: &str) -> Number {
        Number {
            value: number::value_of(text.as_bytes()),
            text: text.into(),
        }
    }

    /// Numbers spelled close to `c` (a decimal spelling of a number): its last digits moved up and
    /// down, more digits appended, and neighbours at relative distances from 10^-17 to 10^-3.
    fn spellings_near(c: &str, out: &mut Vec<String>) {
        out.push(c.to_string());
        for k in 1..=3 {
            for delta in [-1i8, 1] {
                let mut d = c.as_bytes().to_vec();
                let Some(i) = d.len().checked_sub(k) else {
                    continue;
                };
                if d[i].is_ascii_digit() {
                    d[i] = (d[i] as i8 + delta).clamp(b'0' as i8, b'9' as i8) as u8;
                    out.push(String::from_utf8(d).unwrap());
                }
            }
        }
        let dotted = if c.contains(['.', 'e']) {
            c.to_string()
        } else {
            format!("{c}.")
        };
        if !dotted.contains('e') {
            for tail in ["0", "1", "9", "0000001", "4999999", "5000001", "99999999"] {
                out.push(format!("{dotted}{tail}"));
            }
        }
        let v: f64 = c.parse().unwrap();
        // (Scales around 2^-20 ~ 9.5e-7 probe the edges of the zones for coarse values.)
        for scale in [
            1e-17, 1e-16, 3e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-9, 1e-8, 1e-7, 5e-7, 9e-7, 1e-6,
            2e-6, 1e-3,
        ] {
            for sign in [-1.0, 1.0] {
                let w = v + sign * v.abs().max(1e-300) * scale;
                out.push(format!("{w:e}"));
                out.push(format!("{w}"));
            }
        }
    }

    /// For critical value `c` and target base `b`: `= c` (b), `> c`, `>= c`, `< c`, `<= c`
    /// (b + 1 to b + 4), anything-but `c` (b + 5).
    fn add_comparisons(index: &mut ValueIndex, c: &str, base: u32) {
        let v = number(c).value;
        index.add(&Matcher::Number(number(c)), target(base), 100);
        for (k, (lower, upper)) in [
            (Bound::Exclusive(v), Bound::Unbounded),
            (Bound::Inclusive(v), Bound::Unbounded),
            (Bound::Unbounded, Bound::Exclusive(v)),
            (Bound::Unbounded, Bound::Inclusive(v)),
        ]
        .into_iter()
        .enumerate()
        {
            let r = Matcher::Numeric(NumericRange { lower, upper });
            index.add(&r, target(base + 1 + k as u32), 100);
        }
        let a = Matcher::AnythingBut(AnythingBut::Numbers(vec![number(c)]));
        index.add(&a, target(base + 5), 100);
    }

    #[test]
    fn numbers_near_critical_values_compare_exactly() {
        let critical = [
            "-122.42916360922355",
            "37.729900216217324",
            "-122.41600944012424",
            "0",
            "5",
            "0.1",
            "1e-7",
            "123456789012345678",
        ];
        // All comparisons on one path (ranges through the interval index), and each critical
        // value's on a path of its own (ranges tested one by one).
        let mut all = ValueIndex::default();
        let mut each = Vec::new();
        for (i, c) in critical.iter().enumerate() {
            add_comparisons(&mut all, c, 6 * i as u32);
            let mut index = ValueIndex::default();
            add_comparisons(&mut index, c, 6 * i as u32);
            each.push(index);
        }
        let mut texts = Vec::new();
        for c in critical {
            spellings_near(c, &mut texts);
            spellings_near(&format!("-{c}").replace("--", ""), &mut texts);
        }
        let mut checked = 0;
        for text in &texts {
            if number::json_number_len(text.as_bytes()) != Some(text.len()) {
                continue;
            }
            checked += 1;
            let v = number::value_of(text.as_bytes());
            let mut want = Vec::new();
            for (i, c) in critical.iter().enumerate() {
                let c = number(c).value;
                for (k, hit) in [v == c, v > c, v >= c, v < c, v <= c, v != c]
                    .into_iter()
                    .enumerate()
                {
                    if hit {
                        want.push((6 * i as u32 + k as u32, false));
                    }
                }
            }
            // With the coarse value the scanner works out (reading on into the rest of an event),
            // and without one.
            let in_event = format!("{text},\"next\":\"field\"}}");
            let coarse =
                number::spelling(in_event.as_bytes()).and_then(|n| n.coarse(in_event.as_bytes()));
            for leaf in [
                Leaf::Number(text.as_bytes(), coarse),
                Leaf::Number(text.as_bytes(), None),
            ] {
                assert_eq!(hits(&all, leaf), want, "{text} {leaf:?}");
                let got: Vec<_> = each.iter().flat_map(|index| hits(index, leaf)).collect();
                assert_eq!(got, want, "{text} {leaf:?} (ranges tested one by one)");
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn zone_spans_agree_with_counting() {
        // Lists of every length the counting and the bisection handle, values at, between and
        // outside the zones' ends.
        for n in [0usize, 1, 2, 3, 8, 9, 20] {
            let mut critical: Vec<f64> = (0..n).map(|i| i as f64 * 3.0 - 7.0).collect();
            let z = zones(&mut critical, 20);
            let counted = |a: f64| z.iter().filter(|&&b| b <= a).count() % 2 == 1;
            let mut probes = vec![f64::NEG_INFINITY, f64::INFINITY, f64::NAN, -1e9, 1e9];
            for &b in z.iter() {
                probes.extend([b, number::next_up(b), -number::next_up(-b)]);
            }
            probes.extend(critical.iter().map(|c| c + 1.5));
            for a in probes {
                assert_eq!(in_zone(&z, a), counted(a), "{n} zones, {a}");
            }
        }
    }

    #[test]
    fn closed_ranges_agree_with_contains() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.0,
            -1.0 - f64::EPSILON,
            -1.0,
            -1.0 + f64::EPSILON / 2.0,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            1.0,
            2.5,
            f64::MAX,
            f64::INFINITY,
        ];
        let finite = &values[1..values.len() - 1];
        for &a in finite {
            for lower in [Bound::Unbounded, Bound::Inclusive(a), Bound::Exclusive(a)] {
                for &b in finite {
                    for upper in [Bound::Unbounded, Bound::Inclusive(b), Bound::Exclusive(b)] {
                        let r = NumericRange { lower, upper };
                        let (low, high) = (low_end(lower), high_end(upper));
                        for &v in &values {
                            assert_eq!(low <= v && v <= high, r.contains(v), "{r:?} {v}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn skipped_kinds_and_lengths_hide_no_match() {
        let mut index = ValueIndex::default();
        let s = |x: &str| x.to_string();
        index.add(&Matcher::String(s("ST")), target(0), 100);
        index.add(&Matcher::EqualsIgnoreCase(s("Straße")), target(1), 100);
        index.add(&Matcher::EqualsIgnoreCase(s("avenue")), target(2), 100);
        let but = AnythingBut::IgnoreCase(vec![s("Mason"), s("ÉCOLE")]);
        index.add(&Matcher::AnythingBut(but), target(3), 100);
        let long = "x".repeat(70);
        index.add(&Matcher::String(long.clone()), target(4), 100);
        let longer = "x".repeat(71);
        for (value, want) in [
            ("ST", vec![0, 3]),
            ("st", vec![3]),
            ("STRASSE", vec![1, 3]),
            ("strasse", vec![1, 3]),
            ("AVENUE", vec![2, 3]),
            ("MASON", vec![]),
            ("mason", vec![]),
            ("école", vec![]),
            ("Ecole", vec![3]),
            ("ma\u{17f}on", vec![]), // (long s: not ASCII, folds to "mason")
            (long.as_str(), vec![3, 4]),
            (longer.as_str(), vec![3]),
        ] {
            let got: Vec<u32> = hits(&index, Leaf::String(value))
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            assert_eq!(got, want, "{value}");
        }
        index.add_absent(target(9));
        assert_eq!(hits(&index, Leaf::Bool(true)), vec![(3, false), (9, true)]);
        index.remove_absent(target(9));
        assert_eq!(hits(&index, Leaf::Bool(true)), vec![(3, false)]);
        assert_eq!(hits(&index, Leaf::Number(b"5", None)), vec![(3, false)]);
    }

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

    #[test]
    fn inline_compares_agree_with_slices() {
        // Every length up to 40, differing (or not) at each position, in every byte class the
        // lower-casing distinguishes ('@' and '[' border the upper-case letters).
        let alphabet = b"@AMZ[`amz{0~ ";
        for n in 0..40 {
            let base: Vec<u8> = (0..n).map(|i| alphabet[i % alphabet.len()]).collect();
            let lower = base.to_ascii_lowercase();
            assert!(same_bytes(&base, &base) && same_ascii_lower(&lower, &base));
            assert!(!same_bytes(&base, &[&base[..], b"a"].concat()));
            for at in 0..n {
                for &c in alphabet.iter().chain(b"\x80\xff") {
                    let mut other = base.clone();
                    other[at] = c;
                    assert_eq!(same_bytes(&base, &other), base == other);
                    if other.is_ascii() {
                        assert_eq!(
                            same_ascii_lower(&lower, &other),
                            lower.eq_ignore_ascii_case(&other)
                        );
                    }
                    let mut folded = lower.clone();
                    folded[at] = c.to_ascii_lowercase();
                    assert_eq!(
                        same_ascii_lower(&folded, &base),
                        folded.eq_ignore_ascii_case(&base),
                        "{n} {at} {c}"
                    );
                }
            }
        }
    }
}
