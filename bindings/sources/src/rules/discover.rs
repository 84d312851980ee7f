//! Finding rules in files and directories.
//!
//! A repository of rules is a directory tree; what each file holds is told by its name, so that a
//! rule's name never depends on guessing at its contents:
//!
//! * `NAME.json`: one event pattern, the rule `NAME` (unless it is a template, below);
//! * `NAME.rules.json`: an object mapping rule names to patterns;
//! * `*.yaml`, `*.yml`, `*.template.json`, or any JSON with a top-level `Resources`: a
//!   CloudFormation, SAM or CDK template, whose rules are named by their logical IDs;
//! * a directory holding `*.tf` files: a Terraform root module (a `.tf` file given alone stands
//!   for its directory, as Terraform reads no single file); the modules it calls are read through
//!   its `module` blocks, so `.tf` files below it are not read again as roots of their own;
//! * JSON written by `terraform show -json` (a plan or the state);
//! * `serverless.yml`, `serverless.yaml`, `serverless.json`: a Serverless Framework service, whose
//!   rules are named as the framework deploys them;
//! * skipped: `*.event.json` and directories named `events` (event fixtures), `*.jsonl` (cases,
//!   event streams), hidden files and directories, YAML without `Resources` (other tools' config),
//!   and in a CDK cloud assembly (`cdk.out`: a `manifest.json` beside `*.template.json`) everything
//!   but the templates.

use super::{map, Origin, Params, Rule, RuleSet};
use crate::failure::Failure;
use crate::{serverless, template, terraform};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Pattern,
    Map,
    Template,
    /// A `.tf` file: the Terraform module of its directory.
    Terraform,
    /// `terraform show -json` output.
    TerraformShow,
    /// A Serverless Framework service file.
    Serverless,
}

/// Reads the rules of one file. `plain_json` is what a `.json` file that its name does not identify
/// holds: a pattern when it sits in a rules directory, a map when given as `--rules FILE`.
pub fn load_file(path: &Path, plain_json: FileRole, params: &Params) -> Result<RuleSet, Failure> {
    load_file_with_role(path, plain_json, params).map(|(set, _)| set)
}

/// [`load_file`], also saying what the file was read as.
pub fn load_file_with_role(
    path: &Path,
    plain_json: FileRole,
    params: &Params,
) -> Result<(RuleSet, FileRole), Failure> {
    let file = path.display().to_string();
    let contents: Arc<str> = read(path)?.into();
    let role = role_of(path, &contents, plain_json);
    load_as(&file, contents, role, params, true).map(|set| (set, role))
}

/// Reads every rule file under `dir` (see the module docs for which files count).
pub fn load_dir(dir: &Path, params: &Params) -> Result<RuleSet, Failure> {
    let mut set = RuleSet::default();
    for path in rule_files(dir, false)? {
        if path.is_dir() {
            set.extend(terraform::load_root(&path, params)?)?;
            continue;
        }
        let file = path.display().to_string();
        let contents: Arc<str> = read(&path)?.into();
        let role = role_of(&path, &contents, FileRole::Pattern);
        set.extend(load_as(&file, contents, role, params, false)?)?;
    }
    Ok(set)
}

fn load_as(
    file: &str,
    contents: Arc<str>,
    role: FileRole,
    params: &Params,
    explicit: bool,
) -> Result<RuleSet, Failure> {
    match role {
        FileRole::Pattern => {
            let name = pattern_name(Path::new(file));
            let text = contents.to_string();
            let origin = Origin::Slice {
                file: file.to_string(),
                contents,
                base: 0,
            };
            Ok(RuleSet {
                rules: vec![Rule::new(name, text, origin)],
                unresolved: Vec::new(),
            })
        }
        FileRole::Map => map::load(file, contents),
        FileRole::Template => template::load(file, &contents, params, explicit),
        FileRole::Terraform => {
            let dir = Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty());
            terraform::load_root(dir.unwrap_or(Path::new(".")), params)
        }
        FileRole::TerraformShow => terraform::load_show(file, &contents),
        FileRole::Serverless => serverless::load(file, &contents, params),
    }
}

/// The rule name of a pattern file: its name without `.json`.
pub fn pattern_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".json").unwrap_or(&name).to_string()
}

fn role_of(path: &Path, contents: &str, plain_json: FileRole) -> FileRole {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".tf") {
        FileRole::Terraform
    } else if serverless::is_service_file(&name) {
        FileRole::Serverless
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template.json")
    {
        FileRole::Template
    } else if name.ends_with(".rules.json") {
        FileRole::Map
    } else if template::looks_like_json_template(contents) {
        FileRole::Template
    } else if terraform::looks_like_show(contents) {
        FileRole::TerraformShow
    } else {
        plain_json
    }
}

pub fn read(path: &Path) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::file(
            &path.display().to_string(),
            format_args!("cannot read: {e}"),
        )
    })?;
    // Editors on Windows may start a UTF-8 file with a byte order mark; it is not content.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The rule files under `dir`, in a stable order; a directory in the list is a Terraform root
/// module. Below a root (`in_module`), `.tf` files belong to the modules it calls.
fn rule_files(dir: &Path, in_module: bool) -> Result<Vec<PathBuf>, Failure> {
    let mut entries = list_dir(dir)?;
    let is_assembly = entries.iter().any(|p| file_name(p) == "manifest.json")
        && entries
            .iter()
            .any(|p| file_name(p).ends_with(".template.json"));
    if is_assembly {
        entries.retain(|p| file_name(p).ends_with(".template.json"));
        return Ok(entries);
    }
    let mut out = Vec::new();
    let root = !in_module && terraform::is_module(dir);
    if root {
        out.push(dir.to_path_buf());
    }
    for path in entries {
        let name = file_name(&path);
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if name != "events" && name != "node_modules" && name != "target" {
                out.extend(rule_files(&path, in_module || root)?);
            }
            continue;
        }
        let lower = name.to_lowercase();
        let rule_like =
            lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml");
        if rule_like && !lower.ends_with(".event.json") {
            out.push(path);
        }
    }
    Ok(out)
}

pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let shown = dir.display().to_string();
    let read = std::fs::read_dir(dir)
        .map_err(|e| Failure::file(&shown, format_args!("cannot read directory: {e}")))?;
    let mut entries = Vec::new();
    for entry in read {
        let entry =
            entry.map_err(|e| Failure::file(&shown, format_args!("cannot read directory: {e}")))?;
        entries.push(entry.path());
    }
    entries.sort();
    Ok(entries)
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
