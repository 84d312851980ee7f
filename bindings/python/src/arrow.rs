//! Matching a whole Arrow column of events at once, for data frames (`ferruler.spark`).
//!
//! Spark hands Python workers Arrow record batches (`mapInArrow`). Turning a column into a list
//! of `bytes` objects, matching them, and building a list of lists back costs several Python
//! objects per row, more than matching itself. So this module reads the column's memory directly
//! and answers with flat buffers, and the Python side builds the result columns from them with
//! pyarrow, vectorised: no Python object is made per row.
//!
//! # Reading the column: the Arrow C data interface
//!
//! The column comes in through the [Arrow PyCapsule interface] (`array.__arrow_c_array__()`, a
//! schema capsule and an array capsule holding the C data interface's `ArrowSchema` and
//! `ArrowArray`), not through the buffer protocol: an abi3 build for Python 3.9 cannot use the
//! buffer protocol (it entered the limited API in 3.11), while capsules are in every version, and
//! the C data interface is Arrow's stable, documented ABI, which any Arrow producer exports. The
//! capsules are kept alive (and so the producer's buffers, which Arrow never mutates) for the
//! whole call, so the column may be read with the GIL released. Supported types: `string`,
//! `binary` (32-bit offsets) and `large_string`, `large_binary` (64-bit); the array's `offset`
//! (a slice) is honoured; a null row gives a null list, not an error.
//!
//! # The machine
//!
//! [`ArrowMatcher`] is its own small class, not a method of `ferruler.Machine`: a column's rule
//! names are strings, so the machine is a `ferruler::Machine<u32>` of rule numbers (as the CLI's
//! `filter`) and the matched names are looked up by Python in one `take` over an array of names.
//! `ferruler.Machine` keeps arbitrary Python objects as names, which would need the GIL (or a
//! translation table) for every match, and it carries the locking for rules that change while
//! matching, which a compiled-once, read-only rule set for a Spark worker does not need.
//!
//! # The answer
//!
//! `match_column` returns five `bytes` objects: the list validity bitmap (or `None` when no row
//! is null or invalid), the list offsets (`int32`, rows + 1), the matched rule numbers (`uint32`,
//! concatenated, each row's in the order the rules were given), and the error column as the
//! three buffers of an Arrow `string` array (validity bitmap, `int32` offsets, UTF-8 data), or
//! three `None`s when no row is invalid. Each error reads as `str(InvalidEventError)` does:
//! `invalid event: <reason> at byte <offset>`.
//!
//! [Arrow PyCapsule interface]: https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html

use crate::errors::{guarded, pattern_error, python_names};
use crate::input::{json_text, Role};
use ferruler_bindings_common::batch;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyCapsuleMethods, PyList};
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};

/// The C data interface's `struct ArrowSchema` (only the fields read here are used).
#[repr(C)]
struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

/// The C data interface's `struct ArrowArray`.
#[repr(C)]
struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

/// Rule patterns compiled once, matched against Arrow columns of JSON events (see the module
/// documentation). Private: `ferruler.spark` is the API.
#[pyclass(module = "ferruler._ferruler", name = "_ArrowMatcher", frozen)]
pub struct ArrowMatcher {
    machine: ferruler::Machine<u32>,
    rules: u32,
}

thread_local! {
    static SCRATCH: RefCell<ferruler::Scratch> = RefCell::new(ferruler::Scratch::default());
}

/// A string or binary column, borrowed from the producer's buffers.
struct Column<'a> {
    len: usize,
    offset: usize,
    validity: Option<&'a [u8]>,
    offsets: Offsets<'a>,
    data: &'a [u8],
}

