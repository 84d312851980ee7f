//! The per-event entry points, `matchesText(handle, string, slots)` and
//! `matchesBytes(handle, bytes, slots)`, and the batch one, `matchesBatch(handle, events, counts,
//! slots)`, written against the raw Node-API instead of through `#[napi]`. Each returns how many rules matched and writes their slots (see `state.rs`) to the
//! `Uint32Array` `slots`; `index.js` turns them into names. Building the names' JS strings here
//! instead cost a string creation and an array store through Node-API per matched rule, which was
//! most of the cost of a call when events match a few rules.
//!
//! Why: a `#[napi]` method call costs about 3,000 instructions before any work is done (napi-rs 3
//! tracks every borrow of a class instance or argument in a scope with its own allocations and a
//! global lock), which on a small event is more than matching it. These two functions are the only
//! ones called per event, and all they need is a handful of Node-API calls, so they skip that
//! layer. Everything else (adding rules, errors, introspection) stays on `#[napi]`.
//!
//! The `handle` is an empty JS object wrapping an `Rc<State>`, type-tagged so that no other value
//! (another addon's wrapped object, a plain object) is ever taken for one; `index.js` keeps it in
//! a private field next to its `NativeMachine`. It is an object rather than an external because
//! not every Node-API runtime can type-tag externals.
//!
//! Nothing here calls JavaScript while a borrow of the state is held, except when building a
//! `Failure` object (reachable only through a setter someone installed on `Object.prototype`);
//! the `RefCell`s in `State` and the `catch_unwind` below turn even that into a thrown error rather
//! than undefined behaviour.

use crate::failure::Failure;
use crate::state::{Segments, State};
use ferruler_bindings_common::pipeline;
use napi::bindgen_prelude::{Env, Object, ToNapiValue};
use napi::{sys, JsValue};
use napi_derive::napi;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

/// Marks the handles created by `create_handle` (a random 128-bit value).
const HANDLE_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x9c3f_51d2_7a08_4e6b,
    upper: 0x2d71_e4a9_b05c_f318,
};

/// Why a call failed: thrown as a `TypeError` (a wrong argument) or an `Error` (Node-API failed).
struct Throw {
    type_error: bool,
    message: &'static str,
}

fn type_error(message: &'static str) -> Throw {
    Throw {
        type_error: true,
        message,
    }
}

fn check(status: sys::napi_status) -> Result<(), Throw> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Throw {
            type_error: false,
            message: "a Node-API call failed in ferruler",
        })
    }
}

