//! The event patterns of a Serverless Framework service: `serverless.yml`, `.yaml` or `.json`.
//!
//! Each `functions.<fn>.events[].eventBridge` with a `pattern` is a rule (one with only a
//! `schedule` is not). It is named as the framework names the rule it deploys: its `name` when it
//! has one, otherwise `<function name>-rule-<n>`, `n` being the event's position (from 1) among
//! all of the function's events and the function name its `name` or `<service>-<stage>-<fn>`;
//! a name longer than EventBridge's 64 characters is shortened the framework's way (its first
//! characters, the MD5 of the whole name, then `-rule-<n>`).
//!
//! The framework accepts only EventBridge's top-level pattern keys in `pattern` (its schema has no
//! other), so any other key is an error here too, with the closest known key suggested.
//! Variables are resolved as `vars` says; CloudFormation's short-form tags (`!Ref`, `!Sub`, ...)
//! are allowed in the file but leave a pattern using them not checked, and any other tag is an
//! error.

mod emit;
mod vars;

use crate::failure::Failure;
use crate::rules::{Origin, Params, Rule, RuleSet};
use crate::suggest;
use crate::template::yaml::{self, Kind, Node};
use md5::{Digest, Md5};
use vars::Vars;

/// Whether a file of this name is a Serverless Framework service.
pub fn is_service_file(name: &str) -> bool {
    matches!(
        name,
        "serverless.yml" | "serverless.yaml" | "serverless.json"
    )
}

/// The keys the framework's schema allows in an `eventBridge.pattern`.
const PATTERN_KEYS: [&str; 9] = [
    "account",
    "detail",
    "detail-type",
    "id",
    "region",
    "resources",
    "source",
    "time",
    "version",
];

/// CloudFormation's short-form tags, which the framework passes on to CloudFormation.
const CLOUDFORMATION_TAGS: [&str; 18] = [
    "!And",
    "!Base64",
    "!Cidr",
    "!Condition",
    "!Equals",
    "!FindInMap",
    "!GetAZs",
    "!GetAtt",
    "!If",
    "!ImportValue",
    "!Join",
    "!Not",
    "!Or",
    "!Ref",
    "!Select",
    "!Split",
    "!Sub",
    "!Transform",
];

/// The rules of a Serverless service file.
pub fn load(file: &str, contents: &str, params: &Params) -> Result<RuleSet, Failure> {
    let Some(root) = yaml::parse(file, contents)? else {
        return Err(Failure::file(file, "empty Serverless service file"));
    };
    known_tags(&root, file)?;
    let vars = Vars {
        root: &root,
        params,
        file,
    };
    let service = match root.get("service") {
        Some(s) if matches!(s.kind, Kind::Map(_)) => s.get("name"),
        s => s,
    };
    let Some(service) = service else {
        return Err(Failure::file(
            file,
            "not a Serverless service: no `service` at the top level",
        ));
    };
    let service = vars.string(service, 0)?;
    let stage = vars.stage()?;
    let mut set = RuleSet::default();
    for (key, function) in root.get("functions").map_or(&[][..], Node::entries) {
        let key = key.as_str().unwrap_or_default();
        let function_name = match function.get("name") {
            Some(name) => vars.string(name, 0)?,
            None => format!("{service}-{stage}-{key}"),
        };
        let events = match function.get("events").map(|e| &e.kind) {
            Some(Kind::Seq(events)) => &events[..],
            _ => &[],
        };
        for (i, event) in events.iter().enumerate() {
            let Some(bridge) = event.get("eventBridge") else {
                continue;
            };
            let Some(pattern) = bridge.get("pattern") else {
                continue; // a schedule
            };
            let name = match bridge.get("name") {
                Some(name) => vars.string(name, 0)?,
                None => rule_name(&function_name, i + 1),
            };
            known_keys(pattern, &vars, &name)?;
            match emit::emit(pattern, &vars) {
                Ok(emitted) => set.extend(RuleSet {
                    rules: vec![Rule::new(
                        name,
                        emitted.text,
                        Origin::Mapped {
                            file: file.to_string(),
                            spans: emitted.spans,
                        },
                    )],
                    unresolved: Vec::new(),
                })?,
                Err(why) => {
                    let why = Failure(why.0.replacen(
                        ": error: ",
                        &format!(": error: rule {name}: "),
                        1,
                    ));
                    set.unresolved.push((name, why));
                }
            }
        }
    }
    Ok(set)
}

/// The framework's name for the rule of event `index` (from 1) of function `function`.
fn rule_name(function: &str, index: usize) -> String {
    let suffix = format!("rule-{index}");
    let name = format!("{function}-{suffix}");
    if name.len() <= 64 {
        return name;
    }
    let keep: String = name
        .chars()
        .take(31usize.saturating_sub(suffix.len()))
        .collect();
    let digest = Md5::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{keep}{hex}-{suffix}")
}

fn known_keys(pattern: &Node, vars: &Vars, rule: &str) -> Result<(), Failure> {
    for (key, _) in pattern.entries() {
        let Some(name) = key.as_str().filter(|k| !PATTERN_KEYS.contains(k)) else {
            continue;
        };
        return Err(Failure::at(
            &vars.location(key),
            format_args!(
                "rule {rule}: the Serverless Framework accepts no {name:?} in an eventBridge pattern{}",
                suggest::did_you_mean(name, PATTERN_KEYS.iter().copied())
            ),
        ));
    }
    Ok(())
}

/// Fails on a tag that is neither YAML's own nor CloudFormation's.
fn known_tags(node: &Node, file: &str) -> Result<(), Failure> {
    if let Some(tag) = node.tag.as_deref() {
        if !tag.starts_with("!!") && !CLOUDFORMATION_TAGS.contains(&tag) {
            return Err(Failure::at(
                &node.location(file),
                format_args!(
                    "unknown YAML tag {tag}{}",
                    suggest::did_you_mean(tag, CLOUDFORMATION_TAGS.iter().copied())
                ),
            ));
        }
    }
    match &node.kind {
        Kind::Map(entries) => entries
            .iter()
            .try_for_each(|(k, v)| known_tags(k, file).and(known_tags(v, file))),
        Kind::Seq(items) => items.iter().try_for_each(|i| known_tags(i, file)),
        Kind::Scalar(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_rule_names_are_shortened_the_frameworks_way() {
        assert_eq!(rule_name("shop-dev-orders", 2), "shop-dev-orders-rule-2");
        let long = "a-very-long-service-name-prod-oneVeryLongAndVeryStrangeFunctionName";
        let name = rule_name(long, 1);
        // 31 characters less the suffix's, 32 of MD5, then `-rule-1`: at most 64.
        assert!(name.starts_with("a-very-long-service-name-"), "{name}");
        assert!(name.ends_with("-rule-1"));
        assert_eq!(name.len(), 64);
    }
}
