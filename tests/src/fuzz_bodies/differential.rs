//! `differential`: the compiled machine against the reference interpreter.
//!
//! Two input forms, told apart by the first byte:
//!
//! * **Text** (first byte `{`): line 1 is a pattern, every further line an event, as JSON text.
//!   The seeds are the conformance cases in this form, so libFuzzer's byte mutations start from
//!   real EventBridge patterns and events.
//! * **Structured** (anything else): drawn with `arbitrary` (see `spec`): a spelling style, one to
//!   three patterns and one to four events over a shared vocabulary.
//!
//! Every valid pattern goes into one machine (as rule *i*) and into a machine of its own; for
//! every event that is valid JSON with at most 64 leaves, the machine's answer for each rule must
//! be the reference's (`duplicates::verdicts`: the reference interpreter, or its definition
//! applied to every occurrence of duplicated keys), and the one-rule machine must agree too.

use super::duplicates;
use super::json::Style;
use super::spec;
use arbitrary::Unstructured;
use ferruler::{Machine, Pattern};

/// The target body.
pub fn run(data: &[u8]) {
    let (patterns, events) = if data.first() == Some(&b'{') {
        let mut lines = data.split(|&b| b == b'\n');
        let pattern = lines.next().unwrap_or_default().to_vec();
        (vec![pattern], lines.map(<[u8]>::to_vec).collect())
    } else {
        match structured(data) {
            Ok(x) => x,
            Err(_) => return,
        }
    };
    check(&patterns, &events);
}

type Texts = Vec<Vec<u8>>;

fn structured(data: &[u8]) -> arbitrary::Result<(Texts, Texts)> {
    let mut u = Unstructured::new(data);
    let style: Style = u.arbitrary()?;
    let mut patterns = Vec::new();
    for _ in 0..u.int_in_range(1..=3)? {
        patterns.push(spec::pattern(&mut u)?.write(style).into_bytes());
    }
    let mut events = Vec::new();
    for _ in 0..u.int_in_range(1..=4)? {
        events.push(spec::event(&mut u)?.write(style).into_bytes());
    }
    Ok((patterns, events))
}

/// Checks every valid pattern against every strictly valid event.
pub fn check(patterns: &[Vec<u8>], events: &[Vec<u8>]) {
    let mut machine: Machine<usize> = Machine::new();
    let mut rules = Vec::new();
    for text in patterns {
        let Ok(parsed) = Pattern::parse(text) else {
            continue;
        };
        machine.add_rule(rules.len(), text).expect("parsed above");
        let mut alone: Machine<()> = Machine::new();
        alone.add_rule((), text).expect("parsed above");
        rules.push((text, parsed, alone));
    }
    if rules.is_empty() {
        return;
    }
    let parsed: Vec<&Pattern> = rules.iter().map(|(_, p, _)| p).collect();
    for event in events {
        let Some(wanted) = duplicates::verdicts(&parsed, event) else {
            continue;
        };
        let names = machine
            .matches_for_event(event)
            .unwrap_or_else(|e| panic!("valid event rejected: {e}"));
        for (i, ((text, _, alone), want)) in rules.iter().zip(wanted).enumerate() {
            let show = || {
                format!(
                    "pattern {} event {}: reference says {want}",
                    String::from_utf8_lossy(text),
                    String::from_utf8_lossy(event)
                )
            };
            assert_eq!(names.contains(&i), want, "shared machine: {}", show());
            let single = !alone.matches_for_event(event).expect("valid").is_empty();
            assert_eq!(single, want, "one-rule machine: {}", show());
        }
    }
}