/// A JS handle for `state`, freed when both it and the `NativeMachine` are collected.
pub fn create_handle(env: &Env, state: Rc<State>) -> napi::Result<sys::napi_value> {
    let env = env.raw();
    let failed = |what: &str| {
        napi::Error::new(
            napi::Status::GenericFailure,
            format!("could not {what} the machine handle"),
        )
    };
    let mut handle = ptr::null_mut();
    // SAFETY: plain Node-API calls on a valid env. `data` comes from `Rc::into_raw` and goes back
    // to `Rc::from_raw` exactly once: in `finalize`, or here if it could not be attached.
    unsafe {
        if sys::napi_create_object(env, &mut handle) != sys::Status::napi_ok {
            return Err(failed("create"));
        }
        if sys::napi_type_tag_object(env, handle, &HANDLE_TAG) != sys::Status::napi_ok {
            return Err(failed("tag"));
        }
        let data = Rc::into_raw(state) as *mut c_void;
        let status = sys::napi_wrap(
            env,
            handle,
            data,
            Some(finalize),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        if status != sys::Status::napi_ok {
            drop(Rc::from_raw(data as *const State));
            return Err(failed("attach the machine to"));
        }
    }
    Ok(handle)
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: see `create_handle`.
    drop(unsafe { Rc::from_raw(data as *const State) });
}

/// The state behind `value`, if it is a handle made by `create_handle`. The reference is valid
/// for the current call: `value` is one of its arguments, so the handle (and its `Rc`) is alive.
unsafe fn state_of<'a>(env: sys::napi_env, value: sys::napi_value) -> Result<&'a State, Throw> {
    let not_a_handle = || type_error("expected a ferruler machine handle");
    let mut tagged = false;
    // Fails (and leaves `tagged` false) for anything that is not an object.
    let status = unsafe { sys::napi_check_object_type_tag(env, value, &HANDLE_TAG, &mut tagged) };
    if status != sys::Status::napi_ok || !tagged {
        return Err(not_a_handle());
    }
    let mut data = ptr::null_mut();
    if unsafe { sys::napi_unwrap(env, value, &mut data) } != sys::Status::napi_ok {
        return Err(not_a_handle());
    }
    // SAFETY: only `create_handle` tags objects with `HANDLE_TAG`, and it wraps each one around a
    // `*const State` from `Rc::into_raw`.
    Ok(unsafe { &*(data as *const State) })
}

/// The call's three arguments: the handle, the event and the `Uint32Array` the slots go to.
unsafe fn args(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Result<[sys::napi_value; 3], Throw> {
    let mut argc = 3;
    let mut argv = [ptr::null_mut(); 3];
    check(unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    })?;
    if argc < 3 {
        return Err(type_error(
            "expected a machine handle, an event and a Uint32Array",
        ));
    }
    Ok(argv)
}

/// Where the slots of the matched rules go: the elements of a `Uint32Array`.
struct Slots {
    data: *mut u32,
    len: usize,
}

impl Slots {
    /// Whether the elements share memory with the `len` bytes at `bytes` (an event). `index.js`
    /// never passes such a pair, and refusing it keeps the event, read during matching, from
    /// being written to.
    fn overlaps(&self, bytes: *const u8, len: usize) -> bool {
        let (start, end) = (self.data as usize, self.data as usize + self.len * 4);
        let (other_start, other_end) = (bytes as usize, bytes as usize + len);
        self.len > 0 && len > 0 && start < other_end && other_start < end
    }
}

/// The data pointer and element count of `value`, if it is a typed array of `kind`; otherwise a
/// `TypeError` saying `expected`.
unsafe fn typed_array(
    env: sys::napi_env,
    value: sys::napi_value,
    kind: sys::napi_typedarray_type,
    expected: &'static str,
) -> Result<(*mut c_void, usize), Throw> {
    let (mut found, mut len, mut data) = (0, 0, ptr::null_mut());
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut found,
            &mut len,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || found != kind {
        return Err(type_error(expected));
    }
    Ok((data, len))
}

/// The elements of `value`, if it is a `Uint32Array`.
unsafe fn slots_of(env: sys::napi_env, value: sys::napi_value) -> Result<Slots, Throw> {
    let (data, len) = unsafe {
        typed_array(
            env,
            value,
            sys::TypedarrayType::uint32_array,
            "expected a Uint32Array for the slots",
        )
    }?;
    Ok(Slots {
        data: data.cast(),
        len,
    })
}

/// Matches `event` and builds the JS result: the number of rules matched, their slots written to
/// the start of `slots` (as many as fit: `index.js` keeps it large enough, and calls again with a
/// larger one should it not be), or a `Failure` object. `slots` is only looked at when some rule
/// matched, which keeps the common no-match call to the fewest Node-API calls.
unsafe fn respond(
    env: sys::napi_env,
    state: &State,
    event: &[u8],
    slots: sys::napi_value,
) -> Result<sys::napi_value, Throw> {
    let mut matched = state
        .matched
        .try_borrow_mut()
        .map_err(|_| type_error("re-entrant call"))?;
    if let Err(failure) = state.collect_matches(event, &mut matched) {
        return unsafe { Failure::to_napi_value(env, failure) }.map_err(|_| Throw {
            type_error: false,
            message: "could not report an invalid event",
        });
    }
    if !matched.is_empty() {
        let slots = unsafe { slots_of(env, slots) }?;
        if slots.overlaps(event.as_ptr(), event.len()) {
            return Err(type_error("the event and the slots share memory"));
        }
        let fit = matched.len().min(slots.len);
        // SAFETY: Node-API gave `slots` (a `Uint32Array` is 4-byte aligned); it stays put during
        // this call, which runs no JS, and overlaps neither `event` nor `matched` (Rust's own).
        unsafe { ptr::copy_nonoverlapping(matched.as_ptr(), slots.data, fit) };
    }
    let mut count = ptr::null_mut();
    check(unsafe { sys::napi_create_uint32(env, matched.len() as u32, &mut count) })?;
    Ok(count)
}

/// Runs `body`, turning a `Throw` (or a panic, which must not unwind into Node) into a JS exception.
unsafe fn guard(
    env: sys::napi_env,
    body: impl FnOnce() -> Result<sys::napi_value, Throw>,
) -> sys::napi_value {
    let thrown = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => return value,
        Ok(Err(thrown)) => thrown,
        Err(_) => Throw {
            type_error: false,
            message: "internal error in ferruler (a panic); please report it",
        },
    };
    let message = std::ffi::CString::new(thrown.message).expect("messages have no NUL");
    // SAFETY: plain Node-API calls with a valid env and NUL-terminated strings. If an exception
    // is already pending (a Node-API call failed by throwing), these return an error and the
    // pending one is what JS sees.
    unsafe {
        if thrown.type_error {
            sys::napi_throw_type_error(env, c"ERR_INVALID_ARG_TYPE".as_ptr(), message.as_ptr());
        } else {
            sys::napi_throw_error(env, ptr::null(), message.as_ptr());
        }
    }
    ptr::null_mut()
}

