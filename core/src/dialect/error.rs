//! What is wrong with a filter pattern or a record, and where.

use std::fmt;

/// A filter pattern the service would refuse, or a record that is not a record of the source.
///
/// `offset` is a byte offset into the text that is wrong (the pattern or the record), as in
/// [`PatternError`](crate::PatternError), so that a tool can point at the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialectError {
    message: String,
    offset: usize,
    part: Part,
}

/// Which of the inputs an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The filter pattern (of filter number `n`, from 0, in a [`FilterCriteria`](super::FilterCriteria)).
    Pattern(usize),
    /// The record.
    Record,
    /// The filter criteria as a whole (their number).
    Criteria,
}

impl DialectError {
    pub(super) fn new(message: impl Into<String>, offset: usize, part: Part) -> Self {
        DialectError {
            message: message.into(),
            offset,
            part,
        }
    }

    pub(super) fn in_filter(mut self, n: usize) -> Self {
        if let Part::Pattern(_) = self.part {
            self.part = Part::Pattern(n);
        }
        self
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset of the problem in the text it is about.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Which text the problem is in.
    pub fn part(&self) -> Part {
        self.part
    }
}

impl fmt::Display for DialectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Part::Pattern(n) => write!(f, "filter {n}: {} (at byte {})", self.message, self.offset),
            Part::Record => write!(f, "record: {} (at byte {})", self.message, self.offset),
            Part::Criteria => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DialectError {}
