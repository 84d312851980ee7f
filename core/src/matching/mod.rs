//! From the items an event satisfies to matched rules, with array-consistent matching.
//!
//! While the scanner reads an event, every leaf value is tested against its path's value index,
//! which emits the *conditions* it satisfies (see `compile::items`: conditions are interned, so a
//! condition shared by thousands of rules is emitted once). They go into a log, each with a stamp
//! that says the event and the log position where it was last satisfied, so a repeated hit costs
//! one comparison. At the end of the event, every logged item's *trigger list* names the
//! sub-rules filed under it, and each of those is verified: its other members are looked up in
//! the stamps. A sub-rule is filed under one member only, the one the fewest others share, so an
//! event costs the items it satisfies and the sub-rules those items are the rarest condition of,
//! not every rule sharing a condition with it.
//!
//! **Arrays.** Two conditions of one sub-rule may not be satisfied by values from different
//! elements of the same array. With conditions grouped by path, that rule has a simple recursive
//! reading: the conditions of a sub-rule under a path Q (two or more, one of them positive) must
//! hold within *one value* at Q. Such conditions form a *group*, an item of its own, resolved at
//! Q. Where a value at Q lies inside an array (at Q or above it), it opens an *instance*, and
//! when it ends, the groups at Q whose trigger was satisfied inside it are verified against what
//! was satisfied inside it, that is, at a log position since the instance began; a group that
//! holds is logged as satisfied, for the groups and sub-rules above it. Where no array holds Q,
//! Q has one value in the event, and its groups are verified at the end of the event against the
//! whole log, like sub-rules (most events and rules: CityLots' `geometry` is such a path). An
//! `exists: false` member holds when the path's "some leaf is here" item was not satisfied in the
//! instance. This is exactly the brute-force definition (choose one value per condition; no two
//! chosen values from different elements of one array; an `exists: false` condition fails if some
//! value on its path is compatible with the chosen ones), computed in one pass.
//!
//! **Anything-but** conditions are not emitted by the indexes (nearly every value satisfies
//! them): the leaves of paths that have some are recorded, with the log position they reached,
//! and a condition is tested against the leaves of its instance when a sub-rule using it is
//! verified.
//!
//! **Aliases.** The recursive reading assumes that every value on a path under Q lies inside the
//! one value at Q. An event can break that by reaching a path twice: with a dotted key
//! (`{"a": [..], "a.b": 1}`) or a repeated key. Then a sub-rule could take some values from inside
//! one value at Q and others from the second route, which instances cannot see. The scan notices
//! such events (only when the machine has groups at all) and they are decided again by
//! [`exact`], which applies the brute-force definition.

pub(crate) mod exact;

use crate::compile::exclusion::{Exclusion, Folded};
use crate::compile::items::{Cond, Excluded, Group, Item, Items, ABSENT, ENTRY_ID, SOLE, SUB_RULE};
use crate::compile::paths::{Key, NodeId, PathTrie};
use crate::compile::values::{Emit, LeafScratch, ValueIndex};
use crate::compile::ItemId;
use crate::event::scan::{ScanBuffers, Sink};
use crate::event::Leaf;

/// Reusable working memory for matching. Matching through [`Machine::matches_for_event`] uses a
/// thread-local one; keep your own and pass it to
/// [`Machine::for_each_match`](crate::Machine::for_each_match) to control that yourself. Once it has
/// grown to fit the largest event seen (and the machine's number of conditions), matching
/// allocates nothing.
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
    /// The open instances: the node of each, and the log position where it began.
    instances: Vec<(NodeId, u32)>,
    /// The nodes that had instances in this event: their groups were verified at their ends.
    instanced: Vec<NodeId>,
    /// Path nodes reached by the keys of the walked objects that are open (only those nodes where
    /// a second route matters), each with the depth of its object (`Run::open_objects`): the
    /// entries of the innermost object are the ones at the end with its depth.
    seen: Vec<(u32, NodeId)>,
    pub(crate) leaf: LeafScratch,
    /// The leaves of paths with anything-but conditions.
    excluding: Vec<Recorded>,
    /// Their strings and numbers' text.
    bytes: Vec<u8>,
    /// A folded value, when anything-but ignoring case is tested.
    fold: Vec<u8>,
    /// For events decided by the brute-force definition.
    exact: exact::ExactScratch,
    pub(crate) rules: Vec<u32>,
}