enum Offsets<'a> {
    Small(&'a [i32]),
    Large(&'a [i64]),
}

impl Column<'_> {
    /// The event of row `i`, `None` if null.
    fn row(&self, i: usize) -> Result<Option<&[u8]>, String> {
        let at = self.offset + i;
        if let Some(bits) = self.validity {
            if bits[at / 8] & (1 << (at % 8)) == 0 {
                return Ok(None);
            }
        }
        let (start, end) = match self.offsets {
            Offsets::Small(o) => (i64::from(o[at]), i64::from(o[at + 1])),
            Offsets::Large(o) => (o[at], o[at + 1]),
        };
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            return Err(format!("negative offset in row {i}"));
        };
        self.data
            .get(start..end)
            .map(Some)
            .ok_or_else(|| format!("row {i} lies outside the column's data ({start}..{end})"))
    }
}

#[pymethods]
impl ArrowMatcher {
    /// Compiles `patterns` (JSON text or dicts), rule number i being `patterns[i]`.
    #[new]
    fn new(py: Python<'_>, patterns: &Bound<'_, PyList>) -> PyResult<Self> {
        let mut machine = ferruler::Machine::new();
        let rules =
            u32::try_from(patterns.len()).map_err(|_| PyOverflowError::new_err("more than 2**32 rules"))?;
        for (i, pattern) in patterns.iter().enumerate() {
            let text = json_text(&pattern, Role::Pattern)?;
            guarded(|| machine.add_rule(i as u32, text.as_bytes()))?.map_err(|e| pattern_error(py, &e))?;
        }
        Ok(ArrowMatcher { machine, rules })
    }

    /// The number of rules.
    #[getter]
    fn rules(&self) -> u32 {
        self.rules
    }

    /// Matches every row of the Arrow array exported as (`schema`, `array`) capsules; returns
    /// (list validity, list offsets, rule numbers, error validity, error offsets, error data) as
    /// described in the module documentation.
    #[allow(clippy::type_complexity)]
    fn match_column<'py>(
        &self,
        py: Python<'py>,
        schema: &Bound<'py, PyCapsule>,
        array: &Bound<'py, PyCapsule>,
    ) -> PyResult<(
        Option<Bound<'py, PyBytes>>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Option<Bound<'py, PyBytes>>,
        Option<Bound<'py, PyBytes>>,
        Option<Bound<'py, PyBytes>>,
    )> {
        let schema = schema.pointer_checked(Some(c"arrow_schema"))?.cast::<ArrowSchema>();
        let array = array.pointer_checked(Some(c"arrow_array"))?.cast::<ArrowArray>();
        // SAFETY: the capsules are named as the PyCapsule interface names them, so they hold a
        // live ArrowSchema and ArrowArray, which stay alive (and unchanged) while we hold them.
        let column = unsafe { column(schema.as_ref(), array.as_ref()) }?;
        let events = (0..column.len)
            .map(|i| column.row(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PyValueError::new_err(format!("malformed Arrow array: {e}")))?;
        let found = py.detach(|| {
            guarded(|| {
                SCRATCH.with_borrow_mut(|scratch| batch::matches_each(&self.machine, &events, scratch))
            })
        })?;
        let n = events.len();
        let mut offsets = Vec::with_capacity((n + 1) * 4);
        let mut at: i32 = 0;
        offsets.extend_from_slice(&at.to_le_bytes());
        for &count in &found.counts {
            at = at
                .checked_add(count as i32)
                .ok_or_else(|| PyOverflowError::new_err("more than 2**31 matches in one batch"))?;
            offsets.extend_from_slice(&at.to_le_bytes());
        }
        // Each event's rules in the order they were given, as `ferruler filter` prints them.
        let mut numbers = found.names;
        let mut start = 0;
        for &count in &found.counts {
            numbers[start..start + count as usize].sort_unstable();
            start += count as usize;
        }
        let mut rules = Vec::with_capacity(numbers.len() * 4);
        for &rule in &numbers {
            rules.extend_from_slice(&rule.to_le_bytes());
        }
        let has_null = events.iter().any(Option::is_none);
        let list_validity = (has_null || !found.errors.is_empty()).then(|| {
            let mut bits = vec![0xffu8; n.div_ceil(8)];
            for (i, event) in events.iter().enumerate() {
                if event.is_none() {
                    bits[i / 8] &= !(1 << (i % 8));
                }
            }
            for (i, _) in &found.errors {
                bits[i / 8] &= !(1 << (i % 8));
            }
            PyBytes::new(py, &bits)
        });
        let (error_validity, error_offsets, error_data) = if found.errors.is_empty() {
            (None, None, None)
        } else {
            let mut bits = vec![0u8; n.div_ceil(8)];
            let mut offsets = Vec::with_capacity((n + 1) * 4);
            let mut data = String::new();
            let mut errors = found.errors.iter().peekable();
            offsets.extend_from_slice(&0i32.to_le_bytes());
            for i in 0..n {
                if let Some((_, error)) = errors.next_if(|(at, _)| *at == i) {
                    bits[i / 8] |= 1 << (i % 8);
                    let message = python_names(error.message());
                    data.push_str(&format!("invalid event: {message} at byte {}", error.offset()));
                }
                let end = i32::try_from(data.len())
                    .map_err(|_| PyOverflowError::new_err("more than 2 GiB of error messages"))?;
                offsets.extend_from_slice(&end.to_le_bytes());
            }
            (
                Some(PyBytes::new(py, &bits)),
                Some(PyBytes::new(py, &offsets)),
                Some(PyBytes::new(py, data.as_bytes())),
            )
        };
        Ok((
            list_validity,
            PyBytes::new(py, &offsets),
            PyBytes::new(py, &rules),
            error_validity,
            error_offsets,
            error_data,
        ))
    }
}

