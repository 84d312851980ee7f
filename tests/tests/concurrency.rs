//! Concurrency stress: threads match continuously while others add and delete rules through one
//! `SharedMachine`, and every answer must be the answer of a consistent rule set.
//!
//! What is checked, and why it suffices:
//!
//! * **No half-applied batch.** Names come in groups of three; a writer adds or deletes a whole
//!   group (two patterns per name, so six `add_rule`s or deletions through three different APIs)
//!   in one `update`. At any instant every member of a group is in the same state, so in every
//!   answer the members that the event matches are all there or all absent.
//! * **No lost rule, no phantom rule.** Every name has a sequence counter that its writer makes odd
//!   before changing it and even after, counting the changes (a seqlock). A reader reads the
//!   counters before and after matching; for a name whose counter did not move and is even, the
//!   name's state during the match is known, and the answer must contain the name exactly when it
//!   is present and its patterns match the event (a truth table computed beforehand, one
//!   single-threaded machine per name). Besides the groups, each writer toggles a *solo* name with
//!   separate, non-atomic calls (`add_rule` then `add_rule`), which only this check covers.
//! * **Final state.** After the threads stop, the machine has the same `stats` and answers as one
//!   built sequentially from the writers' final sets.
//!
//! Sizes come from the environment (defaults are modest so this runs in seconds in debug):
//! `FERRULER_STRESS_READERS`, `FERRULER_STRESS_WRITERS`, `FERRULER_STRESS_OPS` (per writer),
//! `FERRULER_STRESS_GROUPS` (per writer). `scripts/stress.sh` runs it large, in release.

use ferruler::{Machine, Scratch, SharedMachine};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The first pattern of name `n`: three `$or` branches, told apart by `kind`.
fn pattern_a(n: u32, spaced: bool) -> String {
    let text = format!(
        r#"{{"$or": [{{"kind": ["a"], "v": [{{"numeric": ["<", {}]}}]}}, {{"kind": ["b"], "tags": [{{"prefix": "t{}"}}]}}, {{"kind": ["c"], "items": {{"x": [{}], "y": [{{"exists": false}}]}}}}]}}"#,
        n % 7 + 1,
        n % 5,
        n % 3
    );
    respell(text, spaced)
}

/// The second pattern of name `n`: array-consistent conditions under `items`.
fn pattern_b(n: u32, spaced: bool) -> String {
    let text = format!(
        r#"{{"kind": ["d"], "items": {{"x": [{}], "z": ["on"]}}}}"#,
        n % 3
    );
    respell(text, spaced)
}

/// The same pattern with different blank space (deletion recognises patterns by meaning).
fn respell(text: String, spaced: bool) -> String {
    if spaced {
        text.replace(": ", " :\n ").replace(", ", " ,\t")
    } else {
        text
    }
}