/// A leaf kept for testing anything-but conditions later.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recorded {
    node: NodeId,
    /// The log's length after the leaf's hits: a leaf is inside an instance that began at log
    /// position `s` when `at > s` (the leaf satisfied its path's "some leaf is here" item inside
    /// the instance, at `s` or later).
    at: u32,
    value: Value,
}

/// What anything-but can tell apart in a leaf: strings and numbers (their text, in
/// `MatchScratch::bytes`), and the rest, which no anything-but excludes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value {
    String(u32, u32),
    Number(u32, u32),
    Other,
}

impl Value {
    /// Records `leaf`, keeping its bytes in `bytes`.
    pub(crate) fn record(leaf: Leaf<'_>, bytes: &mut Vec<u8>) -> Value {
        let mut keep = |b: &[u8]| {
            let start = bytes.len() as u32;
            bytes.extend_from_slice(b);
            (start, bytes.len() as u32)
        };
        match leaf {
            Leaf::String(s) => {
                let (a, b) = keep(s.as_bytes());
                Value::String(a, b)
            }
            Leaf::Number(text, _) => {
                let (a, b) = keep(text);
                Value::Number(a, b)
            }
            Leaf::Bool(_) | Leaf::Null => Value::Other,
        }
    }

    /// Whether some anything-but of `exclusions` holds for this value (`bytes` holds its text,
    /// `fold` is working memory).
    pub(crate) fn passes(self, exclusions: &[Exclusion], bytes: &[u8], fold: &mut Vec<u8>) -> bool {
        match self {
            Value::String(a, b) => {
                let s = &bytes[a as usize..b as usize];
                let mut folded = None;
                exclusions.iter().any(|x| {
                    let f = if x.folds() {
                        *folded.get_or_insert_with(|| {
                            if crate::casefold::is_ascii(s) {
                                false
                            } else {
                                fold.clear();
                                let text = std::str::from_utf8(s).expect("leaves are UTF-8");
                                crate::casefold::fold_into(text, fold);
                                true
                            }
                        })
                    } else {
                        false
                    };
                    let form = if f {
                        Folded::Bytes(fold)
                    } else {
                        Folded::AsciiLowerCase
                    };
                    !x.excludes_string(s, form)
                })
            }
            Value::Number(a, b) => {
                let v = crate::number::value_of(&bytes[a as usize..b as usize]);
                exclusions.iter().any(|x| !x.excludes_number(v))
            }
            Value::Other => true,
        }
    }
}

/// The items an event satisfied, in the order it satisfied them, with a stamp per item.
#[derive(Debug, Default)]
pub(crate) struct Log {
    pub items: Vec<ItemId>,
    /// Per item: the event (generation) and the log position where it was last satisfied.
    stamps: Vec<(u32, u32)>,
    generation: u32,
    /// Where the innermost open instance began: an item satisfied since is not logged again.
    floor: u32,
}

impl Log {
    /// Prepares for a new event of a machine with `items` item slots.
    #[inline]
    pub(crate) fn start(&mut self, items: usize) {
        self.items.clear();
        self.floor = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.iter_mut().for_each(|s| *s = (0, 0));
            self.generation = 1;
        }
        if self.stamps.len() < items {
            self.stamps.resize(items, (0, 0));
        }
    }

    /// Item `id` is satisfied here.
    #[inline]
    pub(crate) fn fire(&mut self, id: ItemId) {
        let stamp = &mut self.stamps[id as usize];
        if stamp.0 == self.generation && stamp.1 >= self.floor {
            return;
        }
        *stamp = (self.generation, self.items.len() as u32);
        self.items.push(id);
    }

    /// Whether item `id` was satisfied at log position `start` or later.
    #[inline]
    pub(crate) fn since(&self, id: ItemId, start: u32) -> bool {
        let stamp = self.stamps[id as usize];
        stamp.0 == self.generation && stamp.1 >= start
    }

    /// Whether the entry at position `i` is its item's latest (earlier ones are passed over).
    #[inline]
    fn latest(&self, i: usize) -> bool {
        self.stamps[self.items[i] as usize].1 == i as u32
    }
}

impl Emit for Log {
    #[inline]
    fn emit(&mut self, c: ItemId) {
        self.fire(c);
    }
}