/// `matchesBytes(handle, uint8array)`: the bytes are read in place.
unsafe extern "C" fn matches_bytes(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        guard(env, || {
            let [handle, event, slots] = args(env, info)?;
            let state = state_of(env, handle)?;
            let (data, length) = typed_array(
                env,
                event,
                sys::TypedarrayType::uint8_array,
                "expected a Uint8Array",
            )?;
            // SAFETY: Node-API gives the typed array's bytes; they stay put during this call,
            // which runs no JS that could detach or resize them (see the module docs). Data may be
            // null when the length is 0.
            let bytes = if length == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(data as *const u8, length)
            };
            respond(env, state, bytes, slots)
        })
    }
}

/// `matchesText(handle, string)`: the string is transcoded into the state's reusable buffer.
unsafe extern "C" fn matches_text(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        guard(env, || {
            let [handle, event, slots] = args(env, info)?;
            let state = state_of(env, handle)?;
            let mut text = state
                .text
                .try_borrow_mut()
                .map_err(|_| type_error("re-entrant call"))?;
            text.clear();
            transcode(env, event, &mut text)?;
            respond(env, state, &text, slots)
        })
    }
}

/// Strings up to this many UTF-16 units are transcoded in one pass, into room for their longest
/// possible UTF-8 (3 bytes a unit); longer ones are measured first, so that a large event does not
/// leave a buffer three times its size behind.
const ONE_PASS_UNITS: usize = 64 * 1024;

/// Appends the UTF-8 of the JS string `value` to `text`.
unsafe fn transcode(
    env: sys::napi_env,
    value: sys::napi_value,
    text: &mut Vec<u8>,
) -> Result<(), Throw> {
    let room = unsafe { utf8_room(env, value) }?;
    text.reserve(room + 1);
    unsafe { write_utf8(env, value, text, room) }
}

/// Room enough for the UTF-8 of the JS string `value` (without a terminating NUL).
unsafe fn utf8_room(env: sys::napi_env, value: sys::napi_value) -> Result<usize, Throw> {
    // The UTF-16 length is known without reading the string; the UTF-8 one is not.
    let mut units = 0;
    let status =
        unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units) };
    if status != sys::Status::napi_ok {
        return Err(type_error("expected a string"));
    }
    if units <= ONE_PASS_UNITS {
        return Ok(3 * units);
    }
    let mut length = 0;
    check(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut length) })?;
    Ok(length)
}

/// Appends the UTF-8 of the JS string `value` to `text`, whose spare capacity is at least
/// `room + 1` (see [`utf8_room`]).
unsafe fn write_utf8(
    env: sys::napi_env,
    value: sys::napi_value,
    text: &mut Vec<u8>,
    room: usize,
) -> Result<(), Throw> {
    debug_assert!(text.capacity() - text.len() > room);
    let start = text.len();
    let mut written = 0;
    check(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            text.as_mut_ptr().add(start).cast(),
            room + 1,
            &mut written,
        )
    })?;
    // SAFETY: Node-API wrote `written` (<= `room`) bytes into the spare capacity.
    unsafe { text.set_len(start + written) };
    Ok(())
}

/// The event at `index` of the array `events`: a string transcoded into `segments`, or a
/// `Uint8Array` borrowed in place (its bytes must not share memory with `slots` or `counts`, which
/// are written to). The text stays in place until the batch ends, while other threads match it:
/// `segments` never moves text it holds before the next batch, the events array keeps every
/// `Uint8Array` alive, and no JS runs during the call to detach or write to one.
unsafe fn event_of<'a>(
    env: sys::napi_env,
    events: sys::napi_value,
    index: u32,
    segments: &mut Segments,
    slots: &Slots,
    counts: &Slots,
) -> Result<&'a [u8], Throw> {
    let mut event = ptr::null_mut();
    check(unsafe { sys::napi_get_element(env, events, index, &mut event) })?;
    let mut kind = 0;
    check(unsafe { sys::napi_typeof(env, event, &mut kind) })?;
    if kind == sys::ValueType::napi_string {
        let room = unsafe { utf8_room(env, event) }?;
        let text = segments.with_room(room + 1);
        let start = text.len();
        unsafe { write_utf8(env, event, text, room) }?;
        // SAFETY: see above; the bytes were just written.
        return Ok(unsafe {
            std::slice::from_raw_parts(text.as_ptr().add(start), text.len() - start)
        });
    }
    let (data, length) = unsafe {
        typed_array(
            env,
            event,
            sys::TypedarrayType::uint8_array,
            "expected events as strings or Uint8Arrays",
        )
    }?;
    let bytes: &[u8] = if length == 0 {
        &[]
    } else {
        // SAFETY: see above.
        unsafe { std::slice::from_raw_parts(data as *const u8, length) }
    };
    if slots.overlaps(bytes.as_ptr(), bytes.len()) || counts.overlaps(bytes.as_ptr(), bytes.len()) {
        return Err(type_error("an event and the results share memory"));
    }
    Ok(bytes)
}

