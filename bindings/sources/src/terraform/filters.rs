//! Lambda and Pipes filter criteria declared in Terraform.
//!
//! `aws_lambda_event_source_mapping` holds them in `filter_criteria { filter { pattern = ... } }`,
//! `aws_pipes_pipe` in `source_parameters { filter_criteria { filter { ... } } }`; the rule is
//! named by the resource's address. The event source is the type of the resource the source ARN
//! refers to (`aws_sqs_queue.orders.arn`), the service of a literal ARN, or Kafka for a mapping
//! with `self_managed_event_source`; when it cannot be told, the rule is not checked.

use super::eval::Scope;
use super::module::Source as File;
use super::{expanded, for_rule, pattern_text};
use crate::failure::Failure;
use crate::rules::{arn_source, filter_rule, RuleSet};
use ferruler::dialect::{Dialect, Source};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};

/// Adds the rule of a resource of type `kind`, if it declares filter criteria.
pub fn resource(
    set: &mut RuleSet,
    scope: &Scope,
    file: &File,
    kind: &str,
    address: String,
    block: &Block,
) -> Result<(), Failure> {
    let (criteria, arn, make): (_, _, fn(Source) -> Dialect) = match kind {
        "aws_lambda_event_source_mapping" => (
            nested(&block.body, "filter_criteria"),
            block.body.get_attribute("event_source_arn"),
            Dialect::Lambda,
        ),
        "aws_pipes_pipe" => (
            nested(&block.body, "source_parameters").and_then(|b| nested(b, "filter_criteria")),
            block.body.get_attribute("source"),
            Dialect::Pipes,
        ),
        _ => return Ok(()),
    };
    let Some(criteria) = criteria else {
        return Ok(());
    };
    if let Err(failure) = expanded(block, scope) {
        set.unresolved
            .push((address.clone(), for_rule(failure, &address)));
        return Ok(());
    }
    let source = if block
        .body
        .get_blocks("self_managed_event_source")
        .next()
        .is_some()
    {
        Some(Source::Kafka)
    } else {
        arn.and_then(|a| source_of(&a.value, scope))
    };
    let Some(source) = source else {
        let failure = Failure::at(
            &scope.location(block),
            "cannot tell which event source this filter reads: refer to the source resource (aws_sqs_queue.NAME.arn, ...) or give its ARN",
        );
        set.unresolved
            .push((address.clone(), for_rule(failure, &address)));
        return Ok(());
    };
    let mut filters = Vec::new();
    for filter in criteria.get_blocks("filter") {
        let Some(pattern) = filter.body.get_attribute("pattern") else {
            continue;
        };
        let text = pattern_text(scope, &pattern.value, "pattern");
        match text {
            Ok(text) => filters.push((text.text, text.spans)),
            Err(failure) => {
                set.unresolved
                    .push((address.clone(), for_rule(failure, &address)));
                return Ok(());
            }
        }
    }
    if filters.is_empty() {
        return Ok(()); // no filter: every record passes, nothing to test
    }
    set.extend(RuleSet {
        rules: vec![filter_rule(address, make(source), &file.file, filters)],
        unresolved: Vec::new(),
    })
}

/// The body of the first nested block `ident`.
fn nested<'a>(body: &'a Body, ident: &'a str) -> Option<&'a Body> {
    body.get_blocks(ident).next().map(|b| &b.body)
}

/// The source an ARN expression names: the resource it refers to, or the ARN's service.
fn source_of(arn: &Expression, scope: &Scope) -> Option<Source> {
    if let Expression::Traversal(t) = arn {
        if let (Expression::Variable(kind), Some(TraversalOperator::GetAttr(_))) =
            (&t.expr, t.operators.first().map(|o| o.value()))
        {
            match kind.value().as_str() {
                "aws_sqs_queue" => return Some(Source::Sqs),
                "aws_kinesis_stream" => return Some(Source::Kinesis),
                "aws_dynamodb_table" => return Some(Source::DynamoDb),
                "aws_msk_cluster" | "aws_msk_serverless_cluster" => return Some(Source::Kafka),
                "aws_mq_broker" => return Some(Source::Mq),
                _ => {}
            }
        }
    }
    let value = scope.eval(arn).ok()?;
    arn_source(&value.as_text()?.text)
}
