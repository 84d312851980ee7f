//! Matching a batch of events on several threads at once.
//!
//! A binding's batch call saves the per-call overhead of a loop of single calls (crossing into
//! native code, taking the GIL or reading a handle), but matching itself is most of the cost, so
//! that alone gains little. Matching only reads the machine, and each thread needs nothing of its
//! own but a [`Scratch`], so a batch is split into one contiguous chunk per core, matched in
//! parallel, and the results put back in order.
//!
//! The threads are started for the call and joined before it returns, rather than kept in a pool:
//! starting one costs some tens of microseconds, small beside a batch worth sharing out, and a
//! pool's threads do not survive a `fork` (Python's `multiprocessing` forks), after which work
//! handed to them would wait forever. Their scratch space is kept for the next batch. Small batches
//! run on the calling thread alone.

use ferruler::{EventError, Machine, Scratch};
use std::sync::{Mutex, OnceLock};
use std::thread;

/// The fewest events a thread is started for: at a few hundred nanoseconds an event, some 50 µs of
/// work, against some 10 µs to start and join a thread.
const MIN_EVENTS_PER_THREAD: usize = 128;

/// What a batch matched.
pub struct Matches<N> {
    /// How many rules each event matched, in order.
    pub counts: Vec<u32>,
    /// The names of the rules matched, event after event (each event's `counts[i]` of them); the
    /// bindings' names are small ids, cheap to clone.
    pub names: Vec<N>,
}

/// The first invalid event of a batch.
#[derive(Debug)]
pub struct Invalid {
    /// Its index in the batch.
    pub index: usize,
    /// Why it is invalid, as matching it alone would say.
    pub error: EventError,
}

/// The names of the rules each of `events` matches, matched on as many threads as there are cores
/// (at most one per [`MIN_EVENTS_PER_THREAD`] events), the calling thread, with `scratch`, taking
/// the first share. An invalid event fails the whole batch.
pub fn matches_for_events<N: Clone + Send + Sync>(
    machine: &Machine<N>,
    events: &[&[u8]],
    scratch: &mut Scratch,
) -> Result<Matches<N>, Invalid> {
    let threads = cores().min(events.len() / MIN_EVENTS_PER_THREAD).max(1);
    let chunk = events.len().div_ceil(threads).max(1);
    let mut chunks = events.chunks(chunk);
    let first = chunks.next().unwrap_or_default();
    let results = thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|events| {
                scope.spawn(move || {
                    let mut scratch = Spare::take();
                    let matched = match_chunk(machine, events, &mut scratch);
                    Spare::keep(scratch);
                    matched
                })
            })
            .collect();
        let mut results = vec![match_chunk(machine, first, scratch)];
        for other in others {
            results.push(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    let mut all = Matches {
        counts: Vec::with_capacity(events.len()),
        names: Vec::new(),
    };
    for (i, matched) in results.into_iter().enumerate() {
        let Matches { counts, names } = matched.map_err(|(index, error)| Invalid {
            index: i * chunk + index,
            error,
        })?;
        all.counts.extend(counts);
        all.names.extend(names);
    }
    Ok(all)
}

/// Matches `events` in order on this thread; on an invalid one, its index in `events`.
fn match_chunk<N: Clone>(
    machine: &Machine<N>,
    events: &[&[u8]],
    scratch: &mut Scratch,
) -> Result<Matches<N>, (usize, EventError)> {
    let mut matches = Matches {
        counts: Vec::with_capacity(events.len()),
        names: Vec::new(),
    };
    for (index, event) in events.iter().enumerate() {
        let before = matches.names.len();
        machine
            .for_each_match(event, scratch, |name| matches.names.push(name.clone()))
            .map_err(|error| (index, error))?;
        matches.counts.push((matches.names.len() - before) as u32);
    }
    Ok(matches)
}

/// Scratch space left by the threads of earlier batches: a new `Scratch` grows as it is used,
/// which for a chunk of a few hundred events costs about as much as matching them.
struct Spare;

impl Spare {
    fn list() -> &'static Mutex<Vec<Scratch>> {
        static SPARE: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
        &SPARE
    }

    /// A kept scratch, or a new one. Never waits: a lock held elsewhere (or left held across a
    /// `fork`) only costs a new scratch.
    fn take() -> Scratch {
        Spare::list()
            .try_lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    /// Keeps `scratch` for a later batch, unless the list is busy.
    fn keep(scratch: Scratch) {
        if let Ok(mut spare) = Spare::list().try_lock() {
            spare.push(scratch);
        }
    }
}

/// The number of threads worth using: the cores this process may run on, looked up once (the
/// lookup reads cgroup files on Linux).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine<&'static str> {
        let mut m = Machine::new();
        m.add_rule(
            "even",
            r#"{"n": [{"numeric": ["=", 0]}, {"numeric": ["=", 2]}]}"#,
        )
        .unwrap();
        m.add_rule("small", r#"{"n": [{"numeric": ["<", 2]}]}"#)
            .unwrap();
        m
    }

    fn events(n: usize) -> Vec<String> {
        (0..n).map(|i| format!(r#"{{"n": {}}}"#, i % 4)).collect()
    }

    #[test]
    fn results_are_in_order_whatever_the_number_of_threads() {
        let m = machine();
        for n in [0, 1, 5, MIN_EVENTS_PER_THREAD * 3 + 7] {
            let texts = events(n);
            let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
            let batch = matches_for_events(&m, &slices, &mut Scratch::default()).unwrap();
            let mut names = batch.names.iter();
            for (text, &count) in texts.iter().zip(&batch.counts) {
                let mut got: Vec<&str> = names.by_ref().take(count as usize).copied().collect();
                let mut want = m.matches_for_event(text).unwrap();
                got.sort();
                want.sort();
                assert_eq!(got, want, "{text}");
            }
            assert_eq!(batch.counts.len(), n);
        }
    }

    #[test]
    fn the_first_invalid_event_is_reported() {
        let m = machine();
        let mut texts = events(MIN_EVENTS_PER_THREAD * 4);
        let last = texts.len() - 3;
        texts[last] = "{".into();
        texts[last + 1] = "[".into();
        let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        let invalid = matches_for_events(&m, &slices, &mut Scratch::default())
            .err()
            .unwrap();
        assert_eq!(invalid.index, last);
        assert_eq!(invalid.error, m.matches_for_event("{").unwrap_err());
    }
}