/// `matchesBatch(handle, events, counts, slots)`: matches every element of the array `events`
/// (each a string or a `Uint8Array`; `index.js` turns anything else into one first), writes how
/// many rules each matched to `counts[i]`, and their slots, event after event, to `slots` (as many
/// as fit). Returns the total number of slots, which `index.js` compares with the length of
/// `slots` to call again with a larger one, or a `Failure` for the first invalid event.
///
/// The events are read in order (strings transcoded, one after the other, into `Segments`; bytes
/// borrowed in place) while the pool's threads match those already read
/// (`ferruler_bindings_common::pipeline`): transcoding, which only this thread can do, overlaps
/// matching instead of coming before it. `index.js` passes a fresh array of strings and
/// `Uint8Array`s, so that reading it runs no JS (no getter) that could change the machine or an
/// event being matched.
unsafe extern "C" fn matches_batch(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        guard(env, || {
            let mut argc = 4;
            let mut argv = [ptr::null_mut(); 4];
            check(sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
            ))?;
            if argc < 4 {
                return Err(type_error(
                    "expected a machine handle, an array of events and two Uint32Arrays",
                ));
            }
            let [handle, events, counts, slots] = argv;
            let state = state_of(env, handle)?;
            let mut n = 0;
            if sys::napi_get_array_length(env, events, &mut n) != sys::Status::napi_ok {
                return Err(type_error("expected an array of events"));
            }
            let counts = slots_of(env, counts)?;
            let slots = slots_of(env, slots)?;
            if counts.len < n as usize {
                return Err(type_error("expected a count for every event"));
            }
            let mut segments = state
                .segments
                .try_borrow_mut()
                .map_err(|_| type_error("re-entrant call"))?;
            segments.clear();
            let machine = state.machine.borrow();
            let mut scratch = state.scratch.borrow_mut();
            let read = |i: usize| {
                // Each event's handles in a scope of their own, closed before the next, so that a
                // large batch does not pile up a handle per event for the garbage collector to
                // scan.
                let mut scope = ptr::null_mut();
                check(sys::napi_open_handle_scope(env, &mut scope))?;
                let event = event_of(env, events, i as u32, &mut segments, &slots, &counts);
                check(sys::napi_close_handle_scope(env, scope))?;
                event
            };
            let matched = match pipeline::matches_while_reading(
                &machine,
                n as usize,
                &mut scratch,
                read,
                |f| f(),
            )? {
                Ok(matched) => matched,
                Err((invalid, event)) => {
                    let failure = Failure::event(invalid.error, event);
                    return Failure::to_napi_value(env, failure).map_err(|_| Throw {
                        type_error: false,
                        message: "could not report an invalid event",
                    });
                }
            };
            // SAFETY: `counts` has at least `n` elements and `slots` `slots.len`; neither overlaps
            // an event (checked) or Rust's own vectors, and no JS runs during this call.
            ptr::copy_nonoverlapping(matched.counts.as_ptr(), counts.data, n as usize);
            let fit = matched.names.len().min(slots.len);
            ptr::copy_nonoverlapping(matched.names.as_ptr(), slots.data, fit);
            let mut total = ptr::null_mut();
            check(sys::napi_create_double(
                env,
                matched.names.len() as f64,
                &mut total,
            ))?;
            Ok(total)
        })
    }
}

/// Adds the raw entry points to the addon's exports.
#[napi(module_exports)]
pub fn register_hot_path(exports: Object, env: Env) -> napi::Result<()> {
    let entries: [(&std::ffi::CStr, sys::napi_callback); 3] = [
        (c"matchesBytes", Some(matches_bytes)),
        (c"matchesText", Some(matches_text)),
        (c"matchesBatch", Some(matches_batch)),
    ];
    for (name, callback) in entries {
        let mut function = ptr::null_mut();
        // SAFETY: valid env and exports object from napi-rs, NUL-terminated names.
        unsafe {
            napi::check_status!(sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.to_bytes().len() as isize,
                callback,
                ptr::null_mut(),
                &mut function,
            ))?;
            napi::check_status!(sys::napi_set_named_property(
                env.raw(),
                exports.raw(),
                name.as_ptr(),
                function
            ))?;
        }
    }
    Ok(())
}
