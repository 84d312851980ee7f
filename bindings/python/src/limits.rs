//! `ferruler.Limits`: the engine's [`ferruler::Limits`] as an immutable Python value.
//!
//! Every field is keyword-only and optional, defaulting to the engine's own default (read from
//! `ferruler::Limits::default()`, never restated here). Values are checked when the object is
//! made, so a `Machine` only ever receives limits the engine can enforce: each must be an `int`
//! (not a `bool`) of at least 1 (a limit of 0 would refuse every pattern or every event), or
//! `None` for the default.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyTuple};
use std::hash::{Hash, Hasher};

/// Bounds on what a Machine accepts, so that no pattern or event can make it slow, deep or large
/// by surprise. Exceeding one raises InvalidPatternError (patterns) or InvalidEventError (events)
/// whose message names the limit and its value.
///
/// Every argument is keyword-only and optional; an omitted one (or None) keeps the engine's
/// default. A value must be an int of at least 1: another type raises TypeError (bool included),
/// a value out of range ValueError. Limits objects are immutable, comparable and hashable.
///
/// >>> Limits(max_pattern_bytes=8192).max_pattern_bytes
/// 8192
/// >>> Limits() == Limits(max_pattern_depth=64)
/// True
#[pyclass(module = "ferruler", name = "Limits", frozen, eq, hash)]
#[derive(PartialEq)]
pub struct Limits {
    pub(crate) inner: ferruler::Limits,
}

/// Reads the keyword argument `name`: `None` if omitted, else an int from 1 to `max`.
fn limit(name: &str, value: Option<&Bound<'_, PyAny>>, max: u64) -> PyResult<Option<u64>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        let type_name = value.get_type().qualname()?;
        return Err(PyTypeError::new_err(format!("Limits.{name} must be an int, not {type_name}")));
    }
    let out_of_range = || {
        let shown = value.repr().map(|r| r.to_string()).unwrap_or_else(|_| "?".to_owned());
        PyValueError::new_err(format!("Limits.{name} must be an int from 1 to {max}, not {shown}"))
    };
    if value.lt(1)? {
        return Err(out_of_range());
    }
    match value.extract::<u64>() {
        Ok(n) if n <= max => Ok(Some(n)),
        // Larger than a u64: an OverflowError from the conversion, reported as out of range.
        _ => Err(out_of_range()),
    }
}

/// `usize::MAX` as a `u64`: the largest value of a field the engine holds as a `usize`.
const USIZE_MAX: u64 = if usize::BITS >= 64 { u64::MAX } else { usize::MAX as u64 };

fn to_usize(n: u64) -> usize {
    usize::try_from(n).expect("checked against USIZE_MAX")
}

