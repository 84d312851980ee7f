//! Conditions and groups: what the value indexes point to, and how sub-rules are reached.
//!
//! **Why.** A router holds thousands of rules that share their `source` and `detail-type`. If a
//! value index pointed at every (sub-rule, condition) pair, an event with a shared source would
//! touch every rule of that source before any of them could be ruled out, and matching would cost
//! the number of rules that share a condition with the event. Here the indexes point at
//! *conditions*, interned per path (a condition shared by ten thousand rules is one item, hit
//! once), and each sub-rule is reached through one condition only, its *trigger*: the one the
//! fewest others share. The other conditions of a triggered sub-rule are looked up in the set of
//! items the event satisfied (see `matching`). This is the *access predicate* of
//! publish/subscribe matching.
//!
//! **Groups.** Two conditions of a sub-rule may not be satisfied by values from different elements
//! of one array. Grouped by path, that rule reads recursively: the conditions of a sub-rule that
//! lie under a path Q (when there are two or more, one of them positive) must hold together
//! within *one value* at Q. So a sub-rule is a tree: a group per such path, whose members are the
//! conditions and deeper groups under it, and a root group (the sub-rule itself) at the top. A
//! group is an item like a condition: it is satisfied when a value at its path ends with all its
//! positive members satisfied inside that value and no `exists: false` member, and then it counts
//! as satisfied for the groups above it. Each group is reached through a trigger of its own.
//!
//! **`exists: false`** is the condition `exists: true` on the same path with its polarity turned
//! ([`ABSENT`]), so a path has one item for "some leaf is here", whoever asks.
//!
//! **Anything-but** conditions hold for nearly every value; they are never emitted by the indexes
//! (see `exclusion`) and are tested when a sub-rule using them is verified. Such a condition is
//! reached through the path's "some leaf is here" item.

use super::exclusion::Exclusion;
use super::paths::{NodeId, ROOT};
use super::runs::Runs;
use super::{push_slot, put_slot, ItemId};
use crate::pattern::{Matcher, Test};
use hashbrown::HashTable;
use smallvec::SmallVec;
use std::hash::BuildHasher;

/// Flag on a group member: the member is an `exists: false` condition, satisfied when the item
/// (the path's `exists: true`) is not.
pub(crate) const ABSENT: u32 = 1 << 31;

/// The `rule` of a group that is not a sub-rule.
pub(crate) const NO_RULE: u32 = u32::MAX;

/// Flag on a trigger-list entry: the group is a sub-rule (decided at the end of the event).
pub(crate) const SUB_RULE: u32 = 1 << 31;
/// Flag on a trigger-list entry: the group has no member but the item it is filed under, so
/// that item's being satisfied is enough.
pub(crate) const SOLE: u32 = 1 << 30;
/// The item id in a trigger-list entry.
pub(crate) const ENTRY_ID: u32 = SOLE - 1;

/// A condition or a group: 20 bytes, their variable-length parts kept in `Items`' arenas (a
/// router holds two or three items per rule), and each variant's fields packed into four words
/// (see `Cond::tally`, `Group::place`).
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Free,
    Cond(Cond),
    Group(Group),
}

const _: () = assert!(std::mem::size_of::<Item>() == 20);

/// A condition on one path: a list of matchers (any of them may hold), interned by path and
/// meaning, shared by every sub-rule that has it.
#[derive(Debug, Clone)]
pub(crate) struct Cond {
    pub node: NodeId,
    /// How many sub-rules and groups use it (fewer than 2^30: each is an item), and in the top
    /// two bits how broad its matchers are (see [`weight`]): a trigger is chosen by weight times
    /// users.
    tally: u32,
    /// Its test's code (see `machine::code`), by which it is interned: where it is in
    /// `Items::codes`.
    code: u32,
    /// Its anything-but matchers, when they are tested lazily: their slot in `Items::excluded`,
    /// or [`EAGER`].
    excluded: u32,
}

/// The users in `Cond::tally`.
const USERS: u32 = (1 << 30) - 1;
/// The weights of `weight`'s classes, the class being the top two bits of `Cond::tally`.
const WEIGHTS: [u8; 3] = [1, 2, 16];

