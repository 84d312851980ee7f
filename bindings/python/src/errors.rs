//! Turning the engine's errors, and its failures, into Python exceptions.
//!
//! The two exception classes users catch, `InvalidPatternError` and `InvalidEventError`, are written
//! in Python (`python/ferruler/_errors.py`): there they are ordinary `ValueError` subclasses with
//! readable attributes, a `__str__` and working pickling, which a class built in Rust would have to
//! imitate. This module only looks them up once and raises them with the engine's fields.
//!
//! The engine is not expected to panic, but a binding must not let a bug turn into an abort or a
//! `pyo3_runtime.PanicException` (a `BaseException` that `except Exception` would not catch). Every
//! call into the engine therefore runs under [`guarded`], and a caught panic surfaces as a
//! `RuntimeError` that names the panic.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

static PATTERN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EVENT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `ferruler.InvalidPatternError(message, line, column, offset)`.
pub(crate) fn pattern_error(py: Python<'_>, e: &ferruler::PatternError) -> PyErr {
    match PATTERN_ERROR.import(py, "ferruler._errors", "InvalidPatternError") {
        Ok(class) => {
            PyErr::from_type(class.clone(), (python_names(e.message()), e.line(), e.column(), e.offset()))
        }
        Err(import_failed) => import_failed,
    }
}

/// `ferruler.InvalidEventError(message, offset)`.
pub(crate) fn event_error(py: Python<'_>, e: &ferruler::EventError) -> PyErr {
    match EVENT_ERROR.import(py, "ferruler._errors", "InvalidEventError") {
        Ok(class) => PyErr::from_type(class.clone(), (python_names(e.message()), e.offset())),
        Err(import_failed) => import_failed,
    }
}

/// `message` with the limits it names spelled as in Python: the engine writes
/// `(Limits::max_pattern_bytes)`, a Python user sets `Limits.max_pattern_bytes`.
pub(crate) fn python_names(message: &str) -> String {
    message.replace("(Limits::", "(Limits.")
}

/// Either error of [`ferruler::matches_rule`].
pub(crate) fn engine_error(py: Python<'_>, e: &ferruler::Error) -> PyErr {
    match e {
        ferruler::Error::Pattern(e) => pattern_error(py, e),
        ferruler::Error::Event(e) => event_error(py, e),
    }
}

/// A failure inside the engine or the binding that is a bug, not bad input. It is `Send`, so it can
/// leave a closure that ran without the GIL, and becomes a `RuntimeError` once the GIL is back.
#[derive(Debug)]
pub(crate) struct Internal(String);

impl Internal {
    /// A machine whose lock was poisoned: a panic interrupted a change, so its contents are suspect.
    pub(crate) fn poisoned() -> Self {
        Internal(
            "this Machine was left in an unknown state by an internal error during an earlier change; \
             create a new Machine"
                .to_owned(),
        )
    }
}

impl From<Internal> for PyErr {
    fn from(e: Internal) -> Self {
        PyRuntimeError::new_err(format!("ferruler internal error (please report it): {}", e.0))
    }
}

/// Runs `f`, turning a panic into an [`Internal`] error.
///
/// Unwind safety is asserted because nothing observes broken state afterwards: a panic while a
/// machine's write lock is held poisons that lock, and every later use of the machine reports
/// [`Internal::poisoned`]; read locks and thread-local scratch space are reset or dropped on unwind.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Internal> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Internal(panic_message(payload.as_ref())))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
