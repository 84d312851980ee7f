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
use super::{read, Source};
use crate::pattern::json::{self, Kind, Node};
use crate::Limits;

/// The event a filter pattern sees for `record`.
pub(super) fn event_of(source: Source, record: &str) -> Result<String, DialectError> {
    // The event is matched with the default limits; a payload is one level down in it.
    let max_depth = Limits::default().max_event_depth;
    let mut node = read(record, max_depth, Part::Record)?;
    let fail = |message: String, at: usize| Err(DialectError::new(message, at, Part::Record));
    if !matches!(node.kind, Kind::Object(_)) {
        return fail(format!("a {source} record is a JSON object"), node.at);
    }
    if let Some(Node {
        kind: Kind::String(from),
        at,
    }) = member(&mut node, "eventSource")
    {
        if !source.event_sources().contains(&from.as_str()) {
            return fail(
                format!("this record's eventSource is {from:?}: not a {source} record"),
                *at,
            );
        }
    }
    if source == Source::Kinesis {
        if let Some(inner) =
            member(&mut node, "kinesis").filter(|k| matches!(k.kind, Kind::Object(_)))
        {
            node = Node {
                at: inner.at,
                kind: take(inner),
            };
        }
    }
    let key = source.data_key();
    let record_at = node.at;
    let Some(payload) = member(&mut node, key) else {
        return fail(
            format!("not a {source} record: it has no {key:?}"),
            record_at,
        );
    };
    let decoded =
        |text: &str| read(text, max_depth - 1, Part::Record).map(|mut parsed| take(&mut parsed));
    match (source, &payload.kind) {
        (Source::DynamoDb, Kind::Object(_)) => {}
        (Source::DynamoDb, _) => {
            return fail(
                "not a DynamoDB stream record: \"dynamodb\" must be an object".into(),
                payload.at,
            )
        }
        (Source::Sqs, Kind::String(body)) => {
            if let Ok(parsed @ Kind::Object(_)) = decoded(body) {
                payload.kind = parsed;
            }
        }
        (_, Kind::String(encoded)) if source != Source::Sqs => {
            let Some(bytes) = base64::decode(encoded) else {
                return fail(
                    format!("not a {source} record: {key:?} is not base64"),
                    payload.at,
                );
            };
            // Not UTF-8: no pattern can match its text, so it stays as received.
            if let Ok(text) = String::from_utf8(bytes) {
                payload.kind = decoded(&text).unwrap_or(Kind::String(text));
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

/// The value of member `key` of an object (the last, as EventBridge reads a repeated key).
fn member<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        Kind::Object(members) => members
            .iter_mut()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &mut m.value),
        _ => None,
    }
}

/// A node's value, taken out of it: a node drops its children itself (so as not to recurse), so
/// it cannot be moved apart.
fn take(node: &mut Node) -> Kind {
    std::mem::replace(&mut node.kind, Kind::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_decoded_and_numbers_kept_as_spelled() {
        let record =
            r#"{"eventSource": "aws:sqs", "n": 1.50, "body": "{\"a\": [2e3, \"\u00e9\"]}"}"#;
        assert_eq!(
            event_of(Source::Sqs, record).unwrap(),
            r#"{"eventSource":"aws:sqs","n":1.50,"body":{"a":[2e3,"é"]}}"#
        );
        // "eyJhIjogMS4wfQ==" is {"a": 1.0}; a body that is not a JSON object stays a string.
        let record = r#"{"kinesis": {"data": "eyJhIjogMS4wfQ=="}, "eventSource": "aws:kinesis"}"#;
        assert_eq!(
            event_of(Source::Kinesis, record).unwrap(),
            r#"{"data":{"a":1.0}}"#
        );
        let record = r#"{"body": "[1]"}"#;
        assert_eq!(event_of(Source::Sqs, record).unwrap(), r#"{"body":"[1]"}"#);
    }

    #[test]
    fn record_errors_have_offsets() {
        let e = event_of(Source::Sqs, r#"{"body": tru}"#).unwrap_err();
        assert_eq!((e.offset(), e.part()), (9, Part::Record));
        let e = event_of(Source::Sqs, r#"{"body": "x"} x"#).unwrap_err();
        assert_eq!(e.message(), "Unexpected text after the end of the record");
        let deep = "[".repeat(2000);
        let e = event_of(Source::Sqs, &deep).unwrap_err();
        assert!(e.message().starts_with("Record is nested more than"), "{e}");
    }
}
