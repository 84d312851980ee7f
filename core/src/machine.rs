//! The machine: named rules compiled together, matched in one pass per event.
//!
//! Adding a rule parses its pattern (all validation happens there), then installs each sub-rule:
//! its conditions are interned (a condition another rule already has is shared, and its matchers
//! are in the value index of its path once), conditions that must hold within one value of a path
//! become groups, and the sub-rule, a group at the root, is filed under its rarest member (see
//! `compile::items`). Deleting reverses exactly that, so memory returns when rules go. Matching
//! looks only at sub-rules whose trigger the event satisfied (see `matching`).
//!
//! **Memory per rule.** A machine can hold hundreds of thousands of rules, so what is kept per
//! rule is kept once and small: the name only in its rule slot (found from a name through a hash
//! table of slot numbers, not a second copy as a map key); instead of the pattern text, a compact
//! record of what was installed (see `code`), all rules' records in one arena; the tables with an
//! element per rule grow by an eighth rather than doubling (`push_slot`). The value indexes and
//! sub-rule slots make the same choices (see `compile::values` and `matching::sub_info`).
//!
//! Mutation takes `&mut self` and matching `&self`: the borrow checker guarantees that no reader
//! sees a half-added rule, and a `Machine` is `Send + Sync`, so it can be shared behind an `Arc`
//! (readers in parallel) or an `RwLock` (readers and writers). Wrappers in the bindings do the
//! latter.

use crate::compile::items::{matchers_of, Item, Items, ABSENT, NO_RULE};
use crate::compile::paths::{NodeId, PathTrie, ROOT};
use crate::compile::values::{keyed, ValueIndex};
use crate::compile::{put_slot, ItemId};
use crate::error::{EventError, PatternError};
use crate::event::scan;
use crate::limits::Limits;
use crate::matching::{exact, Run, Scratch};
use crate::pattern::{Matcher, Pattern, SubRule, Test};
use foldhash::HashMap;
use hashbrown::HashTable;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::hash::Hash;
use std::ops::Range;

mod code;

/// Many named event patterns, compiled into one matcher.
///
/// ```
/// use ferruler::Machine;
///
/// let mut machine = Machine::new();
/// machine.add_rule("orders", r#"{"source": ["com.shop"], "detail": {"total": [{"numeric": [">", 100]}]}}"#)?;
/// machine.add_rule("eu", r#"{"region": [{"prefix": "eu-"}]}"#)?;
/// let names = machine.matches_for_event(r#"{"source": "com.shop", "region": "eu-west-1", "detail": {"total": 250}}"#)?;
/// assert_eq!(names, vec!["orders", "eu"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Machine<N = String> {
    trie: PathTrie,
    /// Conditions and groups; sub-rules are the groups at the root.
    items: Items,
    sub_rules: usize,
    /// Rule slots (what matching reports): each rule's name and patterns, `None` when free.
    rules: Vec<Option<Rule<N>>>,
    free_rules: Vec<u32>,
    /// The slot of every rule, found by hashing its name, so that names are stored only once.
    by_name: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// The records of every rule's patterns (see `code`), each rule's in one run.
    records: Vec<u8>,
    /// Bytes of `records` no rule uses any more.
    garbage: usize,
    /// Sub-rules with no positive condition (only `exists: false`), and each one's place here.
    absent_only: Vec<ItemId>,
    absent_slot: HashMap<ItemId, usize>,
    /// Path nodes where groups are resolved.
    group_nodes: usize,
    limits: Limits,
    patterns: usize,
}

#[derive(Debug, Clone)]
struct Rule<N> {
    name: N,
    /// The records of the patterns added under the name (usually one): held here when they fit
    /// in 7 bytes (the usual single pattern of one or two sub-rules), flagged [`HELD`] in the last
    /// byte with their length; otherwise where they are in `Machine::records`, as the offset and
    /// length (below 2^31) in two little-endian `u32`s. (Not a boxed slice per rule: 8 bytes
    /// less per rule, and one allocation less; not always the arena: its bytes and slack less.)
    records: [u8; 8],
}

/// Flag in the last byte of `Rule::records` when the records are held there.
const HELD: u8 = 0x80;

impl<N> Rule<N> {
    fn new(name: N) -> Self {
        Rule {
            name,
            records: [0, 0, 0, 0, 0, 0, 0, HELD],
        }
    }

    /// The records when held in place.
    fn held(&self) -> Option<&[u8]> {
        let tag = self.records[7];
        (tag & HELD != 0).then(|| &self.records[..usize::from(tag & !HELD)])
    }

    fn hold(&mut self, bytes: &[u8]) {
        self.records = [0; 8];
        self.records[..bytes.len()].copy_from_slice(bytes);
        self.records[7] = HELD | bytes.len() as u8;
    }

    /// Where the records are in the arena, when they are there.
    fn span(&self) -> Option<Range<usize>> {
        let word = |i: usize| {
            u32::from_le_bytes(self.records[i..i + 4].try_into().expect("4 bytes")) as usize
        };
        self.held().is_none().then(|| word(0)..word(0) + word(4))
    }

