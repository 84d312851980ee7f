//! Property tests: the compiled machine against the reference interpreter.

use ferruler::{Machine, Pattern};
use ferruler_tests::{generate, reference};
use proptest::prelude::*;
use serde_json::Value;

fn parse(p: &Value) -> Option<(String, Pattern)> {
    let text = p.to_string();
    Pattern::parse(&text).ok().map(|parsed| (text, parsed))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// One rule, one event: the machine says what the reference says.
    #[test]
    fn single_rule_agrees(p in generate::pattern(), events in prop::collection::vec(generate::event(), 1..6)) {
        let Some((text, parsed)) = parse(&p) else { return Ok(()) };
        let mut machine = Machine::new();
        machine.add_rule(0u32, &text).unwrap();
        for e in &events {
            let want = reference::matches(&parsed, e);
            let got = !machine.matches_for_event(e.to_string()).unwrap().is_empty();
            prop_assert_eq!(got, want, "pattern {} event {}", text, e);
            // The same event with whitespace between every token.
            let pretty = serde_json::to_string_pretty(e).unwrap();
            let got = !machine.matches_for_event(&pretty).unwrap().is_empty();
            prop_assert_eq!(got, want, "pattern {} event {}", text, pretty);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Hundreds of rules in one machine: every rule's verdict is the reference's.
    #[test]
    fn many_rules_agree(ps in prop::collection::vec(generate::pattern(), 100..300), events in prop::collection::vec(generate::event(), 1..20)) {
        let rules: Vec<(String, Pattern)> = ps.iter().filter_map(parse).collect();
        let mut machine = Machine::new();
        for (i, (text, _)) in rules.iter().enumerate() {
            machine.add_rule(i, text).unwrap();
        }
        for e in &events {
            let mut got = machine.matches_for_event(e.to_string()).unwrap();
            got.sort_unstable();
            let want: Vec<usize> = rules.iter().enumerate().filter(|(_, (_, p))| reference::matches(p, e)).map(|(i, _)| i).collect();
            prop_assert_eq!(got, want, "event {}", e);
        }
    }

    /// Adding and deleting: the machine answers as one built from scratch with what is left.
    #[test]
    fn add_delete_agrees_with_rebuild(
        ps in prop::collection::vec(generate::pattern(), 10..60),
        ops in prop::collection::vec((0usize..60, 0u8..3), 10..120),
        events in prop::collection::vec(generate::event(), 1..10),
    ) {
        let parsed: Vec<(String, Pattern)> = ps.iter().filter_map(parse).collect();
        prop_assume!(!parsed.is_empty());
        let rules: Vec<String> = parsed.iter().map(|(t, _)| t.clone()).collect();
        // A name holds a pattern once, whatever its spelling: adding an equal pattern again is a
        // no-op and deleting either spelling removes it. So the model names each rule by the first
        // index of a pattern equal to it.
        let same: Vec<usize> = parsed
            .iter()
            .map(|(_, p)| parsed.iter().position(|(_, q)| q == p).unwrap())
            .collect();
        let mut machine = Machine::new();
        let mut live: Vec<(usize, usize)> = Vec::new(); // (name, first index of an equal rule)
        for (pick, op) in ops {
            let rule = same[pick % rules.len()];
            let name = pick % 7;
            match op {
                0 | 1 => {
                    machine.add_rule(name, &rules[rule]).unwrap();
                    if !live.contains(&(name, rule)) { live.push((name, rule)); }
                }
                _ => {
                    if pick % 2 == 0 {
                        let had = machine.delete_rule(&name, &rules[rule]).unwrap();
                        let pos = live.iter().position(|x| *x == (name, rule));
                        prop_assert_eq!(had, pos.is_some());
                        if let Some(i) = pos { live.remove(i); }
                    } else {
                        let n = machine.delete_rules_named(&name);
                        prop_assert_eq!(n, live.iter().filter(|x| x.0 == name).count());
                        live.retain(|x| x.0 != name);
                    }
                }
            }
        }
        let mut fresh = Machine::new();
        for (name, rule) in &live {
            fresh.add_rule(*name, &rules[*rule]).unwrap();
        }
        prop_assert_eq!(machine.stats(), fresh.stats());
        for e in &events {
            let mut a = machine.matches_for_event(e.to_string()).unwrap();
            let mut b = fresh.matches_for_event(e.to_string()).unwrap();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b, "event {}", e);
        }
        for (name, rule) in &live {
            machine.delete_rule(name, &rules[*rule]).unwrap();
        }
        prop_assert_eq!(machine.stats(), ferruler::Stats::default());
    }
}
