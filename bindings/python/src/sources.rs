//! `load_rules`: rules read from where users write them, as the `ferruler` CLI reads them.
//!
//! A pattern file, a `{name: pattern}` map, a folder of them, a CloudFormation/SAM/CDK template
//! (JSON or YAML), a Serverless Framework service or a Terraform module: the readers are the CLI's
//! (the `ferruler-sources` crate), so a template gives Python the rules `ferruler check` and
//! `ferruler filter --rules` find in it, under the same names, and a mistake in it is reported in
//! the CLI's words at the same `FILE:LINE:COLUMN`. Every rule is checked as the CLI checks it (a
//! filter with its service's rules), so what is returned can be compiled.
//!
//! The rules come back as plain tuples, which `python/ferruler/_rules.py` makes into `Rule`s; a
//! problem comes back as `InvalidRuleFileError`, also defined there, with its place taken apart by
//! `Failure::parts` (one parser of the message format, the one the CLI's SARIF output uses).

use crate::errors::guarded;
use ferruler_sources::failure::Failure;
use ferruler_sources::rules::{load_checked, Params, Rule};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use std::collections::HashMap;
use std::path::PathBuf;

static RULE_FILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A rule as `_rules.Rule` takes it: name, pattern text, dialect, filters, file, line, column.
type RuleTuple = (String, String, String, Vec<String>, String, usize, usize);

/// The rules of the file or folder `path`, read as `ferruler check` reads a `--rules` argument,
/// every one checked. `params` are the values the CLI takes as `--param NAME=VALUE`. A rule whose
/// pattern needs a value only a deployment knows fails the call, as in `ferruler filter`, or with
/// `skip_unresolved` is left out, as `ferruler check` leaves it unchecked.
#[pyfunction]
#[pyo3(signature = (path, params = None, skip_unresolved = false))]
pub(crate) fn _load_rules(
    py: Python<'_>,
    path: PathBuf,
    params: Option<HashMap<String, String>>,
    skip_unresolved: bool,
) -> PyResult<Vec<RuleTuple>> {
    let params = Params(params.unwrap_or_default());
    let read = py.detach(|| guarded(|| load_checked(path, &params, skip_unresolved)))?;
    match read {
        Ok(rules) => Ok(rules.iter().map(rule_tuple).collect()),
        Err(failure) => Err(rule_file_error(py, &failure)),
    }
}

fn rule_tuple(rule: &Rule) -> RuleTuple {
    let at = rule.location_of(0);
    (
        rule.name.clone(),
        rule.text.clone(),
        rule.dialect_name(),
        rule.filter_texts(),
        at.file,
        at.line,
        at.column,
    )
}

/// `ferruler.InvalidRuleFileError(text, message, file, line, column)`, the place being the first
/// problem's.
fn rule_file_error(py: Python<'_>, failure: &Failure) -> PyErr {
    match RULE_FILE_ERROR.import(py, "ferruler._rules", "InvalidRuleFileError") {
        Ok(class) => {
            let parts = failure.parts();
            let (line, column) = parts.position.unzip();
            let message = parts.message.to_owned();
            let file = parts.file.map(str::to_owned);
            PyErr::from_type(class.clone(), (failure.0.clone(), message, file, line, column))
        }
        Err(import_failed) => import_failed,
    }
}
