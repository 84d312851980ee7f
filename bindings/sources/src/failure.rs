//! Errors in rule sources, and the places they point at.
//!
//! Every message a user sees names where the problem is, in the `FILE:LINE:COLUMN: error: ...` form
//! that editors, terminals and CI log viewers turn into links. A [`Failure`] is always a finished
//! message; the readers build it where they still know the file, the rule and the position, so
//! nothing above them has to guess. The CLI prints it as it is; the Python and Node bindings raise
//! it, with the place taken apart again by [`Failure::parts`].

use std::fmt;

/// A problem in a rule source (or, in the CLI, anything that ends a command); the message is
/// complete.
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Failure {
    /// A failure about a whole file (no position).
    pub fn file(file: &str, message: impl fmt::Display) -> Failure {
        Failure(format!("{file}: error: {message}"))
    }

    /// A failure at a position in a file.
    pub fn at(at: &Location, message: impl fmt::Display) -> Failure {
        Failure(format!("{at}: error: {message}"))
    }
}

/// A finished message taken apart again, for reports that keep the place and the text apart
/// (SARIF, JSON, JUnit, a Python exception's attributes): `FILE:LINE:COLUMN: error: MESSAGE` or
/// `FILE: error: MESSAGE`.
pub struct Parts<'a> {
    pub file: Option<&'a str>,
    /// Line and column, 1-based.
    pub position: Option<(usize, usize)>,
    pub message: &'a str,
}

impl Failure {
    /// This message's place and text; see [`Parts`].
    pub fn parts(&self) -> Parts<'_> {
        let Some((head, message)) = self.0.split_once(": error: ") else {
            return Parts {
                file: None,
                position: None,
                message: self.0.strip_prefix("error: ").unwrap_or(&self.0),
            };
        };
        let mut pieces = head.rsplitn(3, ':');
        let (column, line, file) = (pieces.next(), pieces.next(), pieces.next());
        match (
            line.and_then(|l| l.parse().ok()),
            column.and_then(|c| c.parse().ok()),
            file,
        ) {
            (Some(line), Some(column), Some(file)) => Parts {
                file: Some(file),
                position: Some((line, column)),
                message,
            },
            _ => Parts {
                file: Some(head),
                position: None,
                message,
            },
        }
    }
}

/// A position in a named input: a file path, or `<stdin>`, `<pattern>`, `<event>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Where byte `offset` of `text` (the contents of `file`) is.
pub fn locate(file: &str, text: &str, offset: usize) -> Location {
    let (line, column) = line_column(text, offset);
    Location {
        file: file.to_string(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_apart_into_place_and_text() {
        let at = Location {
            file: "t.yaml".into(),
            line: 3,
            column: 7,
        };
        let failure = Failure::at(&at, "rule R: bad");
        let parts = failure.parts();
        assert_eq!(
            (parts.file, parts.position, parts.message),
            (Some("t.yaml"), Some((3, 7)), "rule R: bad")
        );
        let failure = Failure::file("dir/x.json", "cannot read: gone");
        let parts = failure.parts();
        assert_eq!((parts.file, parts.position), (Some("dir/x.json"), None));
        let failure = Failure("error: nothing".into());
        assert_eq!(failure.parts().message, "nothing");
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("abc", 99), (1, 4));
    }
}
