//! The event patterns that users deploy: CloudFormation, SAM and CDK templates.
//!
//! Rules come from two kinds of resource, and are named by the logical ID of the
//! `AWS::Events::Rule` that ends up deployed, so that a failing test names the resource a user
//! would look for in the console:
//!
//! * `AWS::Events::Rule` with an `EventPattern` (CloudFormation, and CDK's `cdk.out` output): the
//!   resource's own logical ID;
//! * an event of type `EventBridgeRule` or `CloudWatchEvent` on an `AWS::Serverless::Function` or
//!   `AWS::Serverless::StateMachine` (SAM), whose `Pattern` SAM turns into a rule with the logical
//!   ID of the function followed by the event's (`MyFunction` + `OnOrder` = `MyFunctionOnOrder`).
//!
//! Lambda event source mappings and pipes with filter criteria are rules too, matched as their
//! service matches records (see `filters`).
//!
//! Rules without a pattern (schedules) are not rules this tool can test and are left out. A
//! pattern may be a mapping or a string holding JSON; intrinsic functions in it are resolved where
//! that can be done honestly (see `intrinsics`).

pub(crate) mod emit;
mod filters;
mod intrinsics;
pub mod yaml;

pub use emit::{quote, scalar_json};

use crate::failure::{Failure, Location};
use crate::rules::{Origin, Params, Rule, RuleSet};
use crate::suggest;
use serde::de::IgnoredAny;
use std::collections::HashMap;
use yaml::{Kind, Node};
use yaml_rust2::scanner::TScalarStyle;

/// What resolving a pattern needs to know.
pub struct Context<'a> {
    pub file: &'a str,
    pub rule: &'a str,
    pub params: &'a Params,
    pub parameters: Option<&'a Node>,
    pub mappings: Option<&'a Node>,
}

/// Whether `contents` is a JSON object with a top-level `Resources` (a template, not a pattern).
pub fn looks_like_json_template(contents: &str) -> bool {
    contents.trim_start().starts_with('{')
        && serde_json::from_str::<HashMap<String, IgnoredAny>>(contents)
            .is_ok_and(|m| m.contains_key("Resources"))
}