/// One event being matched: the [`Sink`] the scanner reports to.
pub(crate) struct Run<'a> {
    pub trie: &'a PathTrie,
    pub items: &'a Items,
    pub scratch: &'a mut MatchScratch,
    /// Whether to look for paths reached twice (see "Aliases" above).
    pub watch_aliases: bool,
    /// Whether a path was reached twice.
    pub aliased: bool,
    /// How many arrays are open, counted in machines with groups (see "Arrays" above).
    pub arrays: u32,
    /// How many walked objects are open, counted while aliases are watched. Counting them is all
    /// the per-object work the watch does: an object's entries in `seen` are told apart by this
    /// depth, and dropped when it ends.
    pub open_objects: u32,
}

impl Run<'_> {
    /// Prepares the scratch space for a new event of a machine with `items` item slots.
    #[inline]
    pub(crate) fn reset(scratch: &mut MatchScratch, items: usize) {
        scratch.log.start(items);
        scratch.instances.clear();
        scratch.instanced.clear();
        scratch.rules.clear();
        scratch.seen.clear();
        scratch.excluding.clear();
        scratch.bytes.clear();
    }

    fn open(&mut self, node: NodeId) {
        let s = &mut *self.scratch;
        let at = s.log.items.len() as u32;
        s.instances.push((node, at));
        s.log.floor = at;
        if !s.instanced.contains(&node) {
            s.instanced.push(node);
        }
    }

    /// Ends the innermost instance (a value at `node`): the groups at `node` triggered inside it
    /// are verified, and those that hold are satisfied.
    fn close(&mut self, node: NodeId) {
        let (_, start) = self.scratch.instances.pop().expect("an open instance");
        let s = &mut *self.scratch;
        s.log.floor = s.instances.last().map_or(0, |&(_, at)| at);
        let end = s.log.items.len();
        for i in start as usize..end {
            if !s.log.latest(i) {
                continue;
            }
            for &entry in self.items.triggers(s.log.items[i]) {
                if entry & SUB_RULE != 0 {
                    continue;
                }
                let group = self.items.group(entry);
                if group.nested_node() == node && holds(self.items, s, group, start, false) {
                    s.log.fire(entry);
                }
            }
        }
    }

    /// Decides which rules matched, leaving their slots, sorted and distinct, in `scratch.rules`.
    /// `absent_only` lists the sub-rules made only of `exists: false` conditions.
    #[inline]
    pub(crate) fn finish(&mut self, absent_only: &[ItemId]) {
        // An event that satisfied nothing (common where rules are selective) matches no rule,
        // unless some rule has only `exists: false` conditions.
        if !self.scratch.log.items.is_empty() || !absent_only.is_empty() {
            self.decide(absent_only);
        }
    }

    /// [`finish`](Self::finish) for an event that satisfied something.
    #[inline(never)]
    fn decide(&mut self, absent_only: &[ItemId]) {
        let s = &mut *self.scratch;
        // (Groups verified here are logged, and their own triggers read in turn.)
        // (Without instances, no item was logged twice.)
        let repeats = !s.instanced.is_empty();
        let mut i = 0;
        while i < s.log.items.len() {
            if !repeats || s.log.latest(i) {
                for &entry in self.items.triggers(s.log.items[i]) {
                    // A sub-rule whose trigger is its only member holds: the trigger was
                    // satisfied.
                    if entry & SOLE != 0 {
                        insert_sorted(&mut s.rules, self.items.rule(entry & ENTRY_ID));
                        continue;
                    }
                    let group = self.items.group(entry & ENTRY_ID);
                    if entry & SUB_RULE == 0 {
                        // A group at a path no array held, so with one value in the event.
                        if !s.instanced.contains(&group.nested_node())
                            && holds(self.items, s, group, 0, true)
                        {
                            s.log.fire(entry);
                        }
                    } else if holds(self.items, s, group, 0, true) {
                        insert_sorted(&mut s.rules, self.items.rule(entry & ENTRY_ID));
                    }
                }
            }
            i += 1;
        }
        for &g in absent_only {
            let group = self.items.group(g);
            if holds(self.items, s, group, 0, true) {
                insert_sorted(&mut s.rules, self.items.rule(g));
            }
        }
    }
}

