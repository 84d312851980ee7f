//! One benchmark per matcher kind on a small EventBridge-style event, each with a machine holding
//! one rule of that kind (matching) and the same machine against an event it does not match.
//!
//! `cargo bench -p ferruler-benches --bench matchers`

use criterion::{criterion_group, criterion_main, Criterion};
use ferruler::{Machine, Scratch};

const EVENT: &str = r#"{"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1", "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"], "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated", "ip": "10.0.12.34", "cpu": 93.5, "tags": [{"k": "env", "v": "prod"}, {"k": "team", "v": "core"}]}}"#;

const PATTERNS: &[(&str, &str)] = &[
    (
        "exact",
        r#"{"source": ["aws.ec2"], "detail": {"state": ["terminated"]}}"#,
    ),
    ("number", r#"{"detail": {"cpu": [93.5]}}"#),
    (
        "prefix",
        r#"{"detail": {"instance-id": [{"prefix": "i-12"}]}}"#,
    ),
    (
        "prefix-ignore-case",
        r#"{"detail": {"instance-id": [{"prefix": {"equals-ignore-case": "I-12"}}]}}"#,
    ),
    (
        "suffix",
        r#"{"detail": {"instance-id": [{"suffix": "def0"}]}}"#,
    ),
    (
        "suffix-ignore-case",
        r#"{"detail": {"instance-id": [{"suffix": {"equals-ignore-case": "DEF0"}}]}}"#,
    ),
    (
        "equals-ignore-case",
        r#"{"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}"#,
    ),
    (
        "wildcard",
        r#"{"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}"#,
    ),
    (
        "anything-but",
        r#"{"detail": {"state": [{"anything-but": ["running", "pending"]}]}}"#,
    ),
    (
        "anything-but-prefix",
        r#"{"detail": {"state": [{"anything-but": {"prefix": "run"}}]}}"#,
    ),
    (
        "numeric",
        r#"{"detail": {"cpu": [{"numeric": [">", 90, "<=", 100]}]}}"#,
    ),
    ("cidr", r#"{"detail": {"ip": [{"cidr": "10.0.0.0/16"}]}}"#),
    (
        "exists",
        r#"{"detail": {"state": [{"exists": true}], "missing": [{"exists": false}]}}"#,
    ),
    (
        "or",
        r#"{"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["terminated"]}}]}"#,
    ),
    (
        "array-consistent",
        r#"{"detail": {"tags": {"k": ["team"], "v": ["core"]}}}"#,
    ),
];

fn matchers(c: &mut Criterion) {
    let mut group = c.benchmark_group("matcher");
    for (name, pattern) in PATTERNS {
        let mut m = Machine::new();
        m.add_rule(*name, pattern).unwrap();
        assert_eq!(
            m.matches_for_event(EVENT).unwrap(),
            vec![*name],
            "{name} must match the event"
        );
        let mut scratch = Scratch::default();
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut n = 0;
                m.for_each_match(EVENT, &mut scratch, |_| n += 1).unwrap();
                n
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(1)).warm_up_time(std::time::Duration::from_millis(300));
    targets = matchers
}
criterion_main!(benches);
