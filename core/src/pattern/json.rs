//! A small JSON reader for pattern text that keeps what a generic JSON library throws away.
//!
//! Patterns need three things serde_json's `Value` does not give: the position of every token (so
//! that a semantic error such as `prefix match pattern must be a string` can say where), the original
//! spelling of numbers, and every occurrence of a duplicated key (EventBridge keeps the last one, and
//! we must decide that ourselves rather than inherit a map's behaviour). Patterns are small, so the
//! reader favours clarity over speed; events go through the separate scanner in `crate::event`.
//!
//! The Lambda and Pipes dialects read their records and filter patterns with it too (naming what
//! they read in its messages, see [`Subject`]), and write a record back with [`write`].

use crate::error::{PatternError, Position};

/// A JSON value together with the byte offset where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub at: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// Members in document order, duplicates included.
    Object(Vec<Member>),
    Array(Vec<Node>),
    String(String),
    /// The number exactly as written.
    Number(String),
    Bool(bool),
    Null,
}

/// Nested values are dropped with an explicit stack: the default recursive drop could overflow the
/// stack on a deeply nested document.
impl Drop for Node {
    fn drop(&mut self) {
        let mut pending: Vec<Node> = Vec::new();
        take_children(&mut self.kind, &mut pending);
        while let Some(mut node) = pending.pop() {
            take_children(&mut node.kind, &mut pending);
        }
    }
}

fn take_children(kind: &mut Kind, into: &mut Vec<Node>) {
    match kind {
        Kind::Object(members) => into.extend(std::mem::take(members).into_iter().map(|m| m.value)),
        Kind::Array(items) => into.append(items),
        _ => {}
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub key: String,
    pub key_at: usize,
    pub value: Node,
}

impl Kind {
    /// How event-ruler's messages name a token of this kind.
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Object(_) => "an object",
            Kind::Array(_) => "an array",
            Kind::String(_) => "a string",
            Kind::Number(_) => "a number",
            Kind::Bool(_) => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// What a text is, as the reader's messages name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject {
    /// The noun, capitalised: `Pattern`.
    pub name: &'static str,
    /// The setting that limits its nesting, named when the limit is passed.
    pub depth_limit: Option<&'static str>,
}

/// An event pattern, the words of the messages EventBridge's users know.
pub(crate) const PATTERN: Subject = Subject {
    name: "Pattern",
    depth_limit: Some("Limits::max_pattern_depth"),
};

/// Parses `text` as exactly one JSON value (surrounding whitespace allowed), refusing nesting deeper
/// than `max_depth`.
pub(crate) fn parse(text: &[u8], max_depth: usize) -> Result<Node, PatternError> {
    parse_as(text, max_depth, PATTERN)
}

/// [`parse`] for a text that is not a pattern, its messages naming `subject`.
pub(crate) fn parse_as(
    text: &[u8],
    max_depth: usize,
    subject: Subject,
) -> Result<Node, PatternError> {
    let name = subject.name;
    let text_str = std::str::from_utf8(text)
        .map_err(|e| error_at(text, e.valid_up_to(), format!("{name} is not valid UTF-8")))?;
    let mut reader = Reader {
        text: text_str.as_bytes(),
        pos: 0,
        depth: 0,
        max_depth,
        subject,
    };
    reader.skip_ws();
    let node = reader.value()?;
    reader.skip_ws();
    if reader.pos < reader.text.len() {
        return Err(reader.fail_here(format!(
            "Unexpected text after the end of the {}",
            name.to_lowercase()
        )));
    }
    Ok(node)
}

/// Writes `node` as compact JSON, numbers as spelled and strings quoted as
/// [`json_quote`](super::json_quote) does, so that reading it back gives the same values.
pub(crate) fn write(node: &Node, out: &mut String) {
    match &node.kind {
        Kind::Object(members) => crate::stack::deep(|| {
            out.push('{');
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&super::json_quote(&member.key));
                out.push(':');
                write(&member.value, out);
            }
            out.push('}');
        }),
        Kind::Array(items) => crate::stack::deep(|| {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }),
        Kind::String(s) => out.push_str(&super::json_quote(s)),
        Kind::Number(spelled) => out.push_str(spelled),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Null => out.push_str("null"),
    }
}

/// Builds an error at a byte offset of `text`, computing its line and column.
pub(crate) fn error_at(text: &[u8], offset: usize, message: impl Into<String>) -> PatternError {
    PatternError::new(message, locate(text, offset))
}

/// Line and column (1-based; columns count characters) of a byte offset.
pub(crate) fn locate(text: &[u8], offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    // Count characters, not bytes: continuation bytes (0b10xxxxxx) do not start a character.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count() as u32
        + 1;
    Position {
        line,
        column,
        offset,
    }
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
    subject: Subject,
}

