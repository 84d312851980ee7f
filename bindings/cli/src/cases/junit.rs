//! JUnit XML, the format CI dashboards (GitHub, GitLab, Jenkins, CircleCI) read test results in.
//!
//! One `<testsuite>` per case file and one `<testcase>` per case, with the case file and line as
//! attributes. A failed expectation is a `<failure>` carrying the explanation, a case that cannot
//! run (an invalid line, an unknown rule) an `<error>`, and a case without an expectation is
//! `<skipped>`: it ran, but asserted nothing.

use super::run::Outcome;
use super::Case;
use std::fmt::Write;

/// The results of one case file.
pub struct Suite<'a> {
    pub file: &'a str,
    pub cases: Vec<(&'a Case, Option<&'a Outcome>)>,
}

/// The JUnit XML document for `suites`.
pub fn document(suites: &[Suite]) -> String {
    let mut totals = Counts::default();
    let mut body = String::new();
    for suite in suites {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for (case, outcome) in &suite.cases {
            counts.add(*outcome);
            testcase(&mut cases, suite.file, case, *outcome);
        }
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.6}\">",
            escape(suite.file),
            counts.tests,
            counts.failures,
            counts.errors,
            counts.skipped,
            counts.seconds
        );
        body.push_str(&cases);
        body.push_str("  </testsuite>\n");
        totals.merge(&counts);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ferruler\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.6}\">\n{body}</testsuites>\n",
        totals.tests, totals.failures, totals.errors, totals.skipped, totals.seconds
    )
}

fn testcase(out: &mut String, file: &str, case: &Case, outcome: Option<&Outcome>) {
    let classname = file
        .trim_end_matches(".jsonl")
        .trim_end_matches(".cases")
        .replace(['/', '\\'], ".");
    let time = outcome.map_or(0.0, |o| o.seconds);
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{time:.6}\"",
        escape(&case.name),
        escape(&classname),
        escape(file),
        case.line
    );
    let inner = match (&case.spec, outcome) {
        (Err(problem), _) => format!(
            "      <error message=\"{}\" type=\"invalid\"/>\n",
            escape(&problem.0)
        ),
        (Ok(_), Some(o)) => match &o.failure {
            None => {
                "      <skipped message=\"no expect: the result was not checked\"/>\n".to_string()
            }
            Some(None) => String::new(),
            Some(Some(why)) => format!(
                "      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n",
                escape(why),
                escape(
                    o.explanation
                        .as_deref()
                        .or(o.message.as_deref())
                        .unwrap_or(why)
                )
            ),
        },
        (Ok(_), None) => String::new(),
    };
    if inner.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        out.push_str(&inner);
        out.push_str("    </testcase>\n");
    }
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    seconds: f64,
}

impl Counts {
    fn add(&mut self, outcome: Option<&Outcome>) {
        self.tests += 1;
        match outcome {
            None => self.errors += 1,
            Some(o) => {
                self.seconds += o.seconds;
                if o.failed() {
                    self.failures += 1;
                } else if o.failure.is_none() {
                    self.skipped += 1;
                }
            }
        }
    }

    fn merge(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
        self.seconds += other.seconds;
    }
}

/// Text as XML character data or attribute value; characters XML 1.0 cannot hold are dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