fn events() -> Vec<String> {
    let mut out = Vec::new();
    for v in 0..8 {
        out.push(format!(r#"{{"kind": "a", "v": {v}}}"#));
    }
    for t in ["t0", "t3", "t4x", "u"] {
        out.push(format!(r#"{{"kind": "b", "tags": ["{t}", "zz"]}}"#));
    }
    out.push(r#"{"kind": "c", "items": [{"x": 1}, {"x": 2, "y": 0}]}"#.into());
    out.push(r#"{"kind": "c", "items": [{"x": 0, "y": null}, {"x": 2}]}"#.into());
    out.push(r#"{"kind": "d", "items": [{"x": 0, "z": "on"}, {"x": 1, "z": "off"}]}"#.into());
    out.push(r#"{"kind": "d", "items": [{"x": 2, "z": "on"}, {"x": 1, "z": "on"}]}"#.into());
    out.push(r#"{"kind": ["a", "d"], "v": 3, "items": [{"x": 0, "z": "on"}]}"#.into());
    out.push(r#"{"kind": "e"}"#.into());
    out
}

struct Config {
    readers: usize,
    writers: usize,
    ops: usize,
    groups: usize,
}

impl Config {
    fn from_env() -> Self {
        Config {
            readers: env("FERRULER_STRESS_READERS", 2),
            writers: env("FERRULER_STRESS_WRITERS", 2),
            ops: env("FERRULER_STRESS_OPS", 300),
            groups: env("FERRULER_STRESS_GROUPS", 4),
        }
    }

    /// Names per writer: three per group, then one solo name.
    fn per_writer(&self) -> u32 {
        (self.groups * 3 + 1) as u32
    }

    fn names(&self) -> u32 {
        self.per_writer() * self.writers as u32
    }

    /// The groups of writer `w`, as name lists.
    fn groups_of(&self, w: usize) -> Vec<[u32; 3]> {
        let base = w as u32 * self.per_writer();
        (0..self.groups as u32)
            .map(|g| [base + 3 * g, base + 3 * g + 1, base + 3 * g + 2])
            .collect()
    }

    fn solo_of(&self, w: usize) -> u32 {
        w as u32 * self.per_writer() + self.per_writer() - 1
    }
}

/// `truth[n][e]`: whether name `n`, when present, matches event `e`.
fn truth(names: u32, events: &[String]) -> Vec<Vec<bool>> {
    (0..names)
        .map(|n| {
            let mut m = Machine::new();
            m.add_rule(n, pattern_a(n, false)).unwrap();
            m.add_rule(n, pattern_b(n, false)).unwrap();
            events
                .iter()
                .map(|e| !m.matches_for_event(e).unwrap().is_empty())
                .collect()
        })
        .collect()
}

struct Shared {
    machine: SharedMachine<u32>,
    seq: Vec<AtomicU64>,
    done: AtomicBool,
    checked: AtomicUsize,
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn add(m: &mut Machine<u32>, n: u32) {
    m.add_rule(n, pattern_a(n, false)).unwrap();
    m.add_rule(n, pattern_b(n, false)).unwrap();
}

/// Toggles groups and the solo name; returns the names present at the end.
fn writer(shared: &Shared, cfg: &Config, w: usize) -> BTreeSet<u32> {
    let groups = cfg.groups_of(w);
    let solo = cfg.solo_of(w);
    let mut present = BTreeSet::new();
    let mut rng = 0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1);
    for _ in 0..cfg.ops {
        let pick = xorshift(&mut rng) as usize % (groups.len() + 1);
        let names: Vec<u32> = groups.get(pick).map_or(vec![solo], |g| g.to_vec());
        for &n in &names {
            shared.seq[n as usize].fetch_add(1, SeqCst);
        }
        let adding = !present.contains(&names[0]);
        if pick == groups.len() {
            // The solo name: two separate calls, each atomic on its own.
            if adding {
                shared
                    .machine
                    .add_rule(solo, pattern_a(solo, true))
                    .unwrap();
                shared
                    .machine
                    .add_rule(solo, pattern_b(solo, false))
                    .unwrap();
            } else {
                assert!(shared
                    .machine
                    .delete_rule(&solo, pattern_b(solo, true))
                    .unwrap());
                assert!(shared
                    .machine
                    .delete_rule(&solo, pattern_a(solo, false))
                    .unwrap());
            }
        } else {
            shared.machine.update(|m| {
                if adding {
                    for &n in &names {
                        add(m, n);
                    }
                } else {
                    let [x, y, z] = [names[0], names[1], names[2]];
                    assert!(m.delete_rule(&x, pattern_a(x, true)).unwrap());
                    assert!(m.delete_rule(&x, pattern_b(x, true)).unwrap());
                    assert_eq!(m.delete_rules_named(&y), 2);
                    assert!(m.delete_rule(&z, pattern_b(z, false)).unwrap());
                    assert!(m.delete_rule(&z, pattern_a(z, false)).unwrap());
                }
            });
        }
        for &n in &names {
            shared.seq[n as usize].fetch_add(1, SeqCst);
            if adding {
                present.insert(n);
            } else {
                present.remove(&n);
            }
        }
    }
    present
}

/// Matches until the writers are done, checking every answer; returns how many it checked.
fn reader(
    shared: &Shared,
    cfg: &Config,
    events: &[String],
    truth: &[Vec<bool>],
    r: usize,
) -> usize {
    let groups: Vec<[u32; 3]> = (0..cfg.writers).flat_map(|w| cfg.groups_of(w)).collect();
    let mut scratch = Scratch::default();
    let mut rounds = 0;
    let mut i = r;
    while !shared.done.load(SeqCst) || rounds < 50 {
        i = (i + 1) % events.len();
        let e = i;
        let before: Vec<u64> = shared.seq.iter().map(|s| s.load(SeqCst)).collect();
        let mut answer: Vec<u32> = if rounds % 2 == 0 {
            shared.machine.matches_for_event(&events[e]).unwrap()
        } else {
            let mut out = Vec::new();
            let guard = shared.machine.read();
            guard
                .for_each_match(&events[e], &mut scratch, |n| out.push(*n))
                .unwrap();
            out
        };
        let after: Vec<u64> = shared.seq.iter().map(|s| s.load(SeqCst)).collect();
        answer.sort_unstable();
        let len = answer.len();
        answer.dedup();
        assert_eq!(answer.len(), len, "a name twice in {answer:?}");
        for &n in &answer {
            assert!(n < cfg.names(), "unknown name {n}");
            assert!(truth[n as usize][e], "name {n} cannot match event {e}");
        }
        for g in &groups {
            let hits: Vec<bool> = g
                .iter()
                .filter(|&&n| truth[n as usize][e])
                .map(|n| answer.binary_search(n).is_ok())
                .collect();
            assert!(
                hits.iter().all(|&h| h) || hits.iter().all(|&h| !h),
                "group {g:?} half there for event {e}: {answer:?}"
            );
        }
        for n in 0..cfg.names() as usize {
            if before[n] == after[n] && before[n].is_multiple_of(2) {
                let present = (before[n] / 2) % 2 == 1;
                let want = present && truth[n][e];
                assert_eq!(
                    answer.binary_search(&(n as u32)).is_ok(),
                    want,
                    "name {n} (present: {present}) on event {e}"
                );
                shared.checked.fetch_add(1, SeqCst);
            }
        }
        rounds += 1;
    }
    rounds
}

fn stress(cfg: Config) {
    let events = events();
    let truth = truth(cfg.names(), &events);
    let shared = Shared {
        machine: SharedMachine::new(),
        seq: (0..cfg.names()).map(|_| AtomicU64::new(0)).collect(),
        done: AtomicBool::new(false),
        checked: AtomicUsize::new(0),
    };
    let start = Instant::now();
    let (finals, reads) = std::thread::scope(|s| {
        let readers: Vec<_> = (0..cfg.readers)
            .map(|r| {
                let (shared, cfg, events, truth) = (&shared, &cfg, &events, &truth);
                s.spawn(move || reader(shared, cfg, events, truth, r))
            })
            .collect();
        let writers: Vec<_> = (0..cfg.writers)
            .map(|w| {
                let (shared, cfg) = (&shared, &cfg);
                s.spawn(move || writer(shared, cfg, w))
            })
            .collect();
        let finals: BTreeSet<u32> = writers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        shared.done.store(true, SeqCst);
        let reads: usize = readers.into_iter().map(|h| h.join().unwrap()).sum();
        (finals, reads)
    });
    let elapsed = start.elapsed();
    let checked = shared.checked.load(SeqCst);
    let machine = shared.machine.into_inner();
    let mut fresh = Machine::new();
    for &n in &finals {
        add(&mut fresh, n);
    }
    assert_eq!(machine.stats(), fresh.stats(), "final state");
    for e in &events {
        let mut a = machine.matches_for_event(e).unwrap();
        let mut b = fresh.matches_for_event(e).unwrap();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "final answer for {e}");
    }
    assert!(checked > 0, "no answer was checked against a known state");
    eprintln!(
        "stress: {} readers, {} writers x {} ops, {} names: {reads} matches ({:.0}/s), \
         {checked} name verdicts checked, {} names at the end, {:.2?}",
        cfg.readers,
        cfg.writers,
        cfg.ops,
        cfg.names(),
        reads as f64 / elapsed.as_secs_f64(),
        finals.len(),
        elapsed
    );
}

#[test]
fn readers_see_only_consistent_rule_sets() {
    stress(Config::from_env());
}

/// A `Machine` shared without a lock: readers in parallel give the single-threaded answers.
#[test]
fn a_machine_is_shared_by_reference_between_readers() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Machine<String>>();
    assert_send_sync::<SharedMachine<String>>();
    let events = events();
    let mut machine = Machine::new();
    for n in 0..30 {
        add(&mut machine, n);
    }
    let expected: Vec<Vec<u32>> = events
        .iter()
        .map(|e| machine.matches_for_event(e).unwrap())
        .collect();
    let machine = Arc::new(machine);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (machine, events, expected) = (&machine, &events, &expected);
            s.spawn(move || {
                for round in 0..200 {
                    let e = (round + t) % events.len();
                    assert_eq!(machine.matches_for_event(&events[e]).unwrap(), expected[e]);
                }
            });
        }
    });
}
