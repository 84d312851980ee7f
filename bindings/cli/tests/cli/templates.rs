use crate::{ferruler, stderr, stdout};
use predicates::str::contains;

#[test]
fn sam_template_rules_are_named_as_deployed() {
    // Every rule of the SAM app, one event each: the names are the logical IDs of the deployed
    // AWS::Events::Rule resources (function ID + event ID for SAM events; schedules left out).
    let out = ferruler()
        .args(["filter", "--rules", "sam-app/template.yaml", "--output", "names"])
        .write_stdin(concat!(
            r#"{"source": "com.shop.prod", "detail-type": "Order Placed", "region": "eu-west-1", "detail": {"total": 5, "shipping": {"country": "FR", "express": true}}}"#,
            "\n",
            r#"{"source": "com.shop.prod", "detail-type": "Refund Issued", "detail": {"items": {"sku": "SKU-1", "quantity": 2}}}"#,
            "\n",
            r#"{"account": "1", "detail": {"actor": {"type": "Admin"}}}"#,
            "\n",
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[\"OrderHandlerOnOrder\", \"EuOrdersRule\"]\n[\"RefundHandlerOnRefund\"]\n[\"AuditRule\"]\n");
}

#[test]
fn sam_template_cases_pass() {
    ferruler()
        .args(["cases", "sam-app"])
        .assert()
        .code(0)
        .stdout(contains("8 passed, 0 failed, 0 errored\n"));
}

#[test]
fn parameters_override_defaults() {
    // With Stage=staging, !Sub "com.shop.${Stage}" no longer matches the prod events.
    ferruler()
        .args(["cases", "sam-app", "--param", "Stage=staging"])
        .assert()
        .code(1)
        .stderr(contains("FAIL order placed reaches the order handler"));
}

#[test]
fn cdk_assembly_needs_the_account_and_says_so() {
    let out = ferruler().args(["cases", "cdk-app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("cdk-app/cdk.out/OrdersStack.template.json:8:7: error: rule OrderPlacedRule5F7A3C1E: !Ref AWS::AccountId (a pseudo parameter) has no local value; pass --param AWS::AccountId=VALUE"),
        "{err}"
    );
}

#[test]
fn cdk_assembly_cases_pass_with_the_account() {
    ferruler()
        .args(["cases", "cdk-app", "--param", "AWS::AccountId=111122223333"])
        .assert()
        .code(0)
        .stdout(contains("4 passed, 0 failed, 0 errored\n"));
}

#[test]
fn cdk_assembly_directory_loads_only_templates() {
    // manifest.json and tree.json in cdk.out are not patterns.
    ferruler()
        .args([
            "check",
            "cdk-app/cdk.out",
            "--param",
            "AWS::AccountId=111122223333",
        ])
        .assert()
        .code(0)
        .stdout("2 valid, 0 invalid\n");
}

#[test]
fn explain_a_template_rule_by_name() {
    ferruler()
        .args(["explain", "--rules", "sam-app/template.yaml", "--rule", "RefundHandlerOnRefund"])
        .args(["--event", r#"{"source": "com.shop.prod", "detail-type": "Refund", "detail": {"items": [{"sku": "SKU-1", "quantity": 1}, {"sku": "X", "quantity": 3}]}}"#])
        .assert()
        .code(1)
        .stdout(contains("detail.items.quantity and detail.items.sku are accepted only in different elements of detail.items"));
}

#[test]
fn unknown_rule_names_the_known_ones() {
    ferruler()
        .args(["explain", "--rules", "sam-app/template.yaml", "--rule", "Nope", "--event", "{}"])
        .assert()
        .code(2)
        .stderr(contains("no rule named Nope; known rules: OrderHandlerOnOrder, RefundHandlerOnRefund, EuOrdersRule, AuditRule"));
}

#[test]
fn yaml_spellings_and_intrinsics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        r#"Parameters:
  Sources:
    Type: CommaDelimitedList
    Default: "a, b"
Resources:
  R:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: !Ref Sources
        detail:
          n: [0x10, +5, 3.5e1]
          flag: [True]
          none: [~]
          s: ['5']
          joined: [!Join ["-", [!Select [1, !Split [",", "x,y,z"]], "q"]]]
          lit: [!Sub "${!NotAVar}"]
"#,
    )
    .unwrap();
    let rules = path.display().to_string();
    let t = |event: &str, expected: &str| {
        ferruler()
            .args(["filter", "--rules", &rules])
            .write_stdin(event)
            .assert()
            .code(0)
            .stdout(expected.to_string());
    };
    let base = r#""flag": true, "none": null, "s": "5", "joined": "y-q", "lit": "${NotAVar}""#;
    t(
        &format!(r#"{{"source": "b", "detail": {{"n": 16, {base}}}}}"#),
        "[\"R\"]\n",
    );
    t(
        &format!(r#"{{"source": "a", "detail": {{"n": 35, {base}}}}}"#),
        "[\"R\"]\n",
    );
    t(
        &format!(r#"{{"source": "a", "detail": {{"n": 5, {base}}}}}"#),
        "[\"R\"]\n",
    );
    t(
        &format!(r#"{{"source": "c", "detail": {{"n": 5, {base}}}}}"#),
        "[]\n",
    );
    t(
        &format!(r#"{{"source": "a", "detail": {{"n": "16", {base}}}}}"#),
        "[]\n",
    );
}

#[test]
fn unresolvable_functions_are_refused_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern:\n        source: [!If [IsProd, a, b]]\n",
    )
    .unwrap();
    ferruler()
        .args(["filter", "--rules"])
        .arg(&path)
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(contains(
            ":6:22: error: rule R: !If cannot be evaluated without deploying the stack",
        ));
}

/// Issue 19: a rule whose pattern needs a --param is still a known rule, and a near miss is named.
#[test]
fn unknown_rule_lists_rules_that_need_params_and_suggests_one() {
    ferruler()
        .args(["explain", "--rules", "cdk-app/cdk.out", "--rule", "OrderPlacedRule5F7A3C1", "--event", "{}"])
        .assert()
        .code(2)
        .stderr(contains(
            "no rule named OrderPlacedRule5F7A3C1; known rules: ShipmentRuleB2C9D0E1, OrderPlacedRule5F7A3C1E; did you mean \"OrderPlacedRule5F7A3C1E\"?",
        ));
}

/// Issue 19: a `!Sub` is reported as the `!Sub` it is.
#[test]
fn a_sub_without_a_value_is_reported_as_the_sub() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "Resources:\n  Uploads:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern:\n        source: [!Sub \"uploads-${AWS::AccountId}\"]\n",
    )
    .unwrap();
    let out = ferruler().arg("check").arg(&path).output().unwrap();
    let err = crate::stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:6:23: warning: not checked: rule Uploads: !Sub \"uploads-${{AWS::AccountId}}\": ${{AWS::AccountId}} (a pseudo parameter) has no local value; pass --param AWS::AccountId=VALUE",
            path.display()
        )),
        "{err}"
    );
    assert!(!err.contains("!Ref"), "{err}");
}

/// Issue 19: a misspelt property of a rule in a template is an error, not a rule left out.
#[test]
fn unknown_rule_properties_are_errors_that_suggest_the_known_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    let check = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let out = ferruler().arg("check").arg(&path).output().unwrap();
        (out.status.code(), crate::stderr(&out))
    };
    let (code, err) = check("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPatern:\n        source: [a]\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("{}:5:7: error: rule R: unknown property \"EventPatern\"; did you mean \"EventPattern\"?", path.display())),
        "{err}"
    );
    let (code, err) = check("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        OnX:\n          Type: EventBridgeRule\n          Properties:\n            Patern: {source: [a]}\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!(
            "{}:9:13: error: rule FOnX: unknown property \"Patern\"; did you mean \"Pattern\"?",
            path.display()
        )),
        "{err}"
    );
    // A schedule rule has no pattern, and is no error.
    let (code, err) = check("Resources:\n  S:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [a]}\n");
    assert_eq!(code, Some(0), "{err}");
}