    fn set_span(&mut self, span: Range<usize>) {
        let at = u32::try_from(span.start).expect("less than 4 GiB of pattern records");
        let len = u32::try_from(span.len()).expect("less than 2 GiB of one rule's records");
        assert!(len < 1 << 31, "less than 2 GiB of one rule's records");
        self.records[..4].copy_from_slice(&at.to_le_bytes());
        self.records[4..].copy_from_slice(&len.to_le_bytes());
    }

    /// The records of its patterns, held here or in `arena`.
    fn records<'a>(&'a self, arena: &'a [u8]) -> &'a [u8] {
        match self.held() {
            Some(bytes) => bytes,
            None => &arena[self.span().expect("in the arena")],
        }
    }
}

/// Counts describing a machine's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Distinct rule names.
    pub names: usize,
    /// Patterns (a name may have several).
    pub patterns: usize,
    /// Sub-rules the patterns expanded to (`$or` alternatives).
    pub sub_rules: usize,
    /// Distinct field paths in use (nodes of the path trie, the root excluded).
    pub paths: usize,
}

impl<N> Default for Machine<N> {
    fn default() -> Self {
        Self::with_limits(Limits::default())
    }
}

impl<N> Machine<N> {
    /// An empty machine with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty machine enforcing `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Machine {
            trie: PathTrie::default(),
            items: Items::default(),
            sub_rules: 0,
            rules: Vec::new(),
            free_rules: Vec::new(),
            by_name: HashTable::new(),
            hasher: Default::default(),
            records: Vec::new(),
            garbage: 0,
            absent_only: Vec::new(),
            absent_slot: HashMap::default(),
            group_nodes: 0,
            limits,
            patterns: 0,
        }
    }

    /// The limits this machine enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Counts of what the machine holds.
    pub fn stats(&self) -> Stats {
        Stats {
            names: self.by_name.len(),
            patterns: self.patterns,
            sub_rules: self.sub_rules,
            paths: self.trie.len() - 1,
        }
    }

    /// The wildcard complexity of the most complex pattern in the machine, EventBridge's measure
    /// that `Limits::max_complexity` bounds per pattern (see [`crate::pattern_complexity`]; 0
    /// without wildcards).
    pub fn complexity(&self) -> usize {
        self.rules
            .iter()
            .flatten()
            .flat_map(|r| code::records(r.records(&self.records)))
            .map(|record| record.complexity as usize)
            .max()
            .unwrap_or(0)
    }

    /// Number of distinct rule names.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether the machine holds no rules.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The names of the rules, in no particular order.
    pub fn rule_names(&self) -> impl Iterator<Item = &N> {
        self.rules.iter().flatten().map(|r| &r.name)
    }

    /// Validates `pattern` with this machine's limits, without adding it.
    pub fn check_pattern(&self, pattern: impl AsRef<[u8]>) -> Result<(), PatternError> {
        Pattern::parse_with_limits(pattern, &self.limits).map(drop)
    }

    /// Calls `f` with the name of every rule matching `event` (each once), using `scratch` as
    /// working memory. Allocates nothing once `scratch` has grown to fit.
    pub fn for_each_match(
        &self,
        event: impl AsRef<[u8]>,
        scratch: &mut Scratch,
        mut f: impl FnMut(&N),
    ) -> Result<(), EventError> {
        self.run(event.as_ref(), scratch)?;
        for &slot in &scratch.matching.rules {
            if let Some(rule) = &self.rules[slot as usize] {
                f(&rule.name);
            }
        }
        Ok(())
    }

    fn run(&self, event: &[u8], scratch: &mut Scratch) -> Result<(), EventError> {
        if event.len() > self.limits.max_event_bytes {
            return Err(EventError::new(
                format!(
                    "event is {} bytes long, more than the limit of {} bytes (Limits::max_event_bytes)",
                    event.len(),
                    self.limits.max_event_bytes
                ),
                0,
            ));
        }
        let Scratch { matching, buffers } = scratch;
        Run::reset(matching, self.items.len());
        let watch_aliases = self.group_nodes > 0;
        let mut run = Run {
            trie: &self.trie,
            items: &self.items,
            scratch: matching,
            watch_aliases,
            aliased: false,
            arrays: 0,
            open_objects: 0,
        };
        scan::scan(event, ROOT, &mut run, self.limits.max_event_depth, buffers)?;
        if run.aliased {
            let depth = self.limits.max_event_depth;
            return exact::decide(
                event,
                &self.trie,
                &self.items,
                &self.absent_only,
                depth,
                run.scratch,
                buffers,
            );
        }
        run.finish(&self.absent_only);
        Ok(())
    }
}

