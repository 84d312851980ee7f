//! The machine: named rules compiled together, matched in one pass per event.
//!
//! Adding a rule parses its pattern (all validation happens there), then installs each sub-rule:
//! its conditions go into the value indexes of their paths as targets, and the sub-rule gets a
//! slot holding what matching needs (its rule, its condition paths, its positive-condition mask).
//! Deleting reverses exactly that, so memory returns when rules go. Matching never looks at a rule
//! that no value of the event hit (see `matching` for how hits become matches).
//!
//! Mutation takes `&mut self` and matching `&self`: the borrow checker guarantees that no reader
//! sees a half-added rule, and a `Machine` is `Send + Sync`, so it can be shared behind an `Arc`
//! (readers in parallel) or an `RwLock` (readers and writers). Wrappers in the bindings do the
//! latter.

use crate::compile::paths::{NodeId, PathTrie, ROOT};
use crate::compile::Target;
use crate::error::{EventError, PatternError};
use crate::event::scan;
use crate::limits::Limits;
use crate::matching::{exact, Run, Scratch, SubInfo};
use crate::pattern::{Matcher, Pattern, SubRule, Test};
use foldhash::HashMap;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::hash::Hash;

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
    /// Rule slots: the name of each rule, or `None` for a free slot.
    names: Vec<Option<N>>,
    free_names: Vec<u32>,
    rules: HashMap<N, RuleEntry>,
    /// Sub-rules with no positive condition (only `exists: false`), and each one's place here.
    absent_only: Vec<u32>,
    absent_slot: HashMap<u32, usize>,
    /// Path nodes where some sub-rule needs arrays resolved element by element.
    scoped_nodes: usize,
    limits: Limits,
    patterns: usize,
}

#[derive(Debug, Clone)]
struct RuleEntry {
    slot: u32,
    /// Each pattern added under the name (usually one).
    patterns: SmallVec<[StoredPattern; 1]>,
}

