//! The Serverless Framework's `${source:address, fallback}` variables.
//!
//! Resolved locally: `${self:path.to.value}` from the file itself, `${opt:NAME}` from `--param
//! NAME=VALUE` (the framework's `--NAME` options), `${param:NAME}` from `--param` then the file's
//! `params.<stage>` and `params.default`, `${env:NAME}` from `--param env:NAME=VALUE` then the
//! environment, and `${sls:stage}`. A fallback after a comma (`${opt:stage, 'dev'}`) is used when
//! the variable has no value. Other sources (`ssm`, `cf`, `s3`, `file`, ...) are read by the
//! framework at deploy time and are reported, at their position, rather than guessed.

use crate::failure::{Failure, Location};
use crate::rules::Params;
use crate::template::yaml::{Kind, Node};

/// How deeply variables may refer to variables before a cycle is assumed.
const MAX_DEPTH: usize = 32;

/// What a variable stands for: a node of the file (kept whole, with its type and positions) or a
/// string from outside it.
pub enum Resolved<'a> {
    Node(&'a Node),
    Str(String),
}

pub struct Vars<'a> {
    pub root: &'a Node,
    pub params: &'a Params,
    pub file: &'a str,
}

impl<'a> Vars<'a> {
    /// The stage: `--param stage=...`, else `provider.stage`, else the framework's `dev`.
    pub fn stage(&self) -> Result<String, Failure> {
        if let Some(stage) = self.params.0.get("stage") {
            return Ok(stage.clone());
        }
        match self.root.get("provider").and_then(|p| p.get("stage")) {
            Some(node) => self.string(node, 0),
            None => Ok("dev".to_string()),
        }
    }

    /// A scalar with its variables replaced, as a string.
    pub fn string(&self, node: &'a Node, depth: usize) -> Result<String, Failure> {
        let text = node.as_str().unwrap_or_default();
        self.interpolate(text, node, depth)
    }

