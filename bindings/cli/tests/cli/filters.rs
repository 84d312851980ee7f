use crate::{ferruler, stderr, stdout};
use predicates::str::contains;

#[test]
fn lambda_and_pipes_filter_cases_pass() {
    // SAM SQS event, CloudFormation event source mapping (Kinesis) and a pipe (SQS), with their
    // records decoded as the services decode them; and inline patterns with "for".
    ferruler()
        .args(["cases", "lambda-filters"])
        .assert()
        .code(0)
        .stdout(contains("11 passed, 0 failed, 0 errored\n"));
}

#[test]
fn for_sqs_matches_the_body_as_json() {
    let record =
        r#"{"messageId": "1", "body": "{\"status\": \"FAILED\"}", "eventSource": "aws:sqs"}"#;
    ferruler()
        .args(["test-event-pattern", "--for", "sqs"])
        .args([
            "--event-pattern",
            r#"{"body": {"status": ["FAILED"]}}"#,
            "--event",
            record,
        ])
        .assert()
        .code(0)
        .stdout("true\n");
    // As an EventBridge pattern the body is a string, and the same pattern does not match.
    ferruler()
        .args(["test-event-pattern"])
        .args([
            "--event-pattern",
            r#"{"body": {"status": ["FAILED"]}}"#,
            "--event",
            record,
        ])
        .assert()
        .code(1)
        .stdout("false\n");
}

#[test]
fn for_kinesis_decodes_base64_data() {
    // {"page": "/checkout"}
    let record = r#"{"kinesis": {"partitionKey": "1", "data": "eyJwYWdlIjogIi9jaGVja291dCJ9"}}"#;
    ferruler()
        .args(["explain", "--for", "kinesis"])
        .args([
            "--event-pattern",
            r#"{"data": {"page": ["/checkout"]}}"#,
            "--event",
            record,
        ])
        .assert()
        .code(0);
}

#[test]
fn lambda_rules_are_enforced_with_positions() {
    let out = ferruler()
        .args(["test-event-pattern", "--for", "sqs"])
        .args([
            "--event-pattern",
            r#"{"body": {"a": [{"wildcard": "x*"}]}}"#,
        ])
        .args(["--event", r#"{"body": "x"}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "<event-pattern>:1:18: error: invalid Lambda filter for SQS: Lambda event filtering does not support \"wildcard\"\n"
    );
}

#[test]
fn a_record_of_another_source_is_an_error() {
    let out = ferruler()
        .args(["test-event-pattern", "--for", "sqs"])
        .args(["--event-pattern", r#"{"body": ["x"]}"#])
        .args(["--event", r#"{"eventSource": "aws:kinesis", "body": "x"}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "<event>:1:17: error: invalid SQS record: this record's eventSource is \"aws:kinesis\""
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn filter_matches_records_against_their_mappings() {
    let out = ferruler()
        .args(["filter", "--rules", "lambda-filters/template.yaml"])
        .write_stdin(concat!(
            r#"{"body": "{\"status\": \"FAILED\"}", "eventSource": "aws:sqs"}"#,
            "\n",
            r#"{"body": "{\"actor\": \"admin-1\"}", "eventSource": "aws:sqs"}"#,
            "\n",
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "[\"FailedOrderHandlerFailedOrders\"]\n[\"AuditPipe\"]\n"
    );
}

#[test]
fn check_for_sqs_applies_lambda_rules_to_pattern_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("failed-orders.json");
    std::fs::write(
        &path,
        "{\"body\": {\"a\": [1], \"$or\": [{\"b\": [1]}, {\"c\": [2]}]}}\n",
    )
    .unwrap();
    ferruler().arg("check").arg(&path).assert().code(0);
    ferruler()
        .args(["check", "--for", "sqs"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("failed-orders.json:1:21: error: rule failed-orders: invalid Lambda filter for SQS: Lambda event filtering does not support \"$or\""));
}
