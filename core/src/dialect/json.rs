//! A small JSON reader and writer for records and filter patterns, keeping each value's offset.
//!
//! The engine's own event scanner reads only what rules use and builds no tree; a record's
//! envelope has to be taken apart (an SQS `body` string holding JSON, a base64 Kinesis `data`) and
//! put back together as the event the pattern is matched against, and a filter pattern's operators
//! have to be found with their positions. Numbers are kept as spelled, so writing a value back
//! changes nothing the engine compares.

use super::error::{DialectError, Part};

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

/// A value and the byte offset where it starts.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub at: usize,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(super) enum Value {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Node>),
    /// Members in order, each with its key's offset.
    Object(Vec<(String, usize, Node)>),
}

impl Node {
    /// The value of member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().rev().find(|m| m.0 == key).map(|m| &m.2),
            _ => None,
        }
    }
}

/// Parses `text` as one JSON value; errors are about `part`.
pub(super) fn parse(text: &str, part: Part) -> Result<Node, DialectError> {
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
        part,
    };
    let node = reader.value(0)?;
    reader.space();
    if reader.pos < reader.text.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(node)
}

/// Writes `node` as compact JSON.
pub(super) fn write(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::Str(s) => write_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, _, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(key, out);
                out.push(':');
                write(value, out);
            }
            out.push('}');
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    part: Part,
}

impl Reader<'_> {
    fn error(&self, message: &str) -> DialectError {
        DialectError::new(format!("invalid JSON: {message}"), self.pos, self.part)
    }

    fn space(&mut self) {
        while matches!(self.text.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, DialectError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.space();
        let at = self.pos;
        let value = match self.text.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a value")),
            None => return Err(self.error("unexpected end of input")),
        };
        Ok(Node { at, value })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, DialectError> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Value, DialectError> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while matches!(r.text.get(r.pos), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.text[self.pos] == b'-' {
            self.pos += 1;
        }
        let int_start = self.pos;
        if !digits(self) || (self.text[int_start] == b'0' && self.pos - int_start > 1) {
            return Err(self.error("invalid number"));
        }
        if self.text.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.text.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.text.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        let spelled = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        Ok(Value::Number(spelled))
    }

    fn string(&mut self) -> Result<String, DialectError> {
        self.pos += 1; // the opening quote
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.text.get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let escaped = self.text.get(self.pos).copied();
                    self.pos += 1;
                    match escaped {
                        Some(b'"') => out.push(b'"'),
                        Some(b'\\') => out.push(b'\\'),
                        Some(b'/') => out.push(b'/'),
                        Some(b'b') => out.push(8),
                        Some(b'f') => out.push(12),
                        Some(b'n') => out.push(b'\n'),
                        Some(b'r') => out.push(b'\r'),
                        Some(b't') => out.push(b'\t'),
                        Some(b'u') => {
                            let c = self.unicode_escape()?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8 in a string"))
    }

    fn hex4(&mut self) -> Result<u32, DialectError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(digits)
    }

    fn unicode_escape(&mut self) -> Result<char, DialectError> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.text[self.pos..].starts_with(b"\\u") {
                return Err(self.error("unpaired surrogate"));
            }
            self.pos += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error("unpaired surrogate"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate"))
    }

    fn array(&mut self, depth: usize) -> Result<Value, DialectError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.space();
        if self.text.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.space();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected , or ]")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, DialectError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.space();
        if self.text.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.space();
            let key_at = self.pos;
            if self.text.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.space();
            if self.text.get(self.pos) != Some(&b':') {
                return Err(self.error("expected :"));
            }
            self.pos += 1;
            members.push((key, key_at, self.value(depth + 1)?));
            self.space();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error("expected , or }")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let mut out = String::new();
        write(&parse(text, Part::Record).unwrap(), &mut out);
        out
    }

    #[test]
    fn values_round_trip_with_numbers_as_spelled() {
        assert_eq!(
            round_trip(r#" { "a" : [1.50, -2e3, true, null], "b": "x\"\u00e9\ud83d\ude00" } "#),
            "{\"a\":[1.50,-2e3,true,null],\"b\":\"x\\\"é😀\"}"
        );
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse(r#"{"a": tru}"#, Part::Record).unwrap_err();
        assert_eq!(e.offset(), 6);
        assert!(parse("[1,]", Part::Record).is_err());
        assert!(parse("01", Part::Record).is_err());
        assert!(parse(&"[".repeat(300), Part::Record).is_err());
    }
}
