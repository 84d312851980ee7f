//! Test cases: reading them, and finding them in a repository of rules.
//!
//! A case is one JSON line: a name, a pattern (inline, or a rule by name), an event (inline, as a
//! string, or a file), and optionally the expected result. Patterns and events are taken as the
//! exact text of the line (borrowed `RawValue`s), never re-serialised, so numbers keep their
//! spelling and duplicate keys reach the core, and errors point at the case file's line and column.
//!
//! The fixture layout puts cases beside the rules they test: `X.cases.jsonl` tests the rules of
//! `X.json` (a pattern named `X`), `X.rules.json`, `X.yaml`, `X.yml`, `X.template.json` or `X.tf`
//! (the Terraform module it is part of); a case
//! there may name one of them with `rule`, or say nothing when there is only one. Any case may also
//! name a rule from the rest of the repository (every rule file under the directory given to
//! `ferruler cases`) or from `--rules`.

pub mod run;

use ferruler::dialect::{Dialect, DialectError};
use ferruler::EventError;
use ferruler_sources::failure::{locate, Failure};
use ferruler_sources::rules::{self, file_name, FileRole, Missing, Origin, Params, Rule, RuleSet};
use ferruler_sources::suggest;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A case as read; `spec` is the reason it cannot run when the line is not a valid case.
pub struct Case {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub spec: Result<Spec, Failure>,
}

/// What a valid case runs.
pub struct Spec {
    pub rule: Rule,
    pub event: EventText,
    pub expect: Option<Expect>,
    /// A substring the error message must contain (with `expect: "error"`).
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Match,
    NoMatch,
    Error,
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Match => "match",
            Expect::NoMatch => "nomatch",
            Expect::Error => "error",
        }
    }
}

/// An event's text and where it sits in a file (for error positions).
pub struct EventText {
    pub text: String,
    pub file: String,
    pub contents: Arc<str>,
    pub base: usize,
}

impl EventText {
    /// The message for a record that is not a record of `rule`'s source.
    pub fn record_failure(&self, rule: &Rule, e: &DialectError) -> Failure {
        Failure::at(
            &locate(&self.file, &self.contents, self.base + e.offset()),
            crate::input::record_message(rule, e),
        )
    }

    pub fn failure(&self, e: &EventError) -> Failure {
        Failure::at(
            &locate(&self.file, &self.contents, self.base + e.offset()),
            format_args!("invalid event: {}", e.message()),
        )
    }
}

#[derive(Deserialize)]
struct Line<'a> {
    name: Option<String>,
    #[serde(borrow, default)]
    pattern: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pattern_text: Option<&'a RawValue>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
    #[serde(borrow, default)]
    event_text: Option<&'a RawValue>,
    #[serde(default)]
    event_file: Option<String>,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    message: Option<String>,
    /// Where an inline pattern is used: `sqs`, `pipes:kinesis`, ... (default `eventbridge`).
    #[serde(default, rename = "for")]
    target: Option<String>,
}

/// The keys a case may have: those of [`Line`], and `why` and `source`, notes for the reader (the
/// conformance corpus says why each case holds and where the rule is documented).
const KEYS: [&str; 12] = [
    "name",
    "for",
    "pattern",
    "pattern_text",
    "rule",
    "event",
    "event_text",
    "event_file",
    "expect",
    "message",
    "why",
    "source",
];

/// The first key of the case `line` that is not one of [`KEYS`], and the byte offset in `line` of
/// its opening quote. A misspelt key (`"expected"`) would otherwise be ignored, and the case would
/// silently assert nothing.
fn unknown_key(line: &str) -> Option<(usize, String)> {
    let entries = rules::map::entries(line).ok()?;
    let (key, value) = entries
        .into_iter()
        .find(|(k, _)| !KEYS.contains(&k.as_str()))?;
    let value_at = value.get().as_ptr() as usize - line.as_ptr() as usize;
    Some((key_start(line, value_at), key))
}

