//! Which parts of the pattern grammar each service accepts in a filter, and on which fields.
//!
//! Lambda event filtering lists its operators in "Control which events Lambda sends to your
//! function" (Lambda Developer Guide): null, empty, equals, equals-ignore-case, and, or,
//! anything-but (of values), numeric (equals and ranges), exists, prefix and suffix. Pipes accepts
//! every EventBridge operator except those its column of "Comparison operators for use in event
//! patterns" (EventBridge User Guide) marks No: `wildcard`, and `anything-but` with `prefix`,
//! `suffix`, `equals-ignore-case` or `wildcard`.
//!
//! Where a filter may look: SQS, Kafka and Amazon MQ mappings filter only on their payload key
//! (`body`, `value`, `data`); Kinesis and DynamoDB also on the record's other fields, but their
//! payload key (`data`, `dynamodb`) must be filtered as JSON (an object), or the mapping is
//! refused when it is created.

use super::error::{DialectError, Part};
use super::{Dialect, Source};
use crate::pattern::json::{Kind, Member, Node};

/// Checks the fields and operators of a pattern (already valid EventBridge grammar).
pub(super) fn check(dialect: Dialect, source: Source, pattern: &Node) -> Result<(), DialectError> {
    fields(dialect, source, pattern)?;
    operators(dialect, pattern)
}

fn fail(message: String, at: usize) -> Result<(), DialectError> {
    Err(DialectError::new(message, at, Part::Pattern(0)))
}

fn fields(dialect: Dialect, source: Source, pattern: &Node) -> Result<(), DialectError> {
    let Kind::Object(members) = &pattern.kind else {
        return Ok(());
    };
    let key = source.data_key();
    for Member {
        key: name,
        key_at: at,
        value,
    } in members
    {
        if name == "$or" {
            if let Kind::Array(branches) = &value.kind {
                for branch in branches {
                    fields(dialect, source, branch)?;
                }
            }
            continue;
        }
        let only_payload = matches!(source, Source::Sqs | Source::Kafka | Source::Mq);
        if only_payload && name != key {
            return fail(
                format!(
                    "{} filters on {source} records can only use {key:?}, not {name:?}",
                    dialect.service()
                ),
                *at,
            );
        }
        if name == key
            && matches!(source, Source::Kinesis | Source::DynamoDb)
            && !matches!(value.kind, Kind::Object(_))
        {
            return fail(
                format!("the filter on {key:?} must be JSON (an object): {source} refuses a filter on its payload as a plain value"),
                value.at,
            );
        }
    }
    Ok(())
}

/// Walks the fields of a pattern object: nested objects, `$or` branches, and value lists, whose
/// objects are operators.
fn operators(dialect: Dialect, node: &Node) -> Result<(), DialectError> {
    let Kind::Object(members) = &node.kind else {
        return Ok(());
    };
    for Member {
        key: name,
        key_at: at,
        value,
    } in members
    {
        match &value.kind {
            Kind::Array(branches) if name == "$or" => {
                if matches!(dialect, Dialect::Lambda(_)) {
                    return unsupported(dialect, "$or", *at);
                }
                for branch in branches {
                    operators(dialect, branch)?;
                }
            }
            Kind::Array(values) => {
                for value in values {
                    if let Kind::Object(op) = &value.kind {
                        if let Some(Member { key, key_at, value }) = op.first() {
                            operator(dialect, key, *key_at, value)?;
                        }
                    }
                }
            }
            _ => operators(dialect, value)?,
        }
    }
    Ok(())
}

fn operator(dialect: Dialect, op: &str, at: usize, argument: &Node) -> Result<(), DialectError> {
    let nested = match &argument.kind {
        Kind::Object(members) => members.first().map(|m| m.key.as_str()),
        _ => None,
    };
    let supported = match dialect {
        Dialect::EventBridge => true,
        Dialect::Lambda(_) => match op {
            "equals-ignore-case" | "numeric" | "exists" => true,
            "prefix" | "suffix" | "anything-but" => nested.is_none(),
            _ => false,
        },
        Dialect::Pipes(_) => match op {
            "wildcard" => false,
            "anything-but" => nested.is_none(),
            _ => true,
        },
    };
    if supported {
        return Ok(());
    }
    let shown = match nested {
        Some(inner) => format!("{op} with {inner}"),
        None => op.to_string(),
    };
    unsupported(dialect, &shown, at)
}

fn unsupported(dialect: Dialect, what: &str, at: usize) -> Result<(), DialectError> {
    fail(
        format!(
            "{} event filtering does not support {what:?}",
            dialect.service()
        ),
        at,
    )
}
