//! Matching a batch of events on several threads at once.
//!
//! A binding's batch call saves the per-call overhead of a loop of single calls (crossing into
//! native code, taking the GIL or reading a handle), but matching itself is most of the cost, so
//! that alone gains little. Matching only reads the machine, and each thread needs nothing of its
//! own but a [`Scratch`], so a batch is cut into small chunks that one thread per core claims in
//! turn and matches in parallel, and the results are put back in order.
//!
//! The threads are a rayon pool of one per core but one (the calling thread matches too), kept
//! from batch to batch with each thread's scratch space: waking a kept thread costs a few
//! microseconds where starting one costs tens, and a thread that has just matched part of a batch
//! keeps looking for the next one a little longer (see [`linger`]). A pool's threads do not survive
//! a `fork` (Python's `multiprocessing` forks), and work handed to them there would wait forever,
//! so the pool belongs to the process that made it: a forked child makes its own. Small batches run
//! on the calling thread alone.

use ferruler::{EventError, Machine, Scratch};
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// The fewest events a thread is given: at a few hundred nanoseconds an event, some 50 µs of work,
/// against a few µs to hand it over and wait for it.
pub(crate) const MIN_EVENTS_PER_THREAD: usize = 128;

/// How many events a thread claims at a time. Threads take chunks until none is left, rather than
/// one fixed share each: a pool thread woken late, or sharing its core with another process, then
/// leaves more chunks to the others instead of keeping them waiting for its share. Some 10 µs of
/// CityLots events, so that a claim (one atomic add) costs nothing beside it and the last chunk
/// keeps no one waiting long.
pub(crate) const CLAIM: usize = 32;

/// How long a pool thread that has matched part of a batch keeps looking for the next batch's work
/// before rayon lets it sleep. A caller matching batch after batch spends some 100 µs between two
/// batches of 1,000 CityLots events (making the result, using it, reading the next batch), which
/// outlasts rayon's own search (a few dozen yields of the core) but not this: the next batch then
/// finds its thread awake instead of waking it, which in a VM can take tens of microseconds. The
/// price is at most this long of one core per pool thread after each batch, while nothing else
/// needs it.
const LINGER: Duration = Duration::from_micros(200);

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
/// (at most one per [`MIN_EVENTS_PER_THREAD`] events); `scratch` serves the calling thread's share.
/// An invalid event fails the whole batch.
pub fn matches_for_events<N: Clone + Send + Sync>(
    machine: &Machine<N>,
    events: &[&[u8]],
    scratch: &mut Scratch,
) -> Result<Matches<N>, Invalid> {
    let threads = cores().min(events.len() / MIN_EVENTS_PER_THREAD);
    let pool = if threads > 1 { pool() } else { None };
    let Some(pool) = pool else {
        return match_chunk(machine, events, scratch)
            .map_err(|(index, error)| Invalid { index, error });
    };
    let chunks: Vec<&[&[u8]]> = events.chunks(CLAIM).collect();
    let results: Vec<OnceLock<Chunk<N>>> = chunks.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    // Claims the next chunk until none is left, or one held an invalid event (the chunks after it
    // are of no use). A claimed chunk is always matched, and claims are made in order, so every
    // chunk before an invalid one is matched.
    let claim = |scratch: &mut Scratch| {
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(events) = chunks.get(i) else { return };
            let matched = match_chunk(machine, events, scratch);
            if matched.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            let _ = results[i].set(matched);
            done.fetch_add(1, Ordering::Release);
        }
    };
    // The calling thread claims chunks too, from the start, rather than sleeping while the pool's
    // threads wake: on two cores, one handover instead of three, and if a pool thread wakes late
    // (the other core is busy) the calling thread has simply matched more of the batch.
    pool.in_place_scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|_| POOL_SCRATCH.with_borrow_mut(|scratch| claim(scratch)));
        }
        claim(scratch);
        finish(&done, chunks.len(), &failed);
    });
    linger(&pool, threads - 1);
    gather(results, events.len()).map_err(|(invalid, _)| invalid)
}

/// The matches of every chunk (of [`CLAIM`] events, the last one maybe fewer), in order, put
/// together; or the first invalid event and the index of its chunk. A chunk may be left unmatched
/// only after an invalid one.
pub(crate) fn gather<N>(
    results: Vec<OnceLock<Chunk<N>>>,
    events: usize,
) -> Result<Matches<N>, (Invalid, usize)> {
    let mut all = Matches {
        counts: Vec::with_capacity(events),
        names: Vec::new(),
    };
    for (i, matched) in results.into_iter().enumerate() {
        let matched = matched
            .into_inner()
            .expect("every chunk before an invalid one is matched");
        let Matches { counts, names } = matched.map_err(|(index, error)| {
            let index = i * CLAIM + index;
            (Invalid { index, error }, i)
        })?;
        all.counts.extend(counts);
        all.names.extend(names);
    }
    Ok(all)
}

