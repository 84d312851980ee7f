use crate::ferruler;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn match_prints_true_and_exits_0() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            r#"{"source": ["com.shop"]}"#,
        ])
        .args(["--event", r#"{"source": "com.shop", "id": "1"}"#])
        .assert()
        .code(0)
        .stdout("true\n");
}

#[test]
fn no_match_prints_false_and_exits_1() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            r#"{"source": ["com.shop"]}"#,
        ])
        .args(["--event", r#"{"source": "com.other"}"#])
        .assert()
        .code(1)
        .stdout("false\n");
}

#[test]
fn files_and_file_urls_are_read() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            "rules-repo/rules/big-orders.json",
        ])
        .args(["--event", "file://rules-repo/rules/events/big-order.json"])
        .assert()
        .code(0)
        .stdout("true\n");
}

#[test]
fn event_on_stdin() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            r#"{"a": [1]}"#,
            "--event",
            "-",
        ])
        .write_stdin(r#"{"a": 1.0}"#)
        .assert()
        .code(0)
        .stdout("true\n");
}

#[test]
fn invalid_pattern_is_located_and_exits_2() {
    ferruler()
        .args(["test-event-pattern", "--event-pattern", "invalid/bad-pattern.json", "--event", "{}"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("invalid/bad-pattern.json:4:43: error: invalid event pattern: prefix/suffix match pattern must be a string"));
}

#[test]
fn invalid_event_is_located_and_exits_2() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            r#"{"a": [1]}"#,
            "--event",
            r#"{"a": [1,]}"#,
        ])
        .assert()
        .code(2)
        .stderr(contains("<event>:1:10: error: invalid event:"));
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    ferruler()
        .args([
            "test-event-pattern",
            "--event-pattern",
            "no/such/file.json",
            "--event",
            "{}",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "no/such/file.json: error: cannot read the event-pattern",
        ))
        .stderr(contains("panicked").not());
}

/// Issue 19: any inline JSON is read as JSON, not as a file name, and a non-object event is
/// rejected as such.
#[test]
fn inline_json_of_any_kind_is_recognised() {
    for event in ["[1]", " [1, 2]", "\"x\"", "1", "null"] {
        let out = ferruler()
            .args(["test-event-pattern", "--event-pattern", r#"{"a": [1]}"#])
            .args(["--event", event])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{event}");
        let err = crate::stderr(&out);
        assert!(
            err.contains("<event>:1:")
                && err.contains("error: invalid event: an event must be a JSON object"),
            "{event}: {err}"
        );
    }
}

const FULL: &str = r#"{"version": "0", "id": "1", "detail-type": "Order Placed", "source": "com.shop", "account": "123456789012", "time": "2024-01-01T00:00:00Z", "region": "eu-west-1", "resources": [], "detail": {}}"#;

/// Issue 19: `--envelope aws` refuses what `aws events test-event-pattern` refuses; the default
/// matches as a rule does, on the fields the pattern reads.
#[test]
fn envelope_aws_requires_the_services_fields() {
    let run = |envelope: &str, event: &str| {
        ferruler()
            .args([
                "test-event-pattern",
                "--event-pattern",
                r#"{"source": ["com.shop"]}"#,
            ])
            .args(["--envelope", envelope, "--event", event])
            .output()
            .unwrap()
    };
    let partial = r#"{"source": "com.shop"}"#;
    assert_eq!(run("none", partial).status.code(), Some(0));
    assert_eq!(run("aws", FULL).status.code(), Some(0));
    for field in [
        "id",
        "account",
        "source",
        "time",
        "region",
        "resources",
        "detail-type",
    ] {
        let mut event: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(FULL).unwrap();
        event.remove(field);
        let out = run("aws", &serde_json::to_string(&event).unwrap());
        assert_eq!(out.status.code(), Some(2), "{field}");
        let err = crate::stderr(&out);
        assert!(
            err.contains(&format!(
                "<event>:1:1: error: Parameter Event is not valid. (--envelope aws: the event has no {field:?}"
            )),
            "{err}"
        );
        assert!(crate::stdout(&out).is_empty());
    }
    let out = run(
        "aws",
        &FULL.replace(r#""resources": []"#, r#""resources": "arn""#),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::stderr(&out).contains("\"resources\" must be an array of strings"));
    let out = run(
        "aws",
        &FULL.replace(r#""account": "123456789012""#, r#""account": 1"#),
    );
    assert!(crate::stderr(&out).contains("\"account\" must be a string"));
}
