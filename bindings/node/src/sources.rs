//! `loadRules`: rules read from where users write them, as the `ferruler` CLI reads them.
//!
//! A pattern file, a `{name: pattern}` map, a folder of them, a CloudFormation/SAM/CDK template
//! (JSON or YAML), a Serverless Framework service or a Terraform module: the readers are the CLI's
//! (the `ferruler-sources` crate, which Python's `ferruler.load_rules` uses too), so a template
//! gives Node the rules `ferruler check` finds in it, under the same names, and a mistake in it is
//! reported in the CLI's words at the same `FILE:LINE:COLUMN`. Every rule is checked as the CLI
//! checks it (a filter with its service's rules), so what is returned can be added to a machine.
//!
//! As elsewhere in this addon, a problem is returned as a value ([`RuleFileFailure`]) for
//! `index.js` to raise as `InvalidRuleFileError`, with its place taken apart by `Failure::parts`
//! (the one parser of the message format, which the CLI's SARIF output and Python use too).

use ferruler_sources::failure::Failure;
use ferruler_sources::rules::{load_checked, Params, Rule};
use napi::bindgen_prelude::Either;
use napi_derive::napi;
use std::collections::HashMap;
use std::path::PathBuf;

/// A rule as read from a file; `index.js` freezes it and hands it out as it is.
#[napi(object)]
pub struct SourceRule {
    /// The rule's name as the CLI names it (a map's key, a logical ID, a Terraform address...).
    pub name: String,
    /// The pattern's JSON text; for filter criteria of several filters, joined with `$or`.
    pub pattern: String,
    /// `"eventbridge"`, or `"lambda:SOURCE"` / `"pipes:SOURCE"` as `FilterCriteria` takes them.
    pub dialect: String,
    /// For filter criteria, each filter's JSON text; empty for an EventBridge rule.
    pub filters: Vec<String>,
    /// The file the pattern is written in.
    pub file: String,
    /// 1-based line where the pattern starts.
    pub line: u32,
    /// 1-based column, in Unicode code points, where it starts.
    pub column: u32,
}

/// Why the rules could not be loaded: the CLI's message and, taken apart, its first place.
#[napi(object)]
pub struct RuleFileFailure {
    /// The whole text, `FILE:LINE:COLUMN: error: MESSAGE`, one line per problem.
    pub message: String,
    /// The message without the first problem's place.
    pub reason: String,
    /// The file at fault, absent when the message names none.
    pub file: Option<String>,
    /// 1-based line, absent for a problem with a whole file.
    pub line: Option<u32>,
    /// 1-based column in code points, absent likewise.
    pub column: Option<u32>,
}

/// The rules of the file or folder `path`, read as `ferruler check` reads a `--rules` argument,
/// every one checked. `params` are the values the CLI takes as `--param NAME=VALUE`. A rule whose
/// pattern needs a value only a deployment knows fails the call, as in `ferruler filter`, or with
/// `skip_unresolved` is left out, as `ferruler check` leaves it unchecked.
#[napi(catch_unwind)]
pub fn load_rules(
    path: String,
    params: Option<HashMap<String, String>>,
    skip_unresolved: bool,
) -> Either<Vec<SourceRule>, RuleFileFailure> {
    let params = Params(params.unwrap_or_default());
    match load_checked(PathBuf::from(path), &params, skip_unresolved) {
        Ok(rules) => Either::A(rules.iter().map(source_rule).collect()),
        Err(failure) => Either::B(rule_file_failure(&failure)),
    }
}

fn source_rule(rule: &Rule) -> SourceRule {
    let at = rule.location_of(0);
    SourceRule {
        name: rule.name.clone(),
        pattern: rule.text.clone(),
        dialect: rule.dialect_name(),
        filters: rule.filter_texts(),
        file: at.file,
        line: saturate(at.line),
        column: saturate(at.column),
    }
}

fn rule_file_failure(failure: &Failure) -> RuleFileFailure {
    let parts = failure.parts();
    let (line, column) = parts.position.unzip();
    RuleFileFailure {
        message: failure.0.clone(),
        reason: parts.message.to_owned(),
        file: parts.file.map(str::to_owned),
        line: line.map(saturate),
        column: column.map(saturate),
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
