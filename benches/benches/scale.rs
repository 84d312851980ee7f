//! Scale curves: match time per event as the number of rules of one kind grows (1, 100, 10k,
//! 100k; wildcards 10, 100, 1k, 10k), and `add_rule` into a machine that already holds 100k rules.
//!
//! `cargo bench -p ferruler-benches --bench scale`

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use ferruler::{Machine, Scratch};
use ferruler_benches::shapes::Kind;

fn sizes(kind: Kind) -> &'static [usize] {
    match kind {
        Kind::Wildcard => &[10, 100, 1_000, 10_000],
        _ => &[1, 100, 10_000, 100_000],
    }
}

fn machine(kind: Kind, n: usize) -> Machine<usize> {
    let mut m = Machine::new();
    for i in 0..n {
        m.add_rule(i, kind.pattern(i))
            .expect("valid generated pattern");
    }
    m
}

fn match_time(c: &mut Criterion) {
    for kind in Kind::ALL {
        let mut group = c.benchmark_group(format!("scale/{}", kind.name()));
        for &n in sizes(kind) {
            let m = machine(kind, n);
            let event = kind.event(n / 2);
            let mut scratch = Scratch::default();
            let mut hits = 0;
            m.for_each_match(&event, &mut scratch, |_| hits += 1)
                .unwrap();
            assert!(
                hits >= 1,
                "{} with {n} rules: the event must match",
                kind.name()
            );
            group.throughput(Throughput::Elements(1));
            group.bench_with_input(BenchmarkId::from_parameter(n), &event, |b, event| {
                b.iter(|| {
                    let mut count = 0;
                    m.for_each_match(event, &mut scratch, |_| count += 1)
                        .unwrap();
                    count
                })
            });
        }
        group.finish();
    }
}

fn add_rule(c: &mut Criterion) {
    let base = machine(Kind::Exact, 100_000);
    let mut group = c.benchmark_group("add_rule/into_100k");
    const BATCH: usize = 1_000;
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(10);
    let mut next = 100_000;
    group.bench_function("exact", |b| {
        b.iter_batched(
            || base.clone(),
            |mut m| {
                for i in next..next + BATCH {
                    m.add_rule(i, Kind::Exact.pattern(i)).unwrap();
                }
                next += BATCH;
                m
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = match_time, add_rule
}
criterion_main!(benches);
