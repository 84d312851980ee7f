//! Error values.
//!
//! Two things can go wrong: a pattern is invalid (rejected once, when it is added or checked) or an
//! event is not valid JSON (rejected when it is matched). They are separate types because they are
//! reported at different times and carry different positions: a pattern error points at a line and
//! column of the pattern text, as EventBridge's `InvalidEventPatternException` does; an event error
//! points at a byte offset, because events are usually one long line.
//!
//! Messages follow EventBridge's (event-ruler's) wording where one exists, so that a message seen in
//! the AWS console can be searched for here and vice versa.

use std::fmt;

/// A pattern was rejected. `message` is EventBridge's wording for the mistake where it has one;
/// `line` and `column` (both 1-based) locate the offending token in the pattern text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    message: String,
    line: u32,
    column: u32,
    offset: usize,
}

impl PatternError {
    pub(crate) fn new(message: impl Into<String>, pos: Position) -> Self {
        PatternError {
            message: message.into(),
            line: pos.line,
            column: pos.column,
            offset: pos.offset,
        }
    }

    /// The reason, without the position (e.g. `"source" must be an object or an array`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the offending token in the pattern text.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column (in characters) of the offending token in the pattern text.
    pub fn column(&self) -> u32 {
        self.column
    }

    /// 0-based byte offset of the offending token in the pattern text.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for PatternError {}

/// An event could not be read: it is not valid JSON (or not UTF-8, or too deep or too large for the
/// machine's limits). `offset` is the 0-based byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    message: String,
    offset: usize,
}

impl EventError {
    pub(crate) fn new(message: impl Into<String>, offset: usize) -> Self {
        EventError {
            message: message.into(),
            offset,
        }
    }

    /// The reason, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 0-based byte offset in the event text where the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid event: {} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for EventError {}

/// Either kind of error, for calls that take both a pattern and an event
/// ([`matches_rule`](crate::matches_rule)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The pattern was rejected.
    Pattern(PatternError),
    /// The event could not be read.
    Event(EventError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Pattern(e) => e.fmt(f),
            Error::Event(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Pattern(e) => Some(e),
            Error::Event(e) => Some(e),
        }
    }
}

impl From<PatternError> for Error {
    fn from(e: PatternError) -> Self {
        Error::Pattern(e)
    }
}

impl From<EventError> for Error {
    fn from(e: EventError) -> Self {
        Error::Event(e)
    }
}

/// A place in a pattern's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}
