//! `{name: pattern}` files.
//!
//! Each pattern is handed to the core as the exact text of the file between its braces (serde's
//! borrowed `RawValue`), not re-serialised: numbers keep their spelling, duplicate keys survive for
//! the core to judge, and the slice's offset in the file turns the core's error offsets into the
//! file's lines and columns. A pattern may also be given as a JSON string holding the pattern, as
//! CloudFormation allows for `EventPattern`.

use super::{Origin, Rule, RuleSet};
use crate::failure::{locate, Failure};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::sync::Arc;

/// Reads the rules of a `{name: pattern}` file.
pub fn load(file: &str, contents: Arc<str>) -> Result<RuleSet, Failure> {
    let entries = entries(&contents).map_err(|e| json_failure(file, &contents, &e))?;
    let mut set = RuleSet::default();
    for (name, raw) in entries {
        let base = raw.get().as_ptr() as usize - contents.as_ptr() as usize;
        let (text, base) = match serde_json::from_str::<String>(raw.get()) {
            // A pattern given as a string: its text starts after the opening quote.
            Ok(inner) => (inner, base + 1),
            Err(_) => (raw.get().to_string(), base),
        };
        let origin = Origin::Slice {
            file: file.to_string(),
            contents: contents.clone(),
            base,
        };
        set.extend(RuleSet {
            rules: vec![Rule::new(name, text, origin)],
            unresolved: Vec::new(),
        })?;
    }
    Ok(set)
}

/// The entries of the JSON object `text`, in order (duplicates kept), each value as its exact text.
pub fn entries(text: &str) -> Result<Vec<(String, &RawValue)>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = de.deserialize_map(Entries)?;
    de.end()?;
    Ok(entries)
}

/// A serde error in `file`, at its line and column.
pub fn json_failure(file: &str, contents: &str, e: &serde_json::Error) -> Failure {
    let message = e.to_string();
    // serde_json appends " at line L column C"; the location goes in front instead.
    let message = message.split(" at line ").next().unwrap_or(&message);
    if e.line() == 0 {
        return Failure::file(file, message);
    }
    let offset = contents
        .split_inclusive('\n')
        .take(e.line() - 1)
        .map(str::len)
        .sum::<usize>();
    let mut at = locate(file, contents, offset);
    at.column = e.column().max(1);
    Failure::at(&at, format_args!("invalid JSON: {message}"))
}

struct Entries;

impl<'de> Visitor<'de> for Entries {
    type Value = Vec<(String, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object mapping rule names to event patterns")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some((name, pattern)) = map.next_entry::<String, &'de RawValue>()? {
            out.push((name, pattern));
        }
        Ok(out)
    }
}
