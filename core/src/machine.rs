//! The machine: named rules compiled together, matched in one pass per event.
//!
//! Adding a rule parses its pattern (all validation happens there), then installs each sub-rule:
//! its conditions go into the value indexes of their paths as targets, and the sub-rule gets a
//! slot holding what matching needs (its rule, its condition paths, its positive-condition mask).
//! Deleting reverses exactly that, so memory returns when rules go. Matching never looks at a rule
//! that no value of the event hit (see `matching` for how hits become matches).
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

use crate::compile::paths::{NodeId, PathTrie, ROOT};
use crate::compile::{push_slot, Target};
use crate::error::{EventError, PatternError};
use crate::event::scan;
use crate::limits::Limits;
use crate::matching::{exact, Run, Scratch, SubInfo};
use crate::pattern::{Matcher, Pattern, SubRule, Test};
use foldhash::HashMap;
use hashbrown::HashTable;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::hash::Hash;

mod code;

/// Up to this many wildcards with a middle star on one path, every add checks the path's
/// automaton against `Limits::max_wildcard_states`; beyond it, each doubling does.
const EAGER_WILDCARDS: usize = 16;

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
    subs: Vec<SubInfo>,
    free_subs: Vec<u32>,
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
    absent_only: Vec<u32>,
    absent_slot: HashMap<u32, usize>,
    /// Path nodes where some sub-rule needs arrays resolved element by element.
    scoped_nodes: usize,
    limits: Limits,
    patterns: usize,
}