/// `Cond::excluded` of a condition without lazily tested anything-but matchers.
const EAGER: u32 = u32::MAX;

/// The anything-but matchers of a condition, tested lazily, and the path's "some leaf is here"
/// item through which the condition is reached.
#[derive(Debug, Clone, Default)]
pub(crate) struct Excluded {
    pub exclusions: Box<[Exclusion]>,
    pub leaf_item: ItemId,
}

/// A group of members that must hold within one value at a path; at the root, a sub-rule.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// A sub-rule's rule; a group inside one has no rule, and its node here, flagged [`NESTED`].
    place: u32,
    /// Its members, items [`ABSENT`]-flagged for `exists: false` ones: where they are in
    /// `Items::members`, as varints (see [`Members`]).
    members: u32,
    /// The item it is filed under (`ItemId::MAX` for a sub-rule of `exists: false` only), and its
    /// place in that item's list.
    pub trigger: ItemId,
    slot: u32,
}

/// Flag on `Group::place` of a group inside a sub-rule.
const NESTED: u32 = 1 << 31;

impl Group {
    /// The path within one value of which its members must hold.
    #[inline]
    pub(crate) fn node(&self) -> NodeId {
        if self.place & NESTED != 0 {
            self.nested_node()
        } else {
            ROOT
        }
    }

    /// [`node`](Self::node) of a group known to be inside a sub-rule (a member of a group, or
    /// an entry of a trigger list not flagged [`SUB_RULE`]), as matching reads it: one operation.
    #[inline(always)]
    pub(crate) fn nested_node(&self) -> NodeId {
        debug_assert!(self.place & NESTED != 0, "a group inside a sub-rule");
        self.place & !NESTED
    }

    /// The rule of a sub-rule, [`NO_RULE`] for a group inside one.
    #[inline]
    fn rule(&self) -> u32 {
        if self.place & NESTED != 0 {
            NO_RULE
        } else {
            self.place
        }
    }
}

impl Cond {
    /// How many sub-rules and groups use it.
    fn users(&self) -> u32 {
        self.tally & USERS
    }

    /// How broad its matchers are (see [`weight`]).
    fn weight(&self) -> u8 {
        WEIGHTS[(self.tally >> 30) as usize]
    }

    /// Whether it has anything-but matchers tested lazily.
    #[inline]
    pub(crate) fn is_lazy(&self) -> bool {
        self.excluded != EAGER
    }
}

/// What is left of a condition removed from the items.
pub(crate) struct Released {
    pub node: NodeId,
    /// Its test's code.
    pub code: Vec<u8>,
    pub excluded: Option<Excluded>,
}

/// Every condition and group of a machine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Items {
    items: Vec<Item>,
    /// Per item, the groups filed under it (see the module docs), flagged [`SUB_RULE`] and
    /// [`SOLE`]: kept beside the items, densely, because matching reads them for every item an
    /// event satisfies. One is held inline; several in `lists`.
    filed: Vec<Filed>,
    lists: Vec<Vec<u32>>,
    free_lists: Vec<u32>,
    free: Vec<ItemId>,
    /// The codes of conditions and the members of groups.
    codes: Runs,
    members: Runs,
    /// The lazily tested anything-but matchers of conditions, by slot.
    excluded: Vec<Excluded>,
    free_excluded: Vec<u32>,
    /// The conditions whose lists the value index does not key (see `values::keyed`), found by
    /// hashing path and code; the others are found through the index (see [`Items::find`]), so
    /// that a router's condition per rule costs no entry here.
    interned: HashTable<ItemId>,
    hasher: foldhash::fast::RandomState,
}

