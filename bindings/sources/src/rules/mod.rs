//! Named event patterns and where each came from.
//!
//! A rule's pattern reaches the core as JSON text, but a user's rule lives in a file: a pattern
//! file, a `{name: pattern}` map, or a CloudFormation/SAM/CDK template where the pattern is YAML.
//! Each [`Rule`] therefore carries an [`Origin`] that turns a byte offset in its pattern text (what
//! the core's errors give) back into a line and column of the user's file, so that every error
//! names the file, the rule and the place.

mod discover;
mod filters;
pub mod map;

pub use discover::{file_name, list_dir, load_dir, load_file, load_file_with_role, read, FileRole};
pub use filters::{arn_source, filter_rule};

use crate::failure::{locate, Failure, Location};
use crate::suggest;
use ferruler::dialect::{Dialect, DialectError};
use ferruler::PatternError;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// A named pattern: an EventBridge rule, or a Lambda or Pipes filter.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// The pattern's JSON text, as given to the core.
    pub text: String,
    pub origin: Origin,
    /// Where the pattern is used, which decides the records it matches and the rules it follows.
    pub dialect: Dialect,
    /// For filter criteria of several filters: where each filter is in `text`, which joins them
    /// with `$or` (a record passes when any filter matches). Empty when `text` is one pattern.
    pub filters: Vec<std::ops::Range<usize>>,
}

/// Where a rule's pattern text came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// The text is a slice of a file's contents starting at byte `base`.
    Slice {
        file: String,
        contents: Arc<str>,
        base: usize,
    },
    /// The text was generated (from a template's YAML); `spans` maps offsets in the text, in
    /// increasing order, to the template positions their tokens came from.
    Mapped {
        file: String,
        spans: Vec<(usize, Location)>,
    },
}

impl Rule {
    /// An EventBridge rule.
    pub fn new(name: String, text: String, origin: Origin) -> Rule {
        Rule {
            name,
            text,
            origin,
            dialect: Dialect::EventBridge,
            filters: Vec::new(),
        }
    }

    /// The position in the user's file of byte `offset` of the pattern text.
    pub fn location_of(&self, offset: usize) -> Location {
        match &self.origin {
            Origin::Slice {
                file,
                contents,
                base,
            } => locate(file, contents, base + offset),
            Origin::Mapped { file, spans } => {
                let i = spans.partition_point(|(at, _)| *at <= offset);
                match i.checked_sub(1).and_then(|i| spans.get(i)) {
                    // Within a span the text runs as in the file, so columns advance alike.
                    Some((at, location)) => {
                        let within = self.text.get(*at..offset).map_or(0, |s| s.chars().count());
                        Location {
                            column: location.column + within,
                            ..location.clone()
                        }
                    }
                    None => Location {
                        file: file.clone(),
                        line: 1,
                        column: 1,
                    },
                }
            }
        }
    }

    /// The message for a pattern error in this rule, pointing into the user's file.
    pub fn pattern_failure(&self, error: &PatternError) -> Failure {
        let at = self.location_of(error.offset());
        // Say why a rule is too complex: its measure, against EventBridge's limit.
        let why = match error.message().starts_with("Rule is too complex") {
            true => ferruler::pattern_complexity(&self.text).map_or(String::new(), |n| {
                format!(
                    " (wildcard complexity {n}, more than {})",
                    ferruler::Limits::default().max_complexity
                )
            }),
            false => String::new(),
        };
        match self.name.as_str() {
            "" => Failure::at(
                &at,
                format_args!("invalid event pattern: {}{why}", error.message()),
            ),
            name => Failure::at(
                &at,
                format_args!(
                    "rule {name}: invalid event pattern: {}{why}",
                    error.message()
                ),
            ),
        }
    }

    /// The file the rule is defined in.
    pub fn file(&self) -> &str {
        match &self.origin {
            Origin::Slice { file, .. } | Origin::Mapped { file, .. } => file,
        }
    }

    /// The rule's service as the bindings name it: `eventbridge`, `lambda:<source>` or
    /// `pipes:<source>` (`lambda:sqs`), what their filter-criteria constructors take.
    pub fn dialect_name(&self) -> String {
        match self.dialect {
            Dialect::EventBridge => "eventbridge".to_owned(),
            Dialect::Lambda(source) => format!("lambda:{}", source.name()),
            Dialect::Pipes(source) => format!("pipes:{}", source.name()),
        }
    }

    /// A filter rule's filters, each as its own pattern text (one filter is the whole text);
    /// none for an EventBridge rule.
    pub fn filter_texts(&self) -> Vec<String> {
        match (self.dialect, self.filters.is_empty()) {
            (Dialect::EventBridge, _) => Vec::new(),
            (_, true) => vec![self.text.clone()],
            (_, false) => self
                .filters
                .iter()
                .map(|range| self.text[range.clone()].to_owned())
                .collect(),
        }
    }

    /// Validates the pattern as its service would, pointing any error into the user's file.
    pub fn check(&self) -> Result<(), Failure> {
        if self.dialect == Dialect::EventBridge {
            return ferruler::check_pattern(&self.text).map_err(|e| self.pattern_failure(&e));
        }
        let filters: Vec<std::ops::Range<usize>> = if self.filters.is_empty() {
            std::iter::once(0..self.text.len()).collect()
        } else {
            self.filters.clone()
        };
        let patterns = filters.iter().map(|range| &self.text[range.clone()]);
        match ferruler::dialect::FilterCriteria::new(self.dialect, patterns) {
            Ok(_) => Ok(()),
            Err(e) => {
                let base = match e.part() {
                    ferruler::dialect::Part::Pattern(i) => filters[i].start,
                    _ => filters[0].start,
                };
                Err(self.dialect_failure(&e, base))
            }
        }
    }

