//! From condition hits to matched sub-rules, with array-consistent matching.
//!
//! While the scanner reads an event, every leaf value is tested against its path's value index,
//! which emits *targets*: (sub-rule, condition bit) pairs, either as hits or, for `exists: false`
//! conditions, as vetoes. They go into a log of entries carrying bit masks, so repeated hits are
//! harmless (OR is idempotent) and no per-rule counter is ever scanned; a repeated hit joins its
//! sub-rule's entry when it can, so the log stays short (see [`Log`]). A hit on a sub-rule's only
//! condition needs no mask: it is listed as a match at once.
//!
//! **Arrays.** Two conditions of one sub-rule may not be satisfied by values from different
//! elements of the same array. With conditions grouped by path, that rule has a simple recursive
//! reading: for an array at path Q, the conditions of a sub-rule that lie under Q must all be
//! satisfied inside *one* element. So when the scanner enters an element of an array at Q, the log
//! position is remembered; when the element ends, the entries made inside it are folded per
//! sub-rule and replaced by a verdict: if the element satisfies all of the sub-rule's positive
//! conditions under Q (and none of its `exists: false` conditions under Q has a value there), one
//! entry marking all those conditions hit; otherwise nothing. For a sub-rule whose only conditions
//! under Q are `exists: false`, the vetoes pass through unchanged, because a value anywhere in the
//! array is compatible with the sub-rule's other (outside) values. This is exactly the brute-force
//! definition (choose one value per condition; no two chosen values from different elements of one
//! array; an `exists: false` condition fails if some value on its path is compatible with the
//! chosen ones), computed in one pass.
//!
//! Element-by-element resolution is only needed where some sub-rule has two or more conditions
//! under Q, at least one positive; the trie counts those sub-rules per node (`scope_users`), and
//! arrays elsewhere are read as flat lists of values.
//!
//! **Aliases.** The recursive reading assumes that every value on a path under Q lies inside the
//! one value at Q. An event can break that by reaching a path twice: with a dotted key
//! (`{"a": [..], "a.b": 1}`) or a repeated key. Then a sub-rule could take some values from inside
//! an array at Q and others from the second route, which element verdicts cannot see. The scan
//! notices such events (only when the machine has sub-rules that need element resolution at all)
//! and they are decided again by [`exact`], which applies the brute-force definition to the rules
//! the event's values touch.

pub(crate) mod exact;
mod sub_info;

pub(crate) use sub_info::SubInfo;

use crate::compile::paths::{Key, NodeId, PathTrie};
use crate::compile::values::{Emit, ValueIndex};
use crate::compile::Target;
use crate::event::scan::{ScanBuffers, Sink};
use crate::event::Leaf;
use smallvec::SmallVec;

/// Logs up to this long are folded in place (see `fold_short`), longer ones through the stamped
/// table (`MatchScratch::fold_long`).
const SHORT_LOG: usize = 16;

/// Hits and vetoes for 64 conditions of one sub-rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub sub: u32,
    pub word: u32,
    pub hits: u64,
    pub vetoes: u64,
}

/// Reusable working memory for matching. Matching through [`Machine::matches_for_event`] uses a
/// thread-local one; keep your own and pass it to
/// [`Machine::for_each_match`](crate::Machine::for_each_match) to control that yourself. Once it has
/// grown to fit the largest event seen, matching allocates nothing.
///
/// The scanner's buffers and the matcher's memory are separate fields so that one event's run can
/// lend the first to the scanner and the second to the sink it reports to, as two borrows of one
/// `Scratch`, without moving either out and back.
///
/// [`Machine::matches_for_event`]: crate::Machine::matches_for_event
#[derive(Debug, Default)]
pub struct Scratch {
    pub(crate) matching: MatchScratch,
    pub(crate) buffers: ScanBuffers,
}

