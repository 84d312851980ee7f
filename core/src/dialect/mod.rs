//! The same pattern grammar used a second way: Lambda event-source filters and EventBridge Pipes
//! filters.
//!
//! A Lambda event source mapping (SQS, Kinesis, DynamoDB Streams, Kafka, Amazon MQ) or a pipe
//! filters the records it reads with EventBridge patterns, but on another envelope (an SQS
//! message's `body` holding JSON, a Kinesis record's base64 `data`) and with rules of its own (fewer
//! operators, fields it may not filter on, limits on the number and size of filters). A pattern
//! that is right for an event bus can be wrong there, and a test that matched it against the
//! record as written would say nothing about what the service does.
//!
//! A [`Dialect`] says which of these is meant. It is built on the crate's public API only: it
//! checks a pattern as the service would ([`Dialect::check_pattern`]), turns a record into the
//! event the service matches ([`Dialect::event`]), and matches with [`crate::matches_rule`];
//! [`FilterCriteria`] holds several filters, of which a record must match one.
//!
//! ```
//! use ferruler::dialect::{Dialect, Source};
//!
//! let sqs = Dialect::Lambda(Source::Sqs);
//! let record = r#"{"messageId": "1", "body": "{\"RequestCode\": \"BBBB\"}", "eventSource": "aws:sqs"}"#;
//! assert!(sqs.matches(record, r#"{"body": {"RequestCode": ["BBBB"]}}"#)?);
//! // Lambda has no wildcard operator:
//! assert!(sqs.check_pattern(r#"{"body": {"RequestCode": [{"wildcard": "B*"}]}}"#).is_err());
//! # Ok::<(), ferruler::dialect::DialectError>(())
//! ```

mod base64;
mod criteria;
mod envelope;
mod error;
mod operators;

pub use criteria::{FilterCriteria, MAX_PATTERN_CHARS};
pub use error::{DialectError, Part};

use crate::pattern::json::{self, Node, Subject};
use crate::Limits;
use std::fmt;
use std::str::FromStr;

/// Where a pattern is used, which decides the records it is matched against and the rules it must
/// follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// An EventBridge rule: the event as it is, every operator.
    EventBridge,
    /// A Lambda event source mapping's filter.
    Lambda(Source),
    /// An EventBridge pipe's filter.
    Pipes(Source),
}

/// The event source whose records a filter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Amazon SQS messages.
    Sqs,
    /// Amazon Kinesis Data Streams records.
    Kinesis,
    /// Amazon DynamoDB Streams records.
    DynamoDb,
    /// Amazon MSK and self-managed Apache Kafka records.
    Kafka,
    /// Amazon MQ messages.
    Mq,
}

impl Source {
    /// Its name as [`FromStr`] reads it: `sqs`, `kinesis`, `dynamodb`, `kafka` or `mq`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Sqs => "sqs",
            Source::Kinesis => "kinesis",
            Source::DynamoDb => "dynamodb",
            Source::Kafka => "kafka",
            Source::Mq => "mq",
        }
    }

    /// The record field holding the payload, which filters match decoded.
    pub fn data_key(self) -> &'static str {
        match self {
            Source::Sqs => "body",
            Source::Kinesis | Source::Mq => "data",
            Source::DynamoDb => "dynamodb",
            Source::Kafka => "value",
        }
    }

    /// The `eventSource` values its records carry.
    fn event_sources(self) -> &'static [&'static str] {
        match self {
            Source::Sqs => &["aws:sqs"],
            Source::Kinesis => &["aws:kinesis"],
            Source::DynamoDb => &["aws:dynamodb"],
            Source::Kafka => &["aws:kafka", "SelfManagedKafka"],
            Source::Mq => &["aws:mq", "aws:amq", "aws:rmq"],
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Sqs => "SQS",
            Source::Kinesis => "Kinesis",
            Source::DynamoDb => "DynamoDB",
            Source::Kafka => "Kafka",
            Source::Mq => "Amazon MQ",
        })
    }
}

impl FromStr for Source {
    type Err = String;

    /// `sqs`, `kinesis`, `dynamodb`, `kafka` (also `msk`) or `mq`.
    fn from_str(s: &str) -> Result<Source, String> {
        match s.to_ascii_lowercase().as_str() {
            "sqs" => Ok(Source::Sqs),
            "kinesis" => Ok(Source::Kinesis),
            "dynamodb" => Ok(Source::DynamoDb),
            "kafka" | "msk" => Ok(Source::Kafka),
            "mq" => Ok(Source::Mq),
            _ => Err(format!(
                "unknown event source {s:?}: expected sqs, kinesis, dynamodb, kafka or mq"
            )),
        }
    }
}

