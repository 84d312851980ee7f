//! What `check` found for each rule: the one list its every report (the summary, JSON, SARIF,
//! JUnit) is written from, so the reports cannot disagree.
//!
//! A finding keeps the place and the text of a problem apart, because SARIF and JUnit put them in
//! different fields; the messages printed on standard error are the same text with the place in
//! front.

use ferruler_sources::failure::Failure;
use std::path::Path;

/// What checking found for one rule, or for a file that could not be read.
pub struct Finding {
    pub status: Status,
    /// The rule's name; `None` for a whole file.
    pub rule: Option<String>,
    pub file: String,
    /// Line and column (1-based) of the pattern, or of the problem in it.
    pub position: Option<(usize, usize)>,
    /// What is wrong; `None` for a valid rule.
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    /// The pattern is not a valid event pattern.
    InvalidPattern,
    /// The file could not be read as rules (unreadable, invalid YAML or JSON, a duplicate name).
    InvalidFile,
    /// The pattern needs a value only a deployment knows.
    NotChecked,
}

impl Status {
    /// The name reports use: the SARIF rule id, the JSON `status`.
    pub fn id(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::InvalidPattern => "invalid-pattern",
            Status::InvalidFile => "invalid-file",
            Status::NotChecked => "not-checked",
        }
    }
}

impl Finding {
    /// A problem, placed where `failure` points (or at `path`, when it names no file).
    pub fn problem(
        status: Status,
        rule: Option<String>,
        failure: &Failure,
        path: &Path,
    ) -> Finding {
        let parts = failure.parts();
        Finding {
            status,
            rule,
            file: parts
                .file
                .map_or_else(|| path.display().to_string(), str::to_string),
            position: parts.position,
            message: Some(parts.message.to_string()),
        }
    }
}
