//! `explain` and `pattern_complexity`: one pattern, looked at on its own.
//!
//! `explain` hands Python the explanation already written out, as the CLI writes it
//! (`ferruler-bindings-common`): its text, which becomes the result's `str()`, and its JSON, from
//! which `ferruler/_explain.py` builds the result's dataclasses. Rendering once, in Rust, keeps the
//! text identical to `ferruler explain` without a second renderer written in Python.

use crate::errors::{engine_error, guarded, pattern_error};
use crate::input::{json_text, Role};
use crate::limits::Limits;
use pyo3::prelude::*;

/// Why `pattern` does or does not match `event`, as `(text, json)`; use `ferruler.explain`.
#[pyfunction]
#[pyo3(signature = (pattern, event, *, limits = None))]
pub(crate) fn _explain(
    py: Python<'_>,
    pattern: &Bound<'_, PyAny>,
    event: &Bound<'_, PyAny>,
    limits: Option<&Bound<'_, Limits>>,
) -> PyResult<(String, String)> {
    let pattern = json_text(pattern, Role::Pattern)?;
    let event = json_text(event, Role::Event)?;
    let limits = limits.map(|l| l.get().inner.clone()).unwrap_or_default();
    let (pattern, event) = (pattern.as_bytes(), event.as_bytes());
    // Held: an explanation is asked for one event at a time, by a person or a test, and is
    // small; handing the GIL over would cost more than it saves (issue 18).
    let explained = guarded(|| {
        ferruler::explain::explain_with_limits(pattern, event, &limits).map(|e| {
            (ferruler_bindings_common::explain::text(&e), ferruler_bindings_common::explain::json(&e))
        })
    })?;
    explained.map_err(|e| engine_error(py, &e))
}

/// The wildcard complexity of `pattern`, EventBridge's measure behind "Rule is too complex" (see
/// `Machine.complexity()`): on each field, the most wildcard rule prefixes one value could be
/// matching at once, the largest over the fields; 0 without wildcards. Three `*:stack/NAME/*` on
/// one field count 9, `*/*/*/*/*.json` counts 9.
///
/// Raises InvalidPatternError if `pattern` is not a valid pattern under `limits` (default
/// `Limits()`), which includes a complexity above `limits.max_complexity` (10 by default, as
/// EventBridge): four `*:stack/NAME/*` count 12 and are refused, as `Machine.add_rule` would.
#[pyfunction]
#[pyo3(signature = (pattern, *, limits = None))]
pub(crate) fn pattern_complexity(
    py: Python<'_>,
    pattern: &Bound<'_, PyAny>,
    limits: Option<&Bound<'_, Limits>>,
) -> PyResult<usize> {
    let pattern = json_text(pattern, Role::Pattern)?;
    let limits = limits.map(|l| l.get().inner.clone()).unwrap_or_default();
    let pattern = pattern.as_bytes();
    // A machine holding just this pattern measures it under `limits`: ferruler::pattern_complexity
    // takes no limits, and counts past max_complexity instead of refusing.
    let measured = py.detach(|| {
        guarded(|| {
            let mut machine: ferruler::Machine<()> = ferruler::Machine::with_limits(limits);
            machine.add_rule((), pattern).map(|()| machine.complexity())
        })
    })?;
    measured.map_err(|e| pattern_error(py, &e))
}
