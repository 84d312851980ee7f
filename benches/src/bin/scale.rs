//! Scale ratios in one run: match time per event for each rule kind as the number of rules grows,
//! relative to the smallest size, measured with interleaved rounds and the best of each kept (so
//! that load on a shared machine does not favour one size). The criterion bench `scale` measures
//! the same curves with statistics; this prints the ratios the scale targets are stated in.
//!
//! ```text
//! cargo run --release -p ferruler-benches --bin scale [ROUNDS]    (default 7)
//! ```

use ferruler::{Machine, Scratch};
use ferruler_benches::shapes::Kind;
use std::time::{Duration, Instant};

const MATCHES_PER_ROUND: u32 = 20_000;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(7, |r| r.parse().expect("ROUNDS must be a number"));
    for kind in Kind::ALL {
        let sizes: &[usize] = match kind {
            Kind::Wildcard => &[10, 100, 1_000, 10_000, 100_000],
            _ => &[100, 10_000, 100_000],
        };
        let machines: Vec<(usize, Machine<usize>, String)> = sizes
            .iter()
            .map(|&n| {
                let mut m = Machine::new();
                for i in 0..n {
                    m.add_rule(i, kind.pattern(i))
                        .expect("valid generated pattern");
                }
                (n, m, kind.event(n / 2))
            })
            .collect();
        let mut best = vec![Duration::MAX; machines.len()];
        let mut scratch = Scratch::default();
        for _ in 0..rounds {
            for (slot, (_, m, event)) in machines.iter().enumerate() {
                let start = Instant::now();
                let mut hits = 0u32;
                for _ in 0..MATCHES_PER_ROUND {
                    m.for_each_match(std::hint::black_box(event), &mut scratch, |_| hits += 1)
                        .expect("valid event");
                }
                assert!(hits >= MATCHES_PER_ROUND, "the event must match");
                best[slot] = best[slot].min(start.elapsed());
            }
        }
        let per_event = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(MATCHES_PER_ROUND);
        for ((n, _, _), d) in machines.iter().zip(&best) {
            println!(
                "SCALE kind={} rules={n} ns_per_event={:.0} vs_smallest={:.2}x",
                kind.name(),
                per_event(*d),
                per_event(*d) / per_event(best[0])
            );
        }
    }
}