impl FromStr for Dialect {
    type Err = String;

    /// `eventbridge`; a source (`sqs`, ...) for a Lambda filter, or `lambda:SOURCE`; `pipes:SOURCE`
    /// for a pipe's filter.
    fn from_str(s: &str) -> Result<Dialect, String> {
        let lower = s.to_ascii_lowercase();
        match lower.split_once(':') {
            None if lower == "eventbridge" => Ok(Dialect::EventBridge),
            None => lower.parse().map(Dialect::Lambda),
            Some(("lambda", source)) => source.parse().map(Dialect::Lambda),
            Some(("pipes", source)) => source.parse().map(Dialect::Pipes),
            Some(_) => Err(format!(
                "unknown dialect {s:?}: expected eventbridge, SOURCE, lambda:SOURCE or pipes:SOURCE"
            )),
        }
    }
}

impl Dialect {
    /// The event source, for a filter.
    pub fn source(self) -> Option<Source> {
        match self {
            Dialect::EventBridge => None,
            Dialect::Lambda(source) | Dialect::Pipes(source) => Some(source),
        }
    }

    /// The service, for messages: `EventBridge`, `Lambda` or `Pipes`.
    pub fn service(self) -> &'static str {
        match self {
            Dialect::EventBridge => "EventBridge",
            Dialect::Lambda(_) => "Lambda",
            Dialect::Pipes(_) => "Pipes",
        }
    }

    /// How many filters one mapping or pipe may have (`None` for EventBridge, which has one
    /// pattern per rule).
    pub fn max_filters(self) -> Option<usize> {
        match self {
            Dialect::EventBridge => None,
            Dialect::Lambda(_) => Some(10),
            Dialect::Pipes(_) => Some(5),
        }
    }

    /// Checks `pattern` as the service would when the rule, mapping or pipe is created.
    pub fn check_pattern(self, pattern: &str) -> Result<(), DialectError> {
        let Some(source) = self.source() else {
            return crate::check_pattern(pattern)
                .map_err(|e| DialectError::new(e.message(), e.offset(), Part::Pattern(0)));
        };
        let chars = pattern.chars().count();
        if chars > MAX_PATTERN_CHARS {
            return Err(DialectError::new(
                format!(
                    "a {} filter pattern is at most {MAX_PATTERN_CHARS} characters; this one has {chars}",
                    self.service()
                ),
                0,
                Part::Pattern(0),
            ));
        }
        crate::check_pattern(pattern)
            .map_err(|e| DialectError::new(e.message(), e.offset(), Part::Pattern(0)))?;
        let tree = read(
            pattern,
            Limits::default().max_pattern_depth,
            Part::Pattern(0),
        )?;
        operators::check(self, source, &tree)
    }

    /// The event a pattern is matched against for `record`: the record with its payload decoded
    /// (see the envelope rules in `envelope`), or, for EventBridge, the event itself.
    pub fn event(self, record: &str) -> Result<String, DialectError> {
        match self.source() {
            None => Ok(record.to_string()),
            Some(source) => envelope::event_of(source, record),
        }
    }

    /// Whether the service passes `record` with the filter `pattern`.
    pub fn matches(self, record: &str, pattern: &str) -> Result<bool, DialectError> {
        FilterCriteria::new(self, [pattern])?.passes(record)
    }
}

/// Reads `text` (a filter pattern or a record, as `part` says) with the core's JSON reader, which
/// keeps each value's offset and each number's spelling.
fn read(text: &str, max_depth: usize, part: Part) -> Result<Node, DialectError> {
    const RECORD: Subject = Subject {
        name: "Record",
        depth_limit: None,
    };
    let subject = match part {
        Part::Pattern(_) => json::PATTERN,
        Part::Record | Part::Criteria => RECORD,
    };
    json::parse_as(text.as_bytes(), max_depth, subject)
        .map_err(|e| DialectError::new(e.message(), e.offset(), part))
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn a_source_name_reads_back_as_the_source() {
        for source in [
            Source::Sqs,
            Source::Kinesis,
            Source::DynamoDb,
            Source::Kafka,
            Source::Mq,
        ] {
            assert_eq!(source.name().parse::<Source>(), Ok(source));
        }
    }
}