/// The matcher's part of a [`Scratch`].
#[derive(Debug, Default)]
pub(crate) struct MatchScratch {
    pub(crate) log: Log,
    scopes: Vec<usize>,
    verdicts: Vec<Entry>,
    /// Path nodes reached by the keys of the walked objects that are open (only those nodes where
    /// a second route matters), each with the depth of its object (`Run::open_objects`): the
    /// entries of the innermost object are the ones at the end with its depth.
    seen: Vec<(u32, NodeId)>,
    words: Vec<(u64, u64)>,
    pub(crate) fold: Vec<u8>,
    /// Per sub-rule slot: the event generation that last touched it and its slot in `folded`.
    stamps: Vec<(u32, u32)>,
    folded: Vec<(u32, u64, u64)>,
    generation: u32,
    /// Entries of sub-rules with more than 64 conditions, folded by sorting instead.
    wide: Vec<Entry>,
    /// For events decided by the brute-force definition.
    exact: exact::ExactScratch,
    pub(crate) rules: Vec<u32>,
}

/// Slots of `Log::recent`.
const RECENT: usize = 16;

/// The hit log of an event, as the value indexes write to it.
///
/// A hit joins the entry its sub-rule and mask word already have, when that is known: hits are
/// ORed, so the log stays as short as the number of distinct sub-rules hit (a path read in many
/// array elements, such as the coordinates of a polygon, hits the same ones over and over) and
/// folding it costs less. Where that entry is is remembered in `recent`, by sub-rule modulo its
/// size: one probe, which a hit that is not repeated (most are not) pays and nothing else.
/// Entries below `floor`, where the array element being read began, are not joined: they are
/// outside it, and the element's entries are folded into a verdict on their own when it ends.
///
/// A hit on the only condition of a sub-rule ([`Target::SOLE`]) matches the sub-rule outright,
/// so it gets no entry: its sub-rule is listed in `sole`, once per event when `recent_sole`
/// remembers it. Element verdicts need not see it: a sub-rule with one condition, hit inside
/// an element, has the element's verdict "hit".
#[derive(Debug, Default)]
pub(crate) struct Log {
    pub entries: Vec<Entry>,
    floor: usize,
    /// Where the latest entries of some sub-rules are; only a guess, checked before use (it may
    /// be from an earlier event or element, or another sub-rule).
    recent: [u32; RECENT],
    /// Sub-rules matched by a hit on their only condition (a sub-rule may repeat).
    pub sole: Vec<u32>,
    /// Where some sub-rules are in `sole`; a guess like `recent`.
    recent_sole: [u32; RECENT],
}

impl Log {
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.sole.clear();
        self.floor = 0;
    }
}

impl Emit for Log {
    #[inline]
    fn emit(&mut self, t: Target, veto: bool) {
        if t.bit == Target::SOLE {
            // (Never a veto: `exists: false` is not a positive condition.)
            let slot = &mut self.recent_sole[t.sub as usize % RECENT];
            if self.sole.get(*slot as usize) != Some(&t.sub) {
                *slot = self.sole.len() as u32;
                self.sole.push(t.sub);
            }
            return;
        }
        let mask = 1u64 << (t.bit % 64);
        let word = t.bit / 64;
        let (hits, vetoes) = if veto { (0, mask) } else { (mask, 0) };
        let slot = &mut self.recent[t.sub as usize % RECENT];
        let at = *slot as usize;
        if at >= self.floor {
            if let Some(e) = self.entries.get_mut(at) {
                if e.sub == t.sub && e.word == word {
                    e.hits |= hits;
                    e.vetoes |= vetoes;
                    return;
                }
            }
        }
        *slot = self.entries.len() as u32;
        self.entries.push(Entry {
            sub: t.sub,
            word,
            hits,
            vetoes,
        });
    }
}

/// One event being matched: the [`Sink`] the scanner reports to.
pub(crate) struct Run<'a> {
    pub trie: &'a PathTrie,
    pub subs: &'a [SubInfo],
    pub scratch: &'a mut MatchScratch,
    /// Whether to look for paths reached twice (see "Aliases" above).
    pub watch_aliases: bool,
    /// Whether a path was reached twice.
    pub aliased: bool,
    /// How many walked objects are open, counted while aliases are watched. Counting them is all
    /// the per-object work the watch does: an object's entries in `seen` are told apart by this
    /// depth, and dropped when it ends.
    pub open_objects: u32,
}

