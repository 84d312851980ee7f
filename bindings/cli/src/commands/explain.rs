//! `ferruler explain`: why a pattern does or does not match an event, from `ferruler::explain`.
//!
//! With `--event-pattern` or `--rule NAME`, one pattern is explained. With `--rules` alone the
//! question is the one a user asks when an event goes missing, "which of my rules does this event
//! reach, and why not the one I meant?": every rule is tried, the matching ones are listed, and the
//! closest non-matches (by the share of conditions that hold in their best `$or` alternative) are
//! explained in full.

use crate::cli::ExplainArgs;
use crate::exit::{output_error, EXIT_FAILED, EXIT_OK};
use crate::input::{self, Input};
use ferruler::explain::Explanation;
use ferruler_bindings_common::explain as render;
use ferruler_sources::failure::Failure;
use ferruler_sources::rules::{self, Missing, Rule, RuleSet};
use serde::Serialize;
use std::cmp::Ordering;
use std::io::Write;

/// How many of the non-matching rules are explained when the event is tried against all.
const CLOSEST: usize = 3;

pub fn run(args: ExplainArgs) -> Result<u8, Failure> {
    let event = input::read(&args.event, "event")?;
    let set = match &args.event_pattern {
        Some(pattern) => {
            let mut rule = input::read(pattern, "event-pattern")?.into_rule();
            rule.dialect = args.target.target.dialect();
            rule.check()?;
            RuleSet {
                rules: vec![rule],
                unresolved: Vec::new(),
            }
        }
        None => rules::load_sources(&args.rules, &args.params.parse()?)?,
    };
    let rule = match (&args.event_pattern, &args.rule) {
        (Some(_), _) => &set.rules[0],
        (None, Some(name)) => match set.find(name) {
            Ok(rule) => rule,
            Err(Missing::Unresolved(why)) => return Err(Failure(why)),
            Err(Missing::Unknown(why)) => return Err(Failure(format!("error: {why}"))),
        },
        (None, None) => return every_rule(&set, &event, args.json),
    };
    let explanation = explain(rule, &event)?;
    if args.json {
        writeln!(std::io::stdout(), "{}", render::json(&explanation)).map_err(output_error)?;
    } else {
        anstream::stdout()
            .write_all(render::coloured_text(&explanation).as_bytes())
            .map_err(output_error)?;
    }
    Ok(exit_status(explanation.matched))
}

fn explain(rule: &Rule, event: &Input) -> Result<Explanation, Failure> {
    let record = rule
        .event_for(&event.text)
        .map_err(|e| event.record_failure(rule, &e))?;
    ferruler::explain::explain(&rule.text, record.as_ref()).map_err(|e| match e {
        ferruler::Error::Pattern(e) => rule.pattern_failure(&e),
        ferruler::Error::Event(e) => event.event_failure(&e),
    })
}

fn exit_status(matched: bool) -> u8 {
    if matched {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// The event against every rule of `set`.
fn every_rule(set: &RuleSet, event: &Input, json: bool) -> Result<u8, Failure> {
    for (_, why) in &set.unresolved {
        eprintln!(
            "{}",
            why.0.replacen(": error: ", ": warning: not explained: ", 1)
        );
    }
    if set.rules.is_empty() {
        return Err(Failure("error: no rules found in --rules".into()));
    }
    let mut matched = Vec::new();
    let mut missed = Vec::new();
    for rule in &set.rules {
        let explanation = explain(rule, event)?;
        if explanation.matched {
            matched.push(rule.name.as_str());
        } else {
            missed.push((closeness(&explanation), rule.name.as_str(), explanation));
        }
    }
    // Closest first; the sort is stable, so equally close rules stay in the order they were loaded.
    missed.sort_by(|a, b| compare(b.0, a.0));
    let (closest, others) = missed.split_at(missed.len().min(CLOSEST));
    let mut out = anstream::stdout().lock();
    if json {
        let doc = JsonReport {
            matched: &matched,
            closest: closest
                .iter()
                .map(|(_, name, e)| JsonMiss {
                    rule: name,
                    explanation: render::json_document(e),
                })
                .collect(),
            others: others.iter().map(|(_, name, _)| *name).collect(),
        };
        let text = serde_json::to_string_pretty(&doc).expect("reports always serialise");
        writeln!(out, "{text}").map_err(output_error)?;
    } else {
        let total = set.rules.len();
        match matched.as_slice() {
            [] => writeln!(out, "matches none of the {total} rules").map_err(output_error)?,
            names => writeln!(
                out,
                "matches {} of {total} rules: {}",
                names.len(),
                names.join(", ")
            )
            .map_err(output_error)?,
        }
        for ((holding, conditions), name, e) in closest {
            writeln!(
                out,
                "\n{name}: no match ({holding} of {conditions} conditions hold)"
            )
            .map_err(output_error)?;
            for line in render::coloured_text(e).lines().skip(1) {
                writeln!(out, "  {line}").map_err(output_error)?;
            }
        }
        if !others.is_empty() {
            let names: Vec<&str> = others.iter().map(|(_, name, _)| *name).collect();
            writeln!(out, "\nalso no match: {}", names.join(", ")).map_err(output_error)?;
        }
    }
    Ok(exit_status(!matched.is_empty()))
}

/// How close a non-matching pattern came: the conditions that hold, and how many there are, in
/// its best alternative.
fn closeness(e: &Explanation) -> (usize, usize) {
    e.alternatives
        .iter()
        .map(|a| {
            (
                a.conditions.iter().filter(|c| c.holds).count(),
                a.conditions.len(),
            )
        })
        .max_by(|a, b| compare(*a, *b))
        .unwrap_or((0, 0))
}

/// Orders two closeness fractions (`holding` of `conditions`) by their value.
fn compare(a: (usize, usize), b: (usize, usize)) -> Ordering {
    (a.0 * b.1).cmp(&(b.0 * a.1))
}

#[derive(Serialize)]
struct JsonReport<'a> {
    matched: &'a [&'a str],
    closest: Vec<JsonMiss<'a>>,
    others: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonMiss<'a> {
    rule: &'a str,
    explanation: render::JsonExplanation,
}