#[derive(Debug, Clone)]
struct Rule<N> {
    name: N,
    /// Where the records of the patterns added under the name (usually one) are in
    /// `Machine::records`: `records[at..at + len]`. (An offset into one arena instead of a boxed
    /// slice per rule: 8 bytes less per rule, and one allocation less.)
    at: u32,
    len: u32,
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
            subs: Vec::new(),
            free_subs: Vec::new(),
            rules: Vec::new(),
            free_rules: Vec::new(),
            by_name: HashTable::new(),
            hasher: Default::default(),
            records: Vec::new(),
            garbage: 0,
            absent_only: Vec::new(),
            absent_slot: HashMap::default(),
            scoped_nodes: 0,
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
            sub_rules: self.subs.len() - self.free_subs.len(),
            paths: self.trie.len() - 1,
        }
    }

    /// The size of the largest wildcard automaton in the machine, in states: a measure of how
    /// complex its wildcard rules are, bounded by `Limits::max_wildcard_states` for paths holding a
    /// wildcard with a star in the middle. Builds any automaton not built yet.
    pub fn complexity(&self) -> usize {
        self.trie
            .nodes_with_values()
            .filter_map(|v| v.wildcards().states())
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
        Run::reset(matching);
        let watch_aliases = self.scoped_nodes > 0;
        let mut run = Run {
            trie: &self.trie,
            subs: &self.subs,
            scratch: matching,
            watch_aliases,
            aliased: false,
            open_objects: 0,
        };
        scan::scan(event, ROOT, &mut run, self.limits.max_event_depth, buffers)?;
        if run.aliased {
            let depth = self.limits.max_event_depth;
            return exact::decide(
                event,
                &self.trie,
                &self.subs,
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
        let mut tests = Vec::new();
        code::encode(&parsed, &mut tests);
        let found = self.find(&name);
        if let Some(slot) = found {
            if self.position(slot, &parsed, &tests).is_some() {
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
        if let Err(error) = self.check_wildcards(text, &parsed) {
            for (&sub, sub_rule) in subs.iter().zip(parsed.sub_rules()) {
                self.uninstall(sub, sub_rule.conditions().iter().map(|c| c.test()));
            }
            if self.rule(slot).len == 0 {
                self.forget_rule(slot);
            }
            return Err(error);
        }
        self.append_record(slot, &subs, &tests);
        self.patterns += 1;
        Ok(())
    }

    /// Where among the records of rule `slot` is the pattern `parsed`, whose tests code is
    /// `tests`: the one with the same paths (the nodes of its sub-rules) and the same code.
    fn position(&self, slot: u32, parsed: &Pattern, tests: &[u8]) -> Option<code::Record<'_>> {
        code::records(self.records_of(slot)).find(|r| {
            r.code == tests
                && r.subs.len() == parsed.sub_rules().len()
                && r.subs
                    .iter()
                    .zip(parsed.sub_rules())
                    .all(|(&sub, sub_rule)| {
                        let nodes = self.subs[sub as usize].nodes();
                        nodes.len() == sub_rule.conditions().len()
                            && nodes
                                .iter()
                                .zip(sub_rule.conditions())
                                .all(|(&node, c)| self.trie.find(c.path()) == Some(node))
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
        let rule = Some(Rule {
            name,
            at: 0,
            len: 0,
        });
        let slot = match self.free_rules.pop() {
            Some(s) => {
                self.rules[s as usize] = rule;
                s
            }
            None => {
                push_slot(&mut self.rules, rule);
                (self.rules.len() - 1) as u32
            }
        };
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

    /// Builds the wildcard automaton of every path where `pattern` put a wildcard with a star in
    /// the middle, and refuses the pattern if one would exceed `Limits::max_wildcard_states`.
    fn check_wildcards(&self, text: &[u8], pattern: &Pattern) -> Result<(), PatternError> {
        for condition in pattern.sub_rules().iter().flat_map(|s| s.conditions()) {
            let Test::AnyOf(matchers) = condition.test() else {
                continue;
            };
            let complex = matchers.iter().find_map(|m| match m {
                Matcher::Wildcard(w) if !w.is_simple() => Some(w),
                Matcher::AnythingBut(_) | Matcher::Wildcard(_) => None,
                _ => None,
            });
            let Some(wildcard) = complex else { continue };
            let Some(node) = self.trie.find(condition.path()) else {
                continue;
            };
            let Some(values) = &self.trie.node(node).values else {
                continue;
            };
            // Building the automaton costs time that grows with the path's wildcards, so it is
            // checked while they are few and then whenever their number doubles: amortised, each
            // add pays a constant share. In between, the automaton is built at the first match,
            // under the same budget, falling back to one-by-one tests should it not fit.
            let count = values.wildcards().complex_count();
            if (count <= EAGER_WILDCARDS || count.is_power_of_two())
                && values.wildcards().states().is_none()
            {
                let at = memchr::memmem::find(text, wildcard.source().as_bytes()).unwrap_or(0);
                return Err(crate::pattern::error_at(
                    text,
                    at,
                    format!(
                        "Rule is too complex: the wildcards of \"{}\" would need more than {} automaton states (Limits::max_wildcard_states)",
                        condition.dotted_path(),
                        self.limits.max_wildcard_states
                    ),
                ));
            }
        }
        Ok(())
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
        let mut tests = Vec::new();
        code::encode(&parsed, &mut tests);
        let Some(record) = self.position(slot, &parsed, &tests) else {
            return Ok(false);
        };
        let (subs, span) = (record.subs, record.span);
        self.remove_record(slot, span);
        let now_empty = self.rule(slot).len == 0;
        for (&sub, sub_rule) in subs.iter().zip(parsed.sub_rules()) {
            self.uninstall(sub, sub_rule.conditions().iter().map(|c| c.test()));
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
            let tests = code::decode(record.code, record.subs.len());
            for (&sub, tests) in record.subs.iter().zip(&tests) {
                self.uninstall(sub, tests.iter());
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
        let rule = self.rule(slot);
        &self.records[rule.at as usize..(rule.at + rule.len) as usize]
    }

    /// Appends the record of a pattern to rule `slot`'s, moving them to the end of the arena
    /// first if they are not there.
    fn append_record(&mut self, slot: u32, subs: &[u32], tests: &[u8]) {
        let Machine {
            rules,
            records,
            garbage,
            ..
        } = self;
        let rule = rules[slot as usize].as_mut().expect("a rule's slot");
        let (at, len) = (rule.at as usize, rule.len as usize);
        let needed = len + tests.len() + 6 * (subs.len() + 2);
        if records.capacity() - records.len() < needed {
            records.reserve_exact(needed.max(records.len() / 8));
        }
        if at + len != records.len() || len == 0 {
            records.extend_from_within(at..at + len);
            *garbage += len;
        }
        let start = records.len() - len;
        code::put_record(records, subs, tests);
        let end = u32::try_from(records.len()).expect("less than 4 GiB of pattern records");
        rule.at = start as u32;
        rule.len = end - rule.at;
        self.collect_garbage();
    }

    /// Removes the record at `span` (within rule `slot`'s records).
    fn remove_record(&mut self, slot: u32, span: std::ops::Range<usize>) {
        let Machine {
            rules,
            records,
            garbage,
            ..
        } = self;
        let rule = rules[slot as usize].as_mut().expect("a rule's slot");
        let (at, end) = (rule.at as usize, (rule.at + rule.len) as usize);
        records.copy_within(at + span.end..end, at + span.start);
        rule.len -= span.len() as u32;
        if end == records.len() {
            records.truncate(end - span.len());
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
            let (at, len) = (rule.at as usize, rule.len as usize);
            rule.at = records.len() as u32;
            records.extend_from_slice(&self.records[at..at + len]);
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
        let rule = self.rule(slot);
        let (at, len) = (rule.at as usize, rule.len as usize);
        if at + len == self.records.len() {
            self.records.truncate(at);
        } else {
            self.garbage += len;
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

    /// Compiles one sub-rule of rule `slot` into the machine; returns its sub-rule slot.
    fn install(&mut self, rule: u32, sub_rule: &SubRule) -> u32 {
        let sub = match self.free_subs.pop() {
            Some(s) => s,
            None => {
                push_slot(&mut self.subs, SubInfo::free());
                (self.subs.len() - 1) as u32
            }
        };
        let conditions = sub_rule.conditions();
        let mut nodes: SmallVec<[NodeId; 8]> = SmallVec::with_capacity(conditions.len());
        let mut positive: SmallVec<[u64; 1]> =
            SmallVec::from_elem(0, conditions.len().div_ceil(64).max(1));
        let sole = matches!(conditions, [c] if matches!(c.test(), Test::AnyOf(_)));
        for (bit, condition) in conditions.iter().enumerate() {
            let node = self.trie.acquire(condition.path());
            nodes.push(node);
            let target = Target::new(sub, bit, sole);
            let budget = self.limits.max_wildcard_states;
            let values = self
                .trie
                .node_mut(node)
                .values
                .get_or_insert_with(Default::default);
            match condition.test() {
                Test::AnyOf(matchers) => {
                    positive[bit / 64] |= 1 << (bit % 64);
                    for m in matchers {
                        values.add(m, target, budget);
                    }
                }
                Test::Absent => values.add_absent(target),
            }
        }
        let info = SubInfo::new(rule, &nodes, &positive);
        debug_assert_eq!(info.sole(), sole);
        self.adjust_scopes(&info, 1);
        if info.positive().iter().all(|&p| p == 0) {
            self.absent_slot.insert(sub, self.absent_only.len());
            self.absent_only.push(sub);
        }
        self.subs[sub as usize] = info;
        sub
    }

    /// Removes what `install` added at slot `sub` for a sub-rule whose conditions have `tests`.
    fn uninstall<'t>(&mut self, sub: u32, tests: impl Iterator<Item = &'t Test>) {
        let info = std::mem::replace(&mut self.subs[sub as usize], SubInfo::free());
        self.adjust_scopes(&info, -1);
        for (bit, (test, &node)) in tests.zip(info.nodes().iter()).enumerate() {
            let target = Target::new(sub, bit, info.sole());
            let slot = &mut self.trie.node_mut(node).values;
            if let Some(values) = slot {
                match test {
                    Test::AnyOf(matchers) => {
                        for m in matchers {
                            values.remove(m, target);
                        }
                    }
                    Test::Absent => values.remove_absent(target),
                }
                if values.is_empty() {
                    *slot = None;
                }
            }
            self.trie.release(node);
        }
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
        self.free_subs.push(sub);
        if self.free_subs.len() == self.subs.len() {
            self.subs = Vec::new();
            self.free_subs = Vec::new();
        }
    }

    /// Counts (`delta` = 1) or uncounts (-1) the sub-rule at every path node where arrays must be
    /// resolved element by element for it: nodes with two or more of its conditions at or below
    /// them, at least one of them positive.
    fn adjust_scopes(&mut self, info: &SubInfo, delta: i32) {
        if info.nodes().len() < 2 {
            return;
        }
        let mut seen: SmallVec<[NodeId; 8]> = SmallVec::new();
        for &node in info.nodes().iter() {
            let lineage: SmallVec<[NodeId; 8]> = self.trie.lineage(node).collect();
            for q in lineage {
                if seen.contains(&q) {
                    continue;
                }
                seen.push(q);
                let mut under = 0;
                let mut positive_under = 0;
                for (bit, &n) in info.nodes().iter().enumerate() {
                    if self.trie.contains(q, n) {
                        under += 1;
                        if info.positive()[bit / 64] & (1 << (bit % 64)) != 0 {
                            positive_under += 1;
                        }
                    }
                }
                if under >= 2 && positive_under >= 1 {
                    let users = &mut self.trie.node_mut(q).scope_users;
                    let before = *users;
                    *users = users.wrapping_add_signed(delta);
                    let change = match (before, *users) {
                        (0, _) => 1,
                        (_, 0) => -1,
                        _ => 0,
                    };
                    if change != 0 {
                        self.scoped_nodes = self.scoped_nodes.wrapping_add_signed(change as isize);
                        let mut at = Some(q);
                        while let Some(n) = at {
                            let node = self.trie.node_mut(n);
                            node.scoped_below = node.scoped_below.wrapping_add_signed(change);
                            at = self.trie.parent(n);
                        }
                    }
                }
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