impl Run<'_> {
    /// Prepares the scratch space for a new event.
    pub(crate) fn reset(scratch: &mut MatchScratch) {
        scratch.log.clear();
        scratch.scopes.clear();
        scratch.rules.clear();
        scratch.seen.clear();
    }

    /// Folds the entries from `start` on into one `(hits, vetoes)` pair per word for each
    /// sub-rule, calling `decide` for each sub-rule; the log is sorted in place.
    fn fold_groups(
        log: &mut [Entry],
        words: &mut Vec<(u64, u64)>,
        subs: &[SubInfo],
        mut decide: impl FnMut(u32, &[(u64, u64)]),
    ) {
        log.sort_unstable_by_key(|e| (e.sub, e.word));
        let mut i = 0;
        while i < log.len() {
            let sub = log[i].sub;
            words.clear();
            words.resize(subs[sub as usize].words(), (0, 0));
            while i < log.len() && log[i].sub == sub {
                let w = &mut words[log[i].word as usize];
                w.0 |= log[i].hits;
                w.1 |= log[i].vetoes;
                i += 1;
            }
            decide(sub, words);
        }
    }

    /// Replaces the entries of the element that just ended (an element of an array at `q`) by
    /// the element's verdicts.
    fn close_element(&mut self, q: NodeId) {
        let start = self
            .scratch
            .scopes
            .pop()
            .expect("element_start pushed a scope");
        let MatchScratch {
            log,
            scopes,
            verdicts,
            words,
            ..
        } = &mut *self.scratch;
        verdicts.clear();
        let (trie, subs) = (self.trie, self.subs);
        Self::fold_groups(&mut log.entries[start..], words, subs, |sub, words| {
            let info = &subs[sub as usize];
            let mut under: SmallVec<[u64; 2]> = SmallVec::from_elem(0, words.len());
            for (bit, &node) in info.nodes().iter().enumerate() {
                if trie.contains(q, node) {
                    under[bit / 64] |= 1 << (bit % 64);
                }
            }
            let positive_under = |w: usize| under[w] & info.positive()[w];
            let absent_under = |w: usize| under[w] & !info.positive()[w];
            let any_positive = (0..words.len()).any(|w| positive_under(w) != 0);
            if !any_positive {
                for (w, &(_, vetoes)) in words.iter().enumerate() {
                    if vetoes & absent_under(w) != 0 {
                        verdicts.push(Entry {
                            sub,
                            word: w as u32,
                            hits: 0,
                            vetoes: vetoes & absent_under(w),
                        });
                    }
                }
                return;
            }
            let satisfied = words.iter().enumerate().all(|(w, &(hits, vetoes))| {
                hits & positive_under(w) == positive_under(w) && vetoes & absent_under(w) == 0
            });
            if satisfied {
                for w in 0..words.len() {
                    if positive_under(w) != 0 {
                        verdicts.push(Entry {
                            sub,
                            word: w as u32,
                            hits: positive_under(w),
                            vetoes: 0,
                        });
                    }
                }
            }
        });
        log.entries.truncate(start);
        log.entries.extend_from_slice(verdicts);
        log.floor = scopes.last().copied().unwrap_or(0);
    }

    /// Decides which rules matched, leaving their slots, sorted and distinct, in `scratch.rules`.
    /// `absent_only` lists the sub-rules made only of `exists: false` conditions, which match
    /// when no value vetoed them.
    #[inline]
    pub(crate) fn finish(&mut self, absent_only: &[u32]) {
        let log = &self.scratch.log;
        // An event that hit nothing (common where rules are selective) matches no rule, unless
        // some rule has only `exists: false` conditions.
        if log.entries.len() | log.sole.len() | absent_only.len() != 0 {
            self.fold(absent_only);
        }
    }

    /// [`finish`](Self::finish) for an event that hit something.
    fn fold(&mut self, absent_only: &[u32]) {
        let subs = self.subs;
        let scratch = &mut *self.scratch;
        // Sub-rules of more than 64 conditions, which are rare, are folded by sorting (`wide`).
        scratch.wide.clear();
        let short = scratch.log.entries.len() <= SHORT_LOG;
        // The sub-rules matched by their only condition; a short list is placed in order.
        let sole = &scratch.log.sole;
        let sole_sorted = sole.len() <= SHORT_LOG;
        if sole_sorted {
            for &sub in sole {
                insert_sorted(&mut scratch.rules, subs[sub as usize].rule);
            }
        } else {
            let rules = sole.iter().map(|&sub| subs[sub as usize].rule);
            scratch.rules.extend(rules);
        }
        // Rules added after the first `sorted` are sorted at the end.
        let sorted = if short {
            fold_short(
                &mut scratch.log.entries,
                subs,
                &mut scratch.wide,
                &mut scratch.rules,
            );
            if sole_sorted {
                scratch.rules.len()
            } else {
                0
            }
        } else {
            scratch.fold_long(subs);
            0
        };
        let MatchScratch {
            log,
            words,
            rules,
            stamps,
            generation,
            wide,
            ..
        } = scratch;
        if !wide.is_empty() {
            Self::fold_groups(wide, words, subs, |sub, words| {
                let info = &subs[sub as usize];
                if matched(info, words) {
                    rules.push(info.rule);
                }
            });
        }
        for &sub in absent_only {
            let touched = if subs[sub as usize].words() > 1 {
                wide.binary_search_by_key(&sub, |e| e.sub).is_ok()
            } else if short {
                log.entries.iter().any(|e| e.sub == sub)
            } else {
                stamps[sub as usize].0 == *generation
            };
            if !touched {
                rules.push(subs[sub as usize].rule);
            }
        }
        if rules.len() > sorted.max(1) {
            rules.sort_unstable();
            rules.dedup();
        }
    }
}

