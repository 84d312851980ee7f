//! A Serverless pattern (a YAML or JSON node) as the JSON text the core reads, its variables
//! resolved, each token mapped back to the place in the file it came from.
//!
//! A variable standing alone for a whole value (`source: ${self:custom.sources}`) is replaced by the
//! node it refers to, which keeps its type and its own position; one inside a string is replaced by
//! its text, as the framework does.

use super::vars::{Resolved, Vars};
use crate::failure::Failure;
use crate::template::emit::Emitted;
use crate::template::yaml::{Kind, Node};
use crate::template::{quote, scalar_json};

/// How deeply variables may lead to nodes holding variables.
const MAX_DEPTH: usize = 32;

pub fn emit(node: &Node, vars: &Vars) -> Result<Emitted, Failure> {
    let mut out = Emitted {
        text: String::new(),
        spans: Vec::new(),
    };
    write(node, vars, &mut out, 0)?;
    Ok(out)
}

fn write(node: &Node, vars: &Vars, out: &mut Emitted, depth: usize) -> Result<(), Failure> {
    out.spans.push((out.text.len(), vars.location(node)));
    if let Some(tag) = node.tag.as_deref().filter(|t| !t.starts_with("!!")) {
        return Err(Failure::at(
            &vars.location(node),
            format_args!("{tag} is resolved by CloudFormation at deploy time, not locally"),
        ));
    }
    match &node.kind {
        Kind::Map(entries) => {
            out.text.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.text.push_str(", ");
                }
                out.spans.push((out.text.len(), vars.location(key)));
                out.text.push_str(&quote(&vars.string(key, 0)?));
                out.text.push_str(": ");
                write(value, vars, out, depth)?;
            }
            out.text.push('}');
        }
        Kind::Seq(items) => {
            out.text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text.push_str(", ");
                }
                write(item, vars, out, depth)?;
            }
            out.text.push(']');
        }
        Kind::Scalar(s) => match vars.value(node, 0)? {
            Resolved::Str(text) => out.text.push_str(&quote(&text)),
            Resolved::Node(n) if std::ptr::eq(n, node) => {
                out.text
                    .push_str(&scalar_json(&s.text, s.style, node.tag.as_deref()))
            }
            Resolved::Node(_) if depth >= MAX_DEPTH => {
                return Err(Failure::at(
                    &vars.location(node),
                    "this variable refers to itself",
                ))
            }
            Resolved::Node(n) => write(n, vars, out, depth + 1)?,
        },
    }
    Ok(())
}
