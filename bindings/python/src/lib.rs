//! `ferruler._ferruler`, the native half of the Python package `ferruler`.
//!
//! The package (`python/ferruler/`) re-exports what this module defines and adds what is better
//! written in Python: the exception classes and the type stubs. The split follows pydantic-core
//! and orjson: a small native module, a plain Python package around it.
//!
//! What the binding adds to the engine, and where:
//!
//! * [`input`]: accepting `str`, `bytes`, `bytearray`, `memoryview` and `dict`, and reading `bytes`
//!   without copying;
//! * [`limits`]: the engine's `Limits` as an immutable, checked Python value;
//! * [`machine`]: rule names that are arbitrary Python objects, and the locking that lets threads
//!   match in parallel, without the GIL, while others add and delete rules;
//! * [`results`]: a batch's lists of names, made while the batch is matched;
//! * [`dialect`]: Lambda event-source and EventBridge Pipes filter criteria (`FilterCriteria`);
//! * [`arrow`]: matching a whole Arrow column at once, for data frames (`ferruler.spark`);
//! * [`explain`]: `explain`, rendered as the CLI renders it, and the complexity of one pattern;
//! * [`sources`]: rules read from files, folders and templates by the CLI's readers (`load_rules`);
//! * [`errors`]: the engine's errors as typed Python exceptions, and panics kept from crossing into
//!   Python.

mod arrow;
mod dialect;
mod errors;
mod explain;
mod input;
mod limits;
mod machine;
mod results;
mod sources;

use errors::{engine_error, guarded, pattern_error};
use input::{json_text, Role};
use pyo3::prelude::*;

/// Whether `event` matches `pattern`, like EventBridge's TestEventPattern.
///
/// Both are JSON text (str, bytes, bytearray, memoryview) or a dict. For many events against
/// the same patterns, a Machine is much faster: this compiles the pattern on every call.
///
/// Raises InvalidPatternError if the pattern is invalid, InvalidEventError if the event is not
/// valid JSON.
#[pyfunction]
fn matches_rule(py: Python<'_>, event: &Bound<'_, PyAny>, pattern: &Bound<'_, PyAny>) -> PyResult<bool> {
    let event = json_text(event, Role::Event)?;
    let pattern = json_text(pattern, Role::Pattern)?;
    let (event, pattern) = (event.as_bytes(), pattern.as_bytes());
    // As Machine.matches_for_event: the GIL is handed over only when the work outweighs the cost.
    let matched = if event.len() + pattern.len() > machine::RELEASE_GIL_ABOVE {
        py.detach(|| guarded(|| ferruler::matches_rule(event, pattern)))?
    } else {
        guarded(|| ferruler::matches_rule(event, pattern))?
    };
    matched.map_err(|e| engine_error(py, &e))
}

/// Validates an event pattern without adding it anywhere.
///
/// Returns None if `pattern` (JSON text or a dict) is a valid EventBridge event pattern; raises
/// InvalidPatternError, with EventBridge's reason and the position of the mistake, if it is not.
#[pyfunction]
fn check_pattern(py: Python<'_>, pattern: &Bound<'_, PyAny>) -> PyResult<()> {
    let pattern = json_text(pattern, Role::Pattern)?;
    let pattern = pattern.as_bytes();
    py.detach(|| guarded(|| ferruler::check_pattern(pattern)))?.map_err(|e| pattern_error(py, &e))
}

/// Native core of the ferruler package; import `ferruler` instead.
#[pymodule]
fn _ferruler(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    results::init(m.py())?;
    m.add_class::<machine::Machine>()?;
    m.add_class::<limits::Limits>()?;
    m.add_class::<dialect::FilterCriteria>()?;
    m.add_class::<arrow::ArrowMatcher>()?;
    m.add_function(wrap_pyfunction!(matches_rule, m)?)?;
    m.add_function(wrap_pyfunction!(check_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(explain::_explain, m)?)?;
    m.add_function(wrap_pyfunction!(explain::pattern_complexity, m)?)?;
    m.add_function(wrap_pyfunction!(sources::_load_rules, m)?)?;
    Ok(())
}