/// The rules of a template. Without a `Resources` mapping the file is not a template: an error if
/// the user named it as one (`explicit`), otherwise (a YAML file met in a directory) no rules.
pub fn load(
    file: &str,
    contents: &str,
    params: &Params,
    explicit: bool,
) -> Result<RuleSet, Failure> {
    let root = yaml::parse(file, contents)?;
    let resources = root.as_ref().and_then(|r| r.get("Resources"));
    let Some(resources) = resources.filter(|r| matches!(r.kind, Kind::Map(_))) else {
        return if explicit {
            Err(Failure::file(
                file,
                "not a CloudFormation/SAM template: no Resources mapping at the top level",
            ))
        } else {
            Ok(RuleSet::default())
        };
    };
    let root = root.as_ref().expect("Resources was found in it");
    let mut set = RuleSet::default();
    let declared = filters::Declared {
        root,
        file,
        contents,
        params,
    };
    for (id, resource) in resources.entries() {
        let Some(id) = id.as_str() else { continue };
        let properties = resource.get("Properties");
        let kind = resource.get("Type").and_then(Node::as_str);
        filters::resource(
            &mut set,
            &declared,
            id,
            kind.unwrap_or_default(),
            properties,
        )?;
        match kind {
            Some("AWS::Events::Rule") => {
                known_keys(properties, &RULE_PROPERTIES, id, file)?;
                if let Some(pattern) = properties.and_then(|p| p.get("EventPattern")) {
                    add(
                        &mut set,
                        id.to_string(),
                        pattern,
                        root,
                        file,
                        contents,
                        params,
                    )?;
                }
            }
            Some("AWS::Serverless::Function" | "AWS::Serverless::StateMachine") => {
                for (event_id, event) in properties
                    .and_then(|p| p.get("Events"))
                    .map_or(&[][..], Node::entries)
                {
                    let kind = event.get("Type").and_then(Node::as_str);
                    let name = format!("{id}{}", event_id.as_str().unwrap_or_default());
                    let criteria = event
                        .get("Properties")
                        .and_then(|p| p.get("FilterCriteria"));
                    if let (Some(source), Some(criteria)) =
                        (kind.and_then(filters::sam_source), criteria)
                    {
                        let dialect = ferruler::dialect::Dialect::Lambda(source);
                        filters::add(&mut set, &declared, name, dialect, criteria)?;
                        continue;
                    }
                    if !matches!(kind, Some("EventBridgeRule" | "CloudWatchEvent")) {
                        continue;
                    }
                    let known: &[&str] = match kind {
                        Some("EventBridgeRule") => &SAM_EVENTBRIDGE_PROPERTIES,
                        _ => &SAM_CLOUDWATCH_PROPERTIES,
                    };
                    known_keys(event.get("Properties"), known, &name, file)?;
                    match event.get("Properties").and_then(|p| p.get("Pattern")) {
                        Some(pattern) => {
                            add(&mut set, name, pattern, root, file, contents, params)?
                        }
                        None => {
                            return Err(Failure::at(
                                &event_id.location(file),
                                format_args!(
                                    "rule {name}: the {} event has no Pattern",
                                    kind.unwrap_or_default()
                                ),
                            ))
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(set)
}

/// The properties of an `AWS::Events::Rule`.
const RULE_PROPERTIES: [&str; 8] = [
    "Description",
    "EventBusName",
    "EventPattern",
    "Name",
    "RoleArn",
    "ScheduleExpression",
    "State",
    "Targets",
];

/// The properties of a SAM `EventBridgeRule` event (functions and state machines alike).
const SAM_EVENTBRIDGE_PROPERTIES: [&str; 10] = [
    "DeadLetterConfig",
    "EventBusName",
    "Input",
    "InputPath",
    "InputTransformer",
    "Pattern",
    "RetryPolicy",
    "RuleName",
    "State",
    "Target",
];

/// The properties of a SAM `CloudWatchEvent` event.
const SAM_CLOUDWATCH_PROPERTIES: [&str; 6] = [
    "Enabled",
    "EventBusName",
    "Input",
    "InputPath",
    "Pattern",
    "State",
];

/// Fails on a property of rule `rule` that `known` does not list, at its position, naming the
/// closest known one. A misspelt `EventPatern` would otherwise leave the rule out as if it were a
/// schedule, and the cases naming it would fail for the wrong reason, or not run at all.
fn known_keys(
    properties: Option<&Node>,
    known: &[&str],
    rule: &str,
    file: &str,
) -> Result<(), Failure> {
    for (key, _) in properties.map_or(&[][..], Node::entries) {
        let Some(name) = key.as_str().filter(|k| !known.contains(k)) else {
            continue;
        };
        return Err(Failure::at(
            &key.location(file),
            format_args!(
                "rule {rule}: unknown property {name:?}{}",
                suggest::did_you_mean(name, known.iter().copied())
            ),
        ));
    }
    Ok(())
}

fn add(
    set: &mut RuleSet,
    name: String,
    pattern: &Node,
    root: &Node,
    file: &str,
    contents: &str,
    params: &Params,
) -> Result<(), Failure> {
    let ctx = Context {
        file,
        rule: &name,
        params,
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
    };
    let generated = match &pattern.kind {
        // A pattern written as a string of JSON (CloudFormation accepts both forms).
        Kind::Scalar(s) if pattern.tag.is_none() => {
            Ok(string_pattern(pattern, &s.text, s.style, file, contents))
        }
        _ => emit::emit(pattern, &ctx).map(|e| (e.text, e.spans)),
    };
    let rule = match generated {
        Ok((text, spans)) => Rule::new(
            name,
            text,
            Origin::Mapped {
                file: file.to_string(),
                spans,
            },
        ),
        Err(unresolved) => {
            set.unresolved.push((name, unresolved));
            return Ok(());
        }
    };
    set.extend(RuleSet {
        rules: vec![rule],
        unresolved: Vec::new(),
    })
}

/// A pattern held in a string scalar: the text, and where each of its lines starts in the file.
pub(crate) fn string_pattern(
    node: &Node,
    text: &str,
    style: TScalarStyle,
    file: &str,
    contents: &str,
) -> (String, Vec<(usize, Location)>) {
    let mut spans = Vec::new();
    if style == TScalarStyle::Literal {
        // A `|` block: the text's lines are the file's lines from the node's on, indented alike.
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            spans.push((
                offset,
                Location {
                    file: file.to_string(),
                    line: node.line + i,
                    column: node.column,
                },
            ));
            offset += line.len();
        }
    } else {
        // Quoted or plain: the text starts after the opening quote, if any.
        let quoted = matches!(
            style,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
        );
        let column = node.column + usize::from(quoted && starts_with_quote(contents, node));
        spans.push((
            0,
            Location {
                file: file.to_string(),
                line: node.line,
                column,
            },
        ));
    }
    (text.to_string(), spans)
}

fn starts_with_quote(contents: &str, node: &Node) -> bool {
    let line = contents
        .lines()
        .nth(node.line.saturating_sub(1))
        .unwrap_or_default();
    let rest: String = line
        .chars()
        .skip(node.column.saturating_sub(1))
        .take(1)
        .collect();
    rest == "'" || rest == "\""
}
