//! Reading an event into the leaf values an explanation talks about.
//!
//! The event is parsed into a tree by the pattern reader (`pattern::json`, which keeps duplicate
//! keys and the spelling of numbers, as the machine's scanner does), then walked along the
//! pattern's paths only, splitting keys at dots as the machine's path trie does. Every leaf met on
//! a tested path is recorded with its location and its *trail*: the array elements it sits in
//! (`(array, element)` pairs, outermost first), which is all that array consistency needs.

use super::Value;
use crate::error::EventError;
use crate::pattern::json::{self, Kind, Member};
use crate::pattern::Pattern;

/// `(array id, element index)` pairs, outermost array first.
pub(super) type Trail = Vec<(u32, u32)>;

/// A leaf value found on one of the pattern's paths.
#[derive(Debug)]
pub(super) struct LeafRecord {
    pub location: String,
    pub value: Value,
    pub trail: Trail,
}

/// What the event holds at one path.
pub(super) struct Found<'a> {
    pub values: &'a [LeafRecord],
    pub objects: usize,
    pub empty_arrays: usize,
}

/// The event's leaves on every path of a pattern.
pub(super) struct Leaves {
    nodes: Vec<Node>,
    /// The location of every array met on the pattern's paths, indexed by array id.
    pub arrays: Vec<String>,
}

struct Node {
    segment: String,
    parent: u32,
    children: Vec<u32>,
    /// Some condition tests the values here.
    tested: bool,
    values: Vec<LeafRecord>,
    objects: usize,
    empty_arrays: usize,
}

impl Leaves {
    /// What the event holds at `path` (one of the pattern's paths).
    pub(super) fn at(&self, path: &[String]) -> Found<'_> {
        let mut at = 0;
        for segment in path {
            at = self.nodes[at]
                .children
                .iter()
                .map(|&c| c as usize)
                .find(|&c| self.nodes[c].segment == *segment)
                .expect("every condition path was put in the trie");
        }
        let node = &self.nodes[at];
        Found {
            values: &node.values,
            objects: node.objects,
            empty_arrays: node.empty_arrays,
        }
    }

    fn child(&self, from: u32, segment: &[u8]) -> Option<u32> {
        self.nodes[from as usize]
            .children
            .iter()
            .copied()
            .find(|&c| self.nodes[c as usize].segment.as_bytes() == segment)
    }
}

/// The event's leaves on every path of `pattern`. Fails when `event` is not a JSON object.
pub(super) fn collect(
    pattern: &Pattern,
    event: &[u8],
    max_depth: usize,
) -> Result<Leaves, EventError> {
    let mut leaves = Leaves {
        nodes: vec![node(String::new(), 0)],
        arrays: Vec::new(),
    };
    for condition in pattern.sub_rules().iter().flat_map(|s| s.conditions()) {
        let mut at = 0u32;
        for segment in condition.path() {
            at = match leaves.child(at, segment.as_bytes()) {
                Some(c) => c,
                None => {
                    leaves.nodes.push(node(segment.clone(), at));
                    let id = (leaves.nodes.len() - 1) as u32;
                    leaves.nodes[at as usize].children.push(id);
                    id
                }
            };
        }
        leaves.nodes[at as usize].tested = true;
    }
    // The machine's scanner ignores a byte order mark; so does this reader.
    let event = event.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(event);
    let root = json::parse(event, max_depth).map_err(|e| {
        // The reader words its messages for patterns.
        EventError::new(
            e.message()
                .replace("the pattern", "the event")
                .replace("Pattern", "Event"),
            e.offset(),
        )
    })?;
    let Kind::Object(members) = &root.kind else {
        return Err(EventError::new("an event must be a JSON object", root.at));
    };
    let mut walk = Walk {
        leaves,
        open: Vec::new(),
    };
    walk.members(0, members);
    Ok(walk.leaves)
}

fn node(segment: String, parent: u32) -> Node {
    Node {
        segment,
        parent,
        children: Vec::new(),
        tested: false,
        values: Vec::new(),
        objects: 0,
        empty_arrays: 0,
    }
}

struct Walk {
    leaves: Leaves,
    /// The arrays enclosing the current value, outermost first: `(array id, trie node, element)`.
    open: Vec<(u32, u32, u32)>,
}

impl Walk {
    fn members(&mut self, at: u32, members: &[Member]) {
        for member in members {
            // Event keys are split at dots, as the machine's path trie does.
            let child = member
                .key
                .split('.')
                .try_fold(at, |n, segment| self.leaves.child(n, segment.as_bytes()));
            if let Some(child) = child {
                self.value(child, &member.value);
            }
        }
    }

    fn value(&mut self, at: u32, value: &json::Node) {
        let tested = self.leaves.nodes[at as usize].tested;
        let leaf = match &value.kind {
            Kind::Object(members) => {
                if tested {
                    self.leaves.nodes[at as usize].objects += 1;
                }
                crate::stack::deep(|| self.members(at, members));
                return;
            }
            Kind::Array(items) => {
                let id = self.leaves.arrays.len() as u32;
                let location = self.location(at);
                self.leaves.arrays.push(location);
                if items.is_empty() && tested {
                    self.leaves.nodes[at as usize].empty_arrays += 1;
                }
                for (i, item) in items.iter().enumerate() {
                    self.open.push((id, at, i as u32));
                    self.value(at, item);
                    self.open.pop();
                }
                return;
            }
            Kind::String(s) => Value::String(s.clone()),
            Kind::Number(text) => Value::Number(text.clone()),
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Null => Value::Null,
        };
        if tested {
            let location = self.location(at);
            let trail = self
                .open
                .iter()
                .map(|&(id, _, element)| (id, element))
                .collect();
            self.leaves.nodes[at as usize].values.push(LeafRecord {
                location,
                value: leaf,
                trail,
            });
        }
    }

    /// `detail.items[1].sku`: the path to `node` with the element index of every enclosing array.
    fn location(&self, node: u32) -> String {
        let mut lineage = Vec::new();
        let mut at = node;
        while at != 0 {
            lineage.push(at);
            at = self.leaves.nodes[at as usize].parent;
        }
        let mut out = String::new();
        for &n in lineage.iter().rev() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&self.leaves.nodes[n as usize].segment);
            for &(_, _, element) in self
                .open
                .iter()
                .filter(|&&(_, array_node, _)| array_node == n)
            {
                out.push_str(&format!("[{element}]"));
            }
        }
        out
    }
}