/// What a batch matched when each event stands alone ([`matches_each`]).
pub struct EachMatches<N> {
    /// How many rules each event matched, in order (0 for an absent or invalid event).
    pub counts: Vec<u32>,
    /// The names of the rules matched, event after event (each event's `counts[i]` of them).
    pub names: Vec<N>,
    /// The invalid events, by index in the batch, in order, with why each is invalid.
    pub errors: Vec<(usize, EventError)>,
}

/// As [`matches_for_events`], but an invalid event does not stop the batch: it matches nothing
/// and its error is recorded, and `None` (an absent event, e.g. a null in a column) matches
/// nothing and is no error.
///
/// This is what a data-frame column needs (`ferruler.spark`): one bad row among millions must
/// become a null with its reason beside it, not a failed job, and a per-event mode here keeps the
/// whole batch on the threads instead of matching every event again one by one after a failure.
pub fn matches_each<N: Clone + Send + Sync>(
    machine: &Machine<N>,
    events: &[Option<&[u8]>],
    scratch: &mut Scratch,
) -> EachMatches<N> {
    let threads = cores().min(events.len() / MIN_EVENTS_PER_THREAD);
    let pool = if threads > 1 { pool() } else { None };
    let Some(pool) = pool else {
        return match_each_chunk(machine, events, 0, scratch);
    };
    let chunk = events.len().div_ceil(threads);
    let mut chunks = events.chunks(chunk).enumerate();
    let (_, first) = chunks.next().expect("a batch shared out has events");
    let mut results: Vec<_> = chunks
        .map(|(i, events)| (i * chunk, events, None))
        .collect();
    let mut mine = None;
    pool.in_place_scope(|scope| {
        for (start, events, result) in &mut results {
            let (start, events): (usize, &[Option<&[u8]>]) = (*start, events);
            scope.spawn(move |_| {
                *result =
                    Some(POOL_SCRATCH.with_borrow_mut(|scratch| {
                        match_each_chunk(machine, events, start, scratch)
                    }));
            });
        }
        mine = Some(match_each_chunk(machine, first, 0, scratch));
    });
    let mut all = mine.expect("the calling thread ran its chunk");
    for (_, _, result) in results {
        let part = result.expect("the scope ran every chunk");
        all.counts.extend(part.counts);
        all.names.extend(part.names);
        all.errors.extend(part.errors);
    }
    all
}

/// Matches `events` in order on this thread, each on its own; `start` is the index of the first
/// in the whole batch.
fn match_each_chunk<N: Clone>(
    machine: &Machine<N>,
    events: &[Option<&[u8]>],
    start: usize,
    scratch: &mut Scratch,
) -> EachMatches<N> {
    let mut matches = EachMatches {
        counts: Vec::with_capacity(events.len()),
        names: Vec::new(),
        errors: Vec::new(),
    };
    for (index, event) in events.iter().enumerate() {
        let before = matches.names.len();
        if let Some(event) = event {
            if let Err(error) =
                machine.for_each_match(event, scratch, |name| matches.names.push(name.clone()))
            {
                // Names pushed before the error was found are not the event's.
                matches.names.truncate(before);
                matches.errors.push((start + index, error));
            }
        }
        matches.counts.push((matches.names.len() - before) as u32);
    }
    matches
}

/// Waits, spinning, until `done` reaches `chunks` or `stop` is set: for the chunks the pool's
/// threads are still matching, which is a few microseconds once there is nothing left to claim.
/// The scope would wait for them too, but asleep, and in a VM being woken again can take tens of
/// microseconds, a tenth of a batch of 1,000 events. Spinning stops after some tens of µs (1,024
/// spins, then 64 yields of the core: a pool thread that is not running), and the scope then
/// waits as it does.
pub(crate) fn finish(done: &AtomicUsize, chunks: usize, stop: &AtomicBool) {
    for round in 0..1024 + 64 {
        if done.load(Ordering::Acquire) >= chunks || stop.load(Ordering::Relaxed) {
            return;
        }
        if round < 1024 {
            std::hint::spin_loop();
        } else {
            thread::yield_now();
        }
    }
}

