//! `ferruler check`: validate every pattern found in the given files, directories and templates,
//! reporting each invalid one at its file, line and column with its rule's name.
//!
//! Every input is checked even after an error, so one run lists every problem. A rule whose
//! pattern uses a value only a deployment knows (`!GetAtt`, a parameter without a default) cannot
//! be checked; it is reported as a warning with the `--param` that would make it checkable.

use crate::cli::CheckArgs;
use crate::failure::{Failure, EXIT_INVALID, EXIT_OK};
use crate::rules::{self, FileRole, Params, RuleSet};
use crate::template;
use std::io::Write;
use std::path::Path;

pub fn run(args: CheckArgs) -> Result<u8, Failure> {
    if args.files.is_empty() && args.template.is_empty() {
        return Err(Failure(
            "error: nothing to check: give pattern files, directories or --template".into(),
        ));
    }
    let params = Params::parse(&args.params.params)?;
    let mut problems = 0;
    let (mut valid, mut unchecked) = (0, 0);
    let inputs = args
        .files
        .iter()
        .map(|p| (p, false))
        .chain(args.template.iter().map(|p| (p, true)));
    for (path, is_template) in inputs {
        let loaded = load(path, is_template, &params);
        let set = match loaded {
            Ok(set) => set,
            Err(failure) => {
                eprintln!("{failure}");
                problems += 1;
                continue;
            }
        };
        for rule in &set.rules {
            match rule.check() {
                Ok(()) => valid += 1,
                Err(failure) => {
                    eprintln!("{failure}");
                    problems += 1;
                }
            }
        }
        for (_, why) in &set.unresolved {
            eprintln!(
                "{}",
                why.0.replacen(": error: ", ": warning: not checked: ", 1)
            );
            unchecked += 1;
        }
    }
    let mut summary = format!("{valid} valid, {problems} invalid");
    if unchecked > 0 {
        summary.push_str(&format!(", {unchecked} not checked"));
    }
    writeln!(std::io::stdout(), "{summary}")?;
    if valid + problems + unchecked == 0 {
        eprintln!("error: no event patterns found in the given files");
        return Ok(EXIT_INVALID);
    }
    Ok(if problems > 0 { EXIT_INVALID } else { EXIT_OK })
}

fn load(path: &Path, is_template: bool, params: &Params) -> Result<RuleSet, Failure> {
    if is_template {
        let file = path.display().to_string();
        template::load(&file, &rules::read(path)?, params, true)
    } else if path.as_os_str() == "-" {
        crate::input::read("-", "event-pattern").map(|i| RuleSet {
            rules: vec![i.into_rule()],
            unresolved: Vec::new(),
        })
    } else if path.is_dir() {
        rules::load_dir(path, params)
    } else {
        rules::load_file(path, FileRole::Pattern, params)
    }
}
