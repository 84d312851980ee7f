use crate::{ferruler, stderr, stdout};
use predicates::str::contains;

#[test]
fn serverless_rules_are_named_as_the_framework_deploys_them() {
    // `<service>-<stage>-<fn>-rule-<n>`, n counting all of the function's events; `name` wins.
    let out = ferruler()
        .args(["filter", "--rules", "serverless-app/serverless.yml"])
        .write_stdin(concat!(
            r#"{"source": "com.shop.dev", "detail-type": "Order Placed", "detail": {"total": 150}}"#,
            "\n",
            r#"{"source": "com.shop.payments", "detail-type": "Refund Issued"}"#,
            "\n",
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "[\"shop-dev-orders-rule-2\"]\n[\"refund-issued\"]\n"
    );
}

#[test]
fn serverless_cases_pass() {
    ferruler()
        .args(["cases", "serverless-app"])
        .assert()
        .code(0)
        .stdout(contains("4 passed, 0 failed, 0 errored\n"));
}

#[test]
fn serverless_stage_changes_names_and_params() {
    // --param stage=prod: `${opt:stage}` is prod, so rule names and params.prod.minTotal follow.
    let out = ferruler()
        .args(["explain", "--rules", "serverless-app", "--rule", "shop-prod-orders-rule-2"])
        .args(["--param", "stage=prod", "--event"])
        .arg(r#"{"source": "com.shop.prod", "detail-type": "Order Placed", "detail": {"total": 150}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn serverless_environment_variables_are_read() {
    ferruler()
        .env("AUDIT_SOURCE", "com.shop.audit2")
        .args(["filter", "--rules", "serverless-app/serverless.yml"])
        .write_stdin("{\"source\": \"com.shop.audit2\"}\n")
        .assert()
        .code(0)
        .stdout("[\"refunds-dev-rule-2\"]\n");
}

fn service(yaml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serverless.yml");
    std::fs::write(&path, yaml).unwrap();
    (dir, path)
}

#[test]
fn serverless_unresolved_variables_are_reported_at_their_position() {
    let (_dir, path) = service(
        "service: s\nfunctions:\n  f:\n    events:\n      - eventBridge:\n          pattern:\n            source: [\"${opt:origin}\"]\n",
    );
    let out = ferruler().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("serverless.yml:7:22: warning: not checked: rule s-dev-f-rule-1: ${opt:origin} has no value: pass --param origin=VALUE"),
        "{}",
        stderr(&out)
    );
    ferruler()
        .arg("check")
        .arg(&path)
        .args(["--param", "origin=shop"])
        .assert()
        .code(0)
        .stdout("1 valid, 0 invalid\n");
}

#[test]
fn serverless_unknown_tags_and_keys_are_errors() {
    let (_dir, path) = service("service: s\ncustom:\n  x: !Reff Bus\n");
    ferruler()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains(
            "serverless.yml:3:12: error: unknown YAML tag !Reff; did you mean \"!Ref\"?",
        ));
    let (_dir, path) = service(
        "service: s\nfunctions:\n  f:\n    events:\n      - eventBridge:\n          pattern:\n            sources: [a]\n",
    );
    ferruler()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("serverless.yml:7:13: error: rule s-dev-f-rule-1: the Serverless Framework accepts no \"sources\" in an eventBridge pattern"));
}

#[test]
fn serverless_cloudformation_tags_are_accepted_but_not_evaluated() {
    let (_dir, path) = service(
        "service: s\nfunctions:\n  f:\n    events:\n      - eventBridge:\n          pattern:\n            source: [!Sub \"${AWS::AccountId}.orders\"]\n",
    );
    let out = ferruler().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("warning: not checked: rule s-dev-f-rule-1: !Sub is resolved by CloudFormation at deploy time"),
        "{}",
        stderr(&out)
    );
}
