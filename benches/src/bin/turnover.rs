//! Adding and deleting many rules of one kind: both must be linear, whatever the kind and the
//! order of deletion.
//!
//! ```text
//! cargo run --release -p ferruler-benches --bin turnover [RULES]   (default 200000)
//! ```
//!
//! For each kind, RULES distinct rules are added to an empty machine, then deleted in the order
//! they were added; added again, then deleted newest first. Each line gives the seconds of each
//! step and the ratio of the slower deletion to the addition (the target is at most 2×).

use ferruler::Machine;
use ferruler_benches::shapes::router;
use std::time::Instant;

/// Rule `i` of a kind.
type Make = fn(usize) -> String;

/// The kinds measured, and rule `i` of each.
const KINDS: [(&str, Make); 10] = [
    ("exact", |i| format!(r#"{{"f": ["v{i}"]}}"#)),
    ("prefix", |i| format!(r#"{{"f": [{{"prefix": "p{i}-"}}]}}"#)),
    ("suffix", |i| format!(r#"{{"f": [{{"suffix": "-{i}s"}}]}}"#)),
    ("ignore-case", |i| {
        format!(r#"{{"f": [{{"equals-ignore-case": "V{i}"}}]}}"#)
    }),
    ("numeric-range", |i| {
        format!(r#"{{"f": [{{"numeric": [">", {i}, "<=", {}]}}]}}"#, i + 5)
    }),
    ("anything-but", |i| {
        format!(r#"{{"f": [{{"anything-but": ["v{i}"]}}]}}"#)
    }),
    ("wildcard", |i| {
        format!(r#"{{"f": [{{"wildcard": "/srv/{i}/*/in/*"}}]}}"#)
    }),
    ("cidr", |i| {
        format!(
            r#"{{"f": [{{"cidr": "10.{}.{}.0/24"}}]}}"#,
            (i >> 8) & 255,
            i & 255
        )
    }),
    ("exists", |i| format!(r#"{{"f{i}": [{{"exists": true}}]}}"#)),
    ("router", router),
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(200_000, |a| a.parse().expect("RULES must be a number"));
    for (kind, make) in KINDS {
        let patterns: Vec<String> = (0..n).map(make).collect();
        let mut m: Machine<usize> = Machine::new();
        let time = |f: &mut dyn FnMut()| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        };
        let add = |m: &mut Machine<usize>| {
            for (i, p) in patterns.iter().enumerate() {
                m.add_rule(i, p).expect("valid pattern");
            }
        };
        let added = time(&mut || add(&mut m));
        let in_order = time(&mut || {
            for (i, p) in patterns.iter().enumerate() {
                assert!(m.delete_rule(&i, p).expect("valid pattern"));
            }
        });
        assert!(m.is_empty());
        add(&mut m);
        let newest_first = time(&mut || {
            for (i, p) in patterns.iter().enumerate().rev() {
                assert!(m.delete_rule(&i, p).expect("valid pattern"));
            }
        });
        assert!(m.is_empty());
        println!(
            "TURNOVER kind={kind} rules={n} add_seconds={added:.3} delete_seconds={in_order:.3} delete_newest_first_seconds={newest_first:.3} delete_vs_add={:.2}x",
            in_order.max(newest_first) / added
        );
    }
}
