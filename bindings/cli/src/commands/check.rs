//! `ferruler check`: validate every pattern found in the given files, directories and templates,
//! reporting each invalid one at its file, line and column with its rule's name.
//!
//! Every input is checked even after an error, so one run lists every problem. A rule whose
//! pattern uses a value only a deployment knows (`!GetAtt`, a parameter without a default) cannot
//! be checked; it is reported as a warning with the `--param` that would make it checkable, or, with
//! `--strict`, as an error: in CI a rule nobody checked must not pass as if it had been.
//!
//! Problems always go to standard error as `FILE:LINE:COLUMN: ...` lines; standard output carries
//! the report in the chosen `--format`: a summary line, JSON, SARIF or JUnit, all built from the
//! same list of [`Finding`]s.

use crate::cli::{CheckArgs, CheckFormat};
use crate::exit::{output_error, EXIT_INVALID, EXIT_OK};
use crate::finding::{Finding, Status};
use crate::{junit, sarif};
use ferruler::dialect::Dialect;
use ferruler_sources::failure::Failure;
use ferruler_sources::rules::{self, FileRole, Params, RuleSet};
use ferruler_sources::template;
use std::io::Write;
use std::path::Path;

pub fn run(args: CheckArgs) -> Result<u8, Failure> {
    if args.files.is_empty() && args.template.is_empty() {
        return Err(Failure(
            "error: nothing to check: give pattern files, directories or --template".into(),
        ));
    }
    let params = args.params.parse()?;
    let unchecked_label = if args.strict {
        ": error: not checked: "
    } else {
        ": warning: not checked: "
    };
    let mut findings = Vec::new();
    let inputs = args
        .files
        .iter()
        .map(|p| (p, false))
        .chain(args.template.iter().map(|p| (p, true)));
    for (path, is_template) in inputs {
        let set = match load(path, is_template, &params, args.target.target.dialect()) {
            Ok(set) => set,
            Err(failure) => {
                eprintln!("{failure}");
                findings.push(Finding::problem(Status::InvalidFile, None, &failure, path));
                continue;
            }
        };
        for rule in &set.rules {
            let name = Some(rule.name.clone()).filter(|n| !n.is_empty());
            match rule.check() {
                Ok(()) => {
                    let at = rule.location_of(0);
                    findings.push(Finding {
                        status: Status::Valid,
                        rule: name,
                        file: at.file,
                        position: Some((at.line, at.column)),
                        message: None,
                    });
                }
                Err(failure) => {
                    eprintln!("{failure}");
                    findings.push(Finding::problem(
                        Status::InvalidPattern,
                        name,
                        &failure,
                        path,
                    ));
                }
            }
        }
        for (name, why) in &set.unresolved {
            eprintln!("{}", why.0.replacen(": error: ", unchecked_label, 1));
            findings.push(Finding::problem(
                Status::NotChecked,
                Some(name.clone()),
                why,
                path,
            ));
        }
    }
    let count = |status| findings.iter().filter(|f| f.status == status).count();
    let valid = count(Status::Valid);
    let invalid = count(Status::InvalidPattern) + count(Status::InvalidFile);
    let unchecked = count(Status::NotChecked);
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Text => {
            let mut summary = format!("{valid} valid, {invalid} invalid");
            if unchecked > 0 {
                summary.push_str(&format!(", {unchecked} not checked"));
            }
            writeln!(out, "{summary}").map_err(output_error)?;
        }
        CheckFormat::Json => {
            let doc = serde_json::json!({
                "valid": valid,
                "invalid": invalid,
                "not_checked": unchecked,
                "strict": args.strict,
                "results": findings.iter().map(json_result).collect::<Vec<_>>(),
            });
            writeln!(out, "{doc:#}").map_err(output_error)?;
        }
        CheckFormat::Sarif => {
            writeln!(out, "{:#}", sarif::document(&findings, args.strict)).map_err(output_error)?
        }
        CheckFormat::Junit => out
            .write_all(junit_document(&findings, args.strict).as_bytes())
            .map_err(output_error)?,
    }
    if findings.is_empty() {
        eprintln!("error: no event patterns found in the given files");
        return Ok(EXIT_INVALID);
    }
    if args.strict && unchecked > 0 {
        eprintln!("error: {unchecked} rule(s) not checked (--strict); pass the --param values named above");
    }
    Ok(if invalid > 0 || (args.strict && unchecked > 0) {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

fn json_result(f: &Finding) -> serde_json::Value {
    serde_json::json!({
        "status": f.status.id(),
        "rule": f.rule,
        "file": f.file,
        "line": f.position.map(|p| p.0),
        "column": f.position.map(|p| p.1),
        "message": f.message,
    })
}

/// One test suite per file, one test case per rule (a file that cannot be read is one errored
/// case); a rule that cannot be checked is skipped, or, with `--strict`, an error.
fn junit_document(findings: &[Finding], strict: bool) -> String {
    let mut suites: Vec<junit::Suite> = Vec::new();
    for f in findings {
        let message = f.message.clone().unwrap_or_default();
        let verdict = match f.status {
            Status::Valid => junit::Verdict::Passed,
            Status::NotChecked if !strict => junit::Verdict::Skipped { message },
            _ => junit::Verdict::Errored { message },
        };
        let case = junit::TestCase {
            name: f.rule.clone().unwrap_or_else(|| f.file.clone()),
            classname: f.file.clone(),
            file: f.file.clone(),
            line: f.position.map_or(1, |p| p.0),
            seconds: 0.0,
            verdict,
        };
        match suites.iter_mut().find(|s| s.name == f.file) {
            Some(suite) => suite.cases.push(case),
            None => suites.push(junit::Suite {
                name: f.file.clone(),
                cases: vec![case],
            }),
        }
    }
    junit::document(&suites)
}

/// The rules of one argument; `dialect` (`--for`) is where a bare pattern (a pattern file, or
/// standard input) is used; the rules of templates and other files say where themselves.
fn load(
    path: &Path,
    is_template: bool,
    params: &Params,
    dialect: Dialect,
) -> Result<RuleSet, Failure> {
    if is_template {
        let file = path.display().to_string();
        template::load(&file, &rules::read(path)?, params, true)
    } else if path.as_os_str() == "-" {
        let mut rule = crate::input::read("-", "event-pattern")?.into_rule();
        rule.dialect = dialect;
        Ok(RuleSet {
            rules: vec![rule],
            unresolved: Vec::new(),
        })
    } else if path.is_dir() {
        rules::load_dir(path, params)
    } else {
        let (mut set, role) = rules::load_file_with_role(path, FileRole::Pattern, params)?;
        if role == FileRole::Pattern {
            set.rules.iter_mut().for_each(|r| r.dialect = dialect);
        }
        Ok(set)
    }
}
