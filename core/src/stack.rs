//! Deep recursion without stack overflow.
//!
//! The readers recurse once per level of JSON nesting, and the limits on nesting are configurable,
//! while a thread's stack is whatever its creator chose (Python and Node worker threads can be
//! small; debug builds use large frames). Each recursive step therefore goes through [`deep`]
//! (the event scanner's only from 16 levels down, since a few frames fit any stack),
//! which continues on a freshly allocated stack segment when less than a red zone is left. In the
//! common, shallow case this is a comparison against the current stack pointer.

/// Room a recursive step may need before the next check.
const RED_ZONE: usize = 64 * 1024;
/// Size of each additional stack segment.
const SEGMENT: usize = 1024 * 1024;

/// Runs `f`, on a new stack segment if this one is nearly used up.
#[inline]
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
