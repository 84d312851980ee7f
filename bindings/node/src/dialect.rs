//! The native half of the JS `FilterCriteria` class: Lambda event-source mapping and EventBridge
//! Pipes filter criteria, over the core's `ferruler::dialect`.
//!
//! As elsewhere, bad input is returned as a value ([`DialectFailure`]) for `index.js` to raise as
//! `InvalidFilterError` or `InvalidRecordError`. The core's `DialectError` gives a byte offset and
//! the part at fault (a filter, the record, the criteria as a whole); the line and column are
//! computed here from the text of that part, which the core does not report.

use crate::input::bytes_of;
use ferruler::dialect::{Dialect, DialectError, Part, Source};
use napi::bindgen_prelude::Either;
use napi_derive::napi;

/// Why a filter or a record was rejected.
#[napi(object)]
pub struct DialectFailure {
    /// `"INVALID_FILTER"`, `"INVALID_RECORD"`, or `"INVALID_SOURCE"` (an unknown source name).
    pub code: String,
    /// The full text, as the Rust error displays it.
    pub message: String,
    /// The reason alone, without the position.
    pub reason: String,
    /// 1-based line of the problem in the filter or record text.
    pub line: u32,
    /// 1-based column (in Unicode code points) of the problem in that line.
    pub column: u32,
    /// 0-based byte offset of the problem in the UTF-8 text.
    pub offset: f64,
    /// 0-based index of the filter at fault; absent for a record, or for the criteria as a whole
    /// (too many filters).
    pub filter: Option<u32>,
}

/// Filter criteria compiled for one event source.
#[napi]
pub struct NativeFilterCriteria {
    inner: ferruler::dialect::FilterCriteria,
    dialect: Dialect,
}

/// Compiles `filters` (JSON text) for `source` ("sqs", "kinesis", "dynamodb", "kafka", "msk", "mq",
/// "eventbridge", or "lambda:"/"pipes:" and a source), with Pipes' rules if `pipes`.
#[napi(catch_unwind)]
pub fn filter_criteria(
    filters: Vec<String>,
    source: String,
    pipes: bool,
) -> Either<NativeFilterCriteria, DialectFailure> {
    let dialect = match dialect_of(&source, pipes) {
        Ok(dialect) => dialect,
        Err(message) => {
            return Either::B(DialectFailure {
                code: "INVALID_SOURCE".into(),
                reason: message.clone(),
                message,
                line: 1,
                column: 1,
                offset: 0.0,
                filter: None,
            })
        }
    };
    match ferruler::dialect::FilterCriteria::new(dialect, &filters) {
        Ok(inner) => Either::A(NativeFilterCriteria { inner, dialect }),
        Err(e) => {
            let text = match e.part() {
                Part::Pattern(i) => filters.get(i).map_or(&b""[..], |s| s.as_bytes()),
                _ => b"",
            };
            Either::B(failure(&e, text))
        }
    }
}

#[napi]
impl NativeFilterCriteria {
    /// Whether `record` passes: any filter matches the event it carries (true with no filters).
    #[napi(catch_unwind)]
    pub fn matches(&self, record: Either<String, &[u8]>) -> Either<bool, DialectFailure> {
        self.run(&record, |c, r| c.passes(r))
    }

    /// The indexes, ascending, of the filters that match `record`.
    #[napi(catch_unwind)]
    pub fn matching_filters(
        &self,
        record: Either<String, &[u8]>,
    ) -> Either<Vec<u32>, DialectFailure> {
        self.run(&record, |c, r| {
            c.matching_filters(r)
                .map(|found| found.into_iter().map(|i| i as u32).collect())
        })
    }

    /// The event `record` carries, as the JSON text the filters are matched against.
    #[napi(catch_unwind)]
    pub fn event(&self, record: Either<String, &[u8]>) -> Either<String, DialectFailure> {
        let dialect = self.dialect;
        self.run(&record, |_, r| dialect.event(r))
    }

    /// "sqs", "kinesis", "dynamodb", "kafka", "mq" or "eventbridge".
    #[napi(getter)]
    pub fn source(&self) -> &'static str {
        self.dialect.source().map_or("eventbridge", Source::name)
    }

    /// Whether Pipes' rules apply.
    #[napi(getter)]
    pub fn pipes(&self) -> bool {
        matches!(self.dialect, Dialect::Pipes(_))
    }

    /// "Lambda", "Pipes" or "EventBridge".
    #[napi(getter)]
    pub fn service(&self) -> &'static str {
        self.dialect.service()
    }

    /// The most filters the service allows (10 Lambda, 5 Pipes); null for EventBridge.
    #[napi(getter)]
    pub fn max_filters(&self) -> Option<u32> {
        self.dialect.max_filters().map(|n| n as u32)
    }

    /// How many filters.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }
}

impl NativeFilterCriteria {
    fn run<T>(
        &self,
        record: &Either<String, &[u8]>,
        f: impl FnOnce(&ferruler::dialect::FilterCriteria, &str) -> Result<T, DialectError>,
    ) -> Either<T, DialectFailure> {
        let bytes = bytes_of(record);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => return Either::B(record_failure("invalid UTF-8", bytes, e.valid_up_to())),
        };
        match f(&self.inner, text) {
            Ok(value) => Either::A(value),
            Err(e) => Either::B(failure(&e, bytes)),
        }
    }
}

fn dialect_of(source: &str, pipes: bool) -> Result<Dialect, String> {
    match (source.parse::<Dialect>()?, pipes) {
        (Dialect::EventBridge, true) => {
            Err("pipes: true needs an event source, not \"eventbridge\"".into())
        }
        (Dialect::Lambda(source), true) => Ok(Dialect::Pipes(source)),
        (dialect, _) => Ok(dialect),
    }
}

/// The core's error as a failure value; `text` is the filter's or the record's text.
fn failure(e: &DialectError, text: &[u8]) -> DialectFailure {
    let (code, filter) = match e.part() {
        Part::Pattern(i) => ("INVALID_FILTER", Some(i as u32)),
        Part::Criteria => ("INVALID_FILTER", None),
        Part::Record => ("INVALID_RECORD", None),
    };
    let (line, column) = line_and_column(text, e.offset());
    DialectFailure {
        code: code.into(),
        message: e.to_string(),
        reason: e.message().to_owned(),
        line,
        column,
        offset: e.offset() as f64,
        filter,
    }
}

fn record_failure(reason: &str, text: &[u8], offset: usize) -> DialectFailure {
    let (line, column) = line_and_column(text, offset);
    DialectFailure {
        code: "INVALID_RECORD".into(),
        message: format!("record: {reason} (at byte {offset})"),
        reason: reason.into(),
        line,
        column,
        offset: offset as f64,
        filter: None,
    }
}

/// The 1-based line and column (in code points) of byte `offset` in `text`.
fn line_and_column(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}
