//! The project's own conformance cases for Lambda and Pipes filters (`tests/dialects/cases.jsonl`),
//! each taken from the user-guide page named in its `source`: the record envelopes, the operators
//! each service accepts, how several filters combine, and the limits.

use ferruler::dialect::{Dialect, FilterCriteria, Part, MAX_PATTERN_CHARS};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    source: String,
    dialect: String,
    filters: Vec<serde_json::Value>,
    record: serde_json::Value,
    expect: String,
    message: Option<String>,
}

fn run(case: &Case) -> Result<bool, String> {
    let dialect: Dialect = case.dialect.parse()?;
    let patterns: Vec<String> = case.filters.iter().map(|f| f.to_string()).collect();
    let criteria = FilterCriteria::new(dialect, &patterns).map_err(|e| e.to_string())?;
    criteria
        .passes(&case.record.to_string())
        .map_err(|e| e.to_string())
}

#[test]
fn dialect_cases_pass() {
    let text = include_str!("../dialects/cases.jsonl");
    let mut failures = Vec::new();
    let mut count = 0;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: Case =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        assert!(
            case.source.starts_with("https://docs.aws.amazon.com/"),
            "{}: source",
            case.name
        );
        count += 1;
        let outcome = run(&case);
        let ok = match (case.expect.as_str(), &outcome) {
            ("match", Ok(true)) | ("nomatch", Ok(false)) => true,
            ("error", Err(message)) => case.message.as_ref().is_none_or(|m| message.contains(m)),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "line {} {}: expected {}, got {outcome:?}",
                i + 1,
                case.name,
                case.expect
            ));
        }
    }
    assert!(count >= 30, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_point_into_the_pattern_or_the_record() {
    let sqs: Dialect = "sqs".parse().unwrap();
    let pattern = r#"{"body": {"a": [{"wildcard": "x*"}]}}"#;
    let e = sqs.check_pattern(pattern).unwrap_err();
    assert_eq!(&pattern[e.offset()..e.offset() + 10], "\"wildcard\"");
    assert_eq!(e.part(), Part::Pattern(0));
    let record = r#"{"eventSource": "aws:sqs", "body": 5}"#;
    let e = sqs.event(record).unwrap_err();
    assert_eq!(e.part(), Part::Record);
    assert_eq!(&record[e.offset()..], "5}");
    let record = r#"{"eventSource": "aws:sqs", "body": tru}"#;
    let e = sqs.event(record).unwrap_err();
    assert_eq!((e.part(), &record[e.offset()..]), (Part::Record, "tru}"));
    let e = sqs.event("[1]").unwrap_err();
    assert!(e.message().contains("a SQS record is a JSON object"), "{e}");
}

#[test]
fn patterns_are_at_most_4096_characters() {
    let kinesis: Dialect = "kinesis".parse().unwrap();
    let long = format!(
        r#"{{"data": {{"a": ["{}"]}}}}"#,
        "x".repeat(MAX_PATTERN_CHARS)
    );
    let e = kinesis.check_pattern(&long).unwrap_err();
    assert!(e.message().contains("at most 4096 characters"), "{e}");
}

#[test]
fn no_filters_pass_every_record() {
    let criteria = FilterCriteria::new("sqs".parse().unwrap(), Vec::<String>::new()).unwrap();
    assert!(criteria.passes(r#"{"body": "anything"}"#).unwrap());
}
