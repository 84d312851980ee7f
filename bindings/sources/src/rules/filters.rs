//! Filter criteria (a Lambda event source mapping's or a pipe's) as one rule.
//!
//! A mapping passes a record when any of its filters matches, which is what a pattern joining the
//! filters with `$or` does; so the filters become one rule, named like the resource declaring
//! them, whose text is `{"$or": [filter, filter, ...]}` and which remembers where each filter is, so
//! that each is checked on its own (with the service's rules, under which `$or` itself may be
//! refused) and its errors point at its own place in the user's file. One filter is kept as it is.

use super::{Origin, Rule};
use crate::failure::Location;
use ferruler::dialect::{Dialect, Source};

/// A filter's pattern text and, in increasing order of offset, where its pieces came from.
pub type Filter = (String, Vec<(usize, Location)>);

/// The rule of filter criteria `filters`, declared in `file`.
pub fn filter_rule(name: String, dialect: Dialect, file: &str, filters: Vec<Filter>) -> Rule {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut ranges = Vec::new();
    let several = filters.len() > 1;
    if several {
        text.push_str("{\"$or\": [");
    }
    for (i, (filter, filter_spans)) in filters.into_iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let start = text.len();
        spans.extend(filter_spans.into_iter().map(|(at, l)| (start + at, l)));
        text.push_str(&filter);
        ranges.push(start..text.len());
    }
    if several {
        text.push_str("]}");
    }
    Rule {
        name,
        text,
        origin: Origin::Mapped {
            file: file.to_string(),
            spans,
        },
        dialect,
        filters: if several { ranges } else { Vec::new() },
    }
}

/// The service of an ARN (`arn:PARTITION:SERVICE:...`), also in a `!Sub` template of one.
pub fn arn_source(text: &str) -> Option<Source> {
    let service = text.strip_prefix("arn:")?.split(':').nth(1)?;
    match service {
        "sqs" => Some(Source::Sqs),
        "kinesis" => Some(Source::Kinesis),
        "dynamodb" => Some(Source::DynamoDb),
        "kafka" => Some(Source::Kafka),
        "mq" => Some(Source::Mq),
        _ => None,
    }
}
