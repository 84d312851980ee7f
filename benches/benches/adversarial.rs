//! Adversarial families: matching time as each adversarial event grows from 1k to 1M elements
//! (bytes of the event are the throughput, so criterion's "thrpt" is bytes per second; a family is
//! linear when that stays flat as the size grows by 10×).
//!
//! Families, each with rules that make the engine read (not skip) the adversarial part:
//!
//! * `array-consistency`: an array of n objects under rules with two or three conditions inside
//!   the array, including `exists: false` (element-by-element resolution; event-ruler had to fix
//!   quadratic behaviour here).
//! * `long-string`: a string of n×16 bytes on a path with prefix, suffix, wildcard, ignore-case and
//!   anything-but matchers; `escaped-string` the same length of `\u00e9` escapes.
//! * `many-keys`: one object with n distinct keys, a few of them on rule paths.
//! * `duplicate-keys`: n occurrences of one key on a rule path, in a machine with array-consistent
//!   rules (so the scanner watches for aliased paths).
//! * `deep-nesting`: n bracket pairs in blocks 500 levels deep, on a rule's path;
//!   `deep-nesting-raised` one block n levels deep, with `max_event_depth` raised to allow it.
//! * `numbers`: n numbers of awkward spellings (exponents, `-0`, 20 digits, past double range) under
//!   numeric, exact and anything-but rules.
//! * `skipped`: n elements of mixed JSON under a key no rule reads.
//! * `aliased-arrays` (1k to 8k elements only, see below): two arrays reached through one
//!   duplicated key under a two-condition array-consistent rule, plus an `exists: false` that fails
//!   every combination. Aliased paths are decided by a backtracking search over leaf choices, which
//!   is quadratic here (cubic with three conditions): this family documents that it is *not* linear.
//!
//! `cargo bench -p ferruler-benches --bench adversarial` (`-- <family>` for one family).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ferruler::{Limits, Machine, Scratch};
use std::fmt::Write;
use std::time::Duration;

const SIZES: &[usize] = &[1_000, 10_000, 100_000, 1_000_000];

struct Family {
    name: &'static str,
    rules: &'static [&'static str],
    event: fn(usize) -> String,
    sizes: &'static [usize],
    /// `Limits::max_event_depth` for the family (the default unless it needs deeper).
    depth: usize,
}

const DEPTH: usize = 1024;

fn array_consistency(n: usize) -> String {
    let mut s = String::from(r#"{"items": ["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"sku":"S{}","qty":{},"gift":{}}}"#,
            i % 13,
            i % 7,
            i % 2 == 0
        )
        .unwrap();
    }
    s.push_str("]}");
    s
}