impl Items {
    /// How many item slots there are (the bound of item ids).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    pub(crate) fn get(&self, id: ItemId) -> &Item {
        &self.items[id as usize]
    }

    pub(crate) fn cond(&self, id: ItemId) -> &Cond {
        match &self.items[id as usize] {
            Item::Cond(c) => c,
            _ => panic!("item {id} is not a condition"),
        }
    }

    pub(crate) fn group(&self, id: ItemId) -> &Group {
        match &self.items[id as usize] {
            Item::Group(g) => g,
            _ => panic!("item {id} is not a group"),
        }
    }

    fn group_mut(&mut self, id: ItemId) -> &mut Group {
        match &mut self.items[id as usize] {
            Item::Group(g) => g,
            _ => panic!("item {id} is not a group"),
        }
    }

    /// The lazily tested anything-but matchers of condition `c`, if it has some.
    #[inline]
    pub(crate) fn excluded(&self, c: &Cond) -> Option<&Excluded> {
        c.is_lazy().then(|| &self.excluded[c.excluded as usize])
    }

    /// The members of group `g`.
    #[inline]
    pub(crate) fn members(&self, g: &Group) -> Members<'_> {
        Members(self.members.get(g.members))
    }

    /// Whether group `g` has a positive member.
    pub(crate) fn has_positive(&self, g: &Group) -> bool {
        self.members(g).any(|m| m & ABSENT == 0)
    }

    /// The rule of sub-rule `id` (as matching reads it: the word itself).
    #[inline]
    pub(crate) fn rule(&self, id: ItemId) -> u32 {
        let place = self.group(id).place;
        debug_assert!(place & NESTED == 0, "a sub-rule");
        place
    }

    /// The entries of the groups filed under item `id` (see [`SUB_RULE`], [`SOLE`]).
    #[inline]
    pub(crate) fn triggers(&self, id: ItemId) -> &[u32] {
        let filed = &self.filed[id as usize];
        match filed.get() {
            Where::None => &[],
            Where::One(_) => std::slice::from_ref(&filed.0),
            Where::Many(list) => &self.lists[list as usize],
        }
    }

    /// Files `entry` under item `id`; returns its place in the item's list.
    fn file(&mut self, id: ItemId, entry: u32) -> u32 {
        let filed = &mut self.filed[id as usize];
        match filed.get() {
            Where::None => {
                *filed = Filed::one(entry);
                0
            }
            Where::One(first) => {
                let list = vec![first, entry];
                let at = put_slot(&mut self.lists, &mut self.free_lists, list);
                *filed = Filed::many(at);
                1
            }
            Where::Many(at) => {
                let list = &mut self.lists[at as usize];
                push_slot(list, entry);
                (list.len() - 1) as u32
            }
        }
    }

    /// Removes the entry at `slot` of item `id`'s list, moving the last one into its place;
    /// returns the moved entry, whose place changed.
    fn unfile(&mut self, id: ItemId, slot: u32) -> Option<u32> {
        let filed = &mut self.filed[id as usize];
        let Where::Many(at) = filed.get() else {
            *filed = Filed::NONE;
            return None;
        };
        let list = &mut self.lists[at as usize];
        list.swap_remove(slot as usize);
        let moved = list.get(slot as usize).copied();
        if let [only] = list[..] {
            *filed = Filed::one(only);
            self.lists[at as usize] = Vec::new();
            self.free_lists.push(at);
            if self.free_lists.len() == self.lists.len() {
                self.lists = Vec::new();
                self.free_lists = Vec::new();
            }
        } else if list.len() <= list.capacity() / 4 {
            list.shrink_to(list.len() * 2); // give memory back as the list empties
        }
        moved
    }

    fn hash(&self, node: NodeId, code: &[u8]) -> u64 {
        self.hasher.hash_one((node, code))
    }

    fn put(&mut self, item: Item) -> ItemId {
        match self.free.pop() {
            Some(id) => {
                self.items[id as usize] = item;
                id
            }
            None => {
                let id = u32::try_from(self.items.len())
                    .ok()
                    .filter(|&id| id < ENTRY_ID)
                    .expect("fewer than 2^30 conditions and groups in one machine");
                push_slot(&mut self.items, item);
                push_slot(&mut self.filed, Filed::NONE);
                id
            }
        }
    }

    fn take(&mut self, id: ItemId) -> Item {
        debug_assert!(self.triggers(id).is_empty(), "nothing is filed under it");
        let item = std::mem::replace(&mut self.items[id as usize], Item::Free);
        self.free.push(id);
        let items = &mut self.items;
        match &item {
            Item::Cond(c) if self.codes.free(c.code) => {
                self.codes
                    .compact(items.iter_mut().filter_map(|item| match item {
                        Item::Cond(c) => Some(&mut c.code),
                        _ => None,
                    }))
            }
            Item::Group(g) if self.members.free(g.members) => {
                self.members
                    .compact(items.iter_mut().filter_map(|item| match item {
                        Item::Group(g) => Some(&mut g.members),
                        _ => None,
                    }))
            }
            _ => {}
        }
        if self.free.len() == self.items.len() {
            *self = Items {
                hasher: self.hasher,
                ..Items::default()
            };
        }
        item
    }

    /// The condition of code `code` on `node`, if there is one: among `holders` (the
    /// conditions of `node` holding one of its matchers, from the path's value index), or, for a
    /// list the index does not key (`None`), in the table of such conditions.
    pub(crate) fn find(
        &self,
        node: NodeId,
        code: &[u8],
        holders: Option<impl Iterator<Item = ItemId>>,
    ) -> Option<ItemId> {
        let items = &self.items;
        let is = |id: ItemId| match &items[id as usize] {
            Item::Cond(c) => c.node == node && self.codes.get(c.code) == code,
            _ => false,
        };
        match holders {
            Some(mut holders) => holders.find(|&id| is(id)),
            None => self
                .interned
                .find(self.hash(node, code), |&id| is(id))
                .copied(),
        }
    }

    /// The condition `matchers` (of code `code`) on `node`, one more user of it; and whether it
    /// is new (then the caller puts its matchers in the path's index). `holders` are as
    /// [`find`](Self::find) takes them; a condition without is entered in the table. A condition
    /// with anything-but matchers is given `leaf_item`, the path's "some leaf is here" item, when
    /// new.
    pub(crate) fn acquire(
        &mut self,
        node: NodeId,
        matchers: &[Matcher],
        code: &[u8],
        leaf_item: Option<ItemId>,
        holders: Option<impl Iterator<Item = ItemId>>,
    ) -> (ItemId, bool) {
        // (A condition found through the index has no entry in the table.)
        let hash = holders.is_none().then(|| self.hash(node, code));
        if let Some(id) = self.find(node, code, holders) {
            if let Item::Cond(c) = &mut self.items[id as usize] {
                c.tally += 1;
            }
            return (id, false);
        }
        let excluded = leaf_item.map_or(EAGER, |leaf_item| {
            let exclusions = matchers
                .iter()
                .filter_map(|m| match m {
                    Matcher::AnythingBut(a) => Some(Exclusion::new(a)),
                    _ => None,
                })
                .collect();
            let excluded = Excluded {
                exclusions,
                leaf_item,
            };
            put_slot(&mut self.excluded, &mut self.free_excluded, excluded)
        });
        let code = self.codes.push(code);
        let class = WEIGHTS
            .iter()
            .position(|&w| w == weight(matchers))
            .expect("a weight class") as u32;
        let id = self.put(Item::Cond(Cond {
            node,
            tally: class << 30 | 1,
            code,
            excluded,
        }));
        if let Some(hash) = hash {
            let Items {
                interned,
                items,
                hasher,
                codes,
                ..
            } = self;
            interned.insert_unique(hash, id, |&i| match &items[i as usize] {
                Item::Cond(c) => hasher.hash_one((c.node, codes.get(c.code))),
                _ => unreachable!("only conditions are interned"),
            });
        }
        (id, true)
    }

    /// One user less of condition `id`; when it has none left, it is removed and what the index
    /// needs to drop its matchers returned.
    pub(crate) fn release(&mut self, id: ItemId) -> Option<Released> {
        let Item::Cond(c) = &mut self.items[id as usize] else {
            panic!("item {id} is not a condition");
        };
        c.tally -= 1;
        if c.users() > 0 {
            return None;
        }
        let c = c.clone();
        let code = self.codes.get(c.code).to_vec();
        let hash = self.hash(c.node, &code);
        if let Ok(entry) = self.interned.find_entry(hash, |&i| i == id) {
            entry.remove();
        }
        let excluded = c.is_lazy().then(|| {
            self.free_excluded.push(c.excluded);
            std::mem::take(&mut self.excluded[c.excluded as usize])
        });
        self.take(id);
        Some(Released {
            node: c.node,
            code,
            excluded,
        })
    }

    /// A new group of `members` (which it files under its trigger, chosen now).
    pub(crate) fn new_group(
        &mut self,
        node: NodeId,
        rule: u32,
        members: &[u32],
        depth: impl Fn(NodeId) -> u32,
    ) -> ItemId {
        let trigger = self.choose_trigger(members.iter().copied(), &depth);
        let mut encoded: SmallVec<[u8; 16]> = SmallVec::new();
        for &m in members {
            Members::put(m, &mut encoded);
        }
        let members = self.members.push(&encoded);
        let place = if rule == NO_RULE {
            assert!(node & NESTED == 0, "fewer than 2^31 paths");
            node | NESTED
        } else {
            debug_assert!(node == ROOT && rule & NESTED == 0);
            rule
        };
        let id = self.put(Item::Group(Group {
            place,
            members,
            trigger,
            slot: 0,
        }));
        self.file_group(id, trigger);
        id
    }

    /// Files group `id` under `trigger` (unless it has no positive member).
    fn file_group(&mut self, id: ItemId, trigger: ItemId) {
        self.group_mut(id).trigger = trigger;
        if trigger == ItemId::MAX {
            return;
        }
        let group = self.group(id);
        let mut entry = id;
        if group.rule() != NO_RULE {
            entry |= SUB_RULE;
            let mut members = self.members(group);
            if members.next() == Some(trigger) && members.next().is_none() {
                entry |= SOLE;
            }
        }
        let slot = self.file(trigger, entry);
        self.group_mut(id).slot = slot;
    }

    /// Takes group `id` off its trigger's list.
    fn unfile_group(&mut self, id: ItemId) {
        let Group { trigger, slot, .. } = *self.group(id);
        if trigger != ItemId::MAX {
            if let Some(moved) = self.unfile(trigger, slot) {
                self.group_mut(moved & ENTRY_ID).slot = slot;
            }
        }
    }

    /// Files again, each under its best trigger now, the groups filed under condition `id`, when
    /// its users have just doubled (from 4 on): a condition that was rare when a group was filed
    /// under it (the first rules of a `source`) may have become common since. Each group is
    /// looked at again only when its trigger's users double, so this costs amortised constant
    /// time per added rule, and no group stays filed under a condition shared by many.
    pub(crate) fn refile(&mut self, id: ItemId, depth: impl Fn(NodeId) -> u32) {
        let users = self.cond(id).users();
        if users < 4 || !users.is_power_of_two() {
            return;
        }
        let entries: Vec<u32> = self.triggers(id).to_vec();
        for entry in entries {
            let g = entry & ENTRY_ID;
            let best = self.choose_trigger(self.members(self.group(g)), &depth);
            if best != id {
                self.unfile_group(g);
                self.file_group(g, best);
            }
        }
    }

    /// Removes group `id` from its trigger's list and the items; returns its node and members.
    pub(crate) fn free_group(&mut self, id: ItemId) -> (NodeId, SmallVec<[u32; 8]>) {
        self.unfile_group(id);
        let g = self.group(id);
        let (node, members) = (g.node(), self.members(g).collect());
        self.take(id);
        (node, members)
    }

    /// The item through which a group of `members` is best reached: of its positive members'
    /// trigger items, the one with the least weight times users (a condition shared by few
    /// sub-rules, of a kind few values satisfy), deeper paths first among equals.
    fn choose_trigger(
        &self,
        members: impl Iterator<Item = u32>,
        depth: &impl Fn(NodeId) -> u32,
    ) -> ItemId {
        members
            .filter(|&m| m & ABSENT == 0)
            .map(|m| {
                let (item, node, score) = match &self.items[m as usize] {
                    Item::Cond(c) => match self.excluded(c) {
                        Some(x) => {
                            let leaf = self.cond(x.leaf_item);
                            (
                                x.leaf_item,
                                c.node,
                                u64::from(leaf.weight()) * u64::from(leaf.users()),
                            )
                        }
                        None => (m, c.node, u64::from(c.weight()) * u64::from(c.users())),
                    },
                    Item::Group(g) => (m, g.node(), 1),
                    Item::Free => unreachable!("members are live"),
                };
                (score, std::cmp::Reverse(depth(node)), item)
            })
            .min()
            .map_or(ItemId::MAX, |(_, _, item)| item)
    }
}

