//! The reference interpreter's definition, applied to events with duplicate keys.
//!
//! `reference::matches` reads events as `serde_json::Value`, which keeps one value per key, so it
//! cannot judge an event with a duplicated key; the engine counts every occurrence (docs/hardening.md)
//! and such events take its aliased-path search, which nothing else checks against brute force.
//! This module reads the event keeping every occurrence, flattens it into the reference's
//! [`Leaf`]s exactly as `reference::leaves` does (each occurrence of an array is its own array), and
//! applies the reference's definition of a sub-rule match with the reference's own `compatible`
//! and `matcher_holds`. Only the search below is restated here (the reference keeps it private).

use crate::reference::{self, Leaf};
use ferruler::pattern::{Condition, Pattern, SubRule, Test};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// An event read with every occurrence of every key.
#[derive(Debug, Clone)]
pub enum Tree {
    /// Members in order, duplicates kept.
    Obj(Vec<(String, Tree)>),
    /// Elements.
    Arr(Vec<Tree>),
    /// A scalar.
    Scalar(Value),
}

impl Tree {
    /// Reads strictly valid JSON (as `json::strict_value`, but duplicate keys allowed).
    pub fn read(text: &[u8]) -> Option<Tree> {
        serde_json::from_slice(text).ok()
    }

    /// Whether some object has a key twice.
    pub fn has_duplicates(&self) -> bool {
        match self {
            Tree::Obj(m) => {
                m.iter()
                    .enumerate()
                    .any(|(i, (k, _))| m[..i].iter().any(|(k2, _)| k2 == k))
                    || m.iter().any(|(_, v)| v.has_duplicates())
            }
            Tree::Arr(items) => items.iter().any(Tree::has_duplicates),
            Tree::Scalar(_) => false,
        }
    }

    /// Every leaf, as `reference::leaves` would list it.
    pub fn leaves(&self) -> Vec<Leaf<'_>> {
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut Vec::new(), &mut 0, &mut out);
        out
    }
}

fn walk<'a>(
    t: &'a Tree,
    path: &mut Vec<String>,
    trail: &mut Vec<(usize, usize)>,
    next_array: &mut usize,
    out: &mut Vec<Leaf<'a>>,
) {
    match t {
        Tree::Obj(members) => {
            for (k, child) in members {
                let depth = path.len();
                path.extend(k.split('.').map(str::to_string));
                walk(child, path, trail, next_array, out);
                path.truncate(depth);
            }
        }
        Tree::Arr(items) => {
            let id = *next_array;
            *next_array += 1;
            for (i, item) in items.iter().enumerate() {
                trail.push((id, i));
                walk(item, path, trail, next_array, out);
                trail.pop();
            }
        }
        Tree::Scalar(value) => {
            if !path.is_empty() {
                out.push(Leaf {
                    path: path.clone(),
                    value,
                    trail: trail.clone(),
                });
            }
        }
    }
}

/// Whether the event with these leaves matches `pattern`, by the reference's definition.
pub fn matches(pattern: &Pattern, leaves: &[Leaf<'_>]) -> bool {
    pattern.sub_rules().iter().any(|s| sub_rule(s, leaves))
}

fn sub_rule(sub: &SubRule, all: &[Leaf<'_>]) -> bool {
    let (positive, absent): (Vec<&Condition>, Vec<&Condition>) = sub
        .conditions()
        .iter()
        .partition(|c| matches!(c.test(), Test::AnyOf(_)));
    let candidates: Vec<Vec<&Leaf<'_>>> = positive
        .iter()
        .map(|c| {
            let Test::AnyOf(ms) = c.test() else {
                unreachable!()
            };
            all.iter()
                .filter(|l| {
                    l.path == c.path() && ms.iter().any(|m| reference::matcher_holds(m, l.value))
                })
                .collect()
        })
        .collect();
    choose(&candidates, &mut Vec::new(), &absent, all)
}

fn choose<'a>(
    candidates: &[Vec<&'a Leaf<'a>>],
    chosen: &mut Vec<&'a Leaf<'a>>,
    absent: &[&Condition],
    all: &'a [Leaf<'a>],
) -> bool {
    if chosen.len() == candidates.len() {
        return absent.iter().all(|c| {
            !all.iter()
                .any(|l| l.path == c.path() && chosen.iter().all(|x| reference::compatible(x, l)))
        });
    }
    for &leaf in &candidates[chosen.len()] {
        if chosen.iter().all(|x| reference::compatible(x, leaf)) {
            chosen.push(leaf);
            if choose(candidates, chosen, absent, all) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        serde_json::Number::from_f64(v)
            .map(|n| Tree::Scalar(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::String(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(t) = seq.next_element()? {
            items.push(t);
        }
        Ok(Tree::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            members.push((key, map.next_value()?));
        }
        Ok(Tree::Obj(members))
    }
}

/// Leaves above which the exponential reference is not consulted.
pub const REFERENCE_LEAVES: usize = 64;

/// The reference's verdict for each pattern on `event`, if the event is valid JSON, an object, and
/// has at most [`REFERENCE_LEAVES`] leaves: `reference::matches` itself when no key is duplicated,
/// this module's reading of the same definition otherwise.
pub fn verdicts(patterns: &[&Pattern], event: &[u8]) -> Option<Vec<bool>> {
    let tree = Tree::read(event).filter(|t| matches!(t, Tree::Obj(_)))?;
    if !tree.has_duplicates() {
        let value = super::json::strict_value(event)?;
        if reference::leaves(&value).len() > REFERENCE_LEAVES {
            return None;
        }
        return Some(
            patterns
                .iter()
                .map(|p| reference::matches(p, &value))
                .collect(),
        );
    }
    let leaves = tree.leaves();
    if leaves.len() > REFERENCE_LEAVES {
        return None;
    }
    Some(patterns.iter().map(|p| matches(p, &leaves)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(pattern: &str, event: &str) -> bool {
        let tree = Tree::read(event.as_bytes()).unwrap();
        matches(&Pattern::parse(pattern).unwrap(), &tree.leaves())
    }

    #[test]
    fn agrees_with_the_reference_without_duplicates() {
        let p = r#"{"x": {"a": [1], "b": [2]}, "z": [{"exists": false}]}"#;
        for e in [
            r#"{"x": [{"a": 1}, {"b": 2}]}"#,
            r#"{"x": [{"a": 1, "b": 2}]}"#,
            r#"{"x": [{"a": 1, "b": 2}], "z": 0}"#,
            r#"{"x": [{"a": 1, "b": 2, "z": 0}], "x.b": 2}"#,
        ] {
            let value: Value = serde_json::from_str(e).unwrap();
            let want = reference::matches(&Pattern::parse(p).unwrap(), &value);
            assert_eq!(verdict(p, e), want, "{e}");
        }
    }

    #[test]
    fn every_occurrence_counts() {
        let e = r#"{"x": [{"a": 1}], "x": [{"b": 2}], "a": 1, "a": 2}"#;
        assert!(Tree::read(e.as_bytes()).unwrap().has_duplicates());
        assert!(verdict(r#"{"x": {"a": [1], "b": [2]}}"#, e));
        assert!(verdict(r#"{"a": [2]}"#, e));
        assert!(!verdict(
            r#"{"x": {"a": [1], "b": [2]}, "a": [{"exists": false}]}"#,
            e
        ));
    }
}
