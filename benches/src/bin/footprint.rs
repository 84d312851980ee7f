//! Memory per rule and `add_rule` throughput, measured with a counting global allocator.
//!
//! ```text
//! cargo run --release -p ferruler-benches --bin footprint [RULES]   (default 400000)
//! ```
//!
//! For each shape (event-ruler's memory-benchmark shape, and two-field exact strings) it adds RULES
//! rules to an empty machine and reports the live heap bytes per rule, then deletes them all and
//! reports what is left; the same for 100k rules of the router workload (`shapes::router`). It
//! also times adding 100k rules into a machine that already holds 100k, of exact rules and of
//! router rules.

use ferruler::Machine;
use ferruler_benches::shapes::{abernathy, router, two_field_exact, Kind};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(400_000, |a| a.parse().expect("RULES must be a number"));
    for (shape, make, n) in [
        ("abernathy", abernathy as fn(usize) -> String, n),
        ("two-field-exact", two_field_exact, n),
        ("router", router, 100_000),
    ] {
        let patterns: Vec<String> = (0..n).map(make).collect();
        let names: Vec<String> = (0..n).map(|i| format!("rule-{i}")).collect();
        let before = live();
        let mut m: Machine<String> = Machine::new();
        let empty = live() - before;
        let start = Instant::now();
        for (name, p) in names.iter().zip(&patterns) {
            m.add_rule(name.clone(), p).expect("valid pattern");
        }
        let added = start.elapsed();
        let full = live() - before;
        for (name, p) in names.iter().zip(&patterns) {
            assert!(m.delete_rule(name, p).expect("valid pattern"));
        }
        let after = live() - before;
        println!(
            "MEMORY shape={shape} rules={n} bytes_per_rule={:.1} empty_bytes={empty} after_delete_bytes={after} add_seconds={:.3}",
            (full - empty) as f64 / n as f64,
            added.as_secs_f64()
        );
        drop(m);
    }

    for kind in [Kind::Exact, Kind::Router] {
        let mut m: Machine<usize> = Machine::new();
        for i in 0..100_000 {
            m.add_rule(i, kind.pattern(i)).expect("valid pattern");
        }
        let more: Vec<String> = (100_000..200_000).map(|i| kind.pattern(i)).collect();
        let start = Instant::now();
        for (i, p) in more.iter().enumerate() {
            m.add_rule(100_000 + i, p).expect("valid pattern");
        }
        let d = start.elapsed();
        println!(
            "ADD kind={} into=100000 rules=100000 seconds={:.3} rules_per_second={:.0}",
            kind.name(),
            d.as_secs_f64(),
            100_000.0 / d.as_secs_f64()
        );
    }
}