impl MatchScratch {
    /// Folds a long log through a stamped table as large as the machine's sub-rules: one pass, no
    /// sorting (but touching the table can miss the cache, so only for long logs). Pushes the
    /// rules of the sub-rules of one mask word that matched, and the entries of wider ones to
    /// `wide`.
    #[inline(never)]
    fn fold_long(&mut self, subs: &[SubInfo]) {
        let MatchScratch {
            log,
            rules,
            stamps,
            folded,
            generation,
            wide,
            ..
        } = self;
        *generation = generation.wrapping_add(1);
        if *generation == 0 {
            stamps.iter_mut().for_each(|s| s.0 = 0);
            *generation = 1;
        }
        if stamps.len() < subs.len() {
            stamps.resize(subs.len(), (0, 0));
        }
        folded.clear();
        for e in log.entries.iter() {
            if subs[e.sub as usize].words() > 1 {
                wide.push(*e);
                continue;
            }
            let stamp = &mut stamps[e.sub as usize];
            if stamp.0 != *generation {
                *stamp = (*generation, folded.len() as u32);
                folded.push((e.sub, 0, 0));
            }
            let f = &mut folded[stamp.1 as usize];
            f.1 |= e.hits;
            f.2 |= e.vetoes;
        }
        for &(sub, hits, vetoes) in folded.iter() {
            let info = &subs[sub as usize];
            if matched_word(info.positive_word(), hits, vetoes) {
                rules.push(info.rule);
            }
        }
    }
}

/// Folds a short log (the usual one: a few entries) in place, adding the rules of the
/// sub-rules of one mask word that matched to `rules` (kept sorted and distinct) and the entries
/// of wider ones to `wide`. Each
/// sub-rule's first entry takes in the later ones, which are emptied so that they are passed over
/// (no entry is empty otherwise: every emit and verdict sets a bit).
#[inline(always)]
fn fold_short(log: &mut [Entry], subs: &[SubInfo], wide: &mut Vec<Entry>, rules: &mut Vec<u32>) {
    for i in 0..log.len() {
        let (done, later) = log.split_at_mut(i + 1);
        let Entry {
            sub,
            mut hits,
            mut vetoes,
            ..
        } = done[i];
        if hits | vetoes == 0 {
            continue;
        }
        let info = &subs[sub as usize];
        if info.words() > 1 {
            wide.push(done[i]);
            continue;
        }
        for e in later.iter_mut().filter(|e| e.sub == sub) {
            hits |= e.hits;
            vetoes |= e.vetoes;
            (e.hits, e.vetoes) = (0, 0);
        }
        if matched_word(info.positive_word(), hits, vetoes) {
            insert_sorted(rules, info.rule);
        }
    }
}