fn long_string(n: usize) -> String {
    format!(r#"{{"s": "{}b"}}"#, "abcdefghijklmnop".repeat(n))
}

fn escaped_string(n: usize) -> String {
    format!(r#"{{"s": "{}"}}"#, r"\u00e9abcdefghij".repeat(n))
}

fn many_keys(n: usize) -> String {
    let mut s = String::from("{");
    for i in 0..n {
        write!(s, r#""key{i}": {i},"#).unwrap();
    }
    s.push_str(r#""end": true}"#);
    s
}

fn duplicate_keys(n: usize) -> String {
    let mut s = String::from("{");
    for i in 0..n {
        write!(s, r#""d": "v{}","#, i % 100).unwrap();
    }
    s.push_str(r#""items": [{"a": 1, "b": 2}]}"#);
    s
}

fn deep_nesting(n: usize) -> String {
    let block = format!("{}\"x\"{}", "[".repeat(500), "]".repeat(500));
    let blocks = (n / 500).max(1);
    format!(r#"{{"a": [{}]}}"#, vec![block; blocks].join(","))
}

fn deeper(n: usize) -> String {
    format!(r#"{{"a": {}"x"{}, "b": 1}}"#, "[".repeat(n), "]".repeat(n))
}

fn numbers(n: usize) -> String {
    const SPELLINGS: &[&str] = &[
        "1e308",
        "-0",
        "12345678901234567890",
        "1.5E-7",
        "1e400",
        "-0.000001e+6",
        "4.9e-324",
        "100.000",
    ];
    let items: Vec<&str> = (0..n).map(|i| SPELLINGS[i % SPELLINGS.len()]).collect();
    format!(r#"{{"n": [{}]}}"#, items.join(","))
}

fn skipped(n: usize) -> String {
    let mut s = String::from(r#"{"unused": ["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        match i % 4 {
            0 => write!(s, r#"{{"k": [1, 2.5e3, null], "s": "a\"b\\c"}}"#),
            1 => write!(s, r#""\u00e9\ud83d\ude00 {i}""#),
            2 => write!(s, "[[[true]], false, -1.25]"),
            _ => write!(s, "{i}"),
        }
        .unwrap();
    }
    s.push_str(r#"], "k": "v"}"#);
    s
}

fn aliased_arrays(n: usize) -> String {
    let half = |k: &str| vec![format!(r#"{{"{k}": 1}}"#); n / 2].join(",");
    format!(r#"{{"x": [{}], "x": [{}], "z": 1}}"#, half("a"), half("b"))
}

const FAMILIES: &[Family] = &[
    Family {
        name: "array-consistency",
        rules: &[
            r#"{"items": {"sku": ["S3"], "qty": [5]}}"#,
            r#"{"items": {"sku": ["S1"], "qty": [{"numeric": [">", 2]}], "gift": [true]}}"#,
            r#"{"items": {"sku": ["S99"], "gift": [{"exists": false}]}}"#,
        ],
        event: array_consistency,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "long-string",
        rules: &[
            r#"{"s": [{"prefix": "abc"}, {"suffix": "opb"}]}"#,
            r#"{"s": [{"wildcard": "*c*d*e*z"}]}"#,
            r#"{"s": [{"equals-ignore-case": "ABC"}, {"suffix": {"equals-ignore-case": "PB"}}]}"#,
            r#"{"s": [{"anything-but": {"wildcard": "*x"}}]}"#,
        ],
        event: long_string,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "escaped-string",
        rules: &[
            r#"{"s": [{"prefix": "éab"}, {"wildcard": "*é*z"}]}"#,
            r#"{"s": [{"suffix": {"equals-ignore-case": "ÉABCDEFGHIJ"}}]}"#,
        ],
        event: escaped_string,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "many-keys",
        rules: &[
            r#"{"key7": [7], "end": [true]}"#,
            r#"{"key999999": [{"numeric": [">", 0]}]}"#,
            r#"{"nokey": [{"exists": false}], "key3": [3]}"#,
        ],
        event: many_keys,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "duplicate-keys",
        rules: &[
            r#"{"d": ["v42"]}"#,
            r#"{"d": [{"prefix": "v9"}], "items": {"a": [1], "b": [2]}}"#,
            r#"{"items": {"a": [1], "b": [3]}}"#,
        ],
        event: duplicate_keys,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "deep-nesting",
        rules: &[r#"{"a": ["x"]}"#, r#"{"a": [{"exists": false}]}"#],
        event: deep_nesting,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "deep-nesting-raised",
        rules: &[r#"{"a": ["x"], "b": [1]}"#, r#"{"a": [{"exists": false}]}"#],
        event: deeper,
        sizes: SIZES,
        depth: 1_000_010,
    },
    Family {
        name: "numbers",
        rules: &[
            r#"{"n": [{"numeric": [">", 1e300]}]}"#,
            r#"{"n": [0, 100]}"#,
            r#"{"n": [{"anything-but": [1, 2, 3]}]}"#,
            r#"{"n": [{"numeric": [">", 0, "<", 1e-300]}]}"#,
        ],
        event: numbers,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "skipped",
        rules: &[r#"{"k": ["v"]}"#, r#"{"other": {"deep": [1]}}"#],
        event: skipped,
        sizes: SIZES,
        depth: DEPTH,
    },
    Family {
        name: "aliased-arrays",
        rules: &[r#"{"x": {"a": [1], "b": [1]}, "z": [{"exists": false}]}"#],
        event: aliased_arrays,
        sizes: &[1_000, 2_000, 4_000, 8_000],
        depth: DEPTH,
    },
];

fn machine(rules: &[&str], depth: usize) -> Machine<usize> {
    let mut m = Machine::with_limits(Limits {
        max_event_bytes: usize::MAX,
        max_event_depth: depth,
        ..Limits::default()
    });
    for (i, r) in rules.iter().enumerate() {
        m.add_rule(i, r).expect("valid rule");
    }
    m
}

fn adversarial(c: &mut Criterion) {
    for family in FAMILIES {
        let m = machine(family.rules, family.depth);
        let mut group = c.benchmark_group(format!("adversarial/{}", family.name));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for &n in family.sizes {
            let event = (family.event)(n);
            let mut scratch = Scratch::default();
            m.for_each_match(&event, &mut scratch, |_| {})
                .unwrap_or_else(|e| panic!("{} at {n}: {e}", family.name));
            group.throughput(Throughput::Bytes(event.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &event, |b, event| {
                b.iter(|| {
                    let mut hits = 0;
                    m.for_each_match(event, &mut scratch, |_| hits += 1)
                        .unwrap();
                    hits
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, adversarial);
criterion_main!(benches);
