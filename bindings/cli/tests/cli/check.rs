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
