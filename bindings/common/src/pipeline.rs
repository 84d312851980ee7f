//! Matching a batch while its events are still being read.
//!
//! [`batch::matches_for_events`](crate::batch::matches_for_events) needs every event in hand
//! first. When reading an event costs a good part of matching it, and can only be done on the
//! calling thread (Node transcodes a JS string to UTF-8 through Node-API on the JS thread, some
//! 100 ns for a CityLots event against some 300 ns to match it), the pool's threads would idle
//! through the reading. Here the calling thread reads the events in order, handing them over a
//! chunk at a time, while the pool's threads match the chunks already read; once all are read, it
//! claims chunks too. On two cores the reading is then hidden behind matching, instead of adding
//! to it.
//!
//! A pool thread that claims a chunk not yet read waits for it, spinning briefly then yielding its
//! core: the chunks it waits for come in a few microseconds apart. An invalid event stops matching
//! but not reading, so that an error reading a later event still wins, as when every event is read
//! first; and no thread is left waiting once reading has failed (or panicked).

use crate::batch::{
    cores, finish, gather, linger, match_chunk, pool, Chunk, Invalid, Matches, CLAIM,
    MIN_EVENTS_PER_THREAD, POOL_SCRATCH,
};
use ferruler::{Machine, Scratch};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The names of the rules each of `len` events matches, the event at index `i` being what
/// `read(i)` returns; `read` is called on the calling thread, for 0, 1, ... `len - 1` in order,
/// and may be slow: the events read so far are matched on the pool's threads meanwhile (see the
/// module documentation). The texts `read` returns must stay in place until this returns.
///
/// The calling thread's own matching, once every event is read, runs inside `unattended`, which
/// must call the function it is given once: a binding lets go there of what matching does not need
/// (Python releases the GIL, which reading needs).
///
/// Returns `read`'s first error if it fails (all events are read first, whatever matching finds);
/// else, on an invalid event, which and its text.
#[allow(clippy::type_complexity)] // two outcomes nested, each spelled where it is made
pub fn matches_while_reading<'a, N, E>(
    machine: &Machine<N>,
    len: usize,
    scratch: &mut Scratch,
    mut read: impl FnMut(usize) -> Result<&'a [u8], E>,
    unattended: impl FnOnce(&mut dyn FnMut()),
) -> Result<Result<Matches<N>, (Invalid, &'a [u8])>, E>
where
    N: Clone + Send + Sync,
{
    let threads = cores().min(len / MIN_EVENTS_PER_THREAD);
    let pool = if threads > 1 { pool() } else { None };
    let Some(pool) = pool else {
        let events = (0..len).map(&mut read).collect::<Result<Vec<_>, E>>()?;
        let mut matched = None;
        unattended(&mut || matched = Some(match_chunk(machine, &events, scratch)));
        let matched = matched.expect("`unattended` runs the matching");
        return Ok(matched.map_err(|(index, error)| (Invalid { index, error }, events[index])));
    };
    let chunks: Vec<OnceLock<Vec<&'a [u8]>>> =
        (0..len.div_ceil(CLAIM)).map(|_| OnceLock::new()).collect();
    let results: Vec<OnceLock<Chunk<N>>> = chunks.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    // Set when matching need go no further: an event was invalid, or reading failed or panicked.
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let claim = |scratch: &mut Scratch| {
        while !stop.load(Ordering::Acquire) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(i) else { return };
            let mut spins = 0u32;
            let events = loop {
                // `stop` is read before the chunk: if it is set and the chunk still unread, no
                // later chunk was read either, so the invalid event that set it came before this
                // chunk, which is not needed. A chunk already read is matched whatever `stop` says.
                let stopping = stop.load(Ordering::Acquire);
                if let Some(events) = chunk.get() {
                    break events;
                }
                if stopping {
                    return;
                }
                spins += 1;
                if spins < 64 {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            };
            let matched = match_chunk(machine, events, scratch);
            if matched.is_err() {
                stop.store(true, Ordering::Release);
            }
            let _ = results[i].set(matched);
            done.fetch_add(1, Ordering::Release);
        }
    };
    let mut failed = None;
    pool.in_place_scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|_| POOL_SCRATCH.with_borrow_mut(|scratch| claim(scratch)));
        }
        // Should `read` panic, the scope waits for the pool's threads before unwinding further:
        // they must not be left waiting for a chunk that will never come.
        let unwinding = StopOnDrop(&stop);
        'reading: for (k, chunk) in chunks.iter().enumerate() {
            let indices = k * CLAIM..len.min((k + 1) * CLAIM);
            let mut events = Vec::with_capacity(indices.len());
            for i in indices {
                match read(i) {
                    Ok(event) => events.push(event),
                    Err(error) => {
                        failed = Some(error);
                        break 'reading;
                    }
                }
            }
            let _ = chunk.set(events);
        }
        if failed.is_some() {
            return; // `unwinding` stops the pool's threads
        }
        std::mem::forget(unwinding);
        unattended(&mut || {
            claim(scratch);
            finish(&done, chunks.len(), &stop);
        });
    });
    linger(&pool, threads - 1);
    if let Some(error) = failed {
        return Err(error);
    }
    Ok(gather(results, len).map_err(|(invalid, chunk)| {
        let event = chunks[chunk].get().expect("a matched chunk was read")[invalid.index % CLAIM];
        (invalid, event)
    }))
}

