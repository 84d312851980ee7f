//! The event scanner: one pass over the event's bytes, building nothing.
//!
//! The scanner knows JSON syntax and nothing about rules; a [`Sink`] tells it which keys lead
//! somewhere (a node of the machine's path trie) and receives the values found there. A value under
//! a key that leads nowhere is *skipped*: the skipper finds the end of the value by tracking string
//! quotes (with their escapes) and the nesting of brackets and braces, and does not look at numbers,
//! literals, commas or colons inside it, nor check the UTF-8 of its strings. Everything on a path
//! some rule uses is fully validated (a number or literal that no rule reads is only delimited: it
//! runs to the next `,`, `}`, `]` or space, whatever it contains). So an event that is not JSON is
//! always rejected when the
//! damage is on a rule's path or breaks strings or brackets anywhere; damage confined to the inside
//! of an unused value (say `[1 2]` or `[tru]`) may go unnoticed, which cannot change any answer.
//!
//! Depth is bounded (`Limits::max_event_depth`) for walked and skipped values alike, so no event
//! can exhaust the stack.

use super::skip;
use super::strings::{short_plain, string_end, string_end_past_16, unescape_into, utf8};
use crate::compile::paths::Key;
use crate::error::EventError;

/// A scalar value the sink may match.
///
/// Tagged by a byte of its own (`repr(u8)`): otherwise the compiler keeps the tag in a niche and
/// lays `Bool` over the first byte of `Number`'s text pointer, so that building a number leaf
/// stores the pointer piece by piece.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub(crate) enum Leaf<'a> {
    /// A string, escapes decoded, checked to be UTF-8.
    String(&'a str),
    /// A number, as written (its grammar checked), and its coarse value
    /// ([`Spelling::coarse`](crate::number::Spelling::coarse), read in the same pass) when it has
    /// one.
    Number(&'a [u8], Option<crate::number::Coarse>),
    Bool(bool),
    Null,
}

/// What the scanner reports to.
pub(crate) trait Sink {
    /// A place in the path trie.
    type Node: Copy;
    /// The matchers of scalars at a node.
    type Values: Copy;
    /// The node reached from `node` by the (decoded) key, if any rule uses a path through it.
    fn child(&mut self, node: Self::Node, key: Key<'_>) -> Option<Self::Node>;
    /// Whether an object at `node` can lead anywhere (the node has children).
    fn has_children(&self, node: Self::Node) -> bool;
    /// The matchers of scalars at `node`, if any rule has some there: looked up once per value,
    /// before it is read (most values are read only as far as their end).
    fn values(&self, node: Self::Node) -> Option<Self::Values>;
    /// A scalar, for the matchers `values`.
    fn leaf(&mut self, values: Self::Values, leaf: Leaf<'_>);
    /// An array at `node` begins; returns whether its elements must be reported one by one.
    fn array_start(&mut self, node: Self::Node) -> bool;
    /// An element of a reported array begins.
    fn element_start(&mut self, node: Self::Node);
    /// An element of a reported array ends.
    fn element_end(&mut self, node: Self::Node);
    /// A reported array ends.
    fn array_end(&mut self, node: Self::Node);
    /// A walked object at `node` begins (its keys follow).
    fn object_start(&mut self, node: Self::Node);
    /// A walked object at `node` ends.
    fn object_end(&mut self, node: Self::Node);
}

/// Objects walked at a depth below this recurse without asking `stacker` for room (a
/// thread-local read per object): so few frames fit in any thread's stack.
const SHALLOW: usize = 16;

/// Scans `text` as one JSON object, reporting to `sink` from `root`.
pub(crate) fn scan<S: Sink>(
    text: &[u8],
    root: S::Node,
    sink: &mut S,
    max_depth: usize,
    buffers: &mut ScanBuffers,
) -> Result<(), EventError> {
    buffers.arrays.clear(); // an earlier event may have stopped at an error inside arrays
    let mut scanner = Scanner {
        text,
        pos: 0,
        depth: 0,
        max_depth,
        sink,
        buffers,
    };
    if text.starts_with(b"\xEF\xBB\xBF") {
        scanner.pos = 3; // a UTF-8 byte order mark is tolerated and ignored
    }
    scanner.ws();
    if scanner.peek() != Some(b'{') {
        return Err(scanner.fail("an event must be a JSON object"));
    }
    scanner.object(root)?;
    scanner.ws();
    if scanner.pos < text.len() {
        return Err(scanner.fail("unexpected text after the end of the event"));
    }
    Ok(())
}

/// Reusable space for decoding strings and tracking open arrays.
#[derive(Debug, Default)]
pub(crate) struct ScanBuffers {
    key: Vec<u8>,
    value: Vec<u8>,
    arrays: Vec<bool>,
}

struct Scanner<'a, 'b, S: Sink> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
    sink: &'b mut S,
    buffers: &'b mut ScanBuffers,
}

impl<'a, S: Sink> Scanner<'a, '_, S> {
    fn fail(&self, message: &str) -> EventError {
        EventError::new(message, self.pos)
    }

    fn unexpected(&self, expected: &str) -> EventError {
        match self.peek() {
            None => EventError::new(
                format!("unexpected end of input, expected {expected}"),
                self.pos,
            ),
            Some(b) if b.is_ascii_graphic() => EventError::new(
                format!("unexpected character '{}', expected {expected}", b as char),
                self.pos,
            ),
            Some(b) => EventError::new(
                format!("unexpected byte 0x{b:02x}, expected {expected}"),
                self.pos,
            ),
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        // Every whitespace byte is at most b' ', so in compact JSON one comparison decides.
        while let Some(&b) = self.text.get(self.pos) {
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    /// The next byte that is not whitespace, with `pos` moved to it. Compact JSON has no
    /// whitespace, so this is usually one load and one comparison.
    #[inline(always)]
    fn next_byte(&mut self) -> Option<u8> {
        match self.text.get(self.pos) {
            Some(&b) if b > b' ' => Some(b),
            _ => {
                self.ws();
                self.peek()
            }
        }
    }

    fn enter(&mut self) -> Result<(), EventError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(EventError::new(
                format!(
                    "event is nested more than {} levels deep (Limits::max_event_depth)",
                    self.max_depth
                ),
                self.pos,
            ));
        }
        Ok(())
    }

    /// A value at `node`: walked if the node can use it, skipped otherwise.
    #[inline(always)]
    fn value_at(&mut self, node: S::Node) -> Result<(), EventError> {
        match self.next_byte() {
            Some(b'{') => {
                if !self.sink.has_children(node) {
                    self.skip_container()
                } else if self.depth < SHALLOW {
                    self.object(node)
                } else {
                    crate::stack::deep(|| self.object(node))
                }
            }
            Some(b'[') => self.array(node),
            _ => {
                self.pos = self.scalar_at(node, self.pos)?;
                Ok(())
            }
        }
    }

    /// A string, number or literal at `node`, starting at `pos`; returns the offset just past it.
    /// Inlined into the loops over members and elements, which keep their place in a local: most
    /// values are scalars, and a call per value costs more than reading a short one.
    #[inline(always)]
    fn scalar_at(&mut self, node: S::Node, pos: usize) -> Result<usize, EventError> {
        let text = self.text;
        if text.get(pos) == Some(&b'"') {
            let start = pos + 1;
            let Some(values) = self.sink.values(node) else {
                let (end, _) = string_end(text, start).map_err(|(m, at)| EventError::new(m, at))?;
                return Ok(end + 1);
            };
            let (end, escaped) =
                string_end(text, start).map_err(|(m, at)| EventError::new(m, at))?;
            let bytes: &[u8] = if escaped {
                self.buffers.value.clear();
                unescape_into(&text[start..end], start, &mut self.buffers.value)
                    .map_err(|(m, at)| EventError::new(m, at))?;
                &self.buffers.value
            } else {
                &text[start..end]
            };
            let s = utf8(bytes).map_err(|e| {
                EventError::new("string is not valid UTF-8", start + e.valid_up_to())
            })?;
            self.sink.leaf(values, Leaf::String(s));
            Ok(end + 1)
        } else {
            let values = self.sink.values(node);
            let (leaf, len) = self.scalar(pos, values.is_some())?;
            if let Some(values) = values {
                self.sink.leaf(values, leaf);
            }
            Ok(pos + len)
        }
    }

    /// Reads the number or literal at `pos`, and its length; a number's coarse value is worked
    /// out only if `wanted`.
    #[inline(always)]
    fn scalar(&mut self, pos: usize, wanted: bool) -> Result<(Leaf<'a>, usize), EventError> {
        let rest: &'a [u8] = &self.text[pos..];
        Ok(match rest.first() {
            Some(b't') if rest.starts_with(b"true") => (Leaf::Bool(true), 4),
            Some(b'f') if rest.starts_with(b"false") => (Leaf::Bool(false), 5),
            Some(b'n') if rest.starts_with(b"null") => (Leaf::Null, 4),
            Some(b'-' | b'0'..=b'9') => match crate::number::spelling(rest) {
                Some(number) => {
                    let coarse = if wanted { number.coarse(rest) } else { None };
                    (Leaf::Number(&rest[..number.len], coarse), number.len)
                }
                None => {
                    self.pos = pos;
                    return Err(self.fail("invalid number"));
                }
            },
            _ => {
                self.pos = pos;
                return Err(self.unexpected("a JSON value"));
            }
        })
    }

    fn object(&mut self, node: S::Node) -> Result<(), EventError> {
        self.enter()?;
        self.pos += 1; // '{'
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        self.sink.object_start(node);
        // The loop keeps its place in a local and in compact JSON settles each member with a few
        // tests of the next byte and, for short plain keys and skipped string values, one SSE2
        // test per string; anything else (whitespace, escapes, long strings, errors) goes through
        // the general methods, which keep their place in `self.pos`.
        let text = self.text;
        let mut pos = self.pos;
        if text.get(pos) != Some(&b'"') {
            self.pos = pos;
            if self.next_byte() != Some(b'"') {
                return Err(self.unexpected("a double-quoted field name"));
            }
            pos = self.pos;
        }
        loop {
            // Here `text[pos]` is the opening quote of a key.
            let start = pos + 1;
            let child = match short_plain(text, start) {
                Some((chunk, len)) => {
                    pos = start + len + 1;
                    self.sink.child(node, Key::in_chunk(chunk, len))
                }
                None => {
                    let (child, end) = self.member_key(node, start)?;
                    pos = end + 1;
                    child
                }
            };
            if text.get(pos) == Some(&b':') {
                pos += 1;
            } else {
                self.pos = pos;
                if self.next_byte() != Some(b':') {
                    return Err(self.unexpected("':' after a field name"));
                }
                pos = self.pos + 1;
            }
            match child {
                Some(c) => match text.get(pos) {
                    Some(&b) if b > b' ' && b != b'{' && b != b'[' => {
                        pos = self.scalar_at(c, pos)?
                    }
                    _ => {
                        self.pos = pos;
                        self.value_at(c)?;
                        pos = self.pos;
                    }
                },
                None => {
                    let plain = match text.get(pos) {
                        Some(b'"') => short_plain(text, pos + 1),
                        _ => None,
                    };
                    match plain {
                        Some((_, len)) => pos += len + 2,
                        None => {
                            self.pos = pos;
                            self.skip_value()?;
                            pos = self.pos;
                        }
                    }
                }
            }
            // A comma and the next key's quote, in compact JSON, are one two-byte test.
            if text.get(pos..pos + 2) == Some(b",\"") {
                pos += 1;
                continue;
            }
            match text.get(pos) {
                Some(b'}') => {
                    self.pos = pos + 1;
                    break;
                }
                _ => {
                    self.pos = pos;
                    match self.next_byte() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.unexpected("',' or '}'")),
                    }
                    if self.next_byte() != Some(b'"') {
                        return Err(self.unexpected("a double-quoted field name"));
                    }
                    pos = self.pos;
                }
            }
        }
        self.sink.object_end(node);
        self.depth -= 1;
        Ok(())
    }

    /// The key of a member that is not short and plain (escaped, long, malformed or near the
    /// end), looked up under `node`; returns the child and the offset of the closing quote.
    #[inline(never)]
    fn member_key(
        &mut self,
        node: S::Node,
        start: usize,
    ) -> Result<(Option<S::Node>, usize), EventError> {
        let (end, escaped) =
            string_end_past_16(self.text, start).map_err(|(m, at)| EventError::new(m, at))?;
        let child = if escaped {
            self.buffers.key.clear();
            unescape_into(&self.text[start..end], start, &mut self.buffers.key)
                .map_err(|(m, at)| EventError::new(m, at))?;
            let key = std::mem::take(&mut self.buffers.key);
            let c = self.sink.child(node, Key::new(&key));
            self.buffers.key = key;
            c
        } else {
            self.sink.child(node, Key::within(self.text, start, end))
        };
        Ok((child, end))
    }

    /// An array at `node`. Arrays nested directly in arrays stay at the same node, and an event can
    /// nest them as deep as `max_event_depth`; they are walked with an explicit stack (of each open
    /// array's "report elements" flag) rather than by recursion, so no event can exhaust the call
    /// stack. Only objects recurse, and only along the path trie, whose depth patterns bound.
    fn array(&mut self, node: S::Node) -> Result<(), EventError> {
        // The flags of arrays opened here sit above `base` on the shared stack (an object inside
        // one of these arrays may reach further arrays, which stack above ours and are gone again
        // before we look at the top). The innermost array's flag is also kept in `scoped`.
        let base = self.buffers.arrays.len();
        let mut scoped = self.open_array(node)?;
        let objects_lead_on = self.sink.has_children(node);
        let mut just_opened = true;
        loop {
            // Before an element, or before the `]` of an array just opened.
            let next = self.next_byte();
            if just_opened && next == Some(b']') {
                match self.close_array(node, base) {
                    Some(top) => scoped = top,
                    None => return Ok(()),
                }
            } else {
                if scoped {
                    self.sink.element_start(node);
                }
                match next {
                    Some(b'[') => {
                        scoped = self.open_array(node)?;
                        just_opened = true;
                        continue;
                    }
                    Some(b'{') if !objects_lead_on => self.skip_container()?,
                    Some(b'{') if self.depth < SHALLOW => self.object(node)?,
                    Some(b'{') => crate::stack::deep(|| self.object(node))?,
                    _ => self.pos = self.scalar_at(node, self.pos)?,
                }
                if scoped {
                    self.sink.element_end(node);
                }
            }
            // After an element: `,` starts the next one, `]` closes the array, which ends an
            // element of the array around it, if any.
            loop {
                match self.next_byte() {
                    Some(b',') => {
                        self.pos += 1;
                        just_opened = false;
                        break;
                    }
                    Some(b']') => match self.close_array(node, base) {
                        Some(top) => scoped = top,
                        None => return Ok(()),
                    },
                    _ => return Err(self.unexpected("',' or ']'")),
                }
            }
        }
    }

    /// Opens an array at `node` (`pos` at its `[`); returns whether its elements are reported.
    fn open_array(&mut self, node: S::Node) -> Result<bool, EventError> {
        self.enter()?;
        let scoped = self.sink.array_start(node);
        self.buffers.arrays.push(scoped);
        self.pos += 1; // '['
        Ok(scoped)
    }

    /// Closes the innermost open array, whose `]` is at `pos`. Returns `None` when it was the one
    /// the current `array` call opened first (stack back at `base`); otherwise it was an element
    /// of the array around it, which ends, and the result is that array's flag.
    fn close_array(&mut self, node: S::Node, base: usize) -> Option<bool> {
        self.pos += 1;
        if self.buffers.arrays.pop() == Some(true) {
            self.sink.array_end(node);
        }
        self.depth -= 1;
        if self.buffers.arrays.len() == base {
            return None;
        }
        let scoped = self.buffers.arrays.last() == Some(&true);
        if scoped {
            self.sink.element_end(node);
        }
        Some(scoped)
    }

    #[inline(always)]
    fn skip_string(&mut self) -> Result<(), EventError> {
        let (end, _) =
            string_end(self.text, self.pos + 1).map_err(|(m, at)| EventError::new(m, at))?;
        self.pos = end + 1;
        Ok(())
    }

    /// Skips one value without interpreting it (see the module docs for what is checked).
    fn skip_value(&mut self) -> Result<(), EventError> {
        match self.next_byte() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => self.skip_container(),
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                // A number or literal nobody reads: find where the token ends, nothing more. A
                // well-formed number is measured eight digits at a time; anything else is
                // delimited byte by byte.
                let rest = &self.text[self.pos..];
                let len = crate::number::json_number_len(rest).unwrap_or_else(|| {
                    rest.iter()
                        .position(|&b| {
                            matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                        })
                        .unwrap_or(rest.len())
                });
                self.pos += len;
                Ok(())
            }
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// Skips the array or object at `pos`. Inlined, with the error path out of line: it runs two
    /// or three times per event, and the wrapper layers cost more than a block of skipping.
    #[inline(always)]
    fn skip_container(&mut self) -> Result<(), EventError> {
        let depth_left = self.max_depth.saturating_sub(self.depth);
        match skip::skip_container(self.text, self.pos, depth_left) {
            Ok(end) => {
                self.pos = end;
                Ok(())
            }
            Err(failure) => Err(self.skip_failed(failure)),
        }
    }

    #[cold]
    #[inline(never)]
    fn skip_failed(&self, (message, at): (&'static str, usize)) -> EventError {
        if message == "nested" {
            EventError::new(
                format!(
                    "event is nested more than {} levels deep (Limits::max_event_depth)",
                    self.max_depth
                ),
                at,
            )
        } else {
            EventError::new(message, at)
        }
    }
}
