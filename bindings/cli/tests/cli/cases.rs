use crate::{corpus, ferruler, fixtures, stderr, stdout};
use predicates::str::contains;

/// Issue 2's acceptance test: every conformance case, through `ferruler cases`.
#[test]
fn conformance_corpus_passes() {
    let out = ferruler().arg("cases").arg(corpus()).output().unwrap();
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        text.lines().last().unwrap_or_default(),
        stderr(&out)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() >= 400,
        "one line per case and a summary, got {}",
        lines.len()
    );
    assert!(lines
        .last()
        .unwrap()
        .ends_with(" passed, 0 failed, 0 errored"));
    let passed: usize = lines
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(passed, lines.len() - 1);
    // Every case line is {"name", "result", "message"} with a known result.
    let mut results = std::collections::HashMap::new();
    for line in &lines[..lines.len() - 1] {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let result = v["result"].as_str().unwrap().to_string();
        assert!(
            v["name"].is_string() && v.get("message").is_some(),
            "{line}"
        );
        assert_eq!(v["message"].is_string(), result == "error", "{line}");
        *results.entry(result).or_insert(0) += 1;
    }
    assert!(
        results["match"] > 100 && results["nomatch"] > 100 && results["error"] > 50,
        "{results:?}"
    );
}

#[test]
fn fixture_repo_with_rules_beside_cases() {
    let out = ferruler().args(["cases", "rules-repo"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).ends_with("13 passed, 0 failed, 0 errored\n"));
}

#[test]
fn text_format_is_readable() {
    ferruler()
        .args([
            "cases",
            "--format",
            "text",
            "rules-repo/rules/big-orders.cases.jsonl",
        ])
        .assert()
        .code(0)
        .stdout(contains("ok   1e3 is 1000\n"))
        .stdout(contains("5 passed, 0 failed, 0 errored\n"));
}

#[test]
fn failures_exit_1_and_are_explained() {
    let out = ferruler()
        .args(["cases", "failing/mixed.cases.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with("1 passed, 3 failed, 0 errored\n"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("FAIL values from different items (failing/mixed.cases.jsonl:2): expected match, got nomatch"), "{err}");
    assert!(err.contains("array consistency: items.qty and items.sku are accepted only in different elements of items"), "{err}");
    assert!(
        err.contains("detail.state = \"running\"  not accepted"),
        "{err}"
    );
    assert!(
        err.contains(
            "FAIL expected an error (failing/mixed.cases.jsonl:4): expected error, got match"
        ),
        "{err}"
    );
    assert!(
        !err.contains("no expectation"),
        "a case without expect cannot fail: {err}"
    );
}

#[test]
fn invalid_cases_exit_2_with_positions() {
    let out = ferruler()
        .args(["cases", "failing/invalid.cases.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for expected in [
        "failing/invalid.cases.jsonl:2:1: error: case unknown rule: no rule named NoSuchRule",
        "failing/invalid.cases.jsonl:3:",
        "not a valid case",
        "failing/invalid.cases.jsonl:4:1: error: case no event: no event",
        "failing/invalid.cases.jsonl:5:1: error: case bad expect: expect must be",
        "4 case(s) could not run",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // The valid case still ran.
    assert!(stdout(&out).contains("\"name\":\"fine\""));
}

#[test]
fn error_cases_point_into_the_case_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.cases.jsonl");
    std::fs::write(
        &path,
        "{\"name\": \"n\", \"pattern\": {\"a\": [{\"prefix\": 1}]}, \"event\": {\"a\": 1}, \"expect\": \"error\"}\n\
         {\"name\": \"t\", \"pattern_text\": \"{\\\"a\\\": [{\\\"suffix\\\": 2}]}\", \"event\": {}, \"expect\": \"error\"}\n",
    )
    .unwrap();
    let out = ferruler().arg("cases").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["result"], "error");
    let message = first["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "{}:1:44: error: invalid event pattern: prefix match pattern must be a string",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn junit_file_has_the_expected_structure() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    ferruler()
        .args([
            "cases",
            "failing/mixed.cases.jsonl",
            "rules-repo",
            "--junit",
        ])
        .arg(&junit)
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attr = |n: roxmltree::Node, a: &str| {
        n.attribute(a)
            .unwrap_or_else(|| panic!("no {a}"))
            .to_string()
    };
    assert_eq!(
        (
            attr(root, "tests"),
            attr(root, "failures"),
            attr(root, "errors"),
            attr(root, "skipped")
        ),
        ("18".into(), "3".into(), "0".into(), "1".into())
    );
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(suites.iter().all(|s| s.tag_name().name() == "testsuite"));
    let names: Vec<String> = suites.iter().map(|s| attr(*s, "name")).collect();
    assert_eq!(
        names,
        [
            "failing/mixed.cases.jsonl",
            "rules-repo/repo.cases.jsonl",
            "rules-repo/rules/big-orders.cases.jsonl",
            "rules-repo/rules/shipping.cases.jsonl"
        ]
    );
    let mixed = suites[0];
    assert_eq!(
        (
            attr(mixed, "tests"),
            attr(mixed, "failures"),
            attr(mixed, "skipped")
        ),
        ("5".into(), "3".into(), "1".into())
    );
    let cases: Vec<_> = mixed.children().filter(|n| n.is_element()).collect();
    assert_eq!(cases.len(), 5);
    for (i, case) in cases.iter().enumerate() {
        assert_eq!(case.tag_name().name(), "testcase");
        assert_eq!(attr(*case, "line"), (i + 1).to_string());
        assert_eq!(attr(*case, "file"), "failing/mixed.cases.jsonl");
        // An inline pattern is defined in the case file itself.
        assert_eq!(attr(*case, "classname"), "failing/mixed.cases.jsonl");
        assert!(attr(*case, "time").parse::<f64>().is_ok());
    }
    let child = |n: roxmltree::Node| {
        n.children()
            .find(|c| c.is_element())
            .map(|c| c.tag_name().name().to_string())
    };
    assert_eq!(child(cases[0]), None);
    assert_eq!(child(cases[1]).as_deref(), Some("failure"));
    assert_eq!(child(cases[4]).as_deref(), Some("skipped"));
    let failure = cases[1].children().find(|c| c.is_element()).unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected match, got nomatch")
    );
    assert!(
        failure.text().unwrap().contains("array consistency"),
        "the failure carries its explanation"
    );
}

#[test]
fn junit_records_cases_that_cannot_run_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    ferruler()
        .args(["cases", "failing/invalid.cases.jsonl", "--junit"])
        .arg(&junit)
        .assert()
        .code(2);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("errors"), Some("4"));
    let errors = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    assert_eq!(errors, 4);
}

