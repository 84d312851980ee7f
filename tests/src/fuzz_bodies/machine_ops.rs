//! `machine_ops`: sequences of add / delete / match on one machine, against a model.
//!
//! The model is the list of live (name, pattern) pairs, kept by the documented rules (adding a
//! pattern a name already has changes nothing; deleting recognises a pattern by its parsed form),
//! and the machine it implies is *rebuilt from scratch* for every match. After each step the
//! machine must agree with the model on what it returns (`add_rule`'s error, `delete_rule`'s
//! "was there", `delete_rules_named`'s count) and on `contains_rule` and `rule_names`; at every match
//! step (and at the end) also on `stats`, and on the event's answer (which must also be the reference interpreter's, for strictly valid
//! events). A `Clone` step carries on with a clone of the machine. At the end, deleting every live
//! pattern must leave an empty machine.
//!
//! Input forms, told apart by the first byte:
//!
//! * **Script** (first byte `+`): one step per line, `+<name> <pattern>`, `-<name> <pattern>`,
//!   `x<name>` (delete the name), `?<event>`, `c` (clone). The seeds are conformance cases in this
//!   form.
//! * **Structured** (anything else): a pool of generated patterns and events and a list of steps
//!   over them, drawn with `arbitrary`; deletions may spell the pattern differently.

use super::duplicates;
use super::json::{Json, Style};
use super::spec;
use arbitrary::{Arbitrary, Unstructured};
use ferruler::{Machine, Pattern};

/// Longest sequence run (each match step rebuilds the model's machine, so cost grows with the
/// square of the length).
pub const MAX_STEPS: usize = 64;

/// One step of a sequence.
#[derive(Debug, Clone)]
pub enum Step {
    /// `add_rule(name, pattern)`.
    Add(u8, Vec<u8>),
    /// `delete_rule(name, pattern)`.
    Delete(u8, Vec<u8>),
    /// `delete_rules_named(name)`.
    DeleteNamed(u8),
    /// Match an event.
    Match(Vec<u8>),
    /// Continue with a clone of the machine.
    Clone,
}

/// The target body.
pub fn run(data: &[u8]) {
    let steps = if data.first() == Some(&b'+') {
        script(data)
    } else {
        match structured(data) {
            Ok(steps) => steps,
            Err(_) => return,
        }
    };
    execute(&steps);
}

/// Reads the script form.
pub fn script(data: &[u8]) -> Vec<Step> {
    let mut steps = Vec::new();
    for line in data.split(|&b| b == b'\n').take(MAX_STEPS) {
        let Some((&op, rest)) = line.split_first() else {
            continue;
        };
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let name = rest[..digits]
            .iter()
            .fold(0u8, |n, d| n.wrapping_mul(10).wrapping_add(d - b'0'));
        let text = rest[digits..].strip_prefix(b" ").unwrap_or(&rest[digits..]);
        steps.push(match op {
            b'+' => Step::Add(name, text.to_vec()),
            b'-' => Step::Delete(name, text.to_vec()),
            b'x' => Step::DeleteNamed(name),
            b'?' => Step::Match(rest.to_vec()),
            b'c' => Step::Clone,
            _ => continue,
        });
    }
    steps
}

/// Writes steps in the script form (for seeds).
pub fn write_script(steps: &[Step]) -> Vec<u8> {
    let mut out = Vec::new();
    for step in steps {
        match step {
            Step::Add(n, t) => out.extend(format!("+{n} ").bytes().chain(t.iter().copied())),
            Step::Delete(n, t) => out.extend(format!("-{n} ").bytes().chain(t.iter().copied())),
            Step::DeleteNamed(n) => out.extend(format!("x{n}").bytes()),
            Step::Match(e) => out.extend(b"?".iter().chain(e).copied()),
            Step::Clone => out.push(b'c'),
        }
        out.push(b'\n');
    }
    out
}

#[derive(Debug, Arbitrary)]
enum OpSpec {
    Add {
        name: u8,
        pattern: u8,
    },
    Delete {
        name: u8,
        pattern: u8,
        respell: Style,
    },
    DeleteNamed {
        name: u8,
    },
    Match {
        event: u8,
    },
    Clone,
}