/// The members of a group as they are kept: each a varint of its item id shifted left by one,
/// with the [`ABSENT`] flag in the low bit. A router's sub-rule has three or four members, most
/// of them conditions made early (the shared `source` and `detail-type`, a handful of ids), so
/// they take 7 or 8 bytes instead of 16, and 1 instead of 4 for the length in front.
#[derive(Clone)]
pub(crate) struct Members<'a>(&'a [u8]);

impl Members<'_> {
    fn put(member: u32, out: &mut SmallVec<[u8; 16]>) {
        let mut v = u64::from(member & !ABSENT) << 1 | u64::from(member >> 31);
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
}

impl Iterator for Members<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let (&first, mut rest) = self.0.split_first()?;
        let mut v = u32::from(first & 0x7f);
        let mut shift = 7;
        if first >= 0x80 {
            while let Some((&b, tail)) = rest.split_first() {
                rest = tail;
                v |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
        }
        self.0 = rest;
        Some(v >> 1 | (v & 1) << 31)
    }
}

/// How broad a list of matchers is, as a trigger: 1 for single values, 2 for sets of values
/// (prefixes, ranges, wildcards, CIDR blocks), 16 for lists that any leaf satisfies.
fn weight(matchers: &[Matcher]) -> u8 {
    matchers
        .iter()
        .map(|m| match m {
            Matcher::String(_)
            | Matcher::Number(_)
            | Matcher::Bool(_)
            | Matcher::Null
            | Matcher::EqualsIgnoreCase(_) => 1,
            Matcher::Numeric(r) if r.equals_value().is_some() => 1,
            Matcher::Prefix(_)
            | Matcher::PrefixIgnoreCase(_)
            | Matcher::Suffix(_)
            | Matcher::SuffixIgnoreCase(_)
            | Matcher::Wildcard(_)
            | Matcher::Numeric(_)
            | Matcher::Cidr(_) => 2,
            Matcher::Exists | Matcher::AnythingBut(_) => 16,
        })
        .max()
        .unwrap_or(16)
}

