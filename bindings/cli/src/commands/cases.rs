//! `ferruler cases`: the rule test runner.
//!
//! Standard output carries one result per case, every case (JSON lines by default, so other tools
//! can read it; `--format text` for people), and ends with `N passed, M failed, K errored`: a CI
//! log must account for each case, since a case missing from it is one nobody notices. A failed
//! case is explained (what each condition saw in the event) on standard error in JSON-lines mode,
//! under its line in text mode, and in the JUnit file. A case that cannot run at all (a malformed
//! line, an unknown key or rule) is listed as errored with its file, line and column, and makes the
//! exit status 2, after every other case has run.

use crate::cases::run::{self as case_run, Outcome};
use crate::cases::{self, Case};
use crate::cli::{CaseFormat, CasesArgs};
use crate::exit::{output_error, EXIT_FAILED, EXIT_INVALID, EXIT_OK};
use crate::junit;
use anstyle::AnsiColor;
use ferruler_sources::failure::Failure;
use ferruler_sources::rules;
use std::io::Write;

pub fn run(args: CasesArgs) -> Result<u8, Failure> {
    let params = args.params.parse()?;
    let mut global = rules::load_sources(&args.rules, &params)?;
    let mut files = Vec::new();
    for path in &args.paths {
        if !path.exists() {
            return Err(Failure::file(
                &path.display().to_string(),
                "no such file or directory",
            ));
        }
        if path.is_dir() {
            global.extend(rules::load_dir(path, &params)?)?;
        }
        files.extend(cases::case_files(path)?);
    }
    if files.is_empty() {
        return Err(Failure(
            "error: no *.cases.jsonl files found in the given directories".into(),
        ));
    }
    let mut suites: Vec<(String, Vec<Case>)> = Vec::new();
    for file in &files {
        let local = cases::sibling_rules(file, &params)?;
        suites.push((
            file.display().to_string(),
            cases::load(file, &local, &global)?,
        ));
    }
    if suites.iter().all(|(_, cases)| cases.is_empty()) {
        // An empty run passing silently would hide a wrong path in CI.
        return Err(Failure("error: the case files hold no cases".into()));
    }

    let mut out = anstream::stdout().lock();
    let mut outcomes: Vec<Vec<Option<Outcome>>> = Vec::new();
    let (mut passed, mut failed, mut errored) = (0, 0, 0);
    for (_, suite) in &suites {
        let mut results = Vec::new();
        for case in suite {
            let outcome = case.spec.as_ref().ok().map(case_run::run);
            match &outcome {
                None => errored += 1,
                Some(o) if o.passed() => passed += 1,
                Some(o) if o.failed() => failed += 1,
                Some(_) => {}
            }
            report(&mut out, args.format, case, outcome.as_ref())?;
            results.push(outcome);
        }
        outcomes.push(results);
    }
    writeln!(out, "{passed} passed, {failed} failed, {errored} errored").map_err(output_error)?;
    out.flush().map_err(output_error)?;
    if errored > 0 {
        eprintln!("error: {errored} case(s) could not run; see the messages above");
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, junit::document(&junit_suites(&suites, &outcomes))).map_err(|e| {
            Failure::file(
                &path.display().to_string(),
                format_args!("cannot write the JUnit file: {e}"),
            )
        })?;
    }
    Ok(if errored > 0 {
        EXIT_INVALID
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// Prints one case's result: a JSON line, or a readable line (with a failure's explanation, or
/// why the case could not run, below it). In JSON-lines mode the explanation and the reason go to
/// standard error, so standard output stays one JSON object per case.
fn report(
    out: &mut impl Write,
    format: CaseFormat,
    case: &Case,
    outcome: Option<&Outcome>,
) -> Result<(), Failure> {
    let problem = case.spec.as_ref().err().map(|p| p.0.as_str());
    let details = outcome.and_then(|o| failure_details(case, o));
    match format {
        CaseFormat::Jsonl => {
            let line = match outcome {
                Some(o) => serde_json::json!({
                    "name": case.name,
                    "result": o.result.as_str(),
                    "message": o.message,
                }),
                None => serde_json::json!({
                    "name": case.name,
                    "result": "errored",
                    "message": problem,
                }),
            };
            writeln!(out, "{line}").map_err(output_error)?;
            match (details, problem) {
                (Some(details), _) => eprint!("FAIL {details}"),
                (None, Some(problem)) => eprintln!("{problem}"),
                (None, None) => {}
            }
        }
        CaseFormat::Text => {
            let (label, style) = match outcome.map(|o| &o.failure) {
                None => ("ERR ", AnsiColor::Red.on_default().bold()),
                Some(Some(None)) => ("ok  ", AnsiColor::Green.on_default()),
                Some(Some(Some(_))) => ("FAIL", AnsiColor::Red.on_default().bold()),
                Some(None) => ("--  ", AnsiColor::Yellow.on_default()),
            };
            write!(out, "{style}{label}{style:#} ").map_err(output_error)?;
            match (outcome, details, problem) {
                (_, Some(details), _) => write!(out, "{details}").map_err(output_error)?,
                (_, _, Some(problem)) => {
                    writeln!(out, "{}\n    {problem}", case.name).map_err(output_error)?
                }
                (Some(o), None, None) if o.failure.is_none() => {
                    writeln!(out, "{}: {} (no expect)", case.name, o.result.as_str())
                        .map_err(output_error)?
                }
                _ => writeln!(out, "{}", case.name).map_err(output_error)?,
            }
        }
    }
    Ok(())
}

/// The JUnit suites: one per case file; each case's `classname` is the file its rule is defined in
/// (the case file itself for an inline pattern, or for a case that cannot run).
fn junit_suites(
    suites: &[(String, Vec<Case>)],
    outcomes: &[Vec<Option<Outcome>>],
) -> Vec<junit::Suite> {
    suites
        .iter()
        .zip(outcomes)
        .map(|((file, cases), results)| junit::Suite {
            name: file.clone(),
            cases: cases
                .iter()
                .zip(results)
                .map(|(case, outcome)| junit_case(case, outcome.as_ref()))
                .collect(),
        })
        .collect()
}

fn junit_case(case: &Case, outcome: Option<&Outcome>) -> junit::TestCase {
    let verdict = match outcome {
        None => junit::Verdict::Errored {
            message: case
                .spec
                .as_ref()
                .err()
                .map_or_else(String::new, |p| p.0.clone()),
        },
        Some(o) => match &o.failure {
            None => junit::Verdict::Skipped {
                message: "no expect: the result was not checked".into(),
            },
            Some(None) => junit::Verdict::Passed,
            Some(Some(why)) => junit::Verdict::Failed {
                message: why.clone(),
                details: o
                    .explanation
                    .clone()
                    .or(o.message.clone())
                    .unwrap_or_else(|| why.clone()),
            },
        },
    };
    junit::TestCase {
        name: case.name.clone(),
        classname: case
            .spec
            .as_ref()
            .map_or(case.file.as_str(), |spec| spec.rule.file())
            .to_string(),
        file: case.file.clone(),
        line: case.line,
        seconds: outcome.map_or(0.0, |o| o.seconds),
        verdict,
    }
}

/// For a failed case: `NAME (FILE:LINE): why` and the indented explanation.
fn failure_details(case: &Case, outcome: &Outcome) -> Option<String> {
    let Some(Some(why)) = &outcome.failure else {
        return None;
    };
    let mut text = format!("{} ({}:{}): {why}\n", case.name, case.file, case.line);
    if let Some(explanation) = &outcome.explanation {
        for line in explanation.lines() {
            text.push_str("    ");
            text.push_str(line);
            text.push('\n');
        }
    }
    Some(text)
}