/// Sets the flag when dropped: on a return, or an unwind, before every chunk is read.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine<&'static str> {
        let mut m = Machine::new();
        m.add_rule("small", r#"{"n": [{"numeric": ["<", 2]}]}"#)
            .unwrap();
        m.add_rule("odd", r#"{"n": [1, 3]}"#).unwrap();
        m
    }

    fn texts(n: usize) -> Vec<String> {
        (0..n).map(|i| format!(r#"{{"n": {}}}"#, i % 4)).collect()
    }

    #[test]
    fn results_are_those_of_a_batch_read_first() {
        let m = machine();
        for n in [0, 1, 5, CLAIM, MIN_EVENTS_PER_THREAD * 3 + 7] {
            let texts = texts(n);
            let mut order = Vec::new();
            let streamed = matches_while_reading(
                &m,
                n,
                &mut Scratch::default(),
                |i| {
                    order.push(i);
                    Ok::<_, ()>(texts[i].as_bytes())
                },
                |f| f(),
            )
            .unwrap()
            .unwrap();
            assert_eq!(
                order,
                (0..n).collect::<Vec<_>>(),
                "read once each, in order"
            );
            let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
            let read_first =
                crate::batch::matches_for_events(&m, &slices, &mut Scratch::default()).unwrap();
            assert_eq!(streamed.counts, read_first.counts);
            assert_eq!(streamed.names, read_first.names);
        }
    }

    #[test]
    fn the_first_invalid_event_is_reported_with_its_text() {
        let m = machine();
        let n = MIN_EVENTS_PER_THREAD * 4;
        for first in [3, CLAIM * 5 + 1, n - 3] {
            let mut texts = texts(n);
            texts[first] = "{".into();
            for later in (first + 1..n).step_by(CLAIM + 7) {
                texts[later] = "[".into();
            }
            let (invalid, text) = matches_while_reading(
                &m,
                n,
                &mut Scratch::default(),
                |i| Ok::<_, ()>(texts[i].as_bytes()),
                |f| f(),
            )
            .unwrap()
            .err()
            .unwrap();
            assert_eq!((invalid.index, text), (first, &b"{"[..]));
            assert_eq!(invalid.error, m.matches_for_event("{").unwrap_err());
        }
    }

    #[test]
    fn a_read_error_wins_over_an_invalid_event_and_stops_reading() {
        let m = machine();
        let n = MIN_EVENTS_PER_THREAD * 4;
        let mut texts = texts(n);
        texts[1] = "{".into();
        let mut read = 0;
        let failed = matches_while_reading(
            &m,
            n,
            &mut Scratch::default(),
            |i| {
                read += 1;
                if i == n - 40 {
                    Err(i)
                } else {
                    Ok(texts[i].as_bytes())
                }
            },
            |f| f(),
        );
        assert_eq!(failed.err(), Some(n - 40));
        assert_eq!(read, n - 39);
    }

    #[test]
    fn a_panic_while_reading_leaves_no_thread_waiting() {
        let m = machine();
        let n = MIN_EVENTS_PER_THREAD * 4;
        let texts = texts(n);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            matches_while_reading(
                &m,
                n,
                &mut Scratch::default(),
                |i| {
                    assert!(i < CLAIM * 3, "reading fails");
                    Ok::<_, ()>(texts[i].as_bytes())
                },
                |f| f(),
            )
        }));
        assert!(panicked.is_err());
        // The pool is still usable: its threads were not left waiting.
        let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        assert!(crate::batch::matches_for_events(&m, &slices, &mut Scratch::default()).is_ok());
    }
}
