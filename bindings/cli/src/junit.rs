//! JUnit XML, the format CI dashboards (GitHub, GitLab, Jenkins, CircleCI) read test results in.
//!
//! `cases` writes one `<testsuite>` per case file and one `<testcase>` per case; `check` one
//! `<testsuite>` per file checked and one `<testcase>` per rule. Every test case carries its file
//! and line as attributes and, as `classname`, the path of the rule file it tests, which is what
//! dashboards group results by. A failed expectation is a `<failure>` carrying the explanation,
//! something that cannot run (an invalid line, an unknown rule, an invalid pattern) an `<error>`,
//! and something that ran but asserted nothing (a case without `expect`, a rule that could not be
//! checked) `<skipped>`.

use std::fmt::Write;

/// One `<testsuite>`.
pub struct Suite {
    pub name: String,
    pub cases: Vec<TestCase>,
}

/// One `<testcase>`.
pub struct TestCase {
    pub name: String,
    pub classname: String,
    pub file: String,
    pub line: usize,
    pub seconds: f64,
    pub verdict: Verdict,
}

pub enum Verdict {
    Passed,
    /// A failed expectation: the one-line message and the full explanation.
    Failed {
        message: String,
        details: String,
    },
    Errored {
        message: String,
    },
    Skipped {
        message: String,
    },
}

/// The JUnit XML document for `suites`.
pub fn document(suites: &[Suite]) -> String {
    let mut totals = Counts::default();
    let mut body = String::new();
    for suite in suites {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for case in &suite.cases {
            counts.add(case);
            testcase(&mut cases, case);
        }
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.6}\">",
            escape(&suite.name),
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

fn testcase(out: &mut String, case: &TestCase) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.6}\"",
        escape(&case.name),
        escape(&case.classname),
        escape(&case.file),
        case.line,
        case.seconds
    );
    let inner = match &case.verdict {
        Verdict::Passed => {
            out.push_str("/>\n");
            return;
        }
        Verdict::Failed { message, details } => format!(
            "<failure message=\"{}\" type=\"mismatch\">{}</failure>",
            escape(message),
            escape(details)
        ),
        Verdict::Errored { message } => {
            format!("<error message=\"{}\" type=\"invalid\"/>", escape(message))
        }
        Verdict::Skipped { message } => format!("<skipped message=\"{}\"/>", escape(message)),
    };
    let _ = write!(out, ">\n      {inner}\n    </testcase>\n");
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
    fn add(&mut self, case: &TestCase) {
        self.tests += 1;
        self.seconds += case.seconds;
        match case.verdict {
            Verdict::Passed => {}
            Verdict::Failed { .. } => self.failures += 1,
            Verdict::Errored { .. } => self.errors += 1,
            Verdict::Skipped { .. } => self.skipped += 1,
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
