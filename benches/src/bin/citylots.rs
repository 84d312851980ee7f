//! The CityLots harness: event-ruler's CityLots2 benchmark, measured the same way.
//!
//! ```text
//! cargo run --release -p ferruler-benches --bin citylots -- RULES.json EVENTS.jsonl.gz [PASSES]
//! ```
//!
//! All events are read into memory first (untimed). For each rule set, in file order: a fresh
//! machine gets the set's patterns (their exact text) under the names "0", "1", …, then PASSES
//! timed passes hand every event's raw bytes to the machine (`for_each_match`, the
//! allocation-free form of `matches_for_event`), and the best pass is reported. Two reference lines follow over the same
//! events: PARSE, a validating serde_json parse that builds nothing (the cost of merely reading the
//! JSON), and SCAN, counting the `"` bytes of every event with memchr (a floor no matcher can
//! beat). PARSE passes run interleaved with every rule set's passes and the best is kept, so a load
//! spike cannot skew the ratio that ends each rule set's line. A set that does not load is
//! reported as `TYPE error: ...`, and the others still run.

use ferruler::{Machine, Scratch};
use ferruler_benches::corpus;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: citylots RULES.json EVENTS.jsonl.gz [PASSES]");
        std::process::exit(2);
    }
    let passes: usize = args
        .get(3)
        .map_or(3, |p| p.parse().expect("PASSES must be a number"));
    let rule_sets = corpus::rule_sets(&args[1]);
    let events = corpus::events(&args[2]);
    eprintln!(
        "{} events, {} bytes",
        events.len(),
        events.iter().map(Vec::len).sum::<usize>()
    );

    // PARSE passes are interleaved with the matching passes and the best of all of them is kept,
    // so that a load spike on this (shared) machine cannot favour one side of the ratio.
    let mut parse = (Duration::MAX, 0);
    let mut lines = Vec::new();
    for (kind, patterns) in &rule_sets {
        let mut machine = Machine::new();
        let loaded = patterns
            .iter()
            .enumerate()
            .try_for_each(|(i, p)| machine.add_rule(i.to_string(), p).map_err(|e| (i, e)));
        if let Err((i, e)) = loaded {
            lines.push(Line::Failed(
                kind.clone(),
                format!("rule {i} of {}: {e}", patterns.len()),
            ));
            continue;
        }
        let mut scratch = Scratch::default();
        let mut best = Duration::MAX;
        let mut matches = 0;
        for _ in 0..passes.max(1) {
            let (d, m) = best_of(1, || match_pass(&machine, &events, &mut scratch));
            best = best.min(d);
            matches = m;
            let (p, n) = best_of(1, || parse_pass(&events));
            parse = (parse.0.min(p), n);
        }
        lines.push(Line::Ran(kind.clone(), best, matches));
    }
    if rule_sets.is_empty() {
        parse = best_of(passes, || parse_pass(&events));
    }
    let scan = best_of(passes, || scan_pass(&events));

    let n = events.len();
    let eps = |d: Duration| n as f64 / d.as_secs_f64();
    for line in &lines {
        match line {
            Line::Ran(kind, d, matches) => println!(
                "{kind} events={n} matches={matches} seconds={:.4} eps={:.0} vs_parse={:.2}x",
                d.as_secs_f64(),
                eps(*d),
                parse.0.as_secs_f64() / d.as_secs_f64()
            ),
            Line::Failed(kind, error) => println!("{kind} error: {error}"),
        }
    }
    println!(
        "PARSE events={n} matches={} seconds={:.4} eps={:.0}",
        parse.1,
        parse.0.as_secs_f64(),
        eps(parse.0)
    );
    println!(
        "SCAN events={n} matches={} seconds={:.4} eps={:.0}",
        scan.1,
        scan.0.as_secs_f64(),
        eps(scan.0)
    );
}

/// A rule set's line of the report.
enum Line {
    /// Its best pass and the matches counted.
    Ran(String, Duration, usize),
    /// It did not load.
    Failed(String, String),
}

// The passes are separate functions that are never inlined, so that a profiler (`valgrind
// --tool=callgrind`, see scripts/callgrind-citylots.sh) can attribute instructions to each.

/// One matching pass: the number of matched names.
#[inline(never)]
fn match_pass(machine: &Machine, events: &[Vec<u8>], scratch: &mut Scratch) -> usize {
    let mut matches = 0;
    for e in events {
        machine
            .for_each_match(e, scratch, |_| matches += 1)
            .expect("corpus events are valid");
    }
    matches
}

/// The PARSE reference: how many events serde_json parses (validating, building nothing).
#[inline(never)]
fn parse_pass(events: &[Vec<u8>]) -> usize {
    events
        .iter()
        .filter(|e| serde_json::from_slice::<serde::de::IgnoredAny>(e).is_ok())
        .count()
}

/// The SCAN reference: the number of `"` bytes.
#[inline(never)]
fn scan_pass(events: &[Vec<u8>]) -> usize {
    events
        .iter()
        .map(|e| memchr::memchr_iter(b'"', e).count())
        .sum()
}

/// Runs `f` `passes` times; returns the shortest time and `f`'s result.
fn best_of<T>(passes: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..passes.max(1) {
        let start = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(start.elapsed());
        out = Some(r);
    }
    (best, out.expect("at least one pass"))
}