/// Where the key whose value starts at `value_at` begins: back over `:`, spaces and the key's
/// string to its unescaped opening quote.
fn key_start(line: &str, value_at: usize) -> usize {
    let bytes = line.as_bytes();
    let mut i = value_at;
    while i > 0 && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b':') {
        i -= 1;
    }
    // `i - 1` is the key's closing quote; find the opening one, skipping escaped quotes.
    let mut j = i.saturating_sub(1);
    while j > 0 {
        j -= 1;
        let backslashes = bytes[..j].iter().rev().take_while(|&&b| b == b'\\').count();
        if bytes[j] == b'"' && backslashes % 2 == 0 {
            return j;
        }
    }
    0
}

/// The case files to run for `path`: the file itself, or every `*.cases.jsonl` under a directory.
pub fn case_files(path: &Path) -> Result<Vec<PathBuf>, Failure> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in rules::list_dir(path)? {
        let name = file_name(&entry);
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            out.extend(case_files(&entry)?);
        } else if name.ends_with(".cases.jsonl") {
            out.push(entry);
        }
    }
    Ok(out)
}

/// The rules beside case file `path` (`X.cases.jsonl` -> `X.json`, `X.rules.json`, `X.yaml`, ...).
pub fn sibling_rules(path: &Path, params: &Params) -> Result<RuleSet, Failure> {
    let name = file_name(path);
    let Some(stem) = name.strip_suffix(".cases.jsonl") else {
        return Ok(RuleSet::default());
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut set = RuleSet::default();
    for suffix in [
        ".json",
        ".rules.json",
        ".yaml",
        ".yml",
        ".template.json",
        ".tf",
    ] {
        let candidate = dir.join(format!("{stem}{suffix}"));
        if candidate.is_file() {
            set.extend(rules::load_file(&candidate, FileRole::Pattern, params)?)?;
        }
    }
    Ok(set)
}

/// Reads the cases of one file. `local` are its sibling rules, `global` every other rule.
pub fn load(path: &Path, local: &RuleSet, global: &RuleSet) -> Result<Vec<Case>, Failure> {
    let file = path.display().to_string();
    let contents: Arc<str> = rules::read(path)?.into();
    let mut cases = Vec::new();
    let mut offset = 0;
    for (i, line) in contents.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if line.trim().is_empty() {
            continue;
        }
        let at = |o: usize| locate(&file, &contents, o);
        let parsed: Result<Line, _> = serde_json::from_str(line);
        let (name, spec) = match parsed {
            Err(e) => {
                let mut place = at(start);
                place.column = if e.line() <= 1 {
                    e.column().max(1)
                } else {
                    line.trim_end().chars().count() + 1
                };
                let message = e.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                (
                    format!("line {}", i + 1),
                    Err(Failure::at(
                        &place,
                        format_args!("not a valid case: {message}"),
                    )),
                )
            }
            Ok(parsed) => {
                let name = parsed
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("line {}", i + 1));
                let spec = match (unknown_key(line), &parsed.name) {
                    (Some((offset, key)), _) => Err(Failure::at(
                        &at(start + offset),
                        format_args!(
                            "case {name}: unknown key {key:?}{}",
                            suggest::did_you_mean(&key, KEYS)
                        ),
                    )),
                    (None, None) => Err(Failure::at(&at(start), "case has no \"name\"")),
                    (None, Some(_)) => spec(parsed, path, &file, &contents, start, local, global),
                };
                (name, spec)
            }
        };
        cases.push(Case {
            name,
            file: file.clone(),
            line: i + 1,
            spec,
        });
    }
    Ok(cases)
}

