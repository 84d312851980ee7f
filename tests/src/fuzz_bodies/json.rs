//! JSON text for the fuzz targets: a small tree that is written out with a chosen *spelling*
//! (whitespace, string escapes, number notation), and a strict reader that is the oracle for
//! "this event is valid JSON".
//!
//! Generated patterns and events are built as [`Json`] and written to text by our own writer rather
//! than serde_json's, because the spelling is part of what is being tested: `\u00e9` versus `é`,
//! `1E+2` versus `100`, surrogate pairs, blank space. The reference interpreter needs a
//! `serde_json::Value`, which [`strict_value`] reads back from that same text.
//!
//! [`strict_value`] rejects duplicate keys, because a `Value` keeps only one of them (the engine
//! counts every occurrence, so the two would disagree by definition, not by a bug); serde_json
//! already rejects lone surrogate escapes, invalid UTF-8, numbers out of double range and nesting
//! deeper than 128.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt::{self, Write};

/// A JSON value whose numbers keep their spelling; object members keep order and duplicates.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// Members in order.
    Obj(Vec<(String, Json)>),
    /// Elements.
    Arr(Vec<Json>),
    /// A string (written with escapes as the [`Style`] says).
    Str(String),
    /// A number, exactly as it is to be written.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// How to spell a [`Json`] as text.
#[derive(Debug, Clone, Copy, Default, arbitrary::Arbitrary)]
pub struct Style {
    /// Blank space after `:` and `,` and around brackets.
    pub spaced: bool,
    /// 0: escape only what JSON requires; 1: also `\u`-escape every non-ASCII character
    /// (astral ones as surrogate pairs); 2: `\u`-escape every character; 3: escape `/` as `\/`.
    pub escapes: u8,
}

impl Json {
    /// The text of `self` in `style`.
    pub fn write(&self, style: Style) -> String {
        let mut out = String::new();
        self.write_into(&mut out, style);
        out
    }

    fn write_into(&self, out: &mut String, style: Style) {
        let sep = if style.spaced { ", " } else { "," };
        match self {
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    write_string(out, k, style);
                    out.push_str(if style.spaced { ": " } else { ":" });
                    v.write_into(out, style);
                }
                out.push('}');
            }
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    v.write_into(out, style);
                }
                out.push(']');
            }
            Json::Str(s) => write_string(out, s, style),
            Json::Num(n) => out.push_str(n),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
        }
    }
}

fn write_string(out: &mut String, s: &str, style: Style) {
    out.push('"');
    for c in s.chars() {
        let all = style.escapes % 4 == 2;
        let non_ascii = style.escapes % 4 == 1 && !c.is_ascii();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if style.escapes % 4 == 3 => out.push_str("\\/"),
            c if (c as u32) < 0x20 || all || non_ascii => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{:04x}", u);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `text` as a `Value` if it is strictly valid JSON (UTF-8, no lone surrogates, numbers within
/// double range, at most 128 levels deep) with no duplicate key in any object.
pub fn strict_value(text: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Strict>(text).ok().map(|s| s.0)
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value without duplicate keys")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Strict, E> {
        serde_json::Number::from_f64(v)
            .map(|n| Strict(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Strict(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if out.insert(key, v).is_some() {
                return Err(de::Error::custom("duplicate key"));
            }
        }
        Ok(Strict(Value::Object(out)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_read_back_as_the_same_string() {
        let s = Json::Obj(vec![("k/é".into(), Json::Str("a\"\\\n/é😀\u{1}".into()))]);
        for escapes in 0..4 {
            for spaced in [false, true] {
                let text = s.write(Style { spaced, escapes });
                let v = strict_value(text.as_bytes()).expect("valid");
                assert_eq!(v["k/é"], "a\"\\\n/é😀\u{1}", "{text}");
            }
        }
    }

    #[test]
    fn strict_rejects_duplicates_surrogates_and_overflow() {
        assert!(strict_value(br#"{"a":1,"a":2}"#).is_none());
        assert!(strict_value(br#"{"a":"\ud800"}"#).is_none());
        assert!(strict_value(br#"{"a":1e400}"#).is_none());
        assert!(strict_value(b"{\"a\":\"\xff\"}").is_none());
        assert!(strict_value(br#"{"a":{"a":1},"b":[1,1]}"#).is_some());
    }
}
