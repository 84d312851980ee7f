//! The value index of one path: every matcher that any condition applies to that path, merged.
//!
//! A leaf value arriving at a path is tested against all of the path's matchers at once, and the
//! cost of that does not depend on how many rules use the path:
//!
//! * exact strings, numbers (by value), booleans and null: one hash lookup;
//! * prefixes and suffixes (and their ignore-case forms, on the case-folded value): one hash lookup
//!   per *distinct length* among the path's prefixes. This is a dictionary automaton flattened by
//!   length: it needs no per-byte trie nodes, which keeps memory per rule small;
//! * equals-ignore-case: one lookup of the folded value. Folding over-approximates EventBridge's
//!   per-character rule (see `casefold`), so each folded hit, here and for the ignore-case prefixes
//!   and suffixes, is checked by the rule against the pattern's text, kept beside the key
//!   (`ignore_case`); an ASCII value on a path whose ignore-case patterns are all ASCII needs no
//!   check, the fold being exact there. An ASCII equals-ignore-case text is not kept at all: its
//!   hit holds exactly for ASCII values (see [`ASCII_TEXT`]), which saves a router with a
//!   tenant name per rule the text and a map entry per rule;
//! * numeric ranges and CIDR blocks: a stabbing query on an interval index, O(log n + answers).
//!   The index is rebuilt lazily, on the first match after a change (`OnceLock`), so adding many
//!   rules costs one build, not one per rule;
//! * wildcards: the value's literal pieces looked up, then the wildcards having them tested (see
//!   `globs`);
//! * `exists: true`: a list hit by any leaf (an `exists: false` is the same item, turned);
//! * anything-but: the first few conditions of a path (up to [`EAGER_EXCLUSIONS`] matchers) are
//!   tested one by one, at each leaf, which is cheapest where a path has a few of them; the
//!   conditions beyond are tested later, only for the sub-rules that use them (see `exclusion`). A
//!   string whose length no excluded string has is excluded by none, which settles most values
//!   without a comparison.
//!
//! A matcher points at the *conditions* (interned items) whose lists contain it, not at rules: a
//! value shared by thousands of rules is one hit.
//!
//! Per leaf, only the work that depends on the value is done. What depends only on the matchers
//! (which kinds the path has, the lengths of its exact and folded keys, the zones around numbers it
//! compares with, its ranges as closed intervals of doubles) is derived once after each change, on
//! the first match, like the interval index: a leaf then skips every kind the path lacks on one bit
//! test, and most numbers are compared on a cheap approximation without being parsed exactly.
//!
//! Every matcher is stored in a map keyed by its value, so that adding and removing one costs a
//! hash update whatever the path holds (byte-string keys in `keys::KeyMap`, ranges and blocks by
//! their bounds).

use super::exclusion::{Exclusion, Folded};
use super::globs::Globs;
use super::interval::IntervalIndex;
use super::keys::{pull, pull_key, push, Affixes, KeyMap, Targets};
use super::paths::NodeId;
use super::ItemId;
use crate::casefold;
use crate::event::Leaf;
use crate::number;
use crate::pattern::{AnythingBut, Bound, IpRange, Matcher, NumericRange};
use foldhash::HashMap;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// Up to this many numeric ranges on a path are tested directly; beyond, through the index.
const LINEAR_RANGES: usize = 8;

/// Up to this many anything-but matchers on a path are tested at each leaf (see the module docs).
pub(crate) const EAGER_EXCLUSIONS: usize = 8;

/// Where the value indexes report the conditions a leaf satisfies.
pub(crate) trait Emit {
    fn emit(&mut self, item: ItemId);
}

/// Working memory of matching one leaf.
#[derive(Debug, Default)]
pub(crate) struct LeafScratch {
    /// The case-folded value.
    pub fold: Vec<u8>,
    /// Wildcard pieces found in the value.
    pub found: Vec<u32>,
}

// Numeric ranges and CIDR blocks are kept as byte-string keys (a `KeyMap` entry is 12 bytes and
// the key a few more in its arena, where a map keyed by the bounds took 48 and 64 bytes an entry,
// a router having one range or block per rule), and read back from them.

/// A numeric range's key: per bound, its kind (0 unbounded, 1 inclusive, 2 exclusive) and, when
/// bounded, the bits of its value.
fn range_key(r: &NumericRange) -> Vec<u8> {
    let mut key = Vec::with_capacity(18);
    for b in [r.lower, r.upper] {
        match b {
            Bound::Unbounded => key.push(0),
            Bound::Inclusive(v) | Bound::Exclusive(v) => {
                key.push(if matches!(b, Bound::Inclusive(_)) {
                    1
                } else {
                    2
                });
                key.extend_from_slice(&v.to_bits().to_le_bytes());
            }
        }
    }
    key
}

