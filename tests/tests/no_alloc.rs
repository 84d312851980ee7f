//! Matching allocates nothing in steady state: with a warmed-up `Scratch`, `for_each_match` makes
//! no heap allocation, for every matcher kind, arrays with element verdicts, and events that reach
//! a path twice. Checked with a counting global allocator in this test binary, counting per thread:
//! the test harness's own thread allocates at times of its choosing (bookkeeping of running tests),
//! which a global count would blame on matching when the test reaches its measured loop first.

use ferruler::{Machine, Scratch};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread (a `const` cell: reading it never allocates).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn count_one() {
    ALLOCATIONS.with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards to the system allocator unchanged and only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RULES: &[&str] = &[
    r#"{"source": ["aws.ec2"], "detail": {"state": ["terminated", "stopped"]}}"#,
    r#"{"detail": {"cpu": [93.5, {"numeric": [">", 90, "<=", 100]}]}}"#,
    r#"{"detail": {"cpu": [{"numeric": [">", 1]}, {"numeric": ["<", 2]}, {"numeric": [">", 3, "<", 4]}, {"numeric": [">=", 5]}, {"numeric": ["<=", 6]}, {"numeric": [">", 7]}, {"numeric": ["<", 8]}, {"numeric": [">", 9]}, {"numeric": ["<", 10]}]}}"#,
    r#"{"detail": {"instance-id": [{"prefix": "i-12"}, {"suffix": {"equals-ignore-case": "DEF0"}}]}}"#,
    r#"{"detail": {"state": [{"equals-ignore-case": "TERMINATED"}, {"anything-but": {"prefix": "run"}}]}}"#,
    r#"{"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}, {"wildcard": "*i-1234*"}]}"#,
    r#"{"detail": {"ip": [{"cidr": "10.0.0.0/16"}, {"cidr": "2001:db8::/32"}]}}"#,
    r#"{"detail": {"state": [{"exists": true}], "missing": [{"exists": false}]}}"#,
    r#"{"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["terminated"]}}]}"#,
    r#"{"detail": {"tags": {"k": ["team"], "v": ["core"]}}}"#,
    r#"{"detail": {"tags": {"k": ["env"], "gone": [{"exists": false}]}}}"#,
];

const EVENTS: &[&str] = &[
    r#"{"source": "aws.ec2", "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"], "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated", "ip": "10.0.12.34", "cpu": 93.5, "tags": [{"k": "env", "v": "prod"}, {"k": "team", "v": "core"}], "skipped": {"deep": [[1, 2], {"x": "y\"z"}]}}}"#,
    r#"{"source": "aws.s3", "detail": {"state": "Running", "ip": "2001:db8::5", "cpu": 5, "tags": [], "tags.k": "env"}}"#,
    r#"{"detail": {"tags": [{"k": "env"}], "tags": [{"v": "core"}], "state": "caf\u00e9"}}"#,
];

#[test]
fn matching_allocates_nothing_once_warm() {
    let mut machine = Machine::new();
    for (i, rule) in RULES.iter().enumerate() {
        machine.add_rule(i, rule).unwrap();
    }
    let mut scratch = Scratch::default();
    let mut found = Vec::with_capacity(64);
    // Warm up: lazy indexes are built and the scratch grows to fit.
    for _ in 0..3 {
        for event in EVENTS {
            machine
                .for_each_match(event, &mut scratch, |&n| found.push(n))
                .unwrap();
        }
    }
    let total_matches = found.len();
    assert!(total_matches > 0);
    found.clear();
    let before = allocations();
    for _ in 0..100 {
        for event in EVENTS {
            machine
                .for_each_match(event, &mut scratch, |&n| found.push(n))
                .unwrap();
        }
        found.clear();
    }
    let after = allocations();
    assert_eq!(after - before, 0, "matching allocated in steady state");
}
