//! `terraform show -json` output, of a saved plan or of the state.
//!
//! Terraform has computed every value there: each `aws_cloudwatch_event_rule` has its
//! `event_pattern` as the string it deploys, under `planned_values` (a plan) or `values` (the
//! state), in the root module or nested `child_modules`, named by its `address`. The pattern's
//! position is that of its string in the file. In a plan, a pattern that depends on another
//! resource is unknown until apply (`after_unknown`), and is reported as not checked.

use super::for_rule;
use crate::failure::{locate, Failure, Location};
use crate::rules::map::json_failure;
use crate::rules::{Origin, Rule, RuleSet};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Whether `contents` is the JSON `terraform show -json` writes.
pub fn looks_like_show(contents: &str) -> bool {
    #[derive(Deserialize)]
    struct Head {
        format_version: Option<serde::de::IgnoredAny>,
        terraform_version: Option<serde::de::IgnoredAny>,
    }
    contents.trim_start().starts_with('{')
        && serde_json::from_str::<Head>(contents)
            .is_ok_and(|h| h.format_version.is_some() && h.terraform_version.is_some())
}

#[derive(Deserialize)]
struct Show<'a> {
    #[serde(borrow)]
    values: Option<Values<'a>>,
    #[serde(borrow)]
    planned_values: Option<Values<'a>>,
    #[serde(default)]
    resource_changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Values<'a> {
    #[serde(borrow)]
    root_module: Option<ModuleValues<'a>>,
}

#[derive(Deserialize)]
struct ModuleValues<'a> {
    #[serde(default, borrow)]
    resources: Vec<Resource<'a>>,
    #[serde(default, borrow)]
    child_modules: Vec<ModuleValues<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    address: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    mode: String,
    #[serde(borrow)]
    values: Option<HashMap<String, &'a RawValue>>,
}

#[derive(Deserialize)]
struct Change {
    address: String,
    change: Option<ChangeValues>,
}

#[derive(Deserialize)]
struct ChangeValues {
    after_unknown: Option<serde_json::Value>,
}

/// The rules of a `terraform show -json` file.
pub fn load(file: &str, contents: &str) -> Result<RuleSet, Failure> {
    let show: Show =
        serde_json::from_str(contents).map_err(|e| json_failure(file, contents, &e))?;
    let unknown: Vec<&str> = show
        .resource_changes
        .iter()
        .filter(|c| {
            c.change
                .as_ref()
                .and_then(|c| c.after_unknown.as_ref())
                .and_then(|u| u.get("event_pattern"))
                == Some(&serde_json::Value::Bool(true))
        })
        .map(|c| c.address.as_str())
        .collect();
    let Some(root) = show
        .planned_values
        .or(show.values)
        .and_then(|v| v.root_module)
    else {
        return Err(Failure::file(
            file,
            "terraform show -json output without values: is it `terraform show -json` of a plan or the state?",
        ));
    };
    let mut set = RuleSet::default();
    let mut modules = vec![&root];
    while let Some(module) = modules.pop() {
        modules.extend(module.child_modules.iter().rev());
        for resource in &module.resources {
            if resource.kind != "aws_cloudwatch_event_rule" || resource.mode == "data" {
                continue;
            }
            let address = resource.address.clone();
            let pattern = resource
                .values
                .as_ref()
                .and_then(|v| v.get("event_pattern"));
            let Some(raw) = pattern.filter(|r| r.get() != "null") else {
                if unknown.contains(&address.as_str()) {
                    let at = Location {
                        file: file.to_string(),
                        line: 1,
                        column: 1,
                    };
                    let failure = Failure::at(&at, "event_pattern is known only after apply (it uses another resource's attributes)");
                    set.unresolved
                        .push((address.clone(), for_rule(failure, &address)));
                }
                continue;
            };
            let base = raw.get().as_ptr() as usize - contents.as_ptr() as usize;
            let Ok(text) = serde_json::from_str::<String>(raw.get()) else {
                let failure = Failure::at(
                    &locate(file, contents, base),
                    "event_pattern is not a string",
                );
                return Err(for_rule(failure, &address));
            };
            set.extend(RuleSet {
                rules: vec![Rule::new(
                    address,
                    text,
                    Origin::Mapped {
                        file: file.to_string(),
                        spans: vec![(0, locate(file, contents, base + 1))],
                    },
                )],
                unresolved: Vec::new(),
            })?;
        }
    }
    Ok(set)
}