/// The range of a [`range_key`].
fn range_of(key: &[u8]) -> NumericRange {
    let mut at = 0;
    let mut bound = || {
        let kind = key[at];
        at += 1;
        if kind == 0 {
            return Bound::Unbounded;
        }
        let bits = u64::from_le_bytes(key[at..at + 8].try_into().expect("8 bytes"));
        at += 8;
        let v = f64::from_bits(bits);
        if kind == 1 {
            Bound::Inclusive(v)
        } else {
            Bound::Exclusive(v)
        }
    };
    let lower = bound();
    NumericRange {
        lower,
        upper: bound(),
    }
}

/// A CIDR block's key: its first and last address, 4 bytes each for IPv4, 16 for IPv6.
fn block_key(c: &IpRange) -> Vec<u8> {
    let (lo, hi) = c.bounds();
    if c.is_v6() {
        [lo.to_le_bytes(), hi.to_le_bytes()].concat()
    } else {
        [(lo as u32).to_le_bytes(), (hi as u32).to_le_bytes()].concat()
    }
}

/// The family (`true` for IPv6) and bounds of a [`block_key`].
fn block_of(key: &[u8]) -> (bool, u128, u128) {
    let half = key.len() / 2;
    let int = |bytes: &[u8]| {
        let mut b = [0u8; 16];
        b[..half].copy_from_slice(bytes);
        u128::from_le_bytes(b)
    };
    (half == 16, int(&key[..half]), int(&key[half..]))
}

/// All matchers on one path.
#[derive(Debug, Default, Clone)]
pub(crate) struct ValueIndex {
    /// The path's node: leaves recorded for anything-but name it.
    pub node: NodeId,
    /// How many conditions of this path have their anything-but matchers tested later (its
    /// leaves are recorded for them), and [`GROUP_NODE`] when groups are resolved at this path (a
    /// leaf here is a value they hold within): one word, which is not zero exactly when a leaf
    /// needs more than its matchers (see [`records`](Self::records)).
    lazy: u32,
    exists: Targets,
    /// The other matchers, and what is derived from them, apart: a router can have a path per
    /// rule that holds only `{"exists": true}` (`flag<N>`), and such a path should cost little
    /// memory (32 bytes here, where the derived facts alone take 88).
    more: Option<Box<More>>,
}

const _: () = assert!(std::mem::size_of::<ValueIndex>() == 32);

/// The flag of `ValueIndex::lazy` for a path where groups are resolved.
const GROUP_NODE: u32 = 1 << 31;

/// The matchers of a path other than `exists`.
#[derive(Debug, Default, Clone)]
struct More {
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
    ranges: KeyMap,
    range_index: OnceLock<IntervalIndex<NumKey, ItemId>>,
    cidrs: KeyMap,
    cidr_index: OnceLock<[IntervalIndex<u128, ItemId>; 2]>,
    /// Anything-but matchers tested at each leaf.
    anything_but: Vec<(Exclusion, ItemId)>,
    /// The text of each ignore-case matcher (by condition and [`IgnoreCase`] kind) but the ASCII
    /// equals-ignore-case ones: a folded key is a filter, and a hit is checked by the rule (see
    /// `casefold`).
    ignore_case: HashMap<(ItemId, IgnoreCase), Vec<Box<str>>>,
    /// How many of them are not ASCII: with none, an ASCII value's hits need no check.
    inexact: usize,
    /// How many matchers need the folded value.
    folding: u32,
    /// How many matchers it holds.
    count: u32,
    /// What matching needs that depends only on the matchers; built lazily, after each change.
    derived: OnceLock<Derived>,
}

impl More {
    fn add_text(&mut self, c: ItemId, kind: IgnoreCase, s: &str) {
        self.inexact += usize::from(!s.is_ascii());
        self.ignore_case
            .entry((c, kind))
            .or_default()
            .push(s.into());
    }

    fn remove_text(&mut self, removed: bool, c: ItemId, kind: IgnoreCase, s: &str) {
        if !removed {
            return;
        }
        if let Some(texts) = self.ignore_case.get_mut(&(c, kind)) {
            if let Some(i) = texts.iter().position(|t| **t == *s) {
                texts.swap_remove(i);
                self.inexact -= usize::from(!s.is_ascii());
            }
            if texts.is_empty() {
                self.ignore_case.remove(&(c, kind));
            }
        }
    }

    /// Whether some ignore-case matcher of kind `kind` in condition `c` accepts `s` by the rule
    /// (after its folded key matched).
    #[cold]
    fn spells(&self, c: ItemId, kind: IgnoreCase, s: &str) -> bool {
        self.ignore_case.get(&(c, kind)).is_some_and(|texts| {
            texts.iter().any(|t| match kind {
                IgnoreCase::Equals => casefold::equals(t, s),
                IgnoreCase::Prefix => casefold::starts_with(t, s),
                IgnoreCase::Suffix => casefold::ends_with(t, s),
            })
        })
    }

