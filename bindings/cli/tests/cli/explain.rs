use crate::{corpus, ferruler, stdout};
use predicates::str::contains;

#[test]
fn text_tree_shows_conditions_values_and_the_reason() {
    let out = ferruler()
        .args(["explain", "--event-pattern", r#"{"source": ["com.shop"], "detail": {"state": ["stopped", {"prefix": "term"}], "gone": [{"exists": false}]}}"#])
        .args(["--event", r#"{"source": "com.shop", "detail": {"state": "running", "gone": {"x": 1}}}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "no match\n\
         ✓ detail.gone {\"exists\": false}\n    an object here, not a value (objects never match)\n\
         ✗ detail.state [\"stopped\", {\"prefix\": \"term\"}]\n    detail.state = \"running\"  not accepted\n\
         ✓ source [\"com.shop\"]\n    source = \"com.shop\"  accepted by \"com.shop\"\n\
         → no accepted value at detail.state\n"
    );
}

#[test]
fn wildcard_complexity_is_shown_under_the_verdict() {
    let out = ferruler()
        .args([
            "explain",
            "--event-pattern",
            r#"{"key": [{"wildcard": "*/*/*/*/*.json"}]}"#,
        ])
        .args(["--event", r#"{"key": "a/b/c/d/e.json"}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "match\n\
         wildcard complexity 9 (EventBridge refuses a rule above 10)\n\
         ✓ key [{\"wildcard\": \"*/*/*/*/*.json\"}]\n    key = \"a/b/c/d/e.json\"  accepted by {\"wildcard\": \"*/*/*/*/*.json\"} (chosen)\n"
    );
}

#[test]
fn or_branches_are_listed() {
    ferruler()
        .args([
            "explain",
            "--event-pattern",
            r#"{"$or": [{"a": [1]}, {"b": [2]}]}"#,
            "--event",
            r#"{"b": 2}"#,
        ])
        .assert()
        .code(0)
        .stdout(contains("alternative 1 of 2: no match"))
        .stdout(contains("alternative 2 of 2: matches"))
        .stdout(contains("field missing"));
}

#[test]
fn json_output_keeps_number_spelling() {
    let out = ferruler()
        .args([
            "explain",
            "--json",
            "--event-pattern",
            r#"{"n": [35]}"#,
            "--event",
            r#"{"n": [3.5e1, 7]}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("\"value\": 3.5e1"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["matched"], true);
    let condition = &v["alternatives"][0]["conditions"][0];
    assert_eq!(condition["path"], "n");
    assert_eq!(condition["chosen"], 0);
    assert_eq!(condition["values"][0]["location"], "n[0]");
    assert_eq!(condition["values"][0]["accepted_by"][0], "35");
    assert_eq!(
        condition["values"][1]["accepted_by"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn array_conflict_in_json() {
    let out = ferruler()
        .args([
            "explain",
            "--json",
            "--event-pattern",
            r#"{"i": {"a": [1], "b": [2]}}"#,
        ])
        .args(["--event", r#"{"i": [{"a": 1}, {"b": 2}]}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let alternative = &v["alternatives"][0];
    assert_eq!(alternative["reason"], "array_conflict");
    assert_eq!(
        alternative["conflicts"][0],
        serde_json::json!({"first": "i.a", "second": "i.b", "array": "i"})
    );
}

/// The CLI's explain agrees with its test-event-pattern on every conformance case (exit status
/// 0/1/2 for match/no match/invalid).
#[test]
fn explain_agrees_with_test_event_pattern_on_the_corpus() {
    let text = std::fs::read_to_string(corpus()).expect("the conformance corpus");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        // The exact texts, as the corpus requires (numbers keep their spelling).
        let raw: std::collections::HashMap<String, Box<serde_json::value::RawValue>> =
            serde_json::from_str(line).unwrap();
        let pattern = match case["pattern_text"].as_str() {
            Some(t) => t.to_string(),
            None => raw["pattern"].get().to_string(),
        };
        let event = raw["event"].get().to_string();
        let run = |command: &str| {
            ferruler()
                .args([command, "--event-pattern", &pattern, "--event", &event])
                .output()
                .unwrap()
                .status
                .code()
        };
        let (verdict, explained) = (run("test-event-pattern"), run("explain"));
        assert_eq!(verdict, explained, "{}", case["name"]);
        let expected = match case["expect"].as_str().unwrap() {
            "match" => 0,
            "nomatch" => 1,
            _ => 2,
        };
        assert_eq!(verdict, Some(expected), "{}", case["name"]);
        checked += 1;
    }
    assert!(checked >= 399);
}

/// Issue 19: the usage line says the pattern comes from --event-pattern or --rules, not both.
#[test]
fn usage_names_either_pattern_source() {
    let out = ferruler()
        .args(["explain", "--event", "{}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = crate::stderr(&out);
    assert!(
        err.contains("Usage: ferruler explain --event <FILE|JSON> <--event-pattern <FILE|JSON>|--rules <RULES>>"),
        "{err}"
    );
    assert!(!err.contains("--rules <RULES> --event-pattern"), "{err}");
}

/// Issue 19: without --rule, the event is explained against every rule of --rules.
#[test]
fn every_rule_which_match_and_why_the_closest_do_not() {
    let event =
        r#"{"source": "com.shop.prod", "detail-type": "Order Placed", "detail": {"total": 5}}"#;
    let out = ferruler()
        .args([
            "explain",
            "--rules",
            "sam-app/template.yaml",
            "--event",
            event,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("matches 1 of 4 rules: OrderHandlerOnOrder\n"),
        "{text}"
    );
    assert!(
        text.contains("\nRefundHandlerOnRefund: no match (1 of 4 conditions hold)\n"),
        "{text}"
    );
    assert!(text.contains("  ✗ detail-type [{\"prefix\": \"Refund\"}]\n      detail-type = \"Order Placed\"  not accepted\n"), "{text}");

    let out = ferruler()
        .args(["explain", "--json", "--rules", "sam-app/template.yaml"])
        .args(["--event", r#"{"source": "elsewhere"}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["matched"], serde_json::json!([]));
    let closest = doc["closest"].as_array().unwrap();
    assert_eq!(closest.len(), 3);
    assert_eq!(closest[0]["explanation"]["matched"], false);
    assert_eq!(doc["others"].as_array().unwrap().len(), 1);
}