fn structured(data: &[u8]) -> arbitrary::Result<Vec<Step>> {
    let mut u = Unstructured::new(data);
    let style: Style = u.arbitrary()?;
    let mut pool: Vec<Json> = Vec::new();
    for _ in 0..u.int_in_range(1..=6)? {
        pool.push(spec::pattern(&mut u)?);
    }
    let mut events = Vec::new();
    for _ in 0..u.int_in_range(1..=4)? {
        events.push(spec::event(&mut u)?.write(style).into_bytes());
    }
    let mut steps = Vec::new();
    while !u.is_empty() && steps.len() < MAX_STEPS {
        let pick = |i: u8, len: usize| i as usize % len;
        steps.push(match u.arbitrary::<OpSpec>()? {
            OpSpec::Add { name, pattern } => Step::Add(
                name % 4,
                pool[pick(pattern, pool.len())].write(style).into_bytes(),
            ),
            OpSpec::Delete {
                name,
                pattern,
                respell,
            } => Step::Delete(
                name % 4,
                pool[pick(pattern, pool.len())].write(respell).into_bytes(),
            ),
            OpSpec::DeleteNamed { name } => Step::DeleteNamed(name % 4),
            OpSpec::Match { event } => Step::Match(events[pick(event, events.len())].clone()),
            OpSpec::Clone => Step::Clone,
        });
    }
    Ok(steps)
}

struct Live {
    name: u8,
    text: Vec<u8>,
    pattern: Pattern,
}

/// Runs the steps on a machine and on the model, checking after each one.
pub fn execute(steps: &[Step]) {
    let mut machine: Machine<u8> = Machine::new();
    let mut live: Vec<Live> = Vec::new();
    for step in steps {
        match step {
            Step::Add(name, text) => {
                let parsed = Pattern::parse(text);
                let added = machine.add_rule(*name, text);
                assert_eq!(added, parsed.as_ref().map(drop).map_err(Clone::clone));
                if let Ok(pattern) = parsed {
                    if !live.iter().any(|l| l.name == *name && l.pattern == pattern) {
                        live.push(Live {
                            name: *name,
                            text: text.clone(),
                            pattern,
                        });
                    }
                }
            }
            Step::Delete(name, text) => {
                let parsed = Pattern::parse(text);
                let deleted = machine.delete_rule(name, text);
                match parsed {
                    Err(e) => assert_eq!(deleted, Err(e)),
                    Ok(pattern) => {
                        let at = live
                            .iter()
                            .position(|l| l.name == *name && l.pattern == pattern);
                        assert_eq!(deleted, Ok(at.is_some()), "delete_rule's answer");
                        if let Some(i) = at {
                            live.remove(i);
                        }
                    }
                }
            }
            Step::DeleteNamed(name) => {
                let want = live.iter().filter(|l| l.name == *name).count();
                assert_eq!(machine.delete_rules_named(name), want);
                live.retain(|l| l.name != *name);
            }
            Step::Match(event) => {
                let fresh = rebuild(&live);
                assert_eq!(machine.stats(), fresh.stats(), "stats");
                check_event(&machine, &fresh, &live, event);
            }
            Step::Clone => machine = machine.clone(),
        }
        check_names(&machine, &live);
    }
    assert_eq!(machine.stats(), rebuild(&live).stats(), "stats at the end");
    for l in &live {
        assert!(machine.delete_rule(&l.name, &l.text).expect("valid"));
    }
    assert!(machine.is_empty());
    assert_eq!(machine.stats(), ferruler::Stats::default());
}

fn rebuild(live: &[Live]) -> Machine<u8> {
    let mut fresh = Machine::new();
    for l in live {
        fresh.add_rule(l.name, &l.text).expect("valid");
    }
    fresh
}

fn check_names(machine: &Machine<u8>, live: &[Live]) {
    let mut names: Vec<u8> = live.iter().map(|l| l.name).collect();
    names.sort_unstable();
    names.dedup();
    let mut got: Vec<u8> = machine.rule_names().copied().collect();
    got.sort_unstable();
    assert_eq!(got, names, "rule_names");
    assert_eq!(machine.len(), names.len());
    for n in 0..4 {
        assert_eq!(machine.contains_rule(&n), names.contains(&n));
    }
    assert_eq!(
        machine.stats(),
        rebuild(live).stats(),
        "stats after the step"
    );
}

fn check_event(machine: &Machine<u8>, fresh: &Machine<u8>, live: &[Live], event: &[u8]) {
    let sorted = |r: Result<Vec<u8>, _>| {
        r.map(|mut v| {
            v.sort_unstable();
            v
        })
    };
    let got = sorted(machine.matches_for_event(event));
    let want = sorted(fresh.matches_for_event(event));
    assert_eq!(
        got,
        want,
        "machine and rebuild differ on {}",
        String::from_utf8_lossy(event)
    );
    let patterns: Vec<&Pattern> = live.iter().map(|l| &l.pattern).collect();
    let Some(wanted) = duplicates::verdicts(&patterns, event) else {
        return;
    };
    let got = got.unwrap_or_else(|e| panic!("valid event rejected: {e}"));
    let mut expected: Vec<u8> = live
        .iter()
        .zip(wanted)
        .filter(|(_, want)| *want)
        .map(|(l, _)| l.name)
        .collect();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(
        got,
        expected,
        "reference differs on {}",
        String::from_utf8_lossy(event)
    );
}