    /// The facts matching needs about these matchers.
    fn derive(&self) -> Derived {
        let mut kinds = 0;
        for (present, kind) in [
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
            (!self.numbers.is_empty(), NUMBERS),
            (!self.ranges.is_empty(), RANGES),
            (self.ranges.len() > LINEAR_RANGES, INDEXED_RANGES),
            (!self.anything_but.is_empty(), ANYTHING_BUT),
            (
                self.anything_but.iter().any(|(x, _)| x.is_pattern()),
                EXCLUDED_PATTERNS,
            ),
        ] {
            if present {
                kinds |= kind;
            }
        }
        let mut critical: Vec<f64> = self.numbers.keys().map(|&k| f64::from_bits(k)).collect();
        let mut ranges = Vec::new();
        self.ranges.for_each(|key, targets| {
            let r = range_of(key);
            for bound in [r.lower, r.upper] {
                if let Bound::Inclusive(b) | Bound::Exclusive(b) = bound {
                    critical.push(b);
                }
            }
            if self.ranges.len() <= LINEAR_RANGES {
                for &c in targets {
                    ranges.push((low_end(r.lower), high_end(r.upper), c));
                }
            }
        });
        for (x, _) in &self.anything_but {
            critical.extend(x.numbers().iter().map(|&k| f64::from_bits(k)));
        }
        Derived {
            kinds,
            string_lengths: length_bits(self.strings.key_lengths()),
            folded_lengths: length_bits(self.folded.key_lengths()),
            excluded_lengths: length_bits(
                self.anything_but
                    .iter()
                    .flat_map(|(x, _)| x.listed().iter().map(|v| v.len())),
            ),
            zones: zones(&mut critical, 48),
            coarse_zones: zones(&mut critical, 20),
            ranges: ranges.into_boxed_slice(),
        }
    }
}

impl ValueIndex {
    pub(crate) fn new(node: NodeId) -> Self {
        ValueIndex {
            node,
            ..ValueIndex::default()
        }
    }

    /// Whether leaves here need more than their matchers: an instance of their own (groups are
    /// resolved here) or a record (for anything-but tested later).
    #[inline(always)]
    pub(crate) fn records(&self) -> bool {
        self.lazy != 0
    }

    /// How many conditions of this path have their anything-but matchers tested later.
    #[inline(always)]
    pub(crate) fn excluding(&self) -> u32 {
        self.lazy & !GROUP_NODE
    }

    /// One more (`1`) or one fewer (`-1`) condition with anything-but matchers tested later.
    pub(crate) fn count_excluding(&mut self, change: i32) {
        self.lazy = self.lazy.wrapping_add_signed(change);
    }

    /// Whether groups are resolved at this path.
    #[inline(always)]
    pub(crate) fn group_node(&self) -> bool {
        self.lazy & GROUP_NODE != 0
    }

    pub(crate) fn set_group_node(&mut self, group_node: bool) {
        self.lazy = self.excluding() | if group_node { GROUP_NODE } else { 0 };
    }

    /// Whether nothing needs the index any more.
    pub(crate) fn is_empty(&self) -> bool {
        self.lazy == 0 && self.more.is_none() && matches!(self.exists, Targets::None)
    }

    /// Whether `more` anything-but matchers would still be tested at each leaf.
    pub(crate) fn takes_exclusions(&self, more: usize) -> bool {
        self.more.as_ref().map_or(0, |m| m.anything_but.len()) + more <= EAGER_EXCLUSIONS
    }

    /// The matchers other than `exists` (the caller knows, from the derived kinds, that there
    /// are some).
    #[inline(always)]
    fn more(&self) -> &More {
        self.more.as_deref().expect("the path has such matchers")
    }