impl Reader<'_> {
    fn fail_here(&self, message: impl Into<String>) -> PatternError {
        error_at(self.text, self.pos, message)
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.text.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn unexpected(&self, expected: &str) -> PatternError {
        match self.peek() {
            None => self.fail_here(format!("Unexpected end of input: expected {expected}")),
            Some(b) => {
                let shown = show_char(&self.text[self.pos..]);
                let _ = b;
                self.fail_here(format!("Unexpected character {shown}: expected {expected}"))
            }
        }
    }

    fn value(&mut self) -> Result<Node, PatternError> {
        let at = self.pos;
        let kind = match self.peek() {
            Some(b'{') => crate::stack::deep(|| self.object())?,
            Some(b'[') => crate::stack::deep(|| self.array())?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => self.keyword("true", Kind::Bool(true))?,
            Some(b'f') => self.keyword("false", Kind::Bool(false))?,
            Some(b'n') => self.keyword("null", Kind::Null)?,
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Node { at, kind })
    }

    fn enter(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            let Subject { name, depth_limit } = self.subject;
            let setting = depth_limit.map_or(String::new(), |s| format!(" ({s})"));
            return Err(self.fail_here(format!(
                "{name} is nested more than {} levels deep{setting}",
                self.max_depth
            )));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Kind, PatternError> {
        self.enter()?;
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a double-quoted field name"));
            }
            let key_at = self.pos;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("':' after the field name"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member { key, key_at, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
        self.depth -= 1;
        Ok(Kind::Object(members))
    }

    fn array(&mut self) -> Result<Kind, PatternError> {
        self.enter()?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
        self.depth -= 1;
        Ok(Kind::Array(items))
    }

    fn keyword(&mut self, word: &'static str, kind: Kind) -> Result<Kind, PatternError> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn number(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        match crate::number::json_number_len(&self.text[start..]) {
            Some(len) => {
                self.pos += len;
                // Safe: the number grammar is ASCII.
                Ok(String::from_utf8_lossy(&self.text[start..self.pos]).into_owned())
            }
            None => Err(self.fail_here("Invalid number")),
        }
    }

    fn string(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        match crate::event::strings::decode_string(self.text, self.pos) {
            Ok((decoded, end)) => {
                self.pos = end;
                Ok(decoded)
            }
            Err((message, at)) => {
                let _ = start;
                Err(error_at(self.text, at, message))
            }
        }
    }
}

fn show_char(rest: &[u8]) -> String {
    let s = String::from_utf8_lossy(&rest[..rest.len().min(4)]);
    match s.chars().next() {
        Some(c) if c.is_control() => format!("(code {})", c as u32),
        Some(c) => format!("'{c}'"),
        None => "end of input".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicates_and_number_spelling() {
        let n = parse(br#"{"a": [3.5e1], "a": [true]}"#, 10).unwrap();
        let Kind::Object(members) = &n.kind else {
            panic!()
        };
        assert_eq!(members.len(), 2);
        let Kind::Array(items) = &members[0].value.kind else {
            panic!()
        };
        assert!(matches!(&items[0].kind, Kind::Number(t) if t == "3.5e1"));
    }

    #[test]
    fn positions_are_line_and_character_column() {
        let err = parse("{\n  \"é\": [1,]\n}".as_bytes(), 10).unwrap_err();
        assert_eq!((err.line(), err.column()), (2, 11));
    }

    #[test]
    fn depth_is_limited() {
        let text = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(text.as_bytes(), 50)
            .unwrap_err()
            .message()
            .contains("nested"));
    }

    #[test]
    fn trailing_text_rejected() {
        assert!(parse(b"{} x", 10).is_err());
    }

    #[test]
    fn messages_name_the_subject() {
        let record = Subject {
            name: "Record",
            depth_limit: None,
        };
        let message = |text: &[u8], subject| {
            parse_as(text, 2, subject)
                .unwrap_err()
                .message()
                .to_string()
        };
        assert_eq!(
            message(b"{} x", PATTERN),
            "Unexpected text after the end of the pattern"
        );
        assert_eq!(
            message(b"{} x", record),
            "Unexpected text after the end of the record"
        );
        assert_eq!(
            message(b"[[[1]]]", PATTERN),
            "Pattern is nested more than 2 levels deep (Limits::max_pattern_depth)"
        );
        assert_eq!(
            message(b"[[[1]]]", record),
            "Record is nested more than 2 levels deep"
        );
        assert_eq!(message(b"\"\xff\"", record), "Record is not valid UTF-8");
    }

    #[test]
    fn writes_back_what_it_read() {
        let text = r#" { "a" : [1.50, -2e3, true, null, {}, []], "b": "x\"\u00e9\ud83d\ude00\u0001\n", "a": 0 } "#;
        let mut out = String::new();
        write(&parse(text.as_bytes(), 10).unwrap(), &mut out);
        assert_eq!(
            out,
            "{\"a\":[1.50,-2e3,true,null,{},[]],\"b\":\"x\\\"é😀\\u0001\\n\",\"a\":0}"
        );
    }
}
