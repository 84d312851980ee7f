//! Synthetic rule sets shaped like EventBridge rules (`source`, `detail-type`, `detail.*`), for the
//! scale and memory measurements. Every generator is deterministic.

/// A matcher kind the scale benchmarks sweep over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{"detail": {"id": ["id-<i>"]}}`
    Exact,
    /// `{"detail": {"id": [{"prefix": "pre-<i>-"}]}}`
    Prefix,
    /// `{"detail": {"id": [{"wildcard": "*-<i>-*"}]}}`: a distinct literal per rule
    Wildcard,
    /// `{"detail": {"n": [{"numeric": [">=", 10i, "<", 10i + 5]}]}}`
    Numeric,
    /// A realistic mix: source and detail-type exact, plus one detail condition of a kind that
    /// cycles through exact, prefix, suffix, ignore-case, numeric, anything-but and exists.
    Mix,
    /// The router workload of `gen_router.py` (see [`router`]): rules sharing 50 sources and 20
    /// detail types, every other one an account, and detail conditions of nine kinds, wildcards
    /// with a middle star and CIDR blocks among them.
    Router,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 6] = [
        Kind::Exact,
        Kind::Prefix,
        Kind::Wildcard,
        Kind::Numeric,
        Kind::Mix,
        Kind::Router,
    ];

    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Prefix => "prefix",
            Kind::Wildcard => "wildcard",
            Kind::Numeric => "numeric",
            Kind::Mix => "mix",
            Kind::Router => "router",
        }
    }

    /// The pattern of rule `i`.
    pub fn pattern(self, i: usize) -> String {
        match self {
            Kind::Exact => format!(r#"{{"detail": {{"id": ["id-{i}"]}}}}"#),
            Kind::Prefix => format!(r#"{{"detail": {{"id": [{{"prefix": "pre-{i}-"}}]}}}}"#),
            Kind::Wildcard => format!(r#"{{"detail": {{"id": [{{"wildcard": "*-{i}-*"}}]}}}}"#),
            Kind::Numeric => format!(
                r#"{{"detail": {{"n": [{{"numeric": [">=", {}, "<", {}]}}]}}}}"#,
                i * 10,
                i * 10 + 5
            ),
            Kind::Router => router(i),
            Kind::Mix => format!(
                r#"{{"source": ["com.example.service{}"], "detail-type": ["Type {}"], "detail": {{{}}}}}"#,
                i % 50,
                i % 20,
                detail_condition(i, i % 7)
            ),
        }
    }

    /// An EventBridge-style event that matches rule `i` (for the mix: rule `i`'s detail field, and
    /// the source and detail type it shares with others).
    pub fn event(self, i: usize) -> String {
        let detail = match self {
            Kind::Exact => format!(r#""id": "id-{i}""#),
            Kind::Prefix => format!(r#""id": "pre-{i}-suffix""#),
            Kind::Wildcard => format!(r#""id": "abc-{i}-xyz""#),
            Kind::Numeric => format!(r#""n": {}"#, i * 10 + 2),
            Kind::Mix => detail_value(i, i % 7),
            Kind::Router => return router_event(i),
        };
        envelope(i, "111122223333", &detail)
    }
}

/// Rule `i` of event-ruler's memory benchmark shape:
/// `{"Abernathy": {"<one of 10 names>": [<int 0..99>]}, "Barnard": {"Oliver": [{"prefix": "<6 chars>"}]}}`.
pub fn abernathy(i: usize) -> String {
    const NAMES: [&str; 10] = [
        "Ames", "Bell", "Cruz", "Diaz", "Egan", "Ford", "Gray", "Hale", "Irwin", "Jack",
    ];
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut prefix = String::with_capacity(6);
    for _ in 0..6 {
        x ^= x >> 29;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        prefix.push((b'a' + (x % 26) as u8) as char);
    }
    format!(
        r#"{{"Abernathy": {{"{}": [{}]}}, "Barnard": {{"Oliver": [{{"prefix": "{prefix}"}}]}}}}"#,
        NAMES[i % 10],
        (i / 10) % 100
    )
}

/// Rule `i` of the two-field exact-string shape: `{"source": ["src-<i%1000>"], "detail": {"id": ["id-<i>"]}}`.
pub fn two_field_exact(i: usize) -> String {
    format!(
        r#"{{"source": ["src-{}"], "detail": {{"id": ["id-{i}"]}}}}"#,
        i % 1000
    )
}

/// Rule `i` of `gen_router.py`'s router workload (the same text, key order aside): source
/// `com.example.service<i % 50>`, detail-type `Type <i % 20>`, on even rules an account (one of
/// 1000), and detail conditions whose kind cycles through exact, prefix, suffix,
/// equals-ignore-case, numeric range, anything-but with a tag, exists, a wildcard with a middle
/// star, and a CIDR block with a tag.
pub fn router(i: usize) -> String {
    let detail = detail_condition(i, i % 9);
    let account = if i.is_multiple_of(2) {
        format!(r#", "account": ["{:012}"]"#, i % 1000)
    } else {
        String::new()
    };
    format!(
        r#"{{"source": ["com.example.service{}"], "detail-type": ["Type {}"], "detail": {{{detail}}}{account}}}"#,
        i % 50,
        i % 20
    )
}

/// An event matching router rule `i` (as `gen_router.py` makes them, with its random parts
/// fixed).
pub fn router_event(i: usize) -> String {
    envelope(i, &format!("{:012}", i % 1000), &detail_value(i, i % 9))
}

/// The detail condition of kind `kind` (0 to 8) of rule `i`, in the realistic mix (kinds 0 to 6)
/// and the router workload: exact, prefix, suffix, equals-ignore-case, numeric range, anything-but
/// with a tag, exists, a wildcard with a middle star, a CIDR block with a tag.
fn detail_condition(i: usize, kind: usize) -> String {
    match kind {
        0 => format!(r#""state": ["state-{i}"]"#),
        1 => format!(r#""id": [{{"prefix": "pre-{i}-"}}]"#),
        2 => format!(r#""file": [{{"suffix": ".{i}.log"}}]"#),
        3 => format!(r#""user": [{{"equals-ignore-case": "User{i}"}}]"#),
        4 => format!(
            r#""n": [{{"numeric": [">", {}, "<=", {}]}}]"#,
            i * 10,
            i * 10 + 5
        ),
        5 => format!(r#""region": [{{"anything-but": ["region-{i}"]}}], "tag": ["t{i}"]"#),
        6 => format!(r#""flag{i}": [{{"exists": true}}]"#),
        7 => format!(r#""path": [{{"wildcard": "/srv/{i}/*/in/*"}}]"#),
        _ => format!(
            r#""ip": [{{"cidr": "10.{}.{}.0/24"}}], "tag": ["t{i}"]"#,
            (i >> 8) & 255,
            i & 255
        ),
    }
}

/// Detail fields satisfying [`detail_condition`] `kind` of rule `i`.
fn detail_value(i: usize, kind: usize) -> String {
    match kind {
        0 => format!(r#""state": "state-{i}""#),
        1 => format!(r#""id": "pre-{i}-17""#),
        2 => format!(r#""file": "app.{i}.log""#),
        3 => format!(r#""user": "USER{i}""#),
        4 => format!(r#""n": {}"#, i * 10 + 3),
        5 => format!(r#""region": "other", "tag": "t{i}""#),
        6 => format!(r#""flag{i}": true"#),
        7 => format!(r#""path": "/srv/{i}/x42/in/file.csv""#),
        _ => format!(
            r#""ip": "10.{}.{}.7", "tag": "t{i}""#,
            (i >> 8) & 255,
            i & 255
        ),
    }
}

/// An EventBridge event with rule `i`'s source and detail type, from `account`, with `detail`
/// and an unrelated nested object beside it.
fn envelope(i: usize, account: &str, detail: &str) -> String {
    format!(
        r#"{{"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Type {}", "source": "com.example.service{}", "account": "{account}", "time": "2026-12-03T18:43:48Z", "region": "us-west-1", "resources": ["arn:aws:ec2:us-west-1:{account}:instance/i-1234567890abcdef0"], "detail": {{{detail}, "extra": {{"nested": [1, 2, 3], "note": "unrelated"}}}}}}"#,
        i % 20,
        i % 50
    )
}
