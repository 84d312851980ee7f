//! Deleting every rule gives the machine's memory back: after rules of every kind are added (some
//! names with several patterns, some patterns expanding to several sub-rules), matched (which
//! builds the lazy indexes) and deleted, by `delete_rule` with re-spelled text or by
//! `delete_rules_named`, the heap holds exactly what the empty machine held. Measured with a
//! counting global allocator in this test binary, counting only the test's own thread (the test
//! harness's thread allocates at times of its own).

use ferruler::{Machine, Scratch};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count(bytes: isize) {
    if COUNTED.with(Cell::get) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator unchanged and only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Pattern `i`, and the same pattern spelled differently (keys reordered, numbers re-written).
fn pattern(i: usize) -> (String, String) {
    let n = i % 50;
    match i % 9 {
        0 => (
            format!(r#"{{"source": ["s{n}"], "detail": {{"id": ["id-{i}"]}}}}"#),
            format!(r#"{{"detail.id": ["id-{i}"], "source": ["s{n}"]}}"#),
        ),
        1 => (
            format!(r#"{{"a{n}": [{i}, {{"prefix": "p{i}"}}], "b": [{{"suffix": "s{i}"}}]}}"#),
            format!(r#"{{"b": [{{"suffix": "s{i}"}}], "a{n}": [{i}.0, {{"prefix": "p{i}"}}]}}"#),
        ),
        2 => (
            format!(r#"{{"n": [{{"numeric": [">", {i}, "<=", {}]}}]}}"#, i + 5),
            format!(
                r#"{{"n": [{{"numeric": [">", {i}e0, "<=", {}.00]}}]}}"#,
                i + 5
            ),
        ),
        3 => (
            format!(r#"{{"w{n}": [{{"wildcard": "x*{i}*y"}}, {{"cidr": "10.{n}.0.0/16"}}]}}"#),
            format!(r#"{{ "w{n}" : [ {{"wildcard": "x*{i}*y"}}, {{"cidr": "10.{n}.0.0/16"}} ] }}"#),
        ),
        4 => (
            format!(
                r#"{{"$or": [{{"c": [{{"equals-ignore-case": "E{i}"}}]}}, {{"d": [{{"anything-but": ["y{i}", "z"]}}]}}]}}"#
            ),
            format!(
                r#"{{"$or": [{{"c": [{{"equals-ignore-case": "E{i}"}}]}}, {{"d": [{{"anything-but": ["y{i}", "z"]}}]}}]}} "#
            ),
        ),
        5 => (
            format!(
                r#"{{"$or": [{{"e": [{{"exists": true}}], "f{n}": [{{"exists": false}}], "g": [true, null]}}, {{"a{i}": [{{"exists": false}}]}}]}}"#
            ),
            format!(
                r#"{{"$or": [{{"g": [true, null], "f{n}": [{{"exists": false}}], "e": [{{"exists": true}}]}}, {{"a{i}": [{{"exists": false}}]}}]}}"#
            ),
        ),
        6 => (
            format!(
                r#"{{"h": [{{"anything-but": {{"prefix": "q{i}"}}}}, {{"prefix": {{"equals-ignore-case": "P{i}"}}}}]}}"#
            ),
            format!(
                r#"{{"h":[{{"anything-but":{{"prefix":"q{i}"}}}},{{"prefix":{{"equals-ignore-case":"P{i}"}}}}]}}"#
            ),
        ),
        7 => (
            format!(
                r#"{{"k": [{{"anything-but": [{i}, 1.5]}}, {{"suffix": {{"equals-ignore-case": "S{i}"}}}}]}}"#
            ),
            format!(
                r#"{{"k": [{{"anything-but": [{i}.0, 15e-1]}}, {{"suffix": {{"equals-ignore-case": "S{i}"}}}}]}}"#
            ),
        ),
        _ => (
            format!(
                r#"{{"tags": {{"k": ["t{n}"], "v": [{{"anything-but": {{"wildcard": "*{i}"}}}}]}}}}"#
            ),
            format!(
                r#"{{"tags.v": [{{"anything-but": {{"wildcard": "*{i}"}}}}], "tags.k": ["t{n}"]}}"#
            ),
        ),
    }
}

const EVENTS: &[&str] = &[
    r#"{"source": "s0", "detail": {"id": "id-0"}, "n": 3, "w3": "x-3-y", "c": "e4", "e": 1, "g": true}"#,
    r#"{"a1": [1, "p1x"], "b": "ts1", "w12": "10.12.3.4", "d": "q", "h": "P6z", "k": 7, "tags": [{"k": "t8", "v": "a"}]}"#,
];

#[test]
fn deleting_every_rule_returns_the_memory() {
    const RULES: usize = 1800;
    COUNTED.with(|c| c.set(true));
    let before = LIVE.load(Ordering::Relaxed);
    let mut machine: Machine<String> = Machine::new();
    let empty = LIVE.load(Ordering::Relaxed) - before;
    for round in 0..2 {
        for i in 0..RULES {
            let name = format!("rule-{}", i / 3);
            machine.add_rule(name, pattern(i).0).unwrap();
        }
        assert_eq!(machine.len(), RULES / 3);
        let mut scratch = Scratch::default();
        let mut found = 0;
        for event in EVENTS {
            machine
                .for_each_match(event, &mut scratch, |_| found += 1)
                .unwrap();
        }
        assert!(found > 0);
        drop(scratch);
        for i in 0..RULES {
            let name = format!("rule-{}", i / 3);
            if (i / 3 + round) % 2 == 0 {
                assert!(machine.delete_rule(&name, pattern(i).1).unwrap(), "{i}");
            } else if i % 3 == 0 {
                assert_eq!(machine.delete_rules_named(&name), 3);
            }
        }
        assert!(machine.is_empty());
        assert_eq!(machine.stats(), Default::default());
        assert_eq!(
            LIVE.load(Ordering::Relaxed) - before,
            empty,
            "round {round}"
        );
    }
}
