use crate::{ferruler, stderr, stdout};
use predicates::str::contains;

#[test]
fn valid_rules_pass() {
    ferruler()
        .args(["check", "rules-repo/rules"])
        .assert()
        .code(0)
        .stdout("4 valid, 0 invalid\n");
}

#[test]
fn every_error_is_reported_with_file_line_column_and_rule() {
    let out = ferruler()
        .args([
            "check",
            "invalid/bad-pattern.json",
            "invalid/two.json",
            "--template",
            "invalid/broken-template.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for expected in [
        "invalid/bad-pattern.json:4:43: error: rule bad-pattern: invalid event pattern: prefix/suffix match pattern must be a string",
        "invalid/two.json:2:40: error: rule two: invalid event pattern: Too many elements in numeric expression",
        // Inside YAML: the position of the offending scalar in the template.
        "invalid/broken-template.yaml:13:35: error: rule BadNumeric: invalid event pattern: Value of > must be numeric",
        // A SAM function event: the rule SAM generates is function ID + event ID.
        "invalid/broken-template.yaml:23:34: error: rule WorkerOnJob: invalid event pattern: prefix match pattern must be a string",
        // A pattern given as a JSON string inside the YAML.
        "invalid/broken-template.yaml:32:47: error: rule BadString: invalid event pattern: Consecutive wildcard characters at pos 2",
        "invalid/broken-template.yaml:28:29: warning: not checked: rule NeedsDeploy: !GetAtt Queue.Arn is known only after deployment; pass --param Queue.Arn=VALUE",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(stdout(&out), "1 valid, 5 invalid, 1 not checked\n");
}

#[test]
fn params_make_a_rule_checkable() {
    ferruler()
        .args([
            "check",
            "--template",
            "invalid/broken-template.yaml",
            "--param",
            "Queue.Arn=arn:aws:sqs:eu-west-1:1:q",
        ])
        .assert()
        .code(2)
        .stdout("2 valid, 3 invalid\n");
}

#[test]
fn a_pattern_on_stdin() {
    ferruler()
        .args(["check", "-"])
        .write_stdin("{\n  \"source\": [{\"suffix\": 1}]\n}")
        .assert()
        .code(2)
        .stderr(contains(
            "<stdin>:2:25: error: invalid event pattern: suffix match pattern must be a string",
        ));
}

#[test]
fn nothing_to_check_is_an_error() {
    ferruler()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("nothing to check"));
    let empty = tempfile::tempdir().unwrap();
    ferruler()
        .arg("check")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(contains("no event patterns found"));
}

#[test]
fn a_yaml_syntax_error_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, "Resources:\n  R:\n    Type: [unclosed\n").unwrap();
    let out = ferruler()
        .args(["check", "--template"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:4:1: error: invalid YAML", path.display())),
        "{err}"
    );
}

/// Issue 19: a rule nobody could check passes by default (with a warning) and fails with --strict.
#[test]
fn strict_makes_an_unchecked_rule_a_failure() {
    ferruler()
        .args(["check", "cdk-app/cdk.out"])
        .assert()
        .code(0)
        .stdout("1 valid, 0 invalid, 1 not checked\n")
        .stderr(contains(
            "8:7: warning: not checked: rule OrderPlacedRule5F7A3C1E",
        ));
    ferruler()
        .args(["check", "--strict", "cdk-app/cdk.out"])
        .assert()
        .code(2)
        .stdout("1 valid, 0 invalid, 1 not checked\n")
        .stderr(contains(
            "8:7: error: not checked: rule OrderPlacedRule5F7A3C1E",
        ));
    ferruler()
        .args(["check", "--strict", "cdk-app/cdk.out"])
        .args(["--param", "AWS::AccountId=123456789012"])
        .assert()
        .code(0)
        .stdout("2 valid, 0 invalid\n");
}

fn broken(format: &str) -> (Option<i32>, String) {
    let out = ferruler()
        .args([
            "check",
            "--format",
            format,
            "invalid/two.json",
            "--template",
        ])
        .arg("invalid/broken-template.yaml")
        .output()
        .unwrap();
    (out.status.code(), stdout(&out))
}

#[test]
fn json_report_lists_every_rule() {
    let (code, text) = broken("json");
    assert_eq!(code, Some(2));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (&doc["valid"], &doc["invalid"], &doc["not_checked"]),
        (&1.into(), &4.into(), &1.into())
    );
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let bad = results.iter().find(|r| r["rule"] == "BadNumeric").unwrap();
    assert_eq!(bad["status"], "invalid-pattern");
    assert_eq!(
        (&bad["file"], &bad["line"], &bad["column"]),
        (
            &"invalid/broken-template.yaml".into(),
            &13.into(),
            &35.into()
        )
    );
    assert_eq!(
        bad["message"],
        "rule BadNumeric: invalid event pattern: Value of > must be numeric"
    );
}

/// Issue 19: SARIF 2.1.0 whose physical locations are the template's line and column, so that
/// code-scanning UIs annotate the line.
#[test]
fn sarif_report_points_at_the_template_line() {
    let (code, text) = broken("sarif");
    assert_eq!(code, Some(2));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ferruler");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "every problem, no valid rule");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    let bad = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("BadNumeric")
        })
        .unwrap();
    assert_eq!(bad["level"], "error");
    let location = &bad["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "invalid/broken-template.yaml"
    );
    assert_eq!(location["region"]["startLine"], 13);
    assert_eq!(location["region"]["startColumn"], 35);
    let unchecked = results
        .iter()
        .find(|r| r["ruleId"] == "not-checked")
        .unwrap();
    assert_eq!(unchecked["level"], "warning");
}

#[test]
fn junit_report_has_a_case_per_rule_named_by_its_file() {
    let (code, text) = broken("junit");
    assert_eq!(code, Some(2));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("errors"),
            root.attribute("skipped")
        ),
        (Some("6"), Some("4"), Some("1"))
    );
    let good = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("GoodRule"))
        .unwrap();
    assert_eq!(
        good.attribute("classname"),
        Some("invalid/broken-template.yaml")
    );
    assert!(
        good.children().all(|c| !c.is_element()),
        "a valid rule passes"
    );
}
