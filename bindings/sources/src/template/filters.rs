//! Lambda and Pipes filter criteria declared in a template.
//!
//! Three declarations hold them, each a rule named like the other rules of a template:
//!
//! * `AWS::Lambda::EventSourceMapping` with `FilterCriteria`: the resource's logical ID;
//! * a SAM function event of type `SQS`, `Kinesis`, `DynamoDB`, `MSK`, `SelfManagedKafka` or `MQ`
//!   with `FilterCriteria`: the function's logical ID followed by the event's, as SAM names the
//!   event source mapping it creates;
//! * `AWS::Pipes::Pipe` with `SourceParameters.FilterCriteria`: the pipe's logical ID.
//!
//! The event source, which decides how records are decoded and which rules a filter follows, is
//! the SAM event's type, or read from `EventSourceArn` (a mapping) or `Source` (a pipe): a
//! resource of the template it refers to (`!GetAtt Queue.Arn` on an `AWS::SQS::Queue`), or the
//! service named in a literal ARN. When it cannot be told, the rule is not checked, and the message
//! says so at the declaration.

use super::intrinsics::{self, Resolved};
use super::yaml::{Kind, Node};
use super::{string_pattern, Context};
use crate::failure::Failure;
use crate::rules::{arn_source, filter_rule, Params, RuleSet};
use ferruler::dialect::{Dialect, Source};

/// What a filter declaration needs from its template.
pub struct Declared<'a> {
    pub root: &'a Node,
    pub file: &'a str,
    pub contents: &'a str,
    pub params: &'a Params,
}

/// Adds the rule of the resource `id` of type `kind`, if it declares filter criteria.
pub fn resource(
    set: &mut RuleSet,
    d: &Declared,
    id: &str,
    kind: &str,
    properties: Option<&Node>,
) -> Result<(), Failure> {
    let (criteria, arn, make): (_, _, fn(Source) -> Dialect) = match kind {
        "AWS::Lambda::EventSourceMapping" => (
            properties.and_then(|p| p.get("FilterCriteria")),
            properties.and_then(|p| p.get("EventSourceArn")),
            Dialect::Lambda,
        ),
        "AWS::Pipes::Pipe" => (
            properties
                .and_then(|p| p.get("SourceParameters"))
                .and_then(|p| p.get("FilterCriteria")),
            properties.and_then(|p| p.get("Source")),
            Dialect::Pipes,
        ),
        _ => return Ok(()),
    };
    let Some(criteria) = criteria else {
        return Ok(());
    };
    let self_managed = properties.is_some_and(|p| p.get("SelfManagedEventSource").is_some());
    let source = if self_managed {
        Some(Source::Kafka)
    } else {
        arn.and_then(|arn| source_of(arn, d.root))
    };
    match source {
        Some(source) => add(set, d, id.to_string(), make(source), criteria),
        None => {
            set.unresolved.push((
            id.to_string(),
            Failure::at(
                &criteria.location(d.file),
                format_args!("rule {id}: cannot tell which event source this filter reads: give the source as a resource of this template or a literal ARN"),
            ),
            ));
            Ok(())
        }
    }
}

/// The source of a SAM function event of type `kind`, if it is one that filters.
pub fn sam_source(kind: &str) -> Option<Source> {
    match kind {
        "SQS" => Some(Source::Sqs),
        "Kinesis" => Some(Source::Kinesis),
        "DynamoDB" => Some(Source::DynamoDb),
        "MSK" | "SelfManagedKafka" => Some(Source::Kafka),
        "MQ" => Some(Source::Mq),
        _ => None,
    }
}

/// Adds the rule of filter criteria `criteria` (`{Filters: [{Pattern: ...}]}`).
pub fn add(
    set: &mut RuleSet,
    d: &Declared,
    name: String,
    dialect: Dialect,
    criteria: &Node,
) -> Result<(), Failure> {
    let ctx = Context {
        file: d.file,
        rule: &name,
        params: d.params,
        parameters: d.root.get("Parameters"),
        mappings: d.root.get("Mappings"),
    };
    let mut filters = Vec::new();
    let items = match criteria.get("Filters").map(|f| &f.kind) {
        Some(Kind::Seq(items)) => &items[..],
        _ => &[],
    };
    for item in items {
        let Some(pattern) = item.get("Pattern") else {
            continue;
        };
        let filter = match &pattern.kind {
            Kind::Scalar(s) if pattern.tag.is_none() => Ok(string_pattern(
                pattern, &s.text, s.style, d.file, d.contents,
            )),
            _ if intrinsics::is_intrinsic(pattern) => match intrinsics::resolve(pattern, &ctx) {
                Ok(Resolved::Str(text)) => Ok((text, vec![(0, pattern.location(d.file))])),
                Ok(Resolved::List(_)) => Err(Failure::at(
                    &pattern.location(d.file),
                    format_args!("rule {name}: a filter Pattern is a string of JSON, not a list"),
                )),
                Err(why) => Err(why),
            },
            _ => Err(Failure::at(
                &pattern.location(d.file),
                format_args!("rule {name}: a filter Pattern is a string of JSON"),
            )),
        };
        match filter {
            Ok(filter) => filters.push(filter),
            Err(why) => {
                set.unresolved.push((name, why));
                return Ok(());
            }
        }
    }
    if filters.is_empty() {
        return Ok(()); // no filter: every record passes, nothing to test
    }
    set.extend(RuleSet {
        rules: vec![filter_rule(name, dialect, d.file, filters)],
        unresolved: Vec::new(),
    })
}

/// The source an ARN (or a reference to a resource) names.
fn source_of(arn: &Node, root: &Node) -> Option<Source> {
    let mut words = Vec::new();
    scalars(arn, &mut words);
    let resources = root.get("Resources");
    words.iter().find_map(|word| {
        let target = word.split('.').next().unwrap_or(word);
        let kind = resources
            .and_then(|r| r.get(target))
            .and_then(|r| r.get("Type"))
            .and_then(Node::as_str);
        match kind {
            Some(kind) => resource_source(kind),
            None => arn_source(word),
        }
    })
}

fn resource_source(kind: &str) -> Option<Source> {
    match kind {
        "AWS::SQS::Queue" => Some(Source::Sqs),
        "AWS::Kinesis::Stream" | "AWS::Kinesis::StreamConsumer" => Some(Source::Kinesis),
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => Some(Source::DynamoDb),
        "AWS::MSK::Cluster" | "AWS::MSK::ServerlessCluster" => Some(Source::Kafka),
        "AWS::AmazonMQ::Broker" => Some(Source::Mq),
        _ => None,
    }
}

fn scalars<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match &node.kind {
        Kind::Scalar(s) => out.push(&s.text),
        Kind::Seq(items) => items.iter().for_each(|i| scalars(i, out)),
        Kind::Map(entries) => entries.iter().for_each(|(_, v)| scalars(v, out)),
    }
}