/// Has `threads` of the pool's threads look for work for [`LINGER`]: a lingering thread runs the
/// first job it finds (the next batch's) and stops there, so lingering never nests.
pub(crate) fn linger(pool: &ThreadPool, threads: usize) {
    for _ in 0..threads {
        pool.spawn(|| {
            let start = Instant::now();
            while start.elapsed() < LINGER {
                if rayon::yield_now() == Some(rayon::Yield::Executed) {
                    return;
                }
                std::hint::spin_loop();
            }
        });
    }
}

/// What matching a chunk gives: its matches, or the index in the chunk of its first invalid event.
pub(crate) type Chunk<N> = Result<Matches<N>, (usize, EventError)>;

thread_local! {
    /// Each pool thread's scratch space, kept from batch to batch: a new `Scratch` grows as it is
    /// used, which for a chunk of a few hundred events costs about as much as matching them.
    pub(crate) static POOL_SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// This process's pool of one thread per core but one, made on first use (and again in a forked
/// child, whose inherited pool has no threads). `None` if it cannot be had at once (another thread
/// is making it, or a fork left its lock held) or made, and the batch is then matched on the
/// calling thread.
pub(crate) fn pool() -> Option<Arc<ThreadPool>> {
    static POOL: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);
    let mut pool = POOL.try_lock().ok()?;
    let process = std::process::id();
    if let Some((owner, pool)) = &*pool {
        if *owner == process {
            return Some(Arc::clone(pool));
        }
    }
    // Inherited through a fork: its threads are the parent's. Dropping it would wait for them.
    if let Some(inherited) = pool.take() {
        std::mem::forget(inherited);
    }
    let made = ThreadPoolBuilder::new()
        .num_threads(cores().saturating_sub(1).max(1))
        .thread_name(|i| format!("ferruler-batch-{i}"))
        .build()
        .ok()?;
    let made = Arc::new(made);
    *pool = Some((process, Arc::clone(&made)));
    Some(made)
}

/// Matches `events` in order on this thread; on an invalid one, its index in `events`.
pub(crate) fn match_chunk<N: Clone>(
    machine: &Machine<N>,
    events: &[&[u8]],
    scratch: &mut Scratch,
) -> Chunk<N> {
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

/// The number of threads worth using: the cores this process may run on, looked up once (the
/// lookup reads cgroup files on Linux).
pub(crate) fn cores() -> usize {
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
    fn each_event_stands_alone() {
        let m = machine();
        for n in [0, 3, MIN_EVENTS_PER_THREAD * 4 + 5] {
            let mut texts = events(n);
            let bad: Vec<usize> = (0..n).filter(|i| i % 97 == 5).collect();
            for &i in &bad {
                texts[i] = format!(r#"{{"n": {}"#, i % 4);
            }
            let absent = |i: usize| i % 89 == 7;
            let slices: Vec<Option<&[u8]>> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| (!absent(i)).then_some(t.as_bytes()))
                .collect();
            let batch = matches_each(&m, &slices, &mut Scratch::default());
            assert_eq!(batch.counts.len(), n);
            let mut names = batch.names.iter();
            let mut errors = batch.errors.iter();
            for (i, text) in texts.iter().enumerate() {
                let got: Vec<&str> = names
                    .by_ref()
                    .take(batch.counts[i] as usize)
                    .copied()
                    .collect();
                if absent(i) {
                    assert!(got.is_empty());
                    continue;
                }
                match m.matches_for_event(text) {
                    Ok(mut want) => {
                        let mut got = got;
                        got.sort();
                        want.sort();
                        assert_eq!(got, want, "{text}");
                    }
                    Err(want) => {
                        assert!(got.is_empty());
                        assert_eq!(errors.next(), Some(&(i, want)), "{text}");
                    }
                }
            }
            assert!(errors.next().is_none());
            assert!(names.next().is_none());
        }
    }

    #[test]
    fn the_first_invalid_event_is_reported() {
        let m = machine();
        let n = MIN_EVENTS_PER_THREAD * 4;
        // In the first chunk, in a middle one, and in the last, with later invalid events too.
        for first in [3, CLAIM * 5 + 1, n - 3] {
            let mut texts = events(n);
            texts[first] = "{".into();
            for later in (first + 1..n).step_by(CLAIM + 7) {
                texts[later] = "[".into();
            }
            let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
            let invalid = matches_for_events(&m, &slices, &mut Scratch::default())
                .err()
                .unwrap();
            assert_eq!(invalid.index, first);
            assert_eq!(invalid.error, m.matches_for_event("{").unwrap_err());
        }
    }
}
