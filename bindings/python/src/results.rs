//! A batch's result, one list of names per event, made while the batch is still being matched.
//!
//! Making a `list` per event is the part of a batch only the calling thread can do (it needs the
//! GIL), so done after matching it left the pool's threads idle: for CityLots events a fifth of a
//! batch's time on two cores. For a batch matched while it is read, the lists are therefore made
//! empty while the pool's threads match (between reading the batch and the calling thread's own
//! share of the matching, see `Machine::batch_while_reading`), and the names appended once
//! matching is done.
//!
//! The machine's read lock is held then, and no Python code may run while it is: code that changed
//! the same machine would wait for the lock this thread holds. Making a `list` may start the
//! garbage collector, and with it finalizers (up to Python 3.11 it runs inside the allocation). So
//! the collector is switched off, through the `gc` module's own functions taken at import, for as
//! long as the lists are made, with the GIL held throughout (no other thread can observe or change
//! the switch), and put back as it was; a collection that came due runs at the next allocation
//! after the batch, unlocked. Should the `gc` module's functions not be the built-in ones (replaced
//! before `ferruler` was imported), the lists are made after the lock is let go, as for any other
//! batch.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyList};

/// `gc.isenabled`, `gc.disable` and `gc.enable`, if they are CPython's built-in functions: calling
/// them runs no Python code.
struct Collector {
    isenabled: Py<PyAny>,
    disable: Py<PyAny>,
    enable: Py<PyAny>,
}

static COLLECTOR: PyOnceLock<Option<Collector>> = PyOnceLock::new();

/// Takes the `gc` module's switches; called when the module is imported, as taking them later
/// could run Python code (an import) where that is not allowed.
pub(crate) fn init(py: Python<'_>) -> PyResult<()> {
    let gc = py.import("gc")?;
    let builtin = |name: &str| -> PyResult<Option<Py<PyAny>>> {
        let function = gc.getattr(name)?;
        Ok(function.is_instance_of::<PyCFunction>().then(|| function.unbind()))
    };
    let collector = match (builtin("isenabled")?, builtin("disable")?, builtin("enable")?) {
        (Some(isenabled), Some(disable), Some(enable)) => Some(Collector { isenabled, disable, enable }),
        _ => None,
    };
    let _ = COLLECTOR.set(py, collector);
    Ok(())
}

/// `len` new empty lists in a new list.
pub(crate) fn empty(py: Python<'_>, len: usize) -> PyResult<Bound<'_, PyList>> {
    let lists: Vec<Bound<'_, PyList>> = (0..len).map(|_| PyList::empty(py)).collect();
    PyList::new(py, lists)
}

/// [`empty`], with the garbage collector off while they are made, so that no Python code runs;
/// `None` if it cannot be switched off (see the module documentation).
pub(crate) fn empty_uncollected(py: Python<'_>, len: usize) -> Option<PyResult<Bound<'_, PyList>>> {
    let collector = COLLECTOR.get(py)?.as_ref()?;
    let was_on = match collector.off(py) {
        Ok(was_on) => was_on,
        Err(error) => return Some(Err(error)),
    };
    let made = empty(py, len);
    if was_on {
        collector.on(py);
    }
    Some(made)
}

/// Appends to `lists` (made by [`empty`]) the names each event matched: `counts[i]` of `names`
/// for the list at `i`, in order.
pub(crate) fn fill<'a>(
    lists: &Bound<'_, PyList>,
    counts: &[u32],
    names: impl IntoIterator<Item = &'a Py<PyAny>>,
) -> PyResult<()> {
    let py = lists.py();
    let mut names = names.into_iter();
    for (i, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let list = lists.get_item(i)?.cast_into::<PyList>()?;
        for name in names.by_ref().take(count as usize) {
            list.append(name.bind(py))?;
        }
    }
    Ok(())
}

impl Collector {
    /// Switches the collector off; whether it was on.
    fn off(&self, py: Python<'_>) -> PyResult<bool> {
        let was_on: bool = self.isenabled.call0(py)?.extract(py)?;
        if was_on {
            self.disable.call0(py)?;
        }
        Ok(was_on)
    }

    /// Switches the collector back on. `gc.enable` cannot fail.
    fn on(&self, py: Python<'_>) {
        let _ = self.enable.call0(py);
    }
}
