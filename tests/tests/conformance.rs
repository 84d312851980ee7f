//! Every case of the EventBridge conformance corpus, through the Rust API.

use ferruler::Machine;
use ferruler_tests::cases;

/// Cases we believe the corpus gets wrong; each is explained in the project notes. Empty: every
/// case must pass.
const KNOWN_FAILURES: &[&str] = &[];

#[test]
fn conformance_corpus_through_machine_api() {
    let all = cases::load();
    assert!(
        all.len() >= 399,
        "corpus looks truncated: {} cases",
        all.len()
    );
    let mut failures = Vec::new();
    for case in &all {
        let mut machine = Machine::new();
        let outcome = match machine.add_rule(case.name.clone(), &case.pattern) {
            Err(e) => {
                if let Some(m) = &case.message {
                    if !e.message().contains(m.as_str()) {
                        failures.push(format!(
                            "{}: message {:?} lacks {:?}",
                            case.name,
                            e.message(),
                            m
                        ));
                    }
                }
                "error".to_string()
            }
            Ok(()) => match machine.matches_for_event(&case.event) {
                Ok(names) if names == vec![case.name.clone()] => "match".to_string(),
                Ok(names) if names.is_empty() => "nomatch".to_string(),
                Ok(names) => format!("wrong names {names:?}"),
                Err(e) => format!("event error {e}"),
            },
        };
        let known = KNOWN_FAILURES.contains(&case.name.as_str());
        if (outcome != case.expect) != known {
            failures.push(format!(
                "{}: expected {}, got {} (pattern {})",
                case.name, case.expect, outcome, case.pattern
            ));
        }
    }
    let tally = |want: &str| all.iter().filter(|c| c.expect == want).count();
    eprintln!(
        "{} cases: {} match, {} nomatch, {} error",
        all.len(),
        tally("match"),
        tally("nomatch"),
        tally("error")
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