/// The conditions of `node` among which the condition `matchers` is, if it is anywhere (see
/// `Items::find`): the holders of its keyed matcher that the fewest conditions hold, or `None`
/// for a list the value index does not key.
fn holders<'a>(
    trie: &'a PathTrie,
    node: NodeId,
    matchers: &[Matcher],
) -> Option<impl ExactSizeIterator<Item = ItemId> + 'a> {
    let index = trie.node(node).values.as_deref();
    matchers
        .iter()
        .filter(|m| keyed(m))
        .map(|m| ValueIndex::holders(index, m))
        .min_by_key(|h| h.len())
}

/// Makes room for `more` bytes in the record arena, growing it by an eighth at least.
fn reserve(records: &mut Vec<u8>, more: usize) {
    if records.capacity() - records.len() < more {
        records.reserve_exact(more.max(records.len() / 8));
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl<N: Clone + Eq + Hash> Machine<N> {
    /// Adds a rule: `pattern` (JSON text) under `name`. Several patterns under one name mean OR:
    /// the name matches when any of them does. Adding a pattern the name already has changes
    /// nothing. An invalid pattern is rejected with EventBridge's message and its position, and the
    /// machine is left as it was.
    pub fn add_rule(&mut self, name: N, pattern: impl AsRef<[u8]>) -> Result<(), PatternError> {
        let text = pattern.as_ref();
        let parsed = Pattern::parse_with_limits(text, &self.limits)?;
        let complexity = parsed.complexity() as u32;
        let found = self.find(&name);
        if let Some(slot) = found {
            if self.position(slot, &parsed).is_some() {
                return Ok(());
            }
        }
        let slot = match found {
            Some(slot) => slot,
            None => self.new_rule(name),
        };
        let subs: SmallVec<[u32; 4]> = parsed
            .sub_rules()
            .iter()
            .map(|s| self.install(slot, s))
            .collect();
        self.append_record(slot, &subs, complexity);
        self.patterns += 1;
        Ok(())
    }

    /// Where among the records of rule `slot` is the pattern `parsed`: the one whose sub-rules
    /// have the same conditions (interned, so equal conditions are one item).
    fn position(&self, slot: u32, parsed: &Pattern) -> Option<code::Record> {
        let wanted: Option<Vec<SmallVec<[u32; 8]>>> = parsed
            .sub_rules()
            .iter()
            .map(|sub_rule| {
                let mut members = sub_rule
                    .conditions()
                    .iter()
                    .map(|c| {
                        let node = self.trie.find(c.path())?;
                        let matchers = matchers_of(c.test());
                        let mut code = Vec::new();
                        code::matchers_code(matchers, &mut code);
                        let id =
                            self.items
                                .find(node, &code, holders(&self.trie, node, matchers))?;
                        Some(match c.test() {
                            Test::Absent => id | ABSENT,
                            Test::AnyOf(_) => id,
                        })
                    })
                    .collect::<Option<SmallVec<[u32; 8]>>>()?;
                members.sort_unstable();
                Some(members)
            })
            .collect();
        let wanted = wanted?;
        code::records(self.records_of(slot)).find(|r| {
            r.subs.len() == wanted.len()
                && r.subs.iter().zip(&wanted).all(|(&sub, w)| {
                    let mut have = self.condition_members(sub);
                    have.sort_unstable();
                    have == *w
                })
        })
    }

    /// The slot of the rule called `name`.
    fn find(&self, name: &N) -> Option<u32> {
        let rules = &self.rules;
        self.by_name
            .find(self.hasher.hash_one(name), |&s| {
                rules[s as usize].as_ref().is_some_and(|r| r.name == *name)
            })
            .copied()
    }

    fn rule(&self, slot: u32) -> &Rule<N> {
        self.rules[slot as usize].as_ref().expect("a rule's slot")
    }

    /// Gives `name` (not in the machine) a slot, with no patterns yet.
    fn new_rule(&mut self, name: N) -> u32 {
        let hash = self.hasher.hash_one(&name);
        let rule = Some(Rule::new(name));
        let slot = put_slot(&mut self.rules, &mut self.free_rules, rule);
        let Machine {
            rules,
            by_name,
            hasher,
            ..
        } = self;
        by_name.insert_unique(hash, slot, |&s| {
            hasher.hash_one(&rules[s as usize].as_ref().expect("a rule's slot").name)
        });
        slot
    }

    /// Deletes `pattern` from the rule `name`. Returns whether it was there. The pattern is
    /// recognised by its parsed form, not its text: whitespace, the order of keys and the spelling
    /// of numbers (`35`, `35.0`, `3.5e1`) may differ from the text it was added with; the order of
    /// values in a list may not.
    pub fn delete_rule(
        &mut self,
        name: &N,
        pattern: impl AsRef<[u8]>,
    ) -> Result<bool, PatternError> {
        let text = pattern.as_ref();
        let parsed = Pattern::parse_with_limits(text, &self.limits)?;
        let Some(slot) = self.find(name) else {
            return Ok(false);
        };
        let Some(record) = self.position(slot, &parsed) else {
            return Ok(false);
        };
        let (subs, span) = (record.subs, record.span);
        self.remove_record(slot, span);
        let now_empty = self.records_of(slot).is_empty();
        for &sub in subs.iter() {
            self.uninstall(sub);
        }
        self.patterns -= 1;
        if now_empty {
            self.forget_rule(slot);
        }
        Ok(true)
    }

    /// Deletes every pattern of the rule `name`, returning how many there were.
    pub fn delete_rules_named(&mut self, name: &N) -> usize {
        let Some(slot) = self.find(name) else {
            return 0;
        };
        let records = self.records_of(slot).to_vec();
        let mut count = 0;
        for record in code::records(&records) {
            for &sub in record.subs.iter() {
                self.uninstall(sub);
            }
            count += 1;
        }
        self.patterns -= count;
        self.forget_rule(slot);
        count
    }

    /// Whether a rule of this name exists.
    pub fn contains_rule(&self, name: &N) -> bool {
        self.find(name).is_some()
    }

    /// The names of the rules `event` (JSON text) matches, each once.
    pub fn matches_for_event(&self, event: impl AsRef<[u8]>) -> Result<Vec<N>, EventError> {
        let event = event.as_ref();
        let collect = |scratch: &mut Scratch| {
            let mut out = Vec::new();
            self.for_each_match(event, scratch, |n| out.push(n.clone()))?;
            Ok(out)
        };
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => collect(&mut scratch),
            Err(_) => collect(&mut Scratch::default()),
        })
    }

    /// The records of rule `slot`'s patterns.
    fn records_of(&self, slot: u32) -> &[u8] {
        self.rule(slot).records(&self.records)
    }

    /// Appends the record of a pattern to rule `slot`'s: in place while they fit, otherwise at
    /// the end of the arena, where they are moved first if they are not there.
    fn append_record(&mut self, slot: u32, subs: &[u32], complexity: u32) {
        let record = code::record(subs, complexity);
        let Machine {
            rules,
            records,
            garbage,
            ..
        } = self;
        let rule = rules[slot as usize].as_mut().expect("a rule's slot");
        if let Some(held) = rule.held() {
            let mut joined: SmallVec<[u8; 16]> = SmallVec::from_slice(held);
            joined.extend_from_slice(&record);
            if joined.len() < 8 {
                rule.hold(&joined);
                return;
            }
            reserve(records, joined.len());
            let start = records.len();
            records.extend_from_slice(&joined);
            rule.set_span(start..records.len());
            return;
        }
        let span = rule.span().expect("in the arena");
        reserve(records, span.len() + record.len());
        if span.end != records.len() {
            records.extend_from_within(span.clone());
            *garbage += span.len();
        }
        let start = records.len() - span.len();
        records.extend_from_slice(&record);
        rule.set_span(start..records.len());
        self.collect_garbage();
    }

    /// Removes the record at `span` (within rule `slot`'s records).
    fn remove_record(&mut self, slot: u32, span: Range<usize>) {
        let Machine {
            rules,
            records,
            garbage,
            ..
        } = self;
        let rule = rules[slot as usize].as_mut().expect("a rule's slot");
        let Some(at) = rule.span() else {
            let mut held: SmallVec<[u8; 8]> = SmallVec::from_slice(rule.held().expect("held"));
            held.drain(span);
            rule.hold(&held);
            return;
        };
        records.copy_within(at.start + span.end..at.end, at.start + span.start);
        rule.set_span(at.start..at.end - span.len());
        if at.end == records.len() {
            records.truncate(at.end - span.len());
        } else {
            *garbage += span.len();
        }
        self.collect_garbage();
    }

    /// Rewrites the record arena without unused bytes once they are half of it.
    fn collect_garbage(&mut self) {
        if self.garbage <= self.records.len() / 2 {
            return;
        }
        let mut records = Vec::with_capacity(self.records.len() - self.garbage);
        for rule in self.rules.iter_mut().flatten() {
            if let Some(span) = rule.span() {
                let start = records.len();
                records.extend_from_slice(&self.records[span]);
                rule.set_span(start..records.len());
            }
        }
        self.records = records;
        self.garbage = 0;
    }

    /// Frees the slot of a rule that has no patterns left.
    fn forget_rule(&mut self, slot: u32) {
        let hash = self.hasher.hash_one(&self.rule(slot).name);
        if let Ok(entry) = self.by_name.find_entry(hash, |&s| s == slot) {
            entry.remove();
        }
        if let Some(span) = self.rule(slot).span() {
            if span.end == self.records.len() {
                self.records.truncate(span.start);
            } else {
                self.garbage += span.len();
            }
        }
        self.rules[slot as usize] = None;
        self.free_rules.push(slot);
        if self.by_name.is_empty() {
            self.rules = Vec::new();
            self.free_rules = Vec::new();
            self.by_name = HashTable::new();
            self.records = Vec::new();
            self.garbage = 0;
        } else {
            self.collect_garbage();
        }
    }

    /// The conditions of a sub-rule (its groups flattened), [`ABSENT`]-flagged for
    /// `exists: false`.
    fn condition_members(&self, sub: ItemId) -> SmallVec<[u32; 8]> {
        let mut conditions = SmallVec::new();
        let mut stack: SmallVec<[ItemId; 8]> = SmallVec::from_elem(sub, 1);
        while let Some(g) = stack.pop() {
            for m in self.items.members(self.items.group(g)) {
                match self.items.get(m & !ABSENT) {
                    Item::Group(_) => stack.push(m),
                    Item::Cond(_) => conditions.push(m),
                    Item::Free => unreachable!("members are live"),
                }
            }
        }
        conditions
    }

    /// Compiles one sub-rule of rule `rule` into the machine; returns its sub-rule (a group at
    /// the root).
    fn install(&mut self, rule: u32, sub_rule: &SubRule) -> ItemId {
        // One member per condition, at the condition's node.
        let mut pending: SmallVec<[(NodeId, u32); 8]> = SmallVec::new();
        for condition in sub_rule.conditions() {
            let node = self.trie.acquire(condition.path());
            let member = match condition.test() {
                Test::AnyOf(matchers) => self.acquire_cond(node, matchers),
                Test::Absent => self.acquire_cond(node, matchers_of(condition.test())) | ABSENT,
            };
            pending.push((node, member));
        }
        // The paths holding two or more of its conditions, one of them positive, deepest first:
        // each becomes a group of what lies under it (see `compile::items`).
        let mut scopes: SmallVec<[NodeId; 8]> = SmallVec::new();
        for &(node, _) in &pending {
            for q in self.trie.lineage(node) {
                if scopes.contains(&q) {
                    continue;
                }
                let under = pending.iter().filter(|&&(n, _)| self.trie.contains(q, n));
                let (count, positive) = under.fold((0, 0), |(c, p), &(_, m)| {
                    (c + 1, p + usize::from(m & ABSENT == 0))
                });
                if count >= 2 && positive >= 1 {
                    scopes.push(q);
                }
            }
        }
        scopes.sort_by_key(|&q| std::cmp::Reverse(self.trie.node(q).depth()));
        for q in scopes {
            let (inside, outside): (SmallVec<[(NodeId, u32); 8]>, _) = pending
                .iter()
                .copied()
                .partition(|&(n, _)| self.trie.contains(q, n));
            // A path whose conditions all lie in one deeper group adds nothing to it.
            if let [(_, only)] = inside[..] {
                if matches!(self.items.get(only & !ABSENT), Item::Group(_)) {
                    continue;
                }
            }
            let members: SmallVec<[u32; 8]> = inside.iter().map(|&(_, m)| m).collect();
            let trie = &self.trie;
            let group = self
                .items
                .new_group(q, NO_RULE, &members, |n| trie.node(n).depth());
            self.count_group(q, 1);
            pending = outside;
            pending.push((q, group));
        }
        let members: SmallVec<[u32; 8]> = pending.iter().map(|&(_, m)| m).collect();
        let trie = &self.trie;
        let sub = self
            .items
            .new_group(ROOT, rule, &members, |n| trie.node(n).depth());
        if !self.items.has_positive(self.items.group(sub)) {
            self.absent_slot.insert(sub, self.absent_only.len());
            self.absent_only.push(sub);
        }
        self.sub_rules += 1;
        sub
    }

    /// One more user of the condition `matchers` on `node`: a new condition's matchers go into
    /// the path's value index.
    fn acquire_cond(&mut self, node: NodeId, matchers: &[Matcher]) -> ItemId {
        let mut code = Vec::new();
        code::matchers_code(matchers, &mut code);
        // Anything-but matchers are tested at each leaf while the path has few (see
        // `compile::values`); a condition with more is tested later and reached through the
        // path's "some leaf is here" item.
        let exclusions = matchers
            .iter()
            .filter(|m| matches!(m, Matcher::AnythingBut(_)))
            .count();
        let eager = exclusions == 0
            || self
                .trie
                .node(node)
                .values
                .as_ref()
                .is_none_or(|v| v.takes_exclusions(exclusions));
        let leaf = (!eager).then(|| self.acquire_cond(node, matchers_of(&Test::Absent)));
        let holders = holders(&self.trie, node, matchers);
        let (id, new) = self.items.acquire(node, matchers, &code, leaf, holders);
        if !new {
            if let Some(leaf) = leaf {
                self.release_cond(leaf);
            }
            let trie = &self.trie;
            self.items.refile(id, |n| trie.node(n).depth());
            return id;
        }
        let groups = self.trie.node(node).groups > 0;
        let values = self.trie.node_mut(node).values.get_or_insert_with(|| {
            let mut v = ValueIndex::new(node);
            v.set_group_node(groups);
            Box::new(v)
        });
        for m in matchers {
            if eager || !matches!(m, Matcher::AnythingBut(_)) {
                values.add(m, id);
            }
        }
        if !eager {
            values.count_excluding(1);
        }
        id
    }

    /// One user less of condition `id`; when it has none, its matchers leave the value index.
    fn release_cond(&mut self, id: ItemId) {
        let Some(cond) = self.items.release(id) else {
            return;
        };
        let slot = &mut self.trie.node_mut(cond.node).values;
        if let Some(values) = slot {
            for m in code::decode_matchers(&cond.code) {
                values.remove(&m, id);
            }
            if cond.excluded.is_some() {
                values.count_excluding(-1);
            }
            if values.is_empty() {
                *slot = None;
            }
        }
        if let Some(x) = cond.excluded {
            self.release_cond(x.leaf_item);
        }
    }

    /// Counts (`delta` = 1) or uncounts (-1) a group resolved at `node`.
    fn count_group(&mut self, node: NodeId, delta: i32) {
        let n = self.trie.node_mut(node);
        let before = n.groups;
        n.groups = n.groups.wrapping_add_signed(delta);
        let change: i32 = match (before, n.groups) {
            (0, _) => 1,
            (_, 0) => -1,
            _ => return,
        };
        if let Some(values) = &mut n.values {
            values.set_group_node(n.groups > 0);
        }
        if n.groups == 0 && n.values.as_ref().is_some_and(|v| v.is_empty()) {
            n.values = None;
        }
        self.group_nodes = self.group_nodes.wrapping_add_signed(change as isize);
        let mut at = Some(node);
        while let Some(a) = at {
            let an = self.trie.node_mut(a);
            an.groups_below = an.groups_below.wrapping_add_signed(change);
            at = self.trie.parent(a);
        }
    }

    /// Removes what `install` added for sub-rule `sub`.
    fn uninstall(&mut self, sub: ItemId) {
        if let Some(i) = self.absent_slot.remove(&sub) {
            self.absent_only.swap_remove(i);
            if let Some(&moved) = self.absent_only.get(i) {
                self.absent_slot.insert(moved, i);
            }
            if self.absent_only.is_empty() {
                self.absent_only = Vec::new();
                self.absent_slot = HashMap::default();
            }
        }
        self.sub_rules -= 1;
        self.free_group(sub);
    }

    /// Frees group `g` and what it holds: its deeper groups, and one use of each condition and of
    /// the condition's path.
    fn free_group(&mut self, g: ItemId) {
        let (node, members) = self.items.free_group(g);
        if node != ROOT {
            self.count_group(node, -1);
        }
        for &m in &members {
            let id = m & !ABSENT;
            match self.items.get(id) {
                Item::Group(_) => self.free_group(id),
                Item::Cond(c) => {
                    let node = c.node;
                    self.release_cond(id);
                    self.trie.release(node);
                }
                Item::Free => unreachable!("members are live"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(m: &Machine, event: &str) -> Vec<String> {
        let mut v = m.matches_for_event(event).unwrap();
        v.sort();
        v
    }

    /// Among several patterns under one name, deleting by an equal-meaning text removes that one
    /// pattern only, and only when paths and values both agree.
    #[test]
    fn delete_finds_the_pattern_by_meaning() {
        let mut m = Machine::new();
        m.add_rule("r".to_string(), r#"{"a": [35], "b": ["x"]}"#)
            .unwrap();
        m.add_rule("r".to_string(), r#"{"a": [36]}"#).unwrap();
        m.add_rule("r".to_string(), r#"{"c": {"a": [35]}, "b": ["x"]}"#)
            .unwrap();
        // Same meaning as the first: adding it again changes nothing.
        m.add_rule("r".to_string(), r#"{"b":["x"],"a":[3.5e1]}"#)
            .unwrap();
        assert_eq!(m.stats().patterns, 3);
        let r = "r".to_string();
        // Same values on other paths, or other values on the same paths, are other patterns.
        assert!(!m.delete_rule(&r, r#"{"a": ["x"], "b": [35]}"#).unwrap());
        assert!(!m
            .delete_rule(&r, r#"{"a": [35], "b": ["x", "y"]}"#)
            .unwrap());
        assert!(!m.delete_rule(&r, r#"{"a": [35]}"#).unwrap());
        assert!(m.delete_rule(&r, r#"{ "b": ["x"], "a": [35.0] }"#).unwrap());
        assert!(!m.delete_rule(&r, r#"{"a": [35], "b": ["x"]}"#).unwrap());
        assert_eq!(m.stats().patterns, 2);
        assert_eq!(names(&m, r#"{"a": 35, "b": "x"}"#), Vec::<String>::new());
        assert_eq!(names(&m, r#"{"a": 36}"#), ["r"]);
        assert_eq!(names(&m, r#"{"c": {"a": 35}, "b": "x"}"#), ["r"]);
        assert!(m.delete_rule(&r, r#"{"c.a": [35], "b": ["x"]}"#).unwrap());
        assert_eq!(
            names(&m, r#"{"c": {"a": 35}, "b": "x"}"#),
            Vec::<String>::new()
        );
        assert!(m.contains_rule(&r));
        assert!(m.delete_rule(&r, r#"{"a": [36.0]}"#).unwrap());
        assert!(!m.contains_rule(&r));
        assert_eq!(m.stats(), Stats::default());
    }

    /// `delete_rules_named` uninstalls every pattern from its record alone, for every kind of
    /// matcher, and leaves the other rules as they were.
    #[test]
    fn delete_rules_named_uninstalls_from_records() {
        let every = r#"{"v": ["s", 3.5e1, true, null, {"prefix": "p"}, {"prefix": {"equals-ignore-case": "P"}},
            {"suffix": "s"}, {"suffix": {"equals-ignore-case": "S"}}, {"equals-ignore-case": "E"},
            {"wildcard": "a*b*c"}, {"numeric": [">", 0, "<=", 5.5]}, {"numeric": ["=", -1]},
            {"cidr": "10.0.0.0/8"}, {"exists": true}, {"anything-but": ["a", "b"]}, {"anything-but": 7},
            {"anything-but": {"prefix": ["x", "y"]}}, {"anything-but": {"suffix": "z"}},
            {"anything-but": {"equals-ignore-case": ["Q"]}}, {"anything-but": {"wildcard": "*.tmp"}}],
            "w": [{"exists": false}], "$or": [{"x": [1]}, {"y": ["z"]}]}"#;
        let mut m = Machine::new();
        m.add_rule("keep".to_string(), r#"{"v": ["s"]}"#).unwrap();
        let before = m.stats();
        m.add_rule("all".to_string(), every).unwrap();
        m.add_rule("all".to_string(), r#"{"v": [{"numeric": ["<", 0]}]}"#)
            .unwrap();
        assert_eq!(m.delete_rules_named(&"all".to_string()), 2);
        assert_eq!(m.stats(), before);
        // The freed sub-rule slots are reused: a target left behind would make these match.
        for i in 0..4 {
            m.add_rule(format!("new{i}"), format!(r#"{{"z": ["never{i}"]}}"#))
                .unwrap();
        }
        let event = r#"{"v": ["s", 35, true, null, "p", "zzs", "E", "abc", 3, -1, "10.1.2.3", "a.tmp"],
            "x": 1, "y": "z"}"#;
        assert_eq!(names(&m, event), ["keep"]);
        for i in 0..4 {
            assert_eq!(m.delete_rules_named(&format!("new{i}")), 1);
        }
        assert_eq!(m.delete_rules_named(&"keep".to_string()), 1);
        assert_eq!(m.stats(), Stats::default());
    }

    /// Rules' records move in the arena as patterns are added to and deleted from them between
    /// other rules' adds, and the arena is compacted; every pattern stays where its rule finds it.
    #[test]
    fn records_move_and_compact() {
        let mut m = Machine::new();
        let p = |i: usize, j: usize| format!(r#"{{"f{j}": ["v{i}"]}}"#);
        for j in 0..4 {
            for i in 0..50 {
                m.add_rule(format!("r{i}"), p(i, j)).unwrap();
            }
            // One pattern's record is held in its rule; two go to the arena.
            assert_eq!(m.records.is_empty(), j == 0);
        }
        for i in (0..50).step_by(2) {
            for j in [1, 3] {
                assert!(m.delete_rule(&format!("r{i}"), p(i, j)).unwrap());
            }
        }
        for i in (1..50).step_by(2) {
            assert_eq!(m.delete_rules_named(&format!("r{i}")), 4);
        }
        assert!(m.garbage <= m.records.len() / 2);
        assert_eq!(m.stats().patterns, 50);
        for i in (0..50).step_by(2) {
            for j in 0..4 {
                let event = format!(r#"{{"f{j}": "v{i}"}}"#);
                let expected = if j % 2 == 0 {
                    vec![format!("r{i}")]
                } else {
                    vec![]
                };
                assert_eq!(names(&m, &event), expected, "{event}");
            }
            assert_eq!(m.delete_rules_named(&format!("r{i}")), 2);
        }
        assert_eq!(m.stats(), Stats::default());
        assert!(m.records.capacity() == 0 && m.garbage == 0);
    }

    /// A rule's records are held in place until a second pattern's does not fit, then moved to
    /// the arena; deleting from either form leaves the rule's other patterns found.
    #[test]
    fn held_records() {
        let mut m = Machine::new();
        let (a, b) = (
            r#"{"a": ["1"]}"#,
            r#"{"$or": [{"b": ["1"]}, {"c": ["1"]}]}"#,
        );
        m.add_rule("r".to_string(), a).unwrap();
        assert_eq!(m.records_of(0).len(), 4);
        m.add_rule("r".to_string(), b).unwrap();
        assert!(m.records.len() > 7 && m.rule(0).held().is_none());
        assert!(m.delete_rule(&"r".to_string(), a).unwrap());
        assert_eq!(names(&m, r#"{"c": "1"}"#), vec!["r"]);
        assert_eq!(names(&m, r#"{"a": "1"}"#), Vec::<String>::new());
        m.add_rule("s".to_string(), a).unwrap();
        assert!(m.rule(1).held().is_some());
        assert!(m.delete_rule(&"s".to_string(), a).unwrap());
        assert!(!m.contains_rule(&"s".to_string()));
        assert!(m.delete_rule(&"r".to_string(), b).unwrap());
        assert_eq!(m.stats(), Stats::default());
    }

    /// A hit inside an array element never joins a log entry made before the element began:
    /// the element's hits must stay inside it to be judged together when it ends.
    #[test]
    fn hits_in_an_element_stay_in_it() {
        let mut m = Machine::new();
        m.add_rule("r".to_string(), r#"{"x": [1], "a": {"b": [1], "c": [2]}}"#)
            .unwrap();
        m.add_rule("s".to_string(), r#"{"a": {"b": [1], "c": [2]}}"#)
            .unwrap();
        let hit = [
            r#"{"x": 1, "a": [{"b": 1, "c": 2}]}"#,
            r#"{"a": [{"b": 1}, {"b": 1, "c": 2}], "x": 1}"#,
        ];
        for event in hit {
            assert_eq!(names(&m, event), ["r", "s"], "{event}");
        }
        let miss = [
            r#"{"x": 1, "a": [{"b": 1}, {"c": 2}]}"#,
            r#"{"a": [{"c": 2}, {"b": 1}], "x": 1}"#,
        ];
        for event in miss {
            assert!(names(&m, event).is_empty(), "{event}");
        }
    }

    /// The first rules of a source are filed under it while it is rare; once it is shared, they
    /// are filed again under their own conditions, so no event with that source verifies them.
    #[test]
    fn shared_conditions_shed_the_groups_filed_under_them() {
        let mut m = Machine::new();
        for i in 0..64 {
            let rule = format!(
                r#"{{"source": ["s"], "n": [{{"numeric": [">", {i}, "<", {}]}}]}}"#,
                i + 1
            );
            m.add_rule(i.to_string(), rule).unwrap();
        }
        let node = m.trie.find(&["source".to_string()]).unwrap();
        let mut code = Vec::new();
        code::matchers_code(&[Matcher::String("s".into())], &mut code);
        let holders = holders(&m.trie, node, &[Matcher::String("s".into())]);
        let source = m.items.find(node, &code, holders).unwrap();
        assert!(m.items.triggers(source).is_empty());
        assert_eq!(names(&m, r#"{"source": "s", "n": 0.5}"#), ["0"]);
        assert_eq!(names(&m, r#"{"source": "s", "n": 63.5}"#), ["63"]);
    }

    /// A rule whose sub-rules (`$or` branches) match together is named once, in slot order.
    #[test]
    fn rules_are_named_once_in_order() {
        let mut m = Machine::new();
        m.add_rule("a".to_string(), r#"{"z": [1]}"#).unwrap();
        m.add_rule(
            "b".to_string(),
            r#"{"$or": [{"x": [1]}, {"y": [1]}, {"z": [1]}]}"#,
        )
        .unwrap();
        m.add_rule("c".to_string(), r#"{"x": [1]}"#).unwrap();
        let event = r#"{"z": 1, "y": 1, "x": 1}"#;
        assert_eq!(m.matches_for_event(event).unwrap(), ["a", "b", "c"]);
    }

    /// Sub-rules of one condition are matched by a hit alone, without a log entry: many of them,
    /// hit over and over in array elements (some of which are judged element by element), or in
    /// an event reaching a path twice, are named once each and in slot order.
    #[test]
    fn sole_conditions_match_alone() {
        let mut m = Machine::new();
        for i in 0..40 {
            m.add_rule(format!("r{i:02}"), format!(r#"{{"a": {{"b": [{i}]}}}}"#))
                .unwrap();
        }
        m.add_rule("both".to_string(), r#"{"a": {"b": [1], "c": [2]}}"#)
            .unwrap();
        m.add_rule("none".to_string(), r#"{"a": {"d": [{"exists": false}]}}"#)
            .unwrap();
        let all: Vec<String> = (0..40).map(|i| format!("r{i:02}")).collect();
        let values: Vec<String> = (0..40).rev().map(|i| i.to_string()).collect();
        let elements = values
            .iter()
            .map(|v| format!(r#"{{"b": [{v}, {v}]}}"#))
            .collect::<Vec<_>>()
            .join(",");
        let event = format!(r#"{{"a": [{elements}, {{"b": 1, "c": 2}}]}}"#);
        let expected = [&all[..], &["both".to_string(), "none".to_string()]].concat();
        assert_eq!(m.matches_for_event(&event).unwrap(), expected);
        let event = r#"{"a": [{"b": 7}, {"c": 2}], "a.b": 3}"#;
        assert_eq!(m.matches_for_event(event).unwrap(), ["r03", "r07", "none"]);
        let event = r#"{"a": [{"b": 7}, {"c": 2, "d": 0}, {"b": 7}]}"#;
        assert_eq!(m.matches_for_event(event).unwrap(), ["r07"]);
    }
}
