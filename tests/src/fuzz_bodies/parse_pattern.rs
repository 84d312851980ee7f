//! `parse_pattern`: any bytes as pattern text.
//!
//! Properties: parsing never panics; an error's position lies inside the text; `check_pattern`,
//! `Machine::add_rule` and `Pattern::parse` agree; and a valid pattern *round-trips through its
//! AST*: every sub-rule, printed as a pattern of its own (each condition under its dotted path, the
//! matchers in their `Display` syntax, `exists: false` for an absent test), parses back to exactly
//! that sub-rule. Printing the whole pattern is not possible in general (a `$or` branch may not use
//! operator names as fields), and sub-rule by sub-rule is what the machine compiles, so this is the
//! round trip that matters. Adding the pattern to a machine and deleting it again must leave the
//! machine empty.

use ferruler::pattern::{Pattern, SubRule, Test};
use ferruler::{Limits, Machine, Stats};

/// The target body.
pub fn run(data: &[u8]) {
    let parsed = Pattern::parse(data);
    assert_eq!(
        ferruler::check_pattern(data),
        parsed.as_ref().map(drop).map_err(Clone::clone),
        "check_pattern disagrees with Pattern::parse"
    );
    let mut machine: Machine<u8> = Machine::new();
    let added = machine.add_rule(0, data);
    assert_eq!(
        added,
        parsed.as_ref().map(drop).map_err(Clone::clone),
        "add_rule disagrees with Pattern::parse"
    );
    let pattern = match parsed {
        Ok(p) => p,
        Err(e) => {
            assert!(e.offset() <= data.len(), "error offset past the end: {e:?}");
            assert!(e.line() >= 1 && e.column() >= 1, "0-based position: {e:?}");
            assert!(!e.message().is_empty());
            assert_eq!(machine.stats(), Stats::default());
            return;
        }
    };
    assert!(
        !pattern.sub_rules().is_empty(),
        "a valid pattern with no sub-rule"
    );
    // Printing may spell things longer than the original (`0` becomes `0.0`), so the re-read is
    // not held to the default size limit.
    let roomy = Limits {
        max_pattern_bytes: usize::MAX,
        ..Limits::default()
    };
    for sub in pattern.sub_rules() {
        let text = print(sub);
        let again = Pattern::parse_with_limits(&text, &roomy)
            .unwrap_or_else(|e| panic!("sub-rule printed as {text} does not parse: {e}"));
        assert_eq!(
            again.sub_rules(),
            std::slice::from_ref(sub),
            "sub-rule printed as {text} reads back differently"
        );
    }
    assert!(machine.delete_rule(&0, data).expect("valid"));
    assert_eq!(machine.stats(), Stats::default());
}

/// One sub-rule as pattern text: `{"<dotted path>": [<matchers>], ...}`.
pub fn print(sub: &SubRule) -> String {
    let fields: Vec<String> = sub
        .conditions()
        .iter()
        .map(|c| {
            let list = match c.test() {
                Test::AnyOf(ms) => ms.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                Test::Absent => vec![r#"{"exists": false}"#.to_string()],
            };
            format!(
                "{}: [{}]",
                serde_json::Value::from(c.dotted_path()),
                list.join(", ")
            )
        })
        .collect();
    format!("{{{}}}", fields.join(", "))
}
