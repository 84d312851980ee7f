//! `ferruler.Machine`: many named rules, matched against events in parallel threads.
//!
//! # Names
//!
//! Rule names are arbitrary hashable Python objects, but hashing and comparing them runs Python code
//! and needs the GIL, which matching must not need. So the engine's machine is a
//! `ferruler::Machine<u64>`, and the binding keeps a registry beside it:
//!
//! * `ids`, a Python `dict` from name object to id, used only to turn a name given by the caller into
//!   its id (`add_rule`, `delete_rule`, `delete_rules`, `in`);
//! * [`Rules::names`], from id to the name object, read while matching. Each entry is an
//!   `Arc<Py<PyAny>>` so that matching, which runs without the GIL, can collect the matched names by
//!   cloning the `Arc` (no Python reference count is touched); the list handed back is built once
//!   the GIL is held again.
//!
//! Ids are never reused, so an id seen by a reader always means the same name.
//!
//! # Locks
//!
//! * `rules` (a `RwLock`) holds the engine's machine and [`Rules::names`] together: matchers read
//!   in parallel; a change takes it for writing, so no reader ever sees a half-added rule, and a name
//!   is in `names` exactly when the machine has a rule of that id.
//! * `writer` (a `Mutex`) serialises changes from start to end. A change looks its name up in
//!   `ids`, changes the machine, then updates `ids`; two changes interleaving there could lose a
//!   name (one deleting the last pattern of a name while the other adds a pattern to it).
//!
//! No thread ever waits for a lock while holding the GIL (blocking acquisitions release it first,
//! through pyo3's `*_py_attached` helpers or by running inside `Python::detach`), and `rules` is
//! never held while Python code could run (not even an allocation, which may start the garbage
//! collector and its finalizers, unless the collector is switched off: see `results`). A batch
//! matched while it is read holds `rules` from before its reading until after its matching, and
//! takes the GIL back meanwhile (see `Machine::batch_while_reading`): that is safe because no
//! thread waits for `rules` while holding the GIL, so whoever holds it lets it go without needing
//! `rules`. Python code does run while `writer` is held (a name's `__hash__` and `__eq__`, or a
//! `__del__`), and could call back into the same machine: that re-entry is detected and raised as
//! a `RuntimeError` instead of deadlocking.

use crate::errors::{event_error, guarded, pattern_error, Internal};
use crate::input::{json_text, Role};
use crate::limits::Limits;
use crate::results;
use ferruler_bindings_common::{batch, pipeline};
use foldhash::HashMap;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::{MutexExt, RwLockExt};
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{
    Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError,
};

/// Events (and patterns given to `add_rule`) of more than this many bytes are matched (compiled)
/// with the GIL released; smaller ones with it held. Handing the GIL over and taking it back costs
/// more than matching a small event, and with several threads the hand-overs contend, so releasing
/// it on every call made two threads slower than one (issue 18).
///
/// Measured on the 2-core development VM (`bench.py --sections gil-threshold`: COMPLEX_ARRAYS
/// rules, one CityLots-shaped event of each size matched in a loop, three runs): releasing costs one
/// thread +17..19% at 263 B, +7..8% at 1 KB, +1..5% at 2 KB, up to +3% at 4 KB, nothing from 8 KB;
/// two threads releasing, against two holding, match 0.80..1.20x as many events at 263 B,
/// 0.71..1.51x at 1 KB, 1.23..1.57x at 2 KB, 1.33..1.71x at 4 KB, 1.78..1.94x from 8 KB to 200 KB.
/// The crossover is between 1 and 2 KB; from 2 KB releasing won in every run, so the GIL is
/// released above 2 KiB. CityLots events (901 bytes on average) are matched holding it.
pub(crate) const RELEASE_GIL_ABOVE: usize = 2 * 1024;