/// Where the groups filed under an item are (see `Items::filed`), in 4 bytes: the one entry
/// itself, or the index of a list in `Items::lists` flagged [`SOLE`] alone (an entry has
/// [`SOLE`] only with [`SUB_RULE`]), or all ones for none (an entry's item id is less than
/// [`ENTRY_ID`]).
#[derive(Debug, Clone, Copy)]
struct Filed(u32);

/// A [`Filed`] read.
enum Where {
    None,
    One(u32),
    /// At this index of `Items::lists`.
    Many(u32),
}

impl Filed {
    const NONE: Filed = Filed(u32::MAX);

    fn one(entry: u32) -> Filed {
        debug_assert!(entry != u32::MAX && entry & (SUB_RULE | SOLE) != SOLE);
        Filed(entry)
    }

    fn many(list: u32) -> Filed {
        debug_assert!(list <= ENTRY_ID);
        Filed(SOLE | list)
    }

    #[inline]
    fn get(self) -> Where {
        if self.0 == u32::MAX {
            Where::None
        } else if self.0 & (SUB_RULE | SOLE) == SOLE {
            Where::Many(self.0 & ENTRY_ID)
        } else {
            Where::One(self.0)
        }
    }
}

/// `exists: true`, the list of the item an `exists: false` condition turns.
static EXISTS: [Matcher; 1] = [Matcher::Exists];

/// The matcher list of a positive test, or of `exists: true` for an absent one.
pub(crate) fn matchers_of(test: &Test) -> &[Matcher] {
    match test {
        Test::AnyOf(m) => m,
        Test::Absent => &EXISTS,
    }
}
