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
use crate::rules::{arn_source, filter_rule, Origin, Rule, RuleSet};
use ferruler::dialect::{Dialect, Source};
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
            if resource.mode == "data" {
                continue;
            }
            if resource.kind != "aws_cloudwatch_event_rule" {
                filters(&mut set, resource, file, contents)?;
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
            let (text, spans) =
                string_at(raw, file, contents).map_err(|f| for_rule(f, &address))?;
            set.extend(RuleSet {
                rules: vec![Rule::new(
                    address,
                    text,
                    Origin::Mapped {
                        file: file.to_string(),
                        spans,
                    },
                )],
                unresolved: Vec::new(),
            })?;
        }
    }
    Ok(set)
}

/// A JSON string of the file: its value, and where its text starts.
fn string_at(
    raw: &RawValue,
    file: &str,
    contents: &str,
) -> Result<(String, Vec<(usize, Location)>), Failure> {
    let base = raw.get().as_ptr() as usize - contents.as_ptr() as usize;
    match serde_json::from_str::<String>(raw.get()) {
        Ok(text) => Ok((text, vec![(0, locate(file, contents, base + 1))])),
        Err(_) => Err(Failure::at(
            &locate(file, contents, base),
            "a pattern must be a string of JSON",
        )),
    }
}

#[derive(Deserialize)]
struct Criteria<'a> {
    #[serde(default, borrow)]
    filter: Vec<FilterValues<'a>>,
}

#[derive(Deserialize)]
struct FilterValues<'a> {
    #[serde(borrow)]
    pattern: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SourceParameters<'a> {
    #[serde(default, borrow)]
    filter_criteria: Vec<Criteria<'a>>,
}

/// The filter criteria of an event source mapping or a pipe, as computed by Terraform.
fn filters(
    set: &mut RuleSet,
    resource: &Resource,
    file: &str,
    contents: &str,
) -> Result<(), Failure> {
    let Some(values) = &resource.values else {
        return Ok(());
    };
    let raw = |key: &str| values.get(key).copied().filter(|r| r.get() != "null");
    let (criteria, arn, make): (_, _, fn(Source) -> Dialect) = match resource.kind.as_str() {
        "aws_lambda_event_source_mapping" => (
            raw("filter_criteria")
                .and_then(|r| serde_json::from_str::<Vec<Criteria>>(r.get()).ok()),
            raw("event_source_arn"),
            Dialect::Lambda,
        ),
        "aws_pipes_pipe" => (
            raw("source_parameters")
                .and_then(|r| serde_json::from_str::<Vec<SourceParameters>>(r.get()).ok())
                .and_then(|p| p.into_iter().next())
                .map(|p| p.filter_criteria),
            raw("source"),
            Dialect::Pipes,
        ),
        _ => return Ok(()),
    };
    let Some(criteria) = criteria.and_then(|c| c.into_iter().next()) else {
        return Ok(());
    };
    let address = resource.address.clone();
    let self_managed = raw("self_managed_event_source").is_some_and(|r| r.get() != "[]");
    let arn = arn.and_then(|r| serde_json::from_str::<String>(r.get()).ok());
    let source = if self_managed {
        Some(Source::Kafka)
    } else {
        arn.as_deref().and_then(arn_source)
    };
    let Some(source) = source else {
        let at = Location {
            file: file.to_string(),
            line: 1,
            column: 1,
        };
        let failure = Failure::at(
            &at,
            "cannot tell which event source this filter reads from its ARN",
        );
        set.unresolved
            .push((address.clone(), for_rule(failure, &address)));
        return Ok(());
    };
    let mut patterns = Vec::new();
    for filter in &criteria.filter {
        if let Some(raw) = filter.pattern {
            patterns.push(string_at(raw, file, contents).map_err(|f| for_rule(f, &address))?);
        }
    }
    if patterns.is_empty() {
        return Ok(()); // no filter: every record passes, nothing to test
    }
    set.extend(RuleSet {
        rules: vec![filter_rule(address, make(source), file, patterns)],
        unresolved: Vec::new(),
    })
}