    /// The event this rule's pattern is matched against for `event`: for a filter, the record with
    /// its payload decoded as the service decodes it.
    pub fn event_for<'a>(&self, event: &'a str) -> Result<Cow<'a, str>, DialectError> {
        match self.dialect {
            Dialect::EventBridge => Ok(Cow::Borrowed(event)),
            dialect => dialect.event(event).map(Cow::Owned),
        }
    }

    /// The message for a problem `base` bytes into the pattern text.
    fn dialect_failure(&self, error: &DialectError, base: usize) -> Failure {
        let at = self.location_of(base + error.offset());
        let what = match self.dialect.source() {
            Some(source) => format!("invalid {} filter for {source}", self.dialect.service()),
            None => "invalid event pattern".to_string(),
        };
        match self.name.as_str() {
            "" => Failure::at(&at, format_args!("{what}: {}", error.message())),
            name => Failure::at(
                &at,
                format_args!("rule {name}: {what}: {}", error.message()),
            ),
        }
    }
}

/// Rules read from one or more sources. Rules whose patterns use values a template cannot give
/// locally (`!GetAtt`, a parameter without a default) are kept apart in `unresolved`, with the
/// message saying what to pass; a command decides whether that is a warning or an error.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub unresolved: Vec<(String, Failure)>,
}

impl RuleSet {
    /// Adds the rules of `other`, refusing a name defined twice.
    pub fn extend(&mut self, other: RuleSet) -> Result<(), Failure> {
        for rule in other.rules {
            if let Some(first) = self.rules.iter().find(|r| r.name == rule.name) {
                return Err(Failure::at(
                    &rule.location_of(0),
                    format_args!(
                        "rule {} is already defined at {}",
                        rule.name,
                        first.location_of(0)
                    ),
                ));
            }
            self.rules.push(rule);
        }
        self.unresolved.extend(other.unresolved);
        Ok(())
    }

    /// Fails if any rule could not be resolved (for commands that must match every rule).
    pub fn require_resolved(&self) -> Result<(), Failure> {
        match self.unresolved.first() {
            None => Ok(()),
            Some(_) => {
                let all: Vec<&str> = self.unresolved.iter().map(|(_, f)| f.0.as_str()).collect();
                Err(Failure(all.join("\n")))
            }
        }
    }

    /// The rule named `name`, or why there is none.
    pub fn find(&self, name: &str) -> Result<&Rule, Missing> {
        if let Some(rule) = self.rules.iter().find(|r| r.name == name) {
            return Ok(rule);
        }
        if let Some((_, why)) = self.unresolved.iter().find(|(n, _)| n == name) {
            return Err(Missing::Unresolved(why.0.clone()));
        }
        // Every name, the rules that need a --param included: a misspelt name must lead to them too.
        let known: Vec<&str> = self
            .rules
            .iter()
            .map(|r| r.name.as_str())
            .chain(self.unresolved.iter().map(|(n, _)| n.as_str()))
            .collect();
        Err(Missing::Unknown(if known.is_empty() {
            format!("no rule named {name}: no rules were loaded (pass --rules, or put the case file beside its rules)")
        } else {
            format!(
                "no rule named {name}; known rules: {}{}",
                known.join(", "),
                suggest::did_you_mean(name, known.iter().copied())
            )
        }))
    }
}

/// Why [`RuleSet::find`] found no rule.
pub enum Missing {
    /// The rule exists but its pattern needs a value only a deployment knows; the complete message
    /// (with the template position) says which `--param` to pass.
    Unresolved(String),
    /// No rule has that name; the message lists the known ones.
    Unknown(String),
}

/// Loads `--rules` arguments: directories, and files that are templates or `{name: pattern}` maps.
pub fn load_sources(paths: &[std::path::PathBuf], params: &Params) -> Result<RuleSet, Failure> {
    let mut set = RuleSet::default();
    for path in paths {
        let loaded = if path.is_dir() {
            load_dir(path, params)?
        } else {
            load_file(path, FileRole::Map, params)?
        };
        set.extend(loaded)?;
    }
    Ok(set)
}

/// The rules of the file or folder `path`, read as `ferruler check` reads a `--rules` argument,
/// every one checked, as the bindings' `load_rules`/`loadRules` return them: a rule whose pattern
/// needs a value only a deployment knows fails the call, as in `ferruler filter`, or with
/// `skip_unresolved` is left out, as `ferruler check` leaves it unchecked. The error holds every
/// problem found, one per line, as `ferruler filter --rules` reports them.
pub fn load_checked(
    path: std::path::PathBuf,
    params: &Params,
    skip_unresolved: bool,
) -> Result<Vec<Rule>, Failure> {
    let set = load_sources(&[path], params)?;
    if !skip_unresolved {
        set.require_resolved()?;
    }
    let invalid: Vec<String> = set
        .rules
        .iter()
        .filter_map(|r| r.check().err())
        .map(|f| f.0)
        .collect();
    match invalid.is_empty() {
        true => Ok(set.rules),
        false => Err(Failure(invalid.join("\n"))),
    }
}

/// Values for template parameters and attributes (the CLI's `--param NAME=VALUE`, the Python
/// binding's `params`), by the name a pattern uses: `Env`, `AWS::AccountId`, `Queue.Arn`.
#[derive(Debug, Default, Clone)]
pub struct Params(pub HashMap<String, String>);