/// A pattern as added: its text (re-read to uninstall it) and the slots of its sub-rules.
#[derive(Debug, Clone)]
struct StoredPattern {
    text: Box<[u8]>,
    subs: SmallVec<[u32; 1]>,
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
            names: Vec::new(),
            free_names: Vec::new(),
            rules: HashMap::default(),
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
            names: self.rules.len(),
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
        self.rules.len()
    }

    /// Whether the machine holds no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The names of the rules, in no particular order.
    pub fn rule_names(&self) -> impl Iterator<Item = &N> {
        self.names.iter().flatten()
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
        for &slot in &scratch.rules {
            if let Some(name) = &self.names[slot as usize] {
                f(name);
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
        Run::reset(scratch);
        let mut buffers = std::mem::take(&mut scratch.buffers);
        let watch_aliases = self.scoped_nodes > 0;
        let mut run = Run {
            trie: &self.trie,
            subs: &self.subs,
            scratch,
            watch_aliases,
            aliased: false,
        };
        let scanned = scan::scan(
            event,
            ROOT,
            &mut run,
            self.limits.max_event_depth,
            &mut buffers,
        );
        run.scratch.buffers = buffers;
        scanned?;
        if run.aliased {
            let depth = self.limits.max_event_depth;
            return exact::decide(
                event,
                &self.trie,
                &self.subs,
                &self.absent_only,
                depth,
                run.scratch,
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
        if let Some(entry) = self.rules.get(&name) {
            if entry
                .patterns
                .iter()
                .any(|p| same_pattern(&p.text, text, &parsed, &self.limits))
            {
                return Ok(());
            }
        }
        let slot = match self.rules.get(&name) {
            Some(entry) => entry.slot,
            None => {
                let slot = match self.free_names.pop() {
                    Some(s) => {
                        self.names[s as usize] = Some(name.clone());
                        s
                    }
                    None => {
                        self.names.push(Some(name.clone()));
                        (self.names.len() - 1) as u32
                    }
                };
                self.rules.insert(
                    name.clone(),
                    RuleEntry {
                        slot,
                        patterns: SmallVec::new(),
                    },
                );
                slot
            }
        };
        let subs: SmallVec<[u32; 1]> = parsed
            .sub_rules()
            .iter()
            .map(|s| self.install(slot, s))
            .collect();
        if let Err(error) = self.check_wildcards(text, &parsed) {
            for (sub, sub_rule) in subs.iter().zip(parsed.sub_rules()) {
                self.uninstall(*sub, sub_rule);
            }
            if self.rules.get(&name).is_some_and(|e| e.patterns.is_empty()) {
                self.forget_name(&name);
            }
            return Err(error);
        }
        self.rules
            .get_mut(&name)
            .expect("inserted above")
            .patterns
            .push(StoredPattern {
                text: text.into(),
                subs,
            });
        self.patterns += 1;
        Ok(())
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
        let Some(entry) = self.rules.get_mut(name) else {
            return Ok(false);
        };
        let Some(i) = entry
            .patterns
            .iter()
            .position(|p| same_pattern(&p.text, text, &parsed, &self.limits))
        else {
            return Ok(false);
        };
        let removed = entry.patterns.swap_remove(i);
        let now_empty = entry.patterns.is_empty();
        for (sub, sub_rule) in removed.subs.iter().zip(parsed.sub_rules()) {
            self.uninstall(*sub, sub_rule);
        }
        self.patterns -= 1;
        if now_empty {
            self.forget_name(name);
        }
        Ok(true)
    }

    /// Deletes every pattern of the rule `name`, returning how many there were.
    pub fn delete_rules_named(&mut self, name: &N) -> usize {
        let Some(entry) = self.rules.get(name) else {
            return 0;
        };
        let patterns = entry.patterns.clone();
        for stored in &patterns {
            let parsed = Pattern::parse_with_limits(&stored.text, &self.limits)
                .expect("stored patterns are valid");
            for (sub, sub_rule) in stored.subs.iter().zip(parsed.sub_rules()) {
                self.uninstall(*sub, sub_rule);
            }
        }
        self.patterns -= patterns.len();
        self.forget_name(name);
        patterns.len()
    }

    /// Whether a rule of this name exists.
    pub fn contains_rule(&self, name: &N) -> bool {
        self.rules.contains_key(name)
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

    fn forget_name(&mut self, name: &N) {
        if let Some(entry) = self.rules.remove(name) {
            self.names[entry.slot as usize] = None;
            self.free_names.push(entry.slot);
        }
        if self.rules.is_empty() {
            self.names = Vec::new();
            self.free_names = Vec::new();
            self.rules = HashMap::default();
        }
    }

    /// Compiles one sub-rule of rule `slot` into the machine; returns its sub-rule slot.
    fn install(&mut self, rule: u32, sub_rule: &SubRule) -> u32 {
        let sub = match self.free_subs.pop() {
            Some(s) => s,
            None => {
                self.subs.push(SubInfo {
                    rule,
                    nodes: Box::new([]),
                    positive: SmallVec::new(),
                });
                (self.subs.len() - 1) as u32
            }
        };
        let conditions = sub_rule.conditions();
        let mut nodes = Vec::with_capacity(conditions.len());
        let mut positive: SmallVec<[u64; 1]> =
            SmallVec::from_elem(0, conditions.len().div_ceil(64).max(1));
        for (bit, condition) in conditions.iter().enumerate() {
            let node = self.trie.acquire(condition.path());
            nodes.push(node);
            let target = Target {
                sub,
                bit: bit as u32,
            };
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
        let info = SubInfo {
            rule,
            nodes: nodes.into_boxed_slice(),
            positive,
        };
        self.adjust_scopes(&info, 1);
        if info.positive.iter().all(|&p| p == 0) {
            self.absent_slot.insert(sub, self.absent_only.len());
            self.absent_only.push(sub);
        }
        self.subs[sub as usize] = info;
        sub
    }

    /// Removes what `install` added for `sub_rule` at slot `sub`.
    fn uninstall(&mut self, sub: u32, sub_rule: &SubRule) {
        let info = std::mem::replace(
            &mut self.subs[sub as usize],
            SubInfo {
                rule: u32::MAX,
                nodes: Box::new([]),
                positive: SmallVec::new(),
            },
        );
        self.adjust_scopes(&info, -1);
        for (bit, (condition, &node)) in sub_rule
            .conditions()
            .iter()
            .zip(info.nodes.iter())
            .enumerate()
        {
            let target = Target {
                sub,
                bit: bit as u32,
            };
            let slot = &mut self.trie.node_mut(node).values;
            if let Some(values) = slot {
                match condition.test() {
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
        if info.nodes.len() < 2 {
            return;
        }
        let mut seen: SmallVec<[NodeId; 8]> = SmallVec::new();
        for &node in info.nodes.iter() {
            let lineage: SmallVec<[NodeId; 8]> = self.trie.lineage(node).collect();
            for q in lineage {
                if seen.contains(&q) {
                    continue;
                }
                seen.push(q);
                let mut under = 0;
                let mut positive_under = 0;
                for (bit, &n) in info.nodes.iter().enumerate() {
                    if self.trie.contains(q, n) {
                        under += 1;
                        if info.positive[bit / 64] & (1 << (bit % 64)) != 0 {
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

/// Whether stored pattern text `stored` means the same as `text` (parsed as `parsed`).
fn same_pattern(stored: &[u8], text: &[u8], parsed: &Pattern, limits: &Limits) -> bool {
    stored == text || Pattern::parse_with_limits(stored, limits).is_ok_and(|p| p == *parsed)
}
