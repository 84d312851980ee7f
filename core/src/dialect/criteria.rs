//! Filter criteria: several filter patterns, of which a record must match one.
//!
//! Lambda and Pipes take a list of filters and pass a record when any of them matches it (the
//! filters are OR-ed); with no filter at all every record passes. Lambda allows 5 filters per event
//! source mapping by default and up to 10 with a quota increase; Pipes allows 5. Each pattern is at
//! most 4096 characters.

use super::error::{DialectError, Part};
use super::Dialect;
use crate::Machine;

/// The longest filter pattern Lambda and Pipes accept, in characters.
pub const MAX_PATTERN_CHARS: usize = 4096;

/// A dialect's filters, compiled together.
pub struct FilterCriteria {
    dialect: Dialect,
    machine: Machine<usize>,
    len: usize,
}

impl FilterCriteria {
    /// Checks and compiles `patterns`; an error names the filter (from 0) it is in.
    pub fn new<I, S>(dialect: Dialect, patterns: I) -> Result<FilterCriteria, DialectError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut machine = Machine::new();
        let mut len = 0;
        for (i, pattern) in patterns.into_iter().enumerate() {
            let pattern = pattern.as_ref();
            dialect.check_pattern(pattern).map_err(|e| e.in_filter(i))?;
            machine
                .add_rule(i, pattern)
                .map_err(|e| DialectError::new(e.message(), e.offset(), Part::Pattern(i)))?;
            len += 1;
        }
        if let Some(max) = dialect.max_filters().filter(|&max| len > max) {
            return Err(DialectError::new(
                format!("{len} filters: {} allows at most {max}", dialect.service()),
                0,
                Part::Criteria,
            ));
        }
        Ok(FilterCriteria {
            dialect,
            machine,
            len,
        })
    }

    /// The number of filters.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no filters (then every record passes).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The filters (numbered from 0) that `record` matches, in order.
    pub fn matching_filters(&self, record: &str) -> Result<Vec<usize>, DialectError> {
        let event = self.dialect.event(record)?;
        let mut matched = self
            .machine
            .matches_for_event(&event)
            .map_err(|e| DialectError::new(e.message(), 0, Part::Record))?;
        matched.sort_unstable();
        Ok(matched)
    }

    /// Whether the service passes `record` on: some filter matches it, or there are none.
    pub fn passes(&self, record: &str) -> Result<bool, DialectError> {
        Ok(self.is_empty() || !self.matching_filters(record)?.is_empty())
    }
}