    /// The conditions whose lists hold `matcher`, for a matcher the index keys (see [`keyed`]):
    /// how a condition is found from its matchers without a table of conditions (see
    /// `Items::find`). A path without an index holds none.
    pub(crate) fn holders<'a>(
        index: Option<&'a ValueIndex>,
        matcher: &Matcher,
    ) -> impl ExactSizeIterator<Item = ItemId> + 'a {
        let m = index.and_then(|index| index.more.as_deref());
        let found = m.and_then(|m| match matcher {
            Matcher::String(s) => m.strings.get(s.as_bytes()),
            Matcher::Number(n) => m.numbers.get(&number::key_of(n.value)).map(|t| &t[..]),
            Matcher::Numeric(r) => match r.equals_value() {
                Some(v) => m.numbers.get(&number::key_of(v)).map(|t| &t[..]),
                None => m.ranges.get(&range_key(r)),
            },
            Matcher::Prefix(s) => m.prefixes.get(s.as_bytes()),
            Matcher::Suffix(s) => m.suffixes.get(s.as_bytes()),
            Matcher::PrefixIgnoreCase(s) => m.folded_prefixes.get(casefold::fold(s).as_bytes()),
            Matcher::SuffixIgnoreCase(s) => m.folded_suffixes.get(casefold::fold(s).as_bytes()),
            Matcher::EqualsIgnoreCase(s) => m.folded.get(casefold::fold(s).as_bytes()),
            Matcher::Wildcard(w) => m.wildcards.get(w),
            Matcher::Cidr(block) => m.cidrs.get(&block_key(block)),
            Matcher::Bool(_) | Matcher::Null | Matcher::Exists | Matcher::AnythingBut(_) => None,
        });
        // (A folded key's targets may carry the `ASCII_TEXT` flag.)
        found.unwrap_or_default().iter().map(|&t| t & !ASCII_TEXT)
    }

    /// Adds `matcher` of condition `c` (an anything-but only when `takes_exclusions` allowed it
    /// for the condition).
    pub(crate) fn add(&mut self, matcher: &Matcher, c: ItemId) {
        if let Matcher::Exists = matcher {
            return push(&mut self.exists, c);
        }
        let m = self.more.get_or_insert_with(Default::default);
        m.derived = OnceLock::new();
        m.count += 1;
        m.folding += u32::from(matches!(
            matcher,
            Matcher::PrefixIgnoreCase(_)
                | Matcher::SuffixIgnoreCase(_)
                | Matcher::EqualsIgnoreCase(_)
                | Matcher::AnythingBut(AnythingBut::IgnoreCase(_))
        ));
        match matcher {
            Matcher::String(s) => {
                m.strings.add(s.as_bytes(), c);
            }
            Matcher::Number(n) => push(m.numbers.entry(number::key_of(n.value)).or_default(), c),
            Matcher::Numeric(r) if r.equals_value().is_some() => {
                let v = r.equals_value().expect("checked");
                push(m.numbers.entry(number::key_of(v)).or_default(), c);
            }
            Matcher::Bool(true) => push(&mut m.trues, c),
            Matcher::Bool(false) => push(&mut m.falses, c),
            Matcher::Null => push(&mut m.nulls, c),
            Matcher::Prefix(s) => m.prefixes.add(s.as_bytes(), c),
            Matcher::Suffix(s) => m.suffixes.add(s.as_bytes(), c),
            Matcher::PrefixIgnoreCase(s) => {
                m.add_text(c, IgnoreCase::Prefix, s);
                m.folded_prefixes.add(casefold::fold(s).as_bytes(), c)
            }
            Matcher::SuffixIgnoreCase(s) => {
                m.add_text(c, IgnoreCase::Suffix, s);
                m.folded_suffixes.add(casefold::fold(s).as_bytes(), c)
            }
            Matcher::EqualsIgnoreCase(s) if s.is_ascii() => {
                m.folded.add(casefold::fold(s).as_bytes(), c | ASCII_TEXT);
            }
            Matcher::EqualsIgnoreCase(s) => {
                m.add_text(c, IgnoreCase::Equals, s);
                m.folded.add(casefold::fold(s).as_bytes(), c);
            }
            Matcher::Wildcard(w) => m.wildcards.add(w, c),
            Matcher::Numeric(r) => {
                m.ranges.add(&range_key(r), c);
                m.range_index = OnceLock::new();
            }
            Matcher::Cidr(block) => {
                m.cidrs.add(&block_key(block), c);
                m.cidr_index = OnceLock::new();
            }
            Matcher::AnythingBut(a) => m.anything_but.push((Exclusion::new(a), c)),
            Matcher::Exists => unreachable!("kept outside `More`"),
        }
    }

    /// Removes what `add(matcher, c)` added.
    pub(crate) fn remove(&mut self, matcher: &Matcher, c: ItemId) {
        match matcher {
            Matcher::Exists => drop(pull(&mut self.exists, c)),
            _ => self.remove_more(matcher, c),
        }
    }

    /// [`remove`](Self::remove) for the matchers kept in [`More`].
    fn remove_more(&mut self, matcher: &Matcher, c: ItemId) {
        let Some(m) = &mut self.more else {
            return;
        };
        m.derived = OnceLock::new();
        let (removed, folds) = match matcher {
            Matcher::String(s) => (m.strings.remove(s.as_bytes(), c), false),
            Matcher::Number(n) => (pull_key(&mut m.numbers, &number::key_of(n.value), c), false),
            Matcher::Numeric(r) if r.equals_value().is_some() => {
                let v = r.equals_value().expect("checked");
                (pull_key(&mut m.numbers, &number::key_of(v), c), false)
            }
            Matcher::Bool(true) => (pull(&mut m.trues, c), false),
            Matcher::Bool(false) => (pull(&mut m.falses, c), false),
            Matcher::Null => (pull(&mut m.nulls, c), false),
            Matcher::Prefix(s) => (m.prefixes.remove(s.as_bytes(), c), false),
            Matcher::Suffix(s) => (m.suffixes.remove(s.as_bytes(), c), false),
            Matcher::PrefixIgnoreCase(s) => {
                let r = m.folded_prefixes.remove(casefold::fold(s).as_bytes(), c);
                m.remove_text(r, c, IgnoreCase::Prefix, s);
                (r, true)
            }
            Matcher::SuffixIgnoreCase(s) => {
                let r = m.folded_suffixes.remove(casefold::fold(s).as_bytes(), c);
                m.remove_text(r, c, IgnoreCase::Suffix, s);
                (r, true)
            }
            Matcher::EqualsIgnoreCase(s) if s.is_ascii() => (
                m.folded
                    .remove(casefold::fold(s).as_bytes(), c | ASCII_TEXT),
                true,
            ),
            Matcher::EqualsIgnoreCase(s) => {
                let r = m.folded.remove(casefold::fold(s).as_bytes(), c);
                m.remove_text(r, c, IgnoreCase::Equals, s);
                (r, true)
            }
            Matcher::Wildcard(w) => (m.wildcards.remove(w, c), false),
            Matcher::Numeric(r) => {
                m.range_index = OnceLock::new();
                (m.ranges.remove(&range_key(r), c), false)
            }
            Matcher::Cidr(block) => {
                m.cidr_index = OnceLock::new();
                (m.cidrs.remove(&block_key(block), c), false)
            }
            Matcher::AnythingBut(a) => {
                let exclusion = Exclusion::new(a);
                let at = m
                    .anything_but
                    .iter()
                    .position(|(x, t)| *t == c && *x == exclusion);
                if let Some(i) = at {
                    m.anything_but.swap_remove(i);
                }
                (at.is_some(), exclusion.folds())
            }
            Matcher::Exists => (false, false),
        };
        if removed {
            m.folding -= u32::from(folds);
            m.count -= 1;
            if m.count == 0 {
                self.more = None;
            }
        }
    }

    /// Tests one leaf value against every matcher of the path.
    ///
    /// Each kind of leaf has a function of its own, chosen here, where this is inlined (into the
    /// sink's `leaf`): a number on a numeric path is usually decided by a few comparisons, and
    /// inside one function with the string matchers it paid for their stack frame and registers,
    /// and for a jump table on the kind of leaf.
    #[inline(always)]
    pub(crate) fn match_leaf(
        &self,
        leaf: Leaf<'_>,
        scratch: &mut LeafScratch,
        out: &mut impl Emit,
    ) {
        match leaf {
            Leaf::Number(text, coarse) => self.match_number_leaf(text, coarse, out),
            _ => self.match_other_leaf(leaf, scratch, out),
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a leaf that is not a number.
    #[inline(never)]
    fn match_other_leaf(&self, leaf: Leaf<'_>, scratch: &mut LeafScratch, out: &mut impl Emit) {
        if let Leaf::String(s) = leaf {
            self.match_string_leaf(s, scratch, out)
        } else {
            self.match_literal_leaf(leaf, out)
        }
    }

    /// `exists: true` hits, which any leaf makes, and the facts about the other matchers, if
    /// the path has any (derived on the first use after a change).
    #[inline(always)]
    fn emit_presence(&self, out: &mut impl Emit) -> Option<&Derived> {
        if !self.exists.is_empty() {
            emit_all(&self.exists, out);
        }
        let m = self.more.as_deref()?;
        Some(m.derived.get_or_init(|| m.derive()))
    }

    /// [`match_leaf`](Self::match_leaf) for a number.
    #[inline(never)]
    fn match_number_leaf(&self, text: &[u8], coarse: Option<number::Coarse>, out: &mut impl Emit) {
        if let Some(d) = self.emit_presence(out) {
            if d.kinds & NUMBER_KINDS != 0 {
                self.match_number(d, text, coarse, out)
            }
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a string.
    #[inline(never)]
    fn match_string_leaf(&self, s: &str, scratch: &mut LeafScratch, out: &mut impl Emit) {
        if let Some(d) = self.emit_presence(out) {
            if d.kinds & STRING_KINDS != 0 {
                self.match_string(d, s, scratch, out)
            }
        }
    }

    /// [`match_leaf`](Self::match_leaf) for a boolean or null.
    #[inline(never)]
    fn match_literal_leaf(&self, leaf: Leaf<'_>, out: &mut impl Emit) {
        self.emit_presence(out);
        let Some(m) = &self.more else { return };
        match leaf {
            Leaf::Bool(b) => emit_all(if b { &m.trues } else { &m.falses }, out),
            Leaf::Null => emit_all(&m.nulls, out),
            // (Not reached through `match_leaf`.)
            Leaf::Number(..) | Leaf::String(_) => return,
        }
        self.emit_anything_but(out);
    }

    /// Every anything-but tested at leaves: for values no exclusion holds for, such as booleans
    /// and null (anything-but only lists strings or numbers).
    fn emit_anything_but(&self, out: &mut impl Emit) {
        if let Some(m) = &self.more {
            for &(_, c) in &m.anything_but {
                out.emit(c);
            }
        }
    }

    fn match_string(&self, d: &Derived, s: &str, scratch: &mut LeafScratch, out: &mut impl Emit) {
        let bytes = s.as_bytes();
        // The folded value, when some matcher needs it. For an ASCII value it is the ASCII lower
        // case, of the same length: then the lengths of the folded keys can rule out a fold, and
        // anything-but ignoring case compares ignoring ASCII case without one.
        let ascii = d.kinds & FOLDING != 0 && casefold::is_ascii(bytes);
        let fold = d.kinds & FOLDING != 0
            && (!ascii
                || d.kinds & FOLDED_AFFIXES != 0
                || (d.kinds & FOLDED != 0 && has_length(d.folded_lengths, bytes.len())));
        if fold {
            scratch.fold.clear();
            casefold::fold_into(s, &mut scratch.fold);
        }
        if d.kinds & STRING_KINDS & !ANYTHING_BUT != 0 {
            // Folded hits need no check for an ASCII value when every pattern is ASCII.
            let exact = ascii && self.more().inexact == 0;
            self.match_string_keys(d, s, fold, (ascii, exact), scratch, out);
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
                Folded::Bytes(&scratch.fold)
            } else {
                Folded::AsciiLowerCase
            };
            for (x, c) in &self.more().anything_but {
                if !x.excludes_string(bytes, folded) {
                    out.emit(*c);
                }
            }
        }
    }

    /// The part of [`match_string`](Self::match_string) for the matchers other than
    /// anything-but.
    #[inline(always)]
    fn match_string_keys(
        &self,
        d: &Derived,
        s: &str,
        fold: bool,
        (ascii, exact): (bool, bool),
        scratch: &mut LeafScratch,
        out: &mut impl Emit,
    ) {
        let bytes = s.as_bytes();
        let fold_buf = &scratch.fold;
        let m = self.more();
        if d.kinds & STRINGS != 0 && has_length(d.string_lengths, bytes.len()) {
            if let Some(ts) = m.strings.get(bytes) {
                emit_all(ts, out);
            }
        }
        if d.kinds & PREFIXES != 0 {
            m.prefixes.matches(bytes, true, |c| out.emit(c));
        }
        if d.kinds & SUFFIXES != 0 {
            m.suffixes.matches(bytes, false, |c| out.emit(c));
        }
        if fold {
            let checked = |c: ItemId, kind: IgnoreCase| exact || m.spells(c, kind, s);
            if d.kinds & FOLDED != 0 {
                if let Some(ts) = m.folded.get(fold_buf.as_slice()) {
                    for &t in ts {
                        let c = t & !ASCII_TEXT;
                        let spelled = if t & ASCII_TEXT != 0 {
                            ascii
                        } else {
                            checked(c, IgnoreCase::Equals)
                        };
                        if spelled {
                            out.emit(c);
                        }
                    }
                }
            }
            if d.kinds & FOLDED_AFFIXES != 0 {
                m.folded_prefixes.matches(fold_buf, true, |c| {
                    if checked(c, IgnoreCase::Prefix) {
                        out.emit(c)
                    }
                });
                m.folded_suffixes.matches(fold_buf, false, |c| {
                    if checked(c, IgnoreCase::Suffix) {
                        out.emit(c)
                    }
                });
            }
        }
        if d.kinds & WILDCARDS != 0 {
            m.wildcards
                .matches(bytes, &mut scratch.found, |c| out.emit(c));
        }
        if d.kinds & CIDRS != 0 {
            if let Some(ip) = crate::pattern::parse_ip_bytes(bytes) {
                let [v4, v6] = m.cidr_index.get_or_init(|| build_cidr_index(&m.cidrs));
                match ip {
                    crate::pattern::Ip::V4(a) => v4.stab(a as u128, |c| out.emit(c)),
                    crate::pattern::Ip::V6(a) => v6.stab(a, |c| out.emit(c)),
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
        for &(low, high, c) in d.ranges.iter() {
            if low <= v && v <= high {
                out.emit(c);
            }
        }
    }

    /// The part of [`match_number`](Self::match_number) for equality, for many ranges and for
    /// anything-but.
    #[inline(never)]
    fn match_number_rest(&self, d: &Derived, v: f64, near: bool, out: &mut impl Emit) {
        if near && d.kinds & NUMBERS != 0 {
            if let Some(ts) = self.more().numbers.get(&number::key_of(v)) {
                emit_all(ts, out);
            }
        }
        if d.kinds & INDEXED_RANGES != 0 {
            let m = self.more();
            let index = m.range_index.get_or_init(|| build_range_index(&m.ranges));
            index.stab(NumKey::at(v), |c| out.emit(c));
        }
        if d.kinds & ANYTHING_BUT != 0 {
            for (x, c) in &self.more().anything_but {
                // Far from every excluded number, none can be equal.
                if !near || !x.excludes_number(v) {
                    out.emit(*c);
                }
            }
        }
    }
}

/// Whether the value index keys `matcher`, so that [`ValueIndex::holders`] lists the conditions
/// holding it: every kind but booleans, null, `exists` and anything-but (lists any leaf or many
/// conditions share, or, beyond a path's first eight, not in the index at all).
pub(crate) fn keyed(matcher: &Matcher) -> bool {
    !matches!(
        matcher,
        Matcher::Bool(_) | Matcher::Null | Matcher::Exists | Matcher::AnythingBut(_)
    )
}

/// Flags a target of `More::folded` whose pattern text is ASCII, which is not kept: the fold of an
/// ASCII text is exact for ASCII values, and such a text accepts no other value (each of its
/// characters accepts an ASCII lower or upper case), so a hit holds exactly when the value is
/// ASCII. (Condition ids are below 2^30.)
const ASCII_TEXT: ItemId = 1 << 31;

/// The kinds of ignore-case matcher whose folded keys are filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum IgnoreCase {
    Equals,
    Prefix,
    Suffix,
}

/// Kinds of matcher a path may have besides `exists` (bits of `Derived::kinds`).
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
    ranges: Box<[(f64, f64, ItemId)]>,
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

fn emit_all(ts: &[ItemId], out: &mut impl Emit) {
    for &c in ts {
        out.emit(c);
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

fn build_range_index(ranges: &KeyMap) -> IntervalIndex<NumKey, ItemId> {
    let key = |v: f64, side: i8| NumKey(if v == 0.0 { 0.0 } else { v }, side);
    let mut intervals = Vec::new();
    ranges.for_each(|k, targets| {
        let r = range_of(k);
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
        intervals.extend(targets.iter().map(|&c| (low, high, c)));
    });
    IntervalIndex::build(&intervals)
}

fn build_cidr_index(cidrs: &KeyMap) -> [IntervalIndex<u128, ItemId>; 2] {
    let family = |v6: bool| {
        let mut intervals = Vec::new();
        cidrs.for_each(|key, targets| {
            let (is_v6, lo, hi) = block_of(key);
            if is_v6 == v6 {
                intervals.extend(targets.iter().map(|&c| (Some(lo), Some(hi), c)));
            }
        });
        IntervalIndex::build(&intervals)
    };
    [family(false), family(true)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Number;

    /// Conditions hit (sorted), from matching `leaf` against `index`.
    fn hits(index: &ValueIndex, leaf: Leaf<'_>) -> Vec<u32> {
        struct Hits(Vec<u32>);
        impl Emit for Hits {
            fn emit(&mut self, c: ItemId) {
                self.0.push(c);
            }
        }
        let mut out = Hits(Vec::new());
        index.match_leaf(leaf, &mut LeafScratch::default(), &mut out);
        out.0.sort_unstable();
        out.0.dedup();
        out.0
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

    /// For critical value `c` and condition base `b`: `= c` (b), `> c`, `>= c`, `< c`, `<= c`
    /// (b + 1 to b + 4).
    fn add_comparisons(index: &mut ValueIndex, c: &str, base: u32) {
        let v = number(c).value;
        index.add(&Matcher::Number(number(c)), base);
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
            index.add(&r, base + 1 + k as u32);
        }
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
                for (k, hit) in [v == c, v > c, v >= c, v < c, v <= c]
                    .into_iter()
                    .enumerate()
                {
                    if hit {
                        want.push(6 * i as u32 + k as u32);
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
        index.add(&Matcher::String(s("ST")), 0);
        index.add(&Matcher::EqualsIgnoreCase(s("Straße")), 1);
        index.add(&Matcher::EqualsIgnoreCase(s("avenue")), 2);
        index.add(&Matcher::EqualsIgnoreCase(s("Mason")), 3);
        index.add(&Matcher::EqualsIgnoreCase(s("ÉCOLE")), 3);
        let long = "x".repeat(70);
        index.add(&Matcher::String(long.clone()), 4);
        let longer = "x".repeat(71);
        for (value, want) in [
            ("ST", vec![0]),
            ("st", vec![]),
            ("STRASSE", vec![1]),
            ("strasse", vec![]), // (folds as "Straße" does, but `ß` accepts `ß` or `SS` only)
            ("AVENUE", vec![2]),
            ("MASON", vec![3]),
            ("mason", vec![3]),
            ("école", vec![3]),
            ("Ecole", vec![]),
            ("ma\u{17f}on", vec![]), // (long s folds to "s", but `s` accepts `s` or `S` only)
            ("STRAßE", vec![1]),
            (long.as_str(), vec![4]),
            (longer.as_str(), vec![]),
        ] {
            assert_eq!(hits(&index, Leaf::String(value)), want, "{value}");
        }
        // Patterns folding alike are told apart by their texts, also after removals.
        index.add(&Matcher::EqualsIgnoreCase(s("STRASSE")), 5);
        index.add(&Matcher::PrefixIgnoreCase(s("straß")), 6);
        assert_eq!(hits(&index, Leaf::String("strasse")), vec![5]);
        assert_eq!(hits(&index, Leaf::String("STRASSE")), vec![1, 5, 6]);
        index.remove(&Matcher::EqualsIgnoreCase(s("Straße")), 1);
        index.remove(&Matcher::PrefixIgnoreCase(s("straß")), 6);
        assert_eq!(hits(&index, Leaf::String("STRASSE")), vec![5]);
        assert_eq!(hits(&index, Leaf::String("straße")), Vec::<u32>::new());
        assert_eq!(index.more().inexact, 1); // (ÉCOLE)
        index.add(&Matcher::Exists, 9);
        assert_eq!(hits(&index, Leaf::Bool(true)), vec![9]);
        index.remove(&Matcher::Exists, 9);
        assert_eq!(hits(&index, Leaf::Bool(true)), Vec::<u32>::new());
    }

    #[test]
    fn ascii_equals_ignore_case_texts_are_not_kept() {
        let s = |x: &str| x.to_string();
        let mut index = ValueIndex::new(0);
        // "k" (ASCII) and the Kelvin sign fold alike; the Kelvin sign accepts "k" but not "K".
        index.add(&Matcher::EqualsIgnoreCase(s("k")), 1);
        index.add(&Matcher::EqualsIgnoreCase(s("\u{212A}")), 2);
        index.add(&Matcher::EqualsIgnoreCase(s("k")), 3);
        index.add(&Matcher::EqualsIgnoreCase(s("\u{212A}")), 3);
        assert!(!index
            .more()
            .ignore_case
            .contains_key(&(1, IgnoreCase::Equals)));
        assert_eq!(hits(&index, Leaf::String("k")), vec![1, 2, 3]);
        assert_eq!(hits(&index, Leaf::String("K")), vec![1, 3]);
        assert_eq!(hits(&index, Leaf::String("\u{212A}")), vec![2, 3]);
        index.remove(&Matcher::EqualsIgnoreCase(s("k")), 3);
        assert_eq!(hits(&index, Leaf::String("K")), vec![1]);
        assert_eq!(hits(&index, Leaf::String("k")), vec![1, 2, 3]);
        index.remove(&Matcher::EqualsIgnoreCase(s("k")), 1);
        index.remove(&Matcher::EqualsIgnoreCase(s("\u{212A}")), 2);
        index.remove(&Matcher::EqualsIgnoreCase(s("\u{212A}")), 3);
        assert!(index.more.is_none() && index.is_empty());
    }

    #[test]
    fn exists_only_paths() {
        // Such a path keeps no `More` (no derived facts either), and any leaf satisfies it.
        let mut index = ValueIndex::new(0);
        index.add(&Matcher::Exists, 9);
        index.add(&Matcher::Exists, 4);
        assert!(index.more.is_none());
        for leaf in [Leaf::Null, Leaf::String("x"), Leaf::Number(b"1.5", None)] {
            assert_eq!(hits(&index, leaf), vec![4, 9]);
        }
        index.add(&Matcher::String("x".into()), 2);
        assert_eq!(hits(&index, Leaf::String("x")), vec![2, 4, 9]);
        index.remove(&Matcher::String("x".into()), 2);
        assert!(index.more.is_none());
        index.remove(&Matcher::Exists, 9);
        index.remove(&Matcher::Exists, 4);
        assert!(index.is_empty());
        assert_eq!(hits(&index, Leaf::Bool(true)), Vec::<u32>::new());
    }
}
