use crate::{ferruler, fixtures, stderr, stdout};
use ferruler::Machine;
use predicates::str::contains;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// A few thousand varied events, deterministic (a small linear congruential generator).
pub fn events(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let pick = |i: u64, from: &[&str]| from[i as usize % from.len()].to_string();
    (0..count)
        .map(|_| {
            let source = pick(next(3), &["com.shop", "com.shop.prod", "com.other"]);
            let kind = pick(next(3), &["Order Placed", "Shipment Created", "Refund Requested"]);
            let total = [5.0, 999.99, 1000.0, 1e3, 2500.0][next(5) as usize];
            let currency = pick(next(3), &["EUR", "USD", "GBP"]);
            let service = pick(next(3), &["express-24h", "standard", "express"]);
            let country = pick(next(4), &["FR", "DE", "US", "CA"]);
            let items: Vec<String> = (0..next(4))
                .map(|_| format!(r#"{{"fragile": {}, "weight": {}, "sku": "SKU-{}", "quantity": {}}}"#, next(2) == 1, next(20), next(9), next(4)))
                .collect();
            format!(
                r#"{{"source": "{source}", "detail-type": "{kind}", "region": "eu-west-1", "detail": {{"total": {total}, "currency": "{currency}", "service": "{service}", "destination": {{"country": "{country}"}}, "shipping": {{"country": "{country}", "express": {}}}, "items": [{}]}}}}"#,
                next(2) == 1,
                items.join(", ")
            )
        })
        .collect()
}

/// The rules of `rules-repo/rules`, read directly: the pattern file and the rules map.
fn repo_rules() -> Vec<(String, String)> {
    let dir = fixtures().join("rules-repo/rules");
    let mut rules = vec![(
        "big-orders".to_string(),
        std::fs::read_to_string(dir.join("big-orders.json")).unwrap(),
    )];
    let map_text = std::fs::read_to_string(dir.join("shipping.rules.json")).unwrap();
    let map: Vec<(String, Box<RawValue>)> =
        serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(&map_text)
            .unwrap()
            .into_iter()
            .collect();
    for (name, raw) in map {
        let text =
            serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_string());
        rules.push((name, text));
    }
    rules
}

#[test]
fn names_agree_with_the_machine_api_on_thousands_of_events() {
    let events = events(4000);
    let rules = repo_rules();
    let mut machine = Machine::new();
    for (name, text) in &rules {
        machine.add_rule(name.clone(), text).unwrap();
    }
    let out = ferruler()
        .args(["filter", "--rules", "rules-repo/rules"])
        .write_stdin(events.join("\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), events.len());
    let mut matched = 0;
    for (event, line) in events.iter().zip(&lines) {
        let mut got: Vec<String> = serde_json::from_str(line).unwrap();
        let mut want = machine.matches_for_event(event).unwrap();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{event}");
        matched += usize::from(!want.is_empty());
    }
    assert!(
        matched > 500 && matched < events.len(),
        "a useful mix: {matched} of {} events match",
        events.len()
    );
}

#[test]
fn events_and_both_outputs_select_the_matching_events() {
    let events = events(1000);
    let mut machine = Machine::new();
    for (name, text) in repo_rules() {
        machine.add_rule(name, text).unwrap();
    }
    let want: Vec<&String> = events
        .iter()
        .filter(|e| !machine.matches_for_event(e).unwrap().is_empty())
        .collect();
    let input = events.join("\n") + "\n";
    let out = ferruler()
        .args([
            "filter",
            "--rules",
            "rules-repo/rules",
            "--output",
            "events",
        ])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    let got: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(got.iter().collect::<Vec<_>>(), want);
    let out = ferruler()
        .args(["filter", "--rules", "rules-repo/rules", "--output", "both"])
        .write_stdin(input)
        .output()
        .unwrap();
    let both: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(both.len(), want.len());
    for (record, event) in both.iter().zip(&want) {
        assert_eq!(
            record["event"],
            serde_json::from_str::<serde_json::Value>(event).unwrap()
        );
        assert!(!record["rules"].as_array().unwrap().is_empty());
    }
}

#[test]
fn rules_map_file_and_event_files() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    std::fs::write(&events, "{\"detail-type\": \"Shipment Created\", \"detail\": {\"service\": \"express-1\"}}\n\n{\"x\": 1}\n").unwrap();
    ferruler()
        .args(["filter", "--rules", "rules-repo/rules/shipping.rules.json"])
        .arg(&events)
        .assert()
        .code(0)
        .stdout("[\"ExpressShipping\"]\n\n[]\n");
}

#[test]
fn invalid_events_are_reported_and_the_stream_goes_on() {
    ferruler()
        .args(["filter", "--rules", "rules-repo/rules"])
        .write_stdin("{\"source\": \"com.shop\",}\n{\"detail\": {\"items\": [{\"fragile\": true, \"weight\": 50}]}}\n")
        .assert()
        .code(2)
        .stdout("null\n[\"FragileItems\"]\n")
        .stderr(contains("<stdin>:1:23: error: invalid event:"));
}

/// Issue 19: output line n belongs to input line n, across blank and invalid lines, and the exit
/// status says whether any line was invalid.
#[test]
fn every_input_line_gives_one_output_line() {
    let mut input = String::new();
    let mut invalid_lines = Vec::new();
    for (i, event) in events(300).iter().enumerate() {
        match i % 7 {
            3 => input.push('\n'),
            5 => {
                input.push_str("{\"source\": oops}\n");
                invalid_lines.push(input.lines().count());
            }
            _ => {}
        }
        input.push_str(event);
        input.push('\n');
    }
    let out = ferruler()
        .args(["filter", "--rules", "rules-repo/rules"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let (inputs, outputs): (Vec<&str>, Vec<&str>) =
        (input.lines().collect(), text.lines().collect());
    assert_eq!(outputs.len(), inputs.len());
    for (n, (line, result)) in inputs.iter().zip(&outputs).enumerate() {
        let expected = match (line.is_empty(), invalid_lines.contains(&(n + 1))) {
            (true, _) => "",
            (_, true) => "null",
            _ => continue,
        };
        assert_eq!(*result, expected, "line {}", n + 1);
    }
    assert!(outputs.iter().filter(|r| r.starts_with('[')).count() == 300);
    ferruler()
        .args(["filter", "--rules", "rules-repo/rules"])
        .write_stdin(events(50).join("\n") + "\n")
        .assert()
        .code(0);
}

#[test]
fn on_error_skip_and_fail() {
    let input = "{\"detail\": {\"items\": [{\"fragile\": true, \"weight\": 50}]}}\n{bad\n{}\n";
    ferruler()
        .args([
            "filter",
            "--rules",
            "rules-repo/rules",
            "--on-error",
            "skip",
        ])
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout("[\"FragileItems\"]\n[]\n")
        .stderr(contains("<stdin>:2:2: error: invalid event:"));
    ferruler()
        .args([
            "filter",
            "--rules",
            "rules-repo/rules",
            "--on-error",
            "fail",
        ])
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout("[\"FragileItems\"]\n");
}

#[test]
fn invalid_rules_stop_before_reading() {
    ferruler()
        .args([
            "filter",
            "--rules",
            "invalid/broken-template.yaml",
            "--param",
            "Queue.Arn=q",
        ])
        .write_stdin("{}\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(
            "invalid/broken-template.yaml:13:35: error: rule BadNumeric",
        ));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("ferruler"))
        .current_dir(fixtures())
        .args(["filter", "--rules", "rules-repo/rules"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let events = events(2000).join("\n") + "\n";
        for _ in 0..50 {
            if stdin.write_all(events.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('['));
    // stdout is closed here; the next write fails with a broken pipe.
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
