use crate::{ferruler, stderr, stdout};
use predicates::str::contains;

#[test]
fn terraform_rules_are_named_by_address() {
    // Root resources and a local module's, with jsonencode, a heredoc, file() and a string.
    let out = ferruler()
        .args([
            "filter",
            "--rules",
            "terraform/main.tf",
            "--param",
            "min_total=1",
        ])
        .write_stdin(concat!(
            r#"{"source": "shop.dev", "detail-type": "Order Placed", "detail": {"total": 5}}"#,
            "\n",
            r#"{"source": "billing", "detail": {"bus": "billing-dev"}}"#,
            "\n",
        ))
        .output()
        .unwrap();
    // One rule uses another resource's attribute: filter needs every rule, and says which.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("terraform/main.tf:43:45: error: rule aws_cloudwatch_event_rule.alerts: aws_sns_topic.alerts.arn is known only to Terraform"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn terraform_cases_pass_with_tfvars_and_defaults() {
    ferruler()
        .args(["cases", "terraform", "--format", "text"])
        .assert()
        .code(0)
        .stdout(contains("5 passed, 0 failed, 0 errored\n"));
}

#[test]
fn terraform_params_override_tfvars() {
    // min_total = 100 in terraform.tfvars; --param sets it to 200, so a 150 order no longer matches.
    ferruler()
        .args(["cases", "terraform", "--param", "min_total=200"])
        .assert()
        .code(1)
        .stderr(contains("FAIL a big order"));
}

#[test]
fn terraform_check_reports_what_it_cannot_evaluate() {
    let out = ferruler()
        .args(["check", "terraform", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], 5);
    assert_eq!(report["not_checked"], 1);
    let names: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["rule"].as_str())
        .collect();
    assert!(
        names.contains(&"module.billing.aws_cloudwatch_event_rule.refunds"),
        "{names:?}"
    );
}

#[test]
fn terraform_explain_names_a_rule_by_address() {
    ferruler()
        .args([
            "explain",
            "--rules",
            "terraform",
            "--rule",
            "aws_cloudwatch_event_rule.shipping",
            "--event",
            r#"{"source": "shipping", "detail-type": "Shipment Sent"}"#,
        ])
        .assert()
        .code(0)
        .stdout(contains("match"));
}

#[test]
fn terraform_pattern_errors_point_into_the_tf_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudwatch_event_rule\" \"bad\" {\n  event_pattern = jsonencode({\n    source = [{ prefix = 5 }]\n  })\n}\n",
    )
    .unwrap();
    let out = ferruler().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("main.tf:3:26: error: rule aws_cloudwatch_event_rule.bad: invalid event pattern: prefix match pattern must be a string"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_hcl_is_reported_at_its_position() {
    ferruler()
        .args(["check", "invalid-terraform"])
        .assert()
        .code(2)
        .stderr(contains(
            "invalid-terraform/main.tf:4:3: error: invalid HCL:",
        ));
}

#[test]
fn terraform_show_json_rules_are_read_as_planned() {
    let out = ferruler()
        .args(["check", "terraform-show/plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "4 valid, 0 invalid, 1 not checked\n");
    assert!(stderr(&out).contains(
        "rule aws_cloudwatch_event_rule.alerts: event_pattern is known only after apply"
    ));
    ferruler()
        .args(["cases", "terraform-show"])
        .assert()
        .code(0)
        .stdout(contains("4 passed, 0 failed, 0 errored\n"));
}

#[test]
fn terraform_event_source_mappings_and_pipes_are_filters() {
    ferruler()
        .args(["cases", "terraform-filters"])
        .assert()
        .code(0)
        .stdout(contains("6 passed, 0 failed, 0 errored\n"));
}

#[test]
fn terraform_filter_errors_point_into_the_tf_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_lambda_event_source_mapping\" \"m\" {\n  event_source_arn = aws_sqs_queue.q.arn\n  filter_criteria {\n    filter {\n      pattern = jsonencode({ body = { a = [{ wildcard = \"x*\" }] } })\n    }\n  }\n}\n",
    )
    .unwrap();
    let out = ferruler().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("main.tf:5:46: error: rule aws_lambda_event_source_mapping.m: invalid Lambda filter for SQS: Lambda event filtering does not support \"wildcard\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn terraform_unknown_variables_are_reported_at_their_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudwatch_event_rule\" \"r\" {\n  event_pattern = jsonencode({ source = [var.nope] })\n}\n",
    )
    .unwrap();
    let out = ferruler()
        .args(["check", "--strict"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("main.tf:2:42: error: not checked: rule aws_cloudwatch_event_rule.r: no variable \"nope\" is declared in this module"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn terraform_heredoc_errors_point_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudwatch_event_rule\" \"r\" {\n  event_pattern = <<-EOT\n    {\n      \"detail\": {\"n\": [{\"numeric\": [\">\", \"a\"]}]}\n    }\n  EOT\n}\n",
    )
    .unwrap();
    let out = ferruler().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "main.tf:4:42: error: rule aws_cloudwatch_event_rule.r: invalid event pattern:"
        ),
        "{}",
        stderr(&out)
    );
}