#[pymethods]
impl Limits {
    #[new]
    #[pyo3(signature = (
        *,
        max_pattern_bytes = None,
        max_pattern_depth = None,
        max_values_per_field = None,
        max_complexity = None,
        max_or_combinations = None,
        max_event_bytes = None,
        max_event_depth = None,
    ))]
    #[allow(clippy::too_many_arguments)] // one keyword argument per field of the engine's Limits
    fn new(
        max_pattern_bytes: Option<&Bound<'_, PyAny>>,
        max_pattern_depth: Option<&Bound<'_, PyAny>>,
        max_values_per_field: Option<&Bound<'_, PyAny>>,
        max_complexity: Option<&Bound<'_, PyAny>>,
        max_or_combinations: Option<&Bound<'_, PyAny>>,
        max_event_bytes: Option<&Bound<'_, PyAny>>,
        max_event_depth: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = ferruler::Limits::default();
        let sized = |name, value| limit(name, value, USIZE_MAX);
        if let Some(n) = sized("max_pattern_bytes", max_pattern_bytes)? {
            inner.max_pattern_bytes = to_usize(n);
        }
        if let Some(n) = sized("max_pattern_depth", max_pattern_depth)? {
            inner.max_pattern_depth = to_usize(n);
        }
        if let Some(n) = sized("max_values_per_field", max_values_per_field)? {
            inner.max_values_per_field = to_usize(n);
        }
        if let Some(n) = sized("max_complexity", max_complexity)? {
            inner.max_complexity = to_usize(n);
        }
        if let Some(n) = limit("max_or_combinations", max_or_combinations, u64::MAX)? {
            inner.max_or_combinations = n;
        }
        if let Some(n) = sized("max_event_bytes", max_event_bytes)? {
            inner.max_event_bytes = to_usize(n);
        }
        if let Some(n) = sized("max_event_depth", max_event_depth)? {
            inner.max_event_depth = to_usize(n);
        }
        Ok(Limits { inner })
    }

    /// Largest pattern text, in bytes (default 4096, EventBridge's PutRule limit).
    #[getter]
    fn max_pattern_bytes(&self) -> usize {
        self.inner.max_pattern_bytes
    }

    /// Deepest nesting of objects and arrays in a pattern (default 64).
    #[getter]
    fn max_pattern_depth(&self) -> usize {
        self.inner.max_pattern_depth
    }

    /// Most values in one list of a pattern: a field's values, or an anything-but's (default 1000).
    #[getter]
    fn max_values_per_field(&self) -> usize {
        self.inner.max_values_per_field
    }

    /// Highest wildcard complexity of a rule, EventBridge's measure: on each field, the most
    /// wildcard rule prefixes one value could be matching at once (default 10, EventBridge's).
    #[getter]
    fn max_complexity(&self) -> usize {
        self.inner.max_complexity
    }

    /// Most rule combinations one pattern's $or may expand to (default 1000, EventBridge's).
    #[getter]
    fn max_or_combinations(&self) -> u64 {
        self.inner.max_or_combinations
    }

    /// Largest event, in bytes (default 64 MiB).
    #[getter]
    fn max_event_bytes(&self) -> usize {
        self.inner.max_event_bytes
    }

    /// Deepest nesting of objects and arrays in an event (default 1024).
    #[getter]
    fn max_event_depth(&self) -> usize {
        self.inner.max_event_depth
    }

    fn __repr__(&self) -> String {
        let l = &self.inner;
        format!(
            "Limits(max_pattern_bytes={}, max_pattern_depth={}, max_values_per_field={}, \
             max_complexity={}, max_or_combinations={}, max_event_bytes={}, max_event_depth={})",
            l.max_pattern_bytes,
            l.max_pattern_depth,
            l.max_values_per_field,
            l.max_complexity,
            l.max_or_combinations,
            l.max_event_bytes,
            l.max_event_depth
        )
    }

    /// Lets copy and pickle rebuild the object through its keyword-only constructor.
    fn __getnewargs_ex__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyDict>)> {
        let kwargs = PyDict::new(py);
        let l = &self.inner;
        kwargs.set_item("max_pattern_bytes", l.max_pattern_bytes)?;
        kwargs.set_item("max_pattern_depth", l.max_pattern_depth)?;
        kwargs.set_item("max_values_per_field", l.max_values_per_field)?;
        kwargs.set_item("max_complexity", l.max_complexity)?;
        kwargs.set_item("max_or_combinations", l.max_or_combinations)?;
        kwargs.set_item("max_event_bytes", l.max_event_bytes)?;
        kwargs.set_item("max_event_depth", l.max_event_depth)?;
        Ok((PyTuple::empty(py), kwargs))
    }
}

impl Hash for Limits {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fields().hash(state);
    }
}

impl Limits {
    fn fields(&self) -> [u64; 7] {
        let l = &self.inner;
        [
            l.max_pattern_bytes as u64,
            l.max_pattern_depth as u64,
            l.max_values_per_field as u64,
            l.max_complexity as u64,
            l.max_or_combinations,
            l.max_event_bytes as u64,
            l.max_event_depth as u64,
        ]
    }

    /// A Python `Limits` holding `limits`.
    pub(crate) fn from_engine(limits: &ferruler::Limits) -> Self {
        Limits { inner: limits.clone() }
    }
}