/// Adds `rule` to `rules`, sorted and distinct, in its place: for the few rules of a short log,
/// cheaper than sorting them at the end.
#[inline]
fn insert_sorted(rules: &mut Vec<u32>, rule: u32) {
    rules.push(rule);
    let placed = rules.as_mut_slice();
    let mut at = placed.len() - 1;
    while at > 0 && placed[at - 1] > rule {
        placed[at] = placed[at - 1];
        at -= 1;
    }
    placed[at] = rule;
    if at > 0 && placed[at - 1] == rule {
        // A repeat (several sub-rules of one rule matched): rare.
        placed.copy_within(at + 1.., at);
        rules.pop();
    }
}

/// [`matched`] for a sub-rule of one mask word, whose positive mask is `positive`.
#[inline]
fn matched_word(positive: u64, hits: u64, vetoes: u64) -> bool {
    positive != 0 && hits & positive == positive && vetoes == 0
}

/// Whether a sub-rule with these folded hits and vetoes (one pair per mask word) matched: it has
/// a positive condition, and all of them are hit, and no condition is vetoed.
fn matched(info: &SubInfo, words: &[(u64, u64)]) -> bool {
    info.positive().iter().any(|&p| p != 0)
        && words
            .iter()
            .zip(info.positive().iter())
            .all(|(&(hits, vetoes), &positive)| hits & positive == positive && vetoes == 0)
}

impl<'a> Sink for Run<'a> {
    type Node = NodeId;
    type Values = &'a ValueIndex;

    #[inline(always)]
    fn child(&mut self, node: NodeId, key: Key<'_>) -> Option<NodeId> {
        let (child, dotted) = self.trie.child(node, key)?;
        // A path reached twice only matters where element verdicts are made at or below it.
        if self.watch_aliases && (dotted || self.trie.node(child).scoped_below > 0) {
            let depth = self.open_objects;
            let seen = &mut self.scratch.seen;
            let this_object = seen.iter().rev().take_while(|&&(d, _)| d == depth);
            if dotted || this_object.into_iter().any(|&(_, n)| n == child) {
                self.aliased = true;
            }
            seen.push((depth, child));
        }
        Some(child)
    }

    #[inline]
    fn has_children(&self, node: NodeId) -> bool {
        self.trie.has_children(node)
    }

    #[inline]
    fn values(&self, node: NodeId) -> Option<&'a ValueIndex> {
        self.trie.node(node).values.as_deref()
    }

    fn leaf(&mut self, values: &'a ValueIndex, leaf: Leaf<'_>) {
        values.match_leaf(leaf, &mut self.scratch.fold, &mut self.scratch.log);
    }

    fn array_start(&mut self, node: NodeId) -> bool {
        self.trie.node(node).scope_users > 0
    }

    fn element_start(&mut self, _node: NodeId) {
        let log = &mut self.scratch.log;
        log.floor = log.entries.len();
        self.scratch.scopes.push(log.floor);
    }

    fn element_end(&mut self, node: NodeId) {
        self.close_element(node);
    }

    fn array_end(&mut self, _node: NodeId) {}

    #[inline]
    fn object_start(&mut self) {
        if self.watch_aliases {
            self.open_objects += 1;
        }
    }

    #[inline]
    fn object_end(&mut self) {
        if self.watch_aliases {
            self.open_objects -= 1;
            let seen = &mut self.scratch.seen;
            while seen.last().is_some_and(|&(d, _)| d > self.open_objects) {
                seen.pop();
            }
        }
    }
}
