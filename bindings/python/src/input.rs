//! Reading patterns and events from Python values as JSON text.
//!
//! Everything ends up as a `bytes` object ([`JsonText`]), because a `bytes` object is the one input
//! that is both immutable and kept alive by the reference we hold: its buffer can be read with the
//! GIL released, in parallel with other threads, and cannot change or move meanwhile. So:
//!
//! * `bytes` (and subclasses) is used as it is: zero-copy.
//! * `str` is encoded to UTF-8, one copy (the stable ABI of Python 3.9 has no way to borrow a
//!   string's UTF-8 form). Lone surrogates are kept as their 3-byte forms (`surrogatepass`) so that
//!   the engine reports them like any other invalid UTF-8, with its position.
//! * `bytearray` and `memoryview` are copied once into a `bytes` object. They are mutable: without
//!   the GIL, another thread could resize a `bytearray` (freeing the memory being read) or write to
//!   either while it is read. A snapshot taken while the GIL is held is consistent and safe, costs
//!   one `memcpy` (far less than matching), and lets matching release the GIL like for `bytes`.
//!   Pinning them through the buffer protocol instead is not available to an abi3 build for 3.9,
//!   and would still leave writes racing with the read.
//! * `dict` (and subclasses) is serialised with the standard `json` module (compact separators,
//!   non-ASCII kept as is), so values come out exactly as `json.dumps` writes them. `NaN` and
//!   infinities are written as `NaN`/`Infinity`, which the engine then rejects with a position;
//!   values `json` cannot serialise raise `json`'s own `TypeError`.
//!
//! Any other type is a `TypeError` naming the accepted ones.

use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};

/// What a piece of JSON text is for; named in error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Role {
    Pattern,
    Event,
    /// A Lambda or Pipes filter pattern ([`crate::dialect`]).
    Filter,
    /// An event-source record, or an event for the EventBridge dialect ([`crate::dialect`]).
    Record,
}

impl Role {
    fn noun(self) -> &'static str {
        match self {
            Role::Pattern => "pattern",
            Role::Event => "event",
            Role::Filter => "filter",
            Role::Record => "record",
        }
    }
}

/// JSON text held as an immutable Python `bytes` object.
pub(crate) struct JsonText<'py>(Bound<'py, PyBytes>);

impl JsonText<'_> {
    /// The text. The slice borrows from the `bytes` object this value keeps alive, and `bytes` never
    /// changes, so it may be read while the GIL is released.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Reads `value` as the JSON text of a pattern or an event (see the module documentation).
pub(crate) fn json_text<'py>(value: &Bound<'py, PyAny>, role: Role) -> PyResult<JsonText<'py>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(JsonText(bytes.clone()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return encode(text).map(JsonText);
    }
    if value.is_instance_of::<PyByteArray>() || value.is_instance_of::<PyMemoryView>() {
        let copy = value.py().get_type::<PyBytes>().call1((value,))?;
        return Ok(JsonText(copy.cast_into::<PyBytes>()?));
    }
    if value.is_instance_of::<PyDict>() {
        let text = json_encoder(value.py())?.call1((value,))?;
        return encode(text.cast::<PyString>()?).map(JsonText);
    }
    Err(PyTypeError::new_err(format!(
        "{} must be str, bytes, bytearray, memoryview or dict, not {}",
        role.noun(),
        value.get_type().name()?
    )))
}

/// UTF-8 of `text`; lone surrogates are passed through as (invalid) 3-byte sequences.
fn encode<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    match text.encode_utf8() {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(text.py()) => {
            Ok(text.call_method1("encode", ("utf-8", "surrogatepass"))?.cast_into::<PyBytes>()?)
        }
        Err(e) => Err(e),
    }
}

static JSON_ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode`, made once: calling
/// `json.dumps` with arguments would build a new encoder on every call.
fn json_encoder(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let encode = JSON_ENCODE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let class = py.import("json")?.getattr("JSONEncoder")?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("separators", (",", ":"))?;
        Ok(class.call((), Some(&kwargs))?.getattr("encode")?.unbind())
    })?;
    Ok(encode.bind(py))
}
