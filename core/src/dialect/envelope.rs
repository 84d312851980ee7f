//! A record of an event source as the event its filter patterns are matched against.
//!
//! Lambda and Pipes match a filter against the record with its payload decoded:
//!
//! * SQS: `body` is a string; when it holds a JSON object it is matched as that object, otherwise as
//!   the plain string (so a pattern for a JSON body never matches a plain one, and the reverse);
//! * Kinesis: `data` is base64; it is decoded and matched as JSON when it is JSON, otherwise as the
//!   decoded text. A Lambda event record (`{"kinesis": {...}, "eventSource": ...}`) is matched as
//!   its `kinesis` object, whose fields (`partitionKey`, `data`, ...) filters name;
//! * DynamoDB Streams: matched as it is, `dynamodb` holding typed attribute values (`{"S": "x"}`);
//! * Kafka (Amazon MSK and self-managed): `value` is base64, decoded like Kinesis `data`;
//! * Amazon MQ: `data` is base64, decoded likewise.
//!
//! A record without its source's payload field, or whose `eventSource` names another source, is
//! an error rather than a silent non-match: the test would otherwise pass for the wrong reason.

use super::base64;
use super::error::{DialectError, Part};
use super::json::{self, Node, Value};
use super::Source;

/// The event a filter pattern sees for `record`.
pub(super) fn event_of(source: Source, record: &str) -> Result<String, DialectError> {
    let mut node = json::parse(record, Part::Record)?;
    let fail = |message: String, at: usize| Err(DialectError::new(message, at, Part::Record));
    if !matches!(node.value, Value::Object(_)) {
        return fail(format!("a {source} record is a JSON object"), node.at);
    }
    if let Some(Node {
        value: Value::Str(from),
        at,
    }) = node.get("eventSource")
    {
        if !source.event_sources().contains(&from.as_str()) {
            return fail(
                format!("this record's eventSource is {from:?}: not a {source} record"),
                *at,
            );
        }
    }
    if source == Source::Kinesis {
        if let Some(inner) = node
            .get("kinesis")
            .filter(|k| matches!(k.value, Value::Object(_)))
        {
            node = inner.clone();
        }
    }
    let key = source.data_key();
    let record_at = node.at;
    let Value::Object(members) = &mut node.value else {
        unreachable!("checked to be an object above");
    };
    let Some((_, _, payload)) = members.iter_mut().rev().find(|m| m.0 == key) else {
        return fail(
            format!("not a {source} record: it has no {key:?}"),
            record_at,
        );
    };
    match (source, &payload.value) {
        (Source::DynamoDb, Value::Object(_)) => {}
        (Source::DynamoDb, _) => {
            return fail(
                "not a DynamoDB stream record: \"dynamodb\" must be an object".into(),
                payload.at,
            )
        }
        (Source::Sqs, Value::Str(body)) => {
            if let Ok(parsed) = json::parse(body, Part::Record) {
                if matches!(parsed.value, Value::Object(_)) {
                    payload.value = parsed.value;
                }
            }
        }
        (_, Value::Str(encoded)) if source != Source::Sqs => {
            let Some(bytes) = base64::decode(encoded) else {
                return fail(
                    format!("not a {source} record: {key:?} is not base64"),
                    payload.at,
                );
            };
            // Not UTF-8: no pattern can match its text, so it stays as received.
            if let Ok(text) = String::from_utf8(bytes) {
                payload.value = match json::parse(&text, Part::Record) {
                    Ok(parsed) => parsed.value,
                    Err(_) => Value::Str(text),
                };
            }
        }
        _ => {
            return fail(
                format!("not a {source} record: {key:?} must be a string"),
                payload.at,
            )
        }
    }
    let mut out = String::new();
    json::write(&node, &mut out);
    Ok(out)
}