fn spec(
    line: Line,
    path: &Path,
    file: &str,
    contents: &Arc<str>,
    start: usize,
    local: &RuleSet,
    global: &RuleSet,
) -> Result<Spec, Failure> {
    let name = line.name.unwrap_or_default();
    let here = locate(file, contents, start);
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - contents.as_ptr() as usize;
    let slice = |base: usize| Origin::Slice {
        file: file.to_string(),
        contents: contents.clone(),
        base,
    };
    // A `*_text` field is a JSON string holding the text; it starts after the opening quote.
    let string_at = |raw: &RawValue, what: &str| {
        serde_json::from_str::<String>(raw.get())
            .map(|text| (text, offset_of(raw) + 1))
            .map_err(|_| {
                Failure::at(
                    &locate(file, contents, offset_of(raw)),
                    format_args!("case {name}: {what} must be a string"),
                )
            })
    };
    let dialect = match &line.target {
        None => Dialect::EventBridge,
        Some(_) if line.pattern.is_none() && line.pattern_text.is_none() => {
            return Err(Failure::at(
                &here,
                format_args!(
                    "case {name}: \"for\" applies to an inline pattern; a named rule has its own"
                ),
            ))
        }
        Some(target) => target
            .parse()
            .map_err(|why| Failure::at(&here, format_args!("case {name}: \"for\": {why}")))?,
    };
    let inline = |text: String, base: usize| {
        let mut rule = Rule::new(String::new(), text, slice(base));
        rule.dialect = dialect;
        rule
    };
    let rule = if let Some(raw) = line.pattern_text {
        let (text, base) = string_at(raw, "pattern_text")?;
        inline(text, base)
    } else if let Some(raw) = line.pattern {
        inline(raw.get().to_string(), offset_of(raw))
    } else if let Some(wanted) = line.rule {
        match local.find(&wanted).or_else(|_| global.find(&wanted)) {
            Ok(rule) => rule.clone(),
            Err(Missing::Unknown(why)) => {
                return Err(Failure::at(&here, format_args!("case {name}: {why}")))
            }
            Err(Missing::Unresolved(why)) => {
                return Err(Failure(format!(
                    "{why} (needed by case {name:?} at {here})"
                )))
            }
        }
    } else {
        match (local.rules.as_slice(), local.unresolved.as_slice()) {
            ([only], []) => only.clone(),
            ([], [(_, why)]) => {
                return Err(Failure(format!(
                    "{} (needed by case {name:?} at {here})",
                    why.0
                )))
            }
            _ => {
                return Err(Failure::at(
                    &here,
                    format_args!(
                        "case {name}: no pattern: give \"pattern\", \"pattern_text\" or \"rule\"{}",
                        if local.rules.len() > 1 {
                            " (the rule file beside this one has several rules)"
                        } else {
                            ""
                        }
                    ),
                ))
            }
        }
    };
    let event = if let Some(raw) = line.event_text {
        let (text, base) = string_at(raw, "event_text")?;
        EventText {
            text,
            file: file.to_string(),
            contents: contents.clone(),
            base,
        }
    } else if let Some(raw) = line.event {
        EventText {
            text: raw.get().to_string(),
            file: file.to_string(),
            contents: contents.clone(),
            base: offset_of(raw),
        }
    } else if let Some(event_file) = line.event_file {
        let event_path = path.parent().unwrap_or(Path::new("")).join(&event_file);
        let text: Arc<str> = rules::read(&event_path)
            .map_err(|_| {
                Failure::at(
                    &here,
                    format_args!(
                        "case {name}: cannot read event_file {}",
                        event_path.display()
                    ),
                )
            })?
            .into();
        EventText {
            text: text.to_string(),
            file: event_path.display().to_string(),
            contents: text,
            base: 0,
        }
    } else {
        return Err(Failure::at(
            &here,
            format_args!("case {name}: no event: give \"event\", \"event_text\" or \"event_file\""),
        ));
    };
    let expect = match line.expect.as_deref() {
        None => None,
        Some("match") => Some(Expect::Match),
        Some("nomatch") => Some(Expect::NoMatch),
        Some("error") => Some(Expect::Error),
        Some(other) => {
            return Err(Failure::at(
                &here,
                format_args!(
                "case {name}: expect must be \"match\", \"nomatch\" or \"error\", not {other:?}"
            ),
            ))
        }
    };
    Ok(Spec {
        rule,
        event,
        expect,
        message: line.message,
    })
}