/// A set of named EventBridge event patterns, compiled together, matched against JSON events.
///
/// Rule names can be any hashable object (a string, a tuple, an enum member, a handler...), and
/// matches_for_event returns the very objects that were added. Several patterns under one name mean
/// OR: the name matches when any of its patterns does.
///
/// Patterns and events are JSON text given as str, bytes, bytearray or memoryview (bytes is read
/// without copying), or a dict, which is serialised with the json module.
///
/// Matching takes only a shared lock, and releases the GIL for a batch (matches_for_events) or an
/// event over 2 KiB, so threads match in parallel; a smaller event is matched holding the GIL,
/// which is faster than handing it over. Adding and deleting rules take the lock exclusively, so
/// a match sees a rule either wholly or not at all.
///
/// `limits` (keyword-only, a Limits) bounds the patterns and events the machine accepts; by
/// default, the engine's defaults (patterns up to 4096 bytes, as EventBridge).
///
/// >>> m = Machine()
/// >>> m.add_rule("big-orders", {"detail": {"total": [{"numeric": [">=", 1000]}]}})
/// >>> m.add_rule("from-eu", '{"region": [{"prefix": "eu-"}]}')
/// >>> m.matches_for_event(b'{"region": "eu-west-1", "detail": {"total": 1250}}')
/// ['big-orders', 'from-eu']
#[pyclass(module = "ferruler", name = "Machine", frozen, weakref)]
pub struct Machine {
    rules: RwLock<Rules>,
    ids: Py<PyDict>,
    writer: Mutex<u64>,
    /// Token of the thread holding `writer`, 0 if none; see [`thread_token`].
    writer_thread: AtomicUsize,
}

/// The engine's machine and the name object of each of its rule ids.
struct Rules {
    machine: ferruler::Machine<u64>,
    names: HashMap<u64, Name>,
}

/// A rule's name object, shared so that threads without the GIL can hold it.
type Name = Arc<Py<PyAny>>;

impl Rules {
    /// A batch's matches with the name object of each rule id.
    fn named(&self, batch: batch::Matches<u64>) -> Matched {
        let names = batch.names.iter().map(|id| Arc::clone(&self.names[id])).collect();
        Matched { counts: batch.counts, names }
    }
}

/// What a batch matched: how many rules each event matched, in order, and their name objects, event
/// after event.
struct Matched {
    counts: Vec<u32>,
    names: Vec<Name>,
}

/// Holds `writer` (its value is the next unused id) and records the owning thread while it does.
struct Writer<'a> {
    next_id: MutexGuard<'a, u64>,
    owner: &'a AtomicUsize,
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.owner.store(0, Ordering::Release);
    }
}

thread_local! {
    static TOKEN: u8 = const { 0 };
    static SCRATCH: RefCell<ferruler::Scratch> = RefCell::new(ferruler::Scratch::default());
}

/// A number unique to the calling thread among live threads: the address of a thread-local.
fn thread_token() -> usize {
    TOKEN.with(|t| t as *const u8 as usize)
}

/// The UTF-8 of `text`, lone surrogates kept as their 3-byte forms, as `json_text` encodes a `str`.
/// CPython encodes UTF-8 with `surrogatepass` natively: no codec lookup, no exception object on a
/// surrogate (which `encode_utf8` would raise and catch), only the `bytes` object made.
fn utf8_of<'py>(text: &Bound<'py, PyString>) -> Result<Bound<'py, PyBytes>, NotPlain> {
    // SAFETY: a valid `str`, NUL-terminated names; the result is a new reference or NULL.
    let encoded = unsafe {
        pyo3::ffi::PyUnicode_AsEncodedString(text.as_ptr(), c"utf-8".as_ptr(), c"surrogatepass".as_ptr())
    };
    // SAFETY: as above. NULL only when out of memory: the general path then raises that.
    let encoded = unsafe { Bound::from_owned_ptr_or_err(text.py(), encoded) }.map_err(|_| NotPlain)?;
    encoded.cast_into::<PyBytes>().map_err(|_| NotPlain)
}

