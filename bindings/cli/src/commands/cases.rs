//! `ferruler cases`: the rule test runner.
//!
//! Standard output carries one result per case (JSON lines by default, so other tools can read it;
//! `--format text` for people) and ends with `N passed, M failed`. A failed case is explained (what
//! each condition saw in the event) on standard error in JSON-lines mode, inline in text mode, and
//! in the JUnit file. Cases that cannot run at all (a malformed line, an unknown rule) are reported
//! with their file and line and make the exit status 2, after every other case has run.

use crate::cases::run::{self as case_run, Outcome};
use crate::cases::{self, junit, Case};
use crate::cli::{CaseFormat, CasesArgs};
use crate::failure::{Failure, EXIT_FAILED, EXIT_INVALID, EXIT_OK};
use crate::rules::{self, Params};
use anstyle::AnsiColor;
use std::io::Write;

pub fn run(args: CasesArgs) -> Result<u8, Failure> {
    let params = Params::parse(&args.params.params)?;
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
    let (mut passed, mut failed, mut invalid, mut checked) = (0, 0, 0, 0);
    for (_, suite) in &suites {
        let mut results = Vec::new();
        for case in suite {
            let spec = match &case.spec {
                Ok(spec) => spec,
                Err(problem) => {
                    eprintln!("{problem}");
                    invalid += 1;
                    results.push(None);
                    continue;
                }
            };
            let outcome = case_run::run(spec);
            if outcome.failure.is_some() {
                checked += 1;
            }
            if outcome.passed() {
                passed += 1;
            } else if outcome.failed() {
                failed += 1;
            }
            report(&mut out, args.format, case, &outcome)?;
            results.push(Some(outcome));
        }
        outcomes.push(results);
    }
    if checked > 0 {
        writeln!(out, "{passed} passed, {failed} failed")?;
    }
    out.flush()?;
    if invalid > 0 {
        eprintln!("error: {invalid} case(s) could not run; see the messages above");
    }
    if let Some(path) = &args.junit {
        let junit_suites: Vec<junit::Suite> = suites
            .iter()
            .zip(&outcomes)
            .map(|((file, cases), results)| junit::Suite {
                file,
                cases: cases
                    .iter()
                    .zip(results)
                    .map(|(c, o)| (c, o.as_ref()))
                    .collect(),
            })
            .collect();
        std::fs::write(path, junit::document(&junit_suites)).map_err(|e| {
            Failure::file(
                &path.display().to_string(),
                format_args!("cannot write the JUnit file: {e}"),
            )
        })?;
    }
    Ok(if invalid > 0 {
        EXIT_INVALID
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

fn report(
    out: &mut impl Write,
    format: CaseFormat,
    case: &Case,
    outcome: &Outcome,
) -> Result<(), Failure> {
    let details = failure_details(case, outcome);
    match format {
        CaseFormat::Jsonl => {
            let line = serde_json::json!({
                "name": case.name,
                "result": outcome.result.as_str(),
                "message": outcome.message,
            });
            writeln!(out, "{line}")?;
            if let Some(details) = details {
                eprint!("{details}");
            }
        }
        CaseFormat::Text => {
            let (label, style) = match &outcome.failure {
                Some(None) => ("ok  ", AnsiColor::Green.on_default()),
                Some(Some(_)) => ("FAIL", AnsiColor::Red.on_default().bold()),
                None => ("--  ", AnsiColor::Yellow.on_default()),
            };
            let result = match &outcome.failure {
                None => format!(": {} (no expect)", outcome.result.as_str()),
                _ => String::new(),
            };
            writeln!(out, "{style}{label}{style:#} {}{result}", case.name)?;
            if let Some(details) = details {
                write!(out, "{details}")?;
            }
        }
    }
    Ok(())
}

/// For a failed case: the header line and the indented explanation.
fn failure_details(case: &Case, outcome: &Outcome) -> Option<String> {
    let Some(Some(why)) = &outcome.failure else {
        return None;
    };
    let mut text = format!("FAIL {} ({}:{}): {why}\n", case.name, case.file, case.line);
    if let Some(explanation) = &outcome.explanation {
        for line in explanation.lines() {
            text.push_str("    ");
            text.push_str(line);
            text.push('\n');
        }
    }
    Some(text)
}