    /// What a scalar stands for: itself, or, when it is one variable and nothing else, the
    /// variable's value (which may be a list or a mapping).
    pub fn value(&self, node: &'a Node, depth: usize) -> Result<Resolved<'a>, Failure> {
        let Some(text) = node.as_str().filter(|t| t.contains("${")) else {
            return Ok(Resolved::Node(node));
        };
        match whole_variable(text) {
            Some(inner) => self.variable(inner, node, depth),
            None => self.interpolate(text, node, depth).map(Resolved::Str),
        }
    }

    fn interpolate(&self, text: &str, node: &'a Node, depth: usize) -> Result<String, Failure> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(len) = closing(&rest[start..]) else {
                return Err(self.fail(node, format_args!("unclosed variable in {text:?}")));
            };
            let inner = &rest[start + 2..start + len - 1];
            match self.variable(inner, node, depth)? {
                Resolved::Str(s) => out.push_str(&s),
                Resolved::Node(n) => match &n.kind {
                    Kind::Scalar(_) => out.push_str(&self.string(n, depth + 1)?),
                    _ => {
                        return Err(self.fail(
                            node,
                            format_args!(
                                "${{{inner}}} is a list or mapping, and cannot be part of a string"
                            ),
                        ))
                    }
                },
            }
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `source:address[, fallback]`, inner variables resolved first.
    fn variable(&self, inner: &str, node: &'a Node, depth: usize) -> Result<Resolved<'a>, Failure> {
        if depth >= MAX_DEPTH {
            return Err(self.fail(node, format_args!("${{{inner}}} refers to itself")));
        }
        let (reference, fallback) = split_fallback(inner);
        let reference = self.interpolate(reference.trim(), node, depth + 1)?;
        match self.lookup(&reference, node, depth)? {
            Some(value) => Ok(value),
            None => match fallback.map(str::trim) {
                Some(f) if f.starts_with(['\'', '"']) && f.len() >= 2 => {
                    Ok(Resolved::Str(f[1..f.len() - 1].to_string()))
                }
                Some(f) if f.parse::<f64>().is_ok() => Ok(Resolved::Str(f.to_string())),
                Some(f) => self.variable(
                    f.trim_start_matches("${").trim_end_matches('}'),
                    node,
                    depth + 1,
                ),
                None => Err(self.fail(node, missing(&reference))),
            },
        }
    }

    /// The value of one reference; `None` when it has none (a fallback may apply).
    fn lookup(
        &self,
        reference: &str,
        node: &'a Node,
        depth: usize,
    ) -> Result<Option<Resolved<'a>>, Failure> {
        let (source, address) = reference.split_once(':').unwrap_or(("", reference));
        let param = |name: &str| self.params.0.get(name).cloned().map(Resolved::Str);
        Ok(match source {
            "self" => {
                let mut target = Some(self.root);
                for key in address.split('.').filter(|k| !k.is_empty()) {
                    target = target.and_then(|t| match &t.kind {
                        Kind::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                        _ => t.get(key),
                    });
                }
                match target {
                    Some(t) => Some(self.value(t, depth + 1)?),
                    None => None,
                }
            }
            "opt" => param(address),
            "param" => match param(address) {
                Some(v) => Some(v),
                None => {
                    let stage = self.stage()?;
                    let params = self.root.get("params");
                    let in_file = [stage.as_str(), "default"]
                        .iter()
                        .find_map(|s| params.and_then(|p| p.get(s)).and_then(|p| p.get(address)));
                    match in_file {
                        Some(n) => Some(self.value(n, depth + 1)?),
                        None => None,
                    }
                }
            },
            "env" => param(&format!("env:{address}"))
                .or_else(|| std::env::var(address).ok().map(Resolved::Str)),
            "sls" if address == "stage" => Some(Resolved::Str(self.stage()?)),
            _ => {
                return Err(self.fail(
                    node,
                    format_args!("${{{reference}}} is resolved by the Serverless Framework at deploy time, not locally"),
                ))
            }
        })
    }

    fn fail(&self, node: &Node, message: impl std::fmt::Display) -> Failure {
        Failure::at(&self.location(node), message)
    }

    pub fn location(&self, node: &Node) -> Location {
        node.location(self.file)
    }
}

/// The message for a variable without a value, saying how to give it one.
fn missing(reference: &str) -> String {
    let (source, address) = reference.split_once(':').unwrap_or(("", reference));
    match source {
        "opt" | "param" => format!("${{{reference}}} has no value: pass --param {address}=VALUE"),
        "env" => format!("${{{reference}}} has no value: set {address} in the environment or pass --param env:{address}=VALUE"),
        _ => format!("${{{reference}}} has no value in this file"),
    }
}

/// The inner text when `text` is exactly one `${...}`.
fn whole_variable(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    (trimmed.starts_with("${") && closing(trimmed) == Some(trimmed.len()))
        .then(|| &trimmed[2..trimmed.len() - 1])
}

/// The length of the `${...}` at the start of `text`, nested ones included.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// `reference, fallback` split at the first comma outside nested variables and quotes.
fn split_fallback(inner: &str) -> (&str, Option<&str>) {
    let mut depth = 0;
    let mut quote = None;
    for (i, c) in inner.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('{', None) => depth += 1,
            ('}', None) => depth -= 1,
            (',', None) if depth == 0 => return (&inner[..i], Some(&inner[i + 1..])),
            _ => {}
        }
    }
    (inner, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_found_whole_and_split_at_their_fallback() {
        assert_eq!(whole_variable("${opt:stage}"), Some("opt:stage"));
        assert_eq!(whole_variable("a-${opt:stage}"), None);
        assert_eq!(whole_variable("${a}-${b}"), None);
        assert_eq!(
            split_fallback("opt:stage, 'a,b'"),
            ("opt:stage", Some(" 'a,b'"))
        );
        assert_eq!(
            split_fallback("self:custom.${opt:stage, 'dev'}"),
            ("self:custom.${opt:stage, 'dev'}", None)
        );
    }
}