/// Whether `group` holds with what was satisfied at log position `start` or later. At the end
/// of the event (`end`), a member group at a path no array held is verified in place if it was
/// not yet. (Out of line: the usual sub-rule, of one member, needs no call.)
#[inline(never)]
fn holds(items: &Items, s: &mut MatchScratch, group: &Group, start: u32, end: bool) -> bool {
    items.members(group).all(|m| {
        let id = m & !ABSENT;
        let satisfied = s.log.since(id, start)
            || match items.get(id) {
                Item::Cond(c) => items.excluded(c).is_some_and(|x| passes(s, c, x, start)),
                Item::Group(g) => {
                    end && !s.instanced.contains(&g.nested_node()) && holds(items, s, g, 0, true)
                }
                Item::Free => false,
            };
        satisfied == (m & ABSENT == 0)
    })
}

/// Whether a leaf recorded since log position `start` satisfies an anything-but of condition
/// `c`. Leaves are recorded in log order, so they are read from the last back to `start`.
fn passes(s: &mut MatchScratch, c: &Cond, x: &Excluded, start: u32) -> bool {
    let exclusions = &x.exclusions;
    let MatchScratch {
        excluding,
        bytes,
        fold,
        ..
    } = s;
    excluding
        .iter()
        .rev()
        .take_while(|leaf| leaf.at > start)
        .any(|leaf| leaf.node == c.node && leaf.value.passes(exclusions, bytes, fold))
}

/// Adds `rule` to `rules`, sorted and distinct, in its place: for the few rules an event
/// usually matches, cheaper than sorting them at the end (and than `Vec::insert`'s call to move
/// the tail).
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

impl Run<'_> {
    /// [`Sink::leaf`] at a path where groups are resolved or leaves recorded for anything-but.
    #[inline(never)]
    fn recorded_leaf(&mut self, values: &ValueIndex, leaf: Leaf<'_>) {
        let instance = values.group_node() && self.arrays > 0;
        if instance {
            self.open(values.node);
        }
        let s = &mut *self.scratch;
        values.match_leaf(leaf, &mut s.leaf, &mut s.log);
        if values.excluding() > 0 {
            let value = Value::record(leaf, &mut s.bytes);
            s.excluding.push(Recorded {
                node: values.node,
                at: s.log.items.len() as u32,
                value,
            });
        }
        if instance {
            self.close(values.node);
        }
    }
}

impl<'a> Sink for Run<'a> {
    type Node = NodeId;
    type Values = &'a ValueIndex;

    #[inline(always)]
    fn child(&mut self, node: NodeId, key: Key<'_>) -> Option<NodeId> {
        let (child, dotted) = self.trie.child(node, key)?;
        // A path reached twice only matters where groups are resolved at or below it.
        if self.watch_aliases && (dotted || self.trie.node(child).groups_below > 0) {
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
        let s = &mut *self.scratch;
        if !(values.records() && (self.arrays > 0 || values.excluding() > 0)) {
            values.match_leaf(leaf, &mut s.leaf, &mut s.log);
            return;
        }
        self.recorded_leaf(values, leaf);
    }

    #[inline]
    fn array_start(&mut self, _node: NodeId) -> bool {
        // Arrays are counted only where groups are resolved (see "Arrays" above); their elements
        // need nothing.
        if self.watch_aliases {
            self.arrays += 1;
        }
        self.watch_aliases
    }

    #[inline]
    fn element_start(&mut self, _node: NodeId) {}

    #[inline]
    fn element_end(&mut self, _node: NodeId) {}

    #[inline]
    fn array_end(&mut self, _node: NodeId) {
        self.arrays -= 1;
    }

    // (Machines with groups, and only they, watch aliases: both are looked at on one test.)
    #[inline]
    fn object_start(&mut self, node: NodeId) {
        if self.watch_aliases {
            self.open_objects += 1;
            if self.arrays > 0 && self.trie.node(node).groups > 0 {
                self.open(node);
            }
        }
    }

    #[inline]
    fn object_end(&mut self, node: NodeId) {
        if self.watch_aliases {
            if self.arrays > 0 && self.trie.node(node).groups > 0 {
                self.close(node);
            }
            self.open_objects -= 1;
            let seen = &mut self.scratch.seen;
            while seen.last().is_some_and(|&(d, _)| d > self.open_objects) {
                seen.pop();
            }
        }
    }
}