/// How many items ahead of the one being read [`prefetch_item`] is asked for.
const PREFETCH_AHEAD: usize = 8;

/// Asks the CPU to fetch the object at `index` of `list` (if any) into its cache. Taking an item
/// writes its reference count, the first touch of an object the list's owner made long ago: a cache
/// miss on every item, a tenth of reading a batch of CityLots events, which the calling thread
/// pays alone. Asked for a few items ahead, the misses overlap instead of coming one after another.
fn prefetch_item(list: &Bound<'_, PyList>, index: usize) {
    #[cfg(target_arch = "x86_64")]
    if index < list.len() {
        // SAFETY: `index` is in range, so this returns a borrowed pointer and sets no error.
        // Prefetching reads nothing and cannot fault.
        unsafe {
            let item = pyo3::ffi::PyList_GetItem(list.as_ptr(), index as pyo3::ffi::Py_ssize_t);
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(item.cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (list, index);
}

/// What a batch matched, or the first invalid event's error; and the result's empty lists if they
/// were made while it was matched (see `results`).
type BatchFound<'py> = (Result<Matched, ferruler::EventError>, Option<Bound<'py, PyList>>);

/// A batch item that [`Machine::batch_while_reading`] leaves to the general path.
struct NotPlain;

/// The GIL released by this thread, taken back when dropped. Unlike `Python::detach`, which on
/// taking the GIL back applies the reference-count changes pyo3 deferred for want of it (and so
/// may run a finalizer), this runs no Python code, so it may be used while `rules` is held.
struct Released(*mut pyo3::ffi::PyThreadState);

impl Released {
    /// # Safety
    /// The GIL must be held, and no Python object touched until the value is dropped.
    unsafe fn gil() -> Self {
        Released(unsafe { pyo3::ffi::PyEval_SaveThread() })
    }
}

impl Drop for Released {
    fn drop(&mut self) {
        // SAFETY: the thread state saved by `gil`, on the same thread.
        unsafe { pyo3::ffi::PyEval_RestoreThread(self.0) };
    }
}

impl Machine {
    fn read_rules(&self, py: Python<'_>) -> Result<RwLockReadGuard<'_, Rules>, Internal> {
        self.rules.read_py_attached(py).map_err(|_| Internal::poisoned())
    }

    /// Takes `writer`, releasing the GIL while waiting for it.
    fn lock_writer(&self, py: Python<'_>) -> PyResult<Writer<'_>> {
        let me = thread_token();
        if self.writer_thread.load(Ordering::Acquire) == me {
            return Err(PyRuntimeError::new_err(
                "a Machine was changed from inside one of its own changes (a rule name's __hash__, \
                 __eq__ or __del__ called add_rule, delete_rule or delete_rules on the same Machine)",
            ));
        }
        // `writer` only guards the id counter, which a panic cannot leave inconsistent.
        let next_id = self.writer.lock_py_attached(py).unwrap_or_else(PoisonError::into_inner);
        self.writer_thread.store(me, Ordering::Release);
        Ok(Writer { next_id, owner: &self.writer_thread })
    }

    /// The id registered for `name`, if any. May run the name's `__hash__` and `__eq__`.
    fn id_of(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
        match self.ids.bind(py).get_item(name)? {
            Some(id) => Ok(Some(id.extract()?)),
            None => Ok(None),
        }
    }

    /// Runs `change` on the rules with the write lock held and the GIL released.
    fn change<T: Send>(
        &self,
        py: Python<'_>,
        change: impl FnOnce(&mut Rules) -> T + Send,
    ) -> Result<T, Internal> {
        self.change_holding(py, false, change)
    }

    /// Runs `change` on the rules with the write lock held; with the GIL held too if `hold` and
    /// the lock is free at once (so the GIL is never held while waiting for it), else released.
    fn change_holding<T: Send>(
        &self,
        py: Python<'_>,
        hold: bool,
        change: impl FnOnce(&mut Rules) -> T + Send,
    ) -> Result<T, Internal> {
        if hold {
            match self.rules.try_write() {
                Ok(mut rules) => return guarded(|| change(&mut rules)),
                Err(TryLockError::Poisoned(_)) => return Err(Internal::poisoned()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        py.detach(|| {
            let mut rules: RwLockWriteGuard<'_, Rules> =
                self.rules.write().map_err(|_| Internal::poisoned())?;
            guarded(|| change(&mut rules))
        })
    }

    /// The name objects of the rules `event` matches, with the GIL released if `release` (see
    /// [`RELEASE_GIL_ABOVE`]). Held, it is held only if the read lock is free at once: a thread
    /// holding the GIL never waits for the lock.
    fn matches_gil<'py>(&self, py: Python<'py>, event: &[u8], release: bool) -> PyResult<Bound<'py, PyList>> {
        let found = if release {
            py.detach(|| self.collect_matches(event))?
        } else {
            match self.rules.try_read() {
                Ok(rules) => Self::collect_matches_in(&rules, event)?,
                Err(TryLockError::Poisoned(_)) => return Err(Internal::poisoned().into()),
                Err(TryLockError::WouldBlock) => py.detach(|| self.collect_matches(event))?,
            }
        };
        let found = found.map_err(|e| event_error(py, &e))?;
        PyList::new(py, found.iter().map(|name| name.bind(py)))
    }

    /// The name objects of the rules `event` matches. Runs without the GIL: it only clones `Arc`s.
    fn collect_matches(&self, event: &[u8]) -> Result<Result<Vec<Name>, ferruler::EventError>, Internal> {
        let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
        Self::collect_matches_in(&rules, event)
    }

    /// The name objects of the rules `event` matches, in `rules`. Runs no Python code.
    fn collect_matches_in(
        rules: &Rules,
        event: &[u8],
    ) -> Result<Result<Vec<Name>, ferruler::EventError>, Internal> {
        guarded(|| {
            // Nothing inside re-enters this thread's matching, so the scratch is never borrowed twice.
            SCRATCH.with_borrow_mut(|scratch| {
                let mut found = Vec::new();
                rules.machine.for_each_match(event, scratch, |id| {
                    found.push(Arc::clone(rules.names.get(id).expect("every rule id has a name")));
                })?;
                Ok(found)
            })
        })
    }

    /// The name objects of the rules each event matches, all under one read lock (so the batch
    /// sees one state of the rules), on several threads for a large batch (see
    /// `ferruler_bindings_common::batch`). Runs without the GIL. On an invalid event, its error.
    fn collect_batch(&self, events: &[&[u8]]) -> Result<Result<Matched, ferruler::EventError>, Internal> {
        let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
        guarded(|| {
            SCRATCH.with_borrow_mut(|scratch| {
                let batch =
                    batch::matches_for_events(&rules.machine, events, scratch).map_err(|i| i.error)?;
                Ok(rules.named(batch))
            })
        })
    }

    /// [`Self::collect_batch`] for the plainest batch, a `list` or `tuple` of `bytes` and `str`,
    /// matched by the pool's threads while the calling thread is still reading it
    /// (`ferruler_bindings_common::pipeline`), so that reading, which needs the GIL, overlaps
    /// matching instead of coming before it. `None` if the batch is anything else, or a change
    /// holds or awaits the lock: the caller then reads the batch first.
    ///
    /// The read lock is taken with the GIL held, so only if it is free at once, and held while the
    /// batch is read; that is safe because reading such a batch runs no Python code and allocates
    /// nothing the garbage collector tracks (items are taken from the list without its `__iter__`,
    /// `bytes` borrowed, `str` encoded by [`utf8_of`]), so nothing can change this machine or wait
    /// for another thread meanwhile. The GIL is then released while this thread matches what is
    /// left.
    fn batch_while_reading<'py>(&self, events: &Bound<'py, PyAny>) -> PyResult<Option<BatchFound<'py>>> {
        let py = events.py();
        let len = if let Ok(list) = events.cast_exact::<PyList>() {
            list.len()
        } else if let Ok(tuple) = events.cast_exact::<PyTuple>() {
            tuple.len()
        } else {
            return Ok(None);
        };
        let rules = match self.rules.try_read() {
            Ok(rules) => rules,
            Err(TryLockError::Poisoned(_)) => return Err(Internal::poisoned().into()),
            Err(TryLockError::WouldBlock) => return Ok(None),
        };
        let mut texts: Vec<Bound<'_, PyBytes>> = Vec::with_capacity(len);
        let read = |i: usize| -> Result<&[u8], NotPlain> {
            let item = match events.cast_exact::<PyList>() {
                Ok(list) => {
                    prefetch_item(list, i + PREFETCH_AHEAD);
                    list.get_item(i)
                }
                Err(_) => events.cast_exact::<PyTuple>().map_err(|_| NotPlain)?.get_item(i),
            }
            .map_err(|_| NotPlain)?;
            let text = match item.cast_into::<PyBytes>() {
                Ok(bytes) => bytes,
                Err(other) => utf8_of(other.into_inner().cast::<PyString>().map_err(|_| NotPlain)?)?,
            };
            // SAFETY: a `bytes` object never changes, and `texts` keeps it alive until the batch
            // has been matched.
            let bytes =
                unsafe { std::slice::from_raw_parts(text.as_bytes().as_ptr(), text.as_bytes().len()) };
            texts.push(text);
            Ok(bytes)
        };
        // The result's lists, made while the pool's threads match, if they can be (see `results`).
        let mut lists = None;
        let matched = guarded(|| {
            SCRATCH.with_borrow_mut(|scratch| {
                pipeline::matches_while_reading(&rules.machine, len, scratch, read, |matching| {
                    lists = results::empty_uncollected(py, len);
                    // SAFETY: matching touches no Python object; the GIL is taken back before
                    // `Released` is gone, even on a panic.
                    let _released = unsafe { Released::gil() };
                    matching();
                })
            })
        });
        let found = match matched {
            Err(internal) => Err(internal.into()),
            Ok(Err(NotPlain)) => Ok(None),
            Ok(Ok(matched)) => {
                let matched = matched.map(|batch| rules.named(batch)).map_err(|(invalid, _)| invalid.error);
                lists.transpose().map(|lists| Some((matched, lists)))
            }
        };
        // Unlocked before anything is let go, whose finalizers could run Python code.
        drop(rules);
        drop(texts);
        found
    }

    /// Forgets `name` (whose last pattern is gone) in `ids`. The machine is already changed, so a
    /// failure here (a raising `__eq__`) is reported as unraisable rather than raised: the stale
    /// entry it leaves is harmless, as every use of an id checks the machine.
    fn forget(&self, py: Python<'_>, name: &Bound<'_, PyAny>) {
        if let Err(e) = self.ids.bind(py).del_item(name) {
            e.write_unraisable(py, Some(name));
        }
    }
}

#[pymethods]
impl Machine {
    #[new]
    #[pyo3(signature = (*, limits = None))]
    fn new(py: Python<'_>, limits: Option<&Bound<'_, Limits>>) -> Self {
        let limits = limits.map(|l| l.get().inner.clone()).unwrap_or_default();
        Machine {
            rules: RwLock::new(Rules {
                machine: ferruler::Machine::with_limits(limits),
                names: HashMap::default(),
            }),
            ids: PyDict::new(py).unbind(),
            writer: Mutex::new(1),
            writer_thread: AtomicUsize::new(0),
        }
    }

    /// Makes `Machine[str]` (and any other `Machine[T]`) usable at run time, as in annotations.
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        cls.py().import("types")?.getattr("GenericAlias")?.call1((cls, item))
    }

    /// Adds `pattern` under the rule `name`.
    ///
    /// `name` is any hashable object; a name equal to one already present (same hash, ==) refers to
    /// that rule, whose original name object is kept. Adding a pattern the name already has changes
    /// nothing. `pattern` is JSON text (str, bytes, bytearray, memoryview) or a dict.
    ///
    /// Raises InvalidPatternError (a ValueError, with .message, .line and .column) if the pattern
    /// is not a valid EventBridge event pattern; the machine is then left unchanged. Raises
    /// TypeError if `name` is unhashable or `pattern` has an unsupported type.
    fn add_rule(&self, py: Python<'_>, name: &Bound<'_, PyAny>, pattern: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = json_text(pattern, Role::Pattern)?;
        let mut writer = self.lock_writer(py)?;
        let (id, fresh) = match self.id_of(py, name)? {
            Some(id) => (id, false),
            None => {
                let id = *writer.next_id;
                *writer.next_id += 1;
                (id, true)
            }
        };
        let object = Arc::new(name.clone().unbind());
        let bytes = text.as_bytes();
        // The name object comes back out unless it was stored, to be dropped with the GIL held.
        // A small pattern compiles faster than the GIL changes hands: it is added holding it.
        let hold = bytes.len() <= RELEASE_GIL_ABOVE;
        let (added, unused) = self.change_holding(py, hold, move |rules| {
            if let Err(e) = rules.machine.add_rule(id, bytes) {
                return (Err(e), Some(object));
            }
            match rules.names.entry(id) {
                Entry::Occupied(_) => (Ok(()), Some(object)),
                Entry::Vacant(slot) => {
                    slot.insert(object);
                    (Ok(()), None)
                }
            }
        })?;
        drop(unused);
        added.map_err(|e| pattern_error(py, &e))?;
        if fresh {
            if let Err(e) = self.ids.bind(py).set_item(name, id) {
                // Without its `ids` entry the rule could never be deleted: take it back out.
                let stored = self.change(py, |rules| {
                    rules.machine.delete_rules_named(&id);
                    rules.names.remove(&id)
                })?;
                drop(writer);
                drop(stored);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Deletes `pattern` from the rule `name` and returns whether it was there.
    ///
    /// The pattern is recognised by meaning, not spelling: whitespace, key order and number
    /// spelling may differ from the text it was added with, and a dict may delete a pattern added
    /// as text. When the last pattern of a name goes, the name goes too.
    ///
    /// Raises InvalidPatternError if `pattern` is not a valid pattern, even if `name` is unknown.
    fn delete_rule(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        pattern: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let text = json_text(pattern, Role::Pattern)?;
        let bytes = text.as_bytes();
        let writer = self.lock_writer(py)?;
        let Some(id) = self.id_of(py, name)? else {
            // Checked with this machine's limits, as a known name's pattern would be.
            let checked = py.detach(|| -> Result<_, Internal> {
                let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
                guarded(|| rules.machine.check_pattern(bytes))
            })?;
            return checked.map(|()| false).map_err(|e| pattern_error(py, &e));
        };
        let (deleted, gone) = self
            .change(py, |rules| {
                let deleted = rules.machine.delete_rule(&id, bytes)?;
                let gone = if rules.machine.contains_rule(&id) { None } else { rules.names.remove(&id) };
                Ok((deleted, gone))
            })?
            .map_err(|e| pattern_error(py, &e))?;
        if gone.is_some() {
            self.forget(py, name);
        }
        drop(writer);
        // `gone`, possibly the last reference to the name object, is dropped here, with no lock held.
        Ok(deleted)
    }

    /// Deletes every pattern of the rule `name` and returns how many there were (0 if none).
    fn delete_rules(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<usize> {
        let writer = self.lock_writer(py)?;
        let Some(id) = self.id_of(py, name)? else { return Ok(0) };
        let (count, gone) =
            self.change(py, |rules| (rules.machine.delete_rules_named(&id), rules.names.remove(&id)))?;
        self.forget(py, name);
        drop(writer);
        drop(gone);
        Ok(count)
    }

    /// The names of the rules `event` matches, each once, as the objects they were added with.
    ///
    /// `event` is JSON text (str, bytes, bytearray, memoryview) or a dict. Matching runs with the
    /// GIL released if the event is larger than 2 KiB; a smaller one is matched faster than the
    /// GIL changes hands, and is matched holding it. Raises InvalidEventError (a ValueError, with
    /// .message and .offset) if the event is not valid JSON or not UTF-8.
    fn matches_for_event<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = json_text(event, Role::Event)?;
        let bytes = text.as_bytes();
        self.matches_gil(py, bytes, bytes.len() > RELEASE_GIL_ABOVE)
    }

    /// Benchmark support, not API: matches_for_event with the GIL released (`release`) or held
    /// whatever the event's size, to measure where releasing it starts to pay.
    fn _matches_for_event_gil<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
        release: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = json_text(event, Role::Event)?;
        self.matches_gil(py, text.as_bytes(), release)
    }

    /// The names of the rules each of `events` matches: one list per event, in order, as
    /// matches_for_event would return them.
    ///
    /// `events` is any iterable of what matches_for_event takes (str, bytes, bytearray, memoryview,
    /// dict). They are read with the GIL, and matched without it, the machine locked once for the
    /// whole batch, so it sees one state of the rules (a change made meanwhile by another thread
    /// waits for the batch). A batch of more than a few hundred events is split across the
    /// machine's cores, which makes it faster than calling matches_for_event in a loop; for a list
    /// or tuple of bytes and str, the other cores start on the events already read while the rest
    /// are read.
    ///
    /// Raises InvalidEventError for the first event that is not valid JSON (no result then), and
    /// TypeError for an item of an unsupported type.
    fn matches_for_events<'py>(
        &self,
        py: Python<'py>,
        events: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let (matched, lists) = match self.batch_while_reading(events)? {
            Some(found) => found,
            None => {
                let texts = events
                    .try_iter()?
                    .map(|event| json_text(&event?, Role::Event))
                    .collect::<PyResult<Vec<_>>>()?;
                let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
                (py.detach(|| self.collect_batch(&slices))?, None)
            }
        };
        let matched = matched.map_err(|e| event_error(py, &e))?;
        let lists = match lists {
            Some(lists) => lists,
            None => results::empty(py, matched.counts.len())?,
        };
        results::fill(&lists, &matched.counts, matched.names.iter().map(|name| &**name))?;
        Ok(lists)
    }

    /// The wildcard complexity of the machine's most complex rule, EventBridge's measure behind
    /// "Rule is too complex" (0 without wildcards): on each field, the most wildcard rule prefixes
    /// one value could be matching at once, the largest over the rule's fields. A rule above
    /// `Limits.max_complexity` (10 by default, as EventBridge) is refused; it is counted per rule,
    /// so any number of rules with wildcards load. `ferruler.pattern_complexity(pattern)` gives
    /// one pattern's.
    fn complexity(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(py.detach(|| -> Result<usize, Internal> {
            let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
            guarded(|| rules.machine.complexity())
        })?)
    }

    /// Validates `pattern` (JSON text or a dict) with this machine's limits, without adding it.
    ///
    /// Returns None if add_rule would accept it; raises InvalidPatternError, as add_rule would,
    /// if not.
    fn check_pattern(&self, py: Python<'_>, pattern: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = json_text(pattern, Role::Pattern)?;
        let bytes = text.as_bytes();
        let checked = py.detach(|| -> Result<_, Internal> {
            let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
            guarded(|| rules.machine.check_pattern(bytes))
        })?;
        checked.map_err(|e| pattern_error(py, &e))
    }

    /// The limits this machine enforces, as given to its constructor (a new, equal Limits object
    /// on every read).
    #[getter]
    fn limits(&self, py: Python<'_>) -> PyResult<Limits> {
        Ok(Limits::from_engine(self.read_rules(py)?.machine.limits()))
    }

    /// The names of all rules, as a new list, in no particular order.
    fn rule_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // The list is built after the lock is released: allocating it may run the garbage
        // collector, and with it finalizers that could change this machine.
        let names: Vec<Name> = {
            let rules = self.read_rules(py)?;
            rules.machine.rule_names().map(|id| Arc::clone(&rules.names[id])).collect()
        };
        PyList::new(py, names.iter().map(|name| name.bind(py)))
    }

    /// Counts describing the machine: a dict with "names" (distinct rule names), "patterns"
    /// (patterns over all names), "sub_rules" (what the patterns' $or alternatives expand to) and
    /// "paths" (distinct field paths the rules use).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.read_rules(py)?.machine.stats();
        let dict = PyDict::new(py);
        dict.set_item("names", stats.names)?;
        dict.set_item("patterns", stats.patterns)?;
        dict.set_item("sub_rules", stats.sub_rules)?;
        dict.set_item("paths", stats.paths)?;
        Ok(dict)
    }

    /// Benchmark support, not API: the engine's own time to match an event, in seconds per event,
    /// over `iterations` passes through `events` made from Rust with
    /// `ferruler::Machine::matches_for_event`. The benchmark compares it with the time of
    /// `matches_for_event` called from Python on the same events, to measure what the binding adds.
    fn _core_seconds_per_match(
        &self,
        py: Python<'_>,
        events: Vec<Bound<'_, PyAny>>,
        iterations: u32,
    ) -> PyResult<f64> {
        let texts = events.iter().map(|e| json_text(e, Role::Event)).collect::<PyResult<Vec<_>>>()?;
        let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        let timed = py.detach(|| -> Result<Result<f64, ferruler::EventError>, Internal> {
            let rules = self.rules.read().map_err(|_| Internal::poisoned())?;
            guarded(|| {
                let start = std::time::Instant::now();
                for _ in 0..iterations {
                    for event in &slices {
                        std::hint::black_box(rules.machine.matches_for_event(std::hint::black_box(event))?);
                    }
                }
                let calls = slices.len() as f64 * f64::from(iterations);
                Ok(start.elapsed().as_secs_f64() / calls.max(1.0))
            })
        })?;
        timed.map_err(|e| event_error(py, &e))
    }

    /// The number of distinct rule names.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.read_rules(py)?.machine.len())
    }

    /// Whether a rule named `name` exists.
    fn __contains__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Some(id) = self.id_of(py, name)? else { return Ok(false) };
        Ok(self.read_rules(py)?.machine.contains_rule(&id))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let stats = self.read_rules(py)?.machine.stats();
        Ok(format!("<ferruler.Machine: {} rule names, {} patterns>", stats.names, stats.patterns))
    }

    /// Lets the garbage collector see the name objects, which may refer back to the machine.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.ids)?;
        // A change in progress holds the lock; its names are then not reported this time round,
        // which only delays collecting a cycle through them.
        if let Ok(rules) = self.rules.try_read() {
            for name in rules.names.values() {
                visit.call(&**name)?;
            }
        }
        Ok(())
    }

    /// Breaks reference cycles through name objects by emptying the machine.
    fn __clear__(&self) {
        let names = match self.rules.try_write() {
            Ok(mut rules) => {
                let limits = rules.machine.limits().clone();
                rules.machine = ferruler::Machine::with_limits(limits);
                std::mem::take(&mut rules.names)
            }
            Err(_) => HashMap::default(),
        };
        Python::attach(|py| self.ids.bind(py).clear());
        drop(names);
    }
}