/// The string or binary column described by `schema` and `array`.
///
/// # Safety
///
/// `schema` and `array` must be a valid, unreleased C data interface pair, alive for `'a`.
unsafe fn column<'a>(schema: &'a ArrowSchema, array: &'a ArrowArray) -> PyResult<Column<'a>> {
    if array.release.is_none() || schema.release.is_none() {
        return Err(PyValueError::new_err("the Arrow array was already released"));
    }
    let format = CStr::from_ptr(schema.format).to_bytes();
    let large = match format {
        b"u" | b"z" => false,
        b"U" | b"Z" => true,
        other => {
            return Err(PyTypeError::new_err(format!(
                "events must be an Arrow string, binary, large_string or large_binary array, not \
                 format {:?} (cast the column to string first)",
                String::from_utf8_lossy(other)
            )))
        }
    };
    let malformed = |what: &str| PyValueError::new_err(format!("malformed Arrow array: {what}"));
    let (Ok(len), Ok(offset)) = (usize::try_from(array.length), usize::try_from(array.offset)) else {
        return Err(malformed("negative length or offset"));
    };
    if array.n_buffers != 3 || array.buffers.is_null() {
        return Err(malformed("a string array has three buffers"));
    }
    let buffers = std::slice::from_raw_parts(array.buffers, 3);
    let rows = offset.checked_add(len).ok_or_else(|| malformed("length overflows"))?;
    let validity = (array.null_count != 0 && !buffers[0].is_null())
        .then(|| std::slice::from_raw_parts(buffers[0].cast::<u8>(), rows.div_ceil(8)));
    if len == 0 {
        return Ok(Column { len, offset, validity: None, offsets: Offsets::Small(&[0, 0]), data: &[] });
    }
    if buffers[1].is_null() {
        return Err(malformed("no offsets buffer"));
    }
    let offsets = if large {
        Offsets::Large(std::slice::from_raw_parts(buffers[1].cast::<i64>(), rows + 1))
    } else {
        Offsets::Small(std::slice::from_raw_parts(buffers[1].cast::<i32>(), rows + 1))
    };
    let end = match offsets {
        Offsets::Small(o) => i64::from(o[rows]),
        Offsets::Large(o) => o[rows],
    };
    let end = usize::try_from(end).map_err(|_| malformed("negative offset"))?;
    let data = if end == 0 {
        &[][..]
    } else if buffers[2].is_null() {
        return Err(malformed("no data buffer"));
    } else {
        std::slice::from_raw_parts(buffers[2].cast::<u8>(), end)
    };
    Ok(Column { len, offset, validity, offsets, data })
}
