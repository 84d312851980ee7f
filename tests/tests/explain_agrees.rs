//! `ferruler::explain` must give the machine's verdict on every case of the conformance corpus:
//! the explanation is computed independently (values collected into a tree, matchers evaluated one
//! by one, array consistency by search), so agreement here checks both.

use ferruler::explain::{explain, Verdict};
use ferruler_tests::cases;

#[test]
fn explain_agrees_with_matching_on_the_corpus() {
    let all = cases::load();
    assert!(
        all.len() >= 399,
        "corpus looks truncated: {} cases",
        all.len()
    );
    let mut disagreements = Vec::new();
    let mut explained = 0;
    for case in &all {
        let machine = ferruler::matches_rule(&case.event, &case.pattern);
        let why = explain(&case.pattern, &case.event);
        match (&machine, &why) {
            (Ok(m), Ok(e)) => {
                explained += 1;
                let alternatives_say = e
                    .alternatives
                    .iter()
                    .any(|a| matches!(a.verdict, Verdict::Matched { .. }));
                if *m != e.matched || alternatives_say != e.matched {
                    disagreements.push(format!(
                        "{}: machine {m}, explain {} ({e:?})",
                        case.name, e.matched
                    ));
                }
                let expected = case.expect == "match";
                if e.matched != expected {
                    disagreements.push(format!(
                        "{}: corpus expects {}, explain says {}",
                        case.name, case.expect, e.matched
                    ));
                }
            }
            (Err(a), Err(b)) if a == b => {}
            _ => disagreements.push(format!(
                "{}: machine {machine:?}, explain {why:?}",
                case.name
            )),
        }
    }
    assert!(explained >= 290, "only {explained} cases were explained");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Where a chosen value is reported, it must be one the condition's matchers accept, and a
/// matched alternative must choose a value for every positive condition.
#[test]
fn matched_alternatives_choose_accepted_values() {
    for case in cases::load() {
        let Ok(e) = explain(&case.pattern, &case.event) else {
            continue;
        };
        for alternative in &e.alternatives {
            if let Verdict::Matched { chosen } = &alternative.verdict {
                for (condition, choice) in alternative.conditions.iter().zip(chosen) {
                    match choice {
                        Some(v) => assert!(
                            !condition.values[*v].accepted_by.is_empty(),
                            "{}",
                            case.name
                        ),
                        None => assert!(condition.matchers().is_empty(), "{}", case.name),
                    }
                }
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 1500, ..Default::default() })]

    /// Beyond the corpus: generated patterns and events (arrays of objects, dotted keys,
    /// `exists: false`, `$or`) get the machine's verdict from the explanation too.
    #[test]
    fn explain_agrees_with_matching_on_generated_inputs(
        pattern in ferruler_tests::generate::pattern(),
        events in proptest::collection::vec(ferruler_tests::generate::event(), 1..6),
    ) {
        let pattern = pattern.to_string();
        if ferruler::check_pattern(&pattern).is_err() {
            return Ok(());
        }
        for event in &events {
            let event = event.to_string();
            let machine = ferruler::matches_rule(&event, &pattern).unwrap();
            let why = explain(&pattern, &event).unwrap();
            proptest::prop_assert_eq!(why.matched, machine, "pattern {} event {}", pattern, event);
        }
    }
}