#[test]
fn missing_paths_and_empty_directories_are_errors() {
    ferruler()
        .args(["cases", "no-such-dir"])
        .assert()
        .code(2)
        .stderr(contains("no-such-dir: error: no such file"));
    let empty = tempfile::tempdir().unwrap();
    ferruler()
        .arg("cases")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(contains("no *.cases.jsonl files found"));
    let blank = empty.path().join("blank.cases.jsonl");
    std::fs::write(&blank, "\n").unwrap();
    ferruler()
        .arg("cases")
        .arg(&blank)
        .assert()
        .code(2)
        .stderr(contains("hold no cases"));
    assert!(fixtures().join("rules-repo").is_dir());
}

/// Issue 19: a misspelt key must not turn a case into one that asserts nothing.
#[test]
fn unknown_keys_are_errors_that_suggest_the_known_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.cases.jsonl");
    std::fs::write(
        &path,
        "{\"name\": \"a\", \"pattern\": {\"source\": [\"a\"]}, \"event\": {\"source\": \"a\"}, \"expected\": \"nomatch\"}\n\
         {\"name\": \"b\", \"pattern\": {\"source\": [\"a\"]}, \"Expect\": \"nomatch\", \"event\": {\"source\": \"a\"}}\n\
         {\"name\": \"c\", \"pattern\": {\"source\": [\"a\"]}, \"event\": {\"expected\": 1}, \"expect\": \"nomatch\", \"why\": \"a note\"}\n",
    )
    .unwrap();
    let out = ferruler().arg("cases").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let file = path.display();
    for expected in [
        format!("{file}:1:71: error: case a: unknown key \"expected\"; did you mean \"expect\"?"),
        format!("{file}:2:45: error: case b: unknown key \"Expect\"; did you mean \"expect\"?"),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    // A key inside the event is the event's business and `why` is a note: case c runs.
    assert!(
        stdout(&out).ends_with("1 passed, 0 failed, 2 errored\n"),
        "{}",
        stdout(&out)
    );
}

/// Issue 19: a case that cannot run is in the output, in both formats, and in the summary.
#[test]
fn errored_cases_are_listed_and_counted() {
    let out = ferruler()
        .args(["cases", "failing/invalid.cases.jsonl"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "five cases and the summary: {text}");
    assert_eq!(lines[5], "1 passed, 0 failed, 4 errored");
    let errored: Vec<serde_json::Value> = lines[1..5]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(errored.iter().all(|v| v["result"] == "errored"), "{text}");
    assert_eq!(errored[0]["name"], "unknown rule");
    assert!(errored[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("failing/invalid.cases.jsonl:2:1: error: case unknown rule"));

    let out = ferruler()
        .args(["cases", "--format", "text", "failing/invalid.cases.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("ERR  unknown rule\n    failing/invalid.cases.jsonl:2:1: error:"),
        "{text}"
    );
    assert_eq!(text.matches("ERR  ").count(), 4, "{text}");
    assert!(text.ends_with("1 passed, 0 failed, 4 errored\n"), "{text}");
}

/// Issue 19: text mode prints each failure once, with its explanation under it.
#[test]
fn text_mode_prints_each_failure_once() {
    let out = ferruler()
        .args(["cases", "--format", "text", "failing/mixed.cases.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.matches("FAIL").count(), 3, "{text}");
    assert!(text.contains("FAIL wrong state (failing/mixed.cases.jsonl:3): expected match, got nomatch\n    no match\n"), "{text}");
    assert!(
        stderr(&out).is_empty() || !stderr(&out).contains("FAIL"),
        "{}",
        stderr(&out)
    );
}

/// Issue 19: JUnit's classname is the path of the rule file a case tests.
#[test]
fn junit_classname_is_the_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    ferruler()
        .current_dir(fixtures().join("sam-app"))
        .args(["cases", ".", "--junit"])
        .arg(&junit)
        .assert()
        .code(0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let classnames: std::collections::BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("classname").unwrap())
        .collect();
    assert_eq!(
        classnames.into_iter().collect::<Vec<_>>(),
        ["./template.yaml"]
    );
}
