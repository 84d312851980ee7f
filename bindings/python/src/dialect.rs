//! `FilterCriteria`: Lambda event-source mapping and EventBridge Pipes filter criteria, over the
//! core's `ferruler::dialect`.
//!
//! The core takes `&str`; the binding reads filters and records as for `Machine` (str, bytes,
//! bytearray, memoryview, dict) and checks UTF-8 itself, reporting where it fails. The core's
//! `DialectError` gives a byte offset and which part was wrong (a filter, the record, the criteria
//! as a whole); the line and column of a filter error are computed here from that filter's text,
//! which the core does not report.

use crate::errors::{guarded, Internal};
use crate::input::{json_text, Role};
use ferruler::dialect::{Dialect, DialectError, Part};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

static FILTER_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RECORD_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Several filter patterns of one Lambda event-source mapping or EventBridge Pipe, OR-ed: a record
/// passes when any filter matches it (or when there are none).
///
/// `source` names the event source: "sqs", "kinesis", "dynamodb", "kafka" (or "msk"), "mq", or
/// "eventbridge" (patterns matched against the event as it is). `pipes=True` applies Pipes' rules
/// (at most 5 filters, `$or` allowed) instead of Lambda's (at most 10). "lambda:sqs" and
/// "pipes:sqs" are accepted too, as in the CLI.
#[pyclass(module = "ferruler", name = "FilterCriteria", frozen)]
pub(crate) struct FilterCriteria {
    inner: ferruler::dialect::FilterCriteria,
    dialect: Dialect,
}

#[pymethods]
impl FilterCriteria {
    #[new]
    #[pyo3(signature = (filters, source, *, pipes = false))]
    fn new(py: Python<'_>, filters: &Bound<'_, PyAny>, source: &str, pipes: bool) -> PyResult<Self> {
        let dialect = dialect_of(source, pipes)?;
        let mut texts = Vec::new();
        for (i, filter) in filters.try_iter()?.enumerate() {
            let filter = filter?;
            let text = json_text(&filter, Role::Filter)?;
            match std::str::from_utf8(text.as_bytes()) {
                Ok(s) => texts.push(s.to_owned()),
                Err(e) => {
                    return Err(filter_error(py, "invalid UTF-8", text.as_bytes(), e.valid_up_to(), Some(i)))
                }
            }
        }
        match py.detach(|| guarded(|| ferruler::dialect::FilterCriteria::new(dialect, &texts)))? {
            Ok(inner) => Ok(FilterCriteria { inner, dialect }),
            Err(e) => Err(dialect_error(py, &e, &texts)),
        }
    }

    /// Whether `record` passes: any filter matches the event the record carries.
    fn matches(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.run(py, record, |c, r| c.passes(r))
    }

    /// The indexes, ascending, of the filters that match `record`.
    fn matching_filters(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
        self.run(py, record, |c, r| c.matching_filters(r))
    }

    /// The event that `record` carries, as JSON text: what the filters are matched against
    /// (SQS `body`, Kinesis and MQ `data`, Kafka `value` decoded; JSON when it is JSON).
    fn event(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<String> {
        let dialect = self.dialect;
        self.run(py, record, move |_, r| dialect.event(r))
    }

    /// "sqs", "kinesis", "dynamodb", "kafka", "mq", or "eventbridge".
    #[getter]
    fn source(&self) -> &'static str {
        self.dialect.source().map_or("eventbridge", ferruler::dialect::Source::name)
    }

    /// Whether Pipes' rules apply (False for Lambda and EventBridge).
    #[getter]
    fn pipes(&self) -> bool {
        matches!(self.dialect, Dialect::Pipes(_))
    }

    /// "Lambda", "Pipes" or "EventBridge".
    #[getter]
    fn service(&self) -> &'static str {
        self.dialect.service()
    }

    /// The most filters the service allows (10 for Lambda, 5 for Pipes), None for EventBridge.
    #[getter]
    fn max_filters(&self) -> Option<usize> {
        self.dialect.max_filters()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        let pipes = if self.pipes() { ", pipes=True" } else { "" };
        format!("<FilterCriteria source={:?}{pipes}, {} filters>", self.source(), self.inner.len())
    }
}

impl FilterCriteria {
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        f: impl FnOnce(&ferruler::dialect::FilterCriteria, &str) -> Result<T, DialectError> + Send,
    ) -> PyResult<T> {
        let text = json_text(record, Role::Record)?;
        let bytes = text.as_bytes();
        let record =
            std::str::from_utf8(bytes).map_err(|e| record_error(py, "invalid UTF-8", e.valid_up_to()))?;
        let inner = &self.inner;
        let result: Result<Result<T, DialectError>, Internal> = py.detach(|| guarded(|| f(inner, record)));
        result?.map_err(|e| dialect_error(py, &e, &[]))
    }
}

fn dialect_of(source: &str, pipes: bool) -> PyResult<Dialect> {
    let dialect: Dialect = source.parse().map_err(PyValueError::new_err)?;
    match (dialect, pipes) {
        (Dialect::EventBridge, true) => {
            Err(PyValueError::new_err("pipes=True needs an event source, not \"eventbridge\""))
        }
        (Dialect::Lambda(source), true) => Ok(Dialect::Pipes(source)),
        (dialect, _) => Ok(dialect),
    }
}

/// The core's error as `InvalidFilterError` (a filter, or the criteria as a whole) or
/// `InvalidRecordError`. `filters` are the filters' texts, for a filter error's line and column.
fn dialect_error(py: Python<'_>, e: &DialectError, filters: &[String]) -> PyErr {
    match e.part() {
        Part::Pattern(i) => {
            let text = filters.get(i).map_or(&b""[..], |s| s.as_bytes());
            filter_error(py, e.message(), text, e.offset(), Some(i))
        }
        Part::Criteria => filter_error(py, e.message(), b"", 0, None),
        Part::Record => record_error(py, e.message(), e.offset()),
    }
}

/// `ferruler.InvalidFilterError(message, line, column, offset, filter)`.
fn filter_error(py: Python<'_>, message: &str, text: &[u8], offset: usize, filter: Option<usize>) -> PyErr {
    let (line, column) = line_and_column(text, offset);
    match FILTER_ERROR.import(py, "ferruler._errors", "InvalidFilterError") {
        Ok(class) => PyErr::from_type(class.clone(), (message.to_owned(), line, column, offset, filter)),
        Err(import_failed) => import_failed,
    }
}

/// `ferruler.InvalidRecordError(message, offset)`.
fn record_error(py: Python<'_>, message: &str, offset: usize) -> PyErr {
    match RECORD_ERROR.import(py, "ferruler._errors", "InvalidRecordError") {
        Ok(class) => PyErr::from_type(class.clone(), (message.to_owned(), offset)),
        Err(import_failed) => import_failed,
    }
}

/// The 1-based line and column (in code points) of byte `offset` in `text`.
fn line_and_column(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    (line, column)
}
