//! Values as Terraform computes them, each remembering where in the configuration it was written.
//!
//! A pattern in a `.tf` file is built from pieces (a `jsonencode` of an object, a variable from
//! `terraform.tfvars`, a heredoc); the core reports errors as offsets in the JSON text it is given,
//! so every string carries, for each piece of its text, the place that piece came from. An error in
//! a value that came from `terraform.tfvars` then points into `terraform.tfvars`.

use crate::failure::Location;
use crate::template::quote;

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Value {
    pub at: Location,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Null,
    Bool(bool),
    /// As spelled in the configuration.
    Number(String),
    Str(Text),
    List(Vec<Value>),
    /// Entries in the order written, each with where its key is; a later duplicate key wins when
    /// read.
    Object(Vec<(String, Location, Value)>),
}

/// A string and, in increasing order of offset, where its pieces came from.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub text: String,
    pub spans: Vec<(usize, Location)>,
}

impl Text {
    /// A string written in one piece at `at`.
    pub fn new(text: &str, at: Location) -> Text {
        Text {
            text: text.to_string(),
            spans: vec![(0, at)],
        }
    }

    /// A file's whole contents: each line maps to its line in the file.
    pub fn file(file: &str, contents: &str) -> Text {
        let mut spans = Vec::new();
        let mut offset = 0;
        for (i, line) in contents.split_inclusive('\n').enumerate() {
            spans.push((
                offset,
                Location {
                    file: file.to_string(),
                    line: i + 1,
                    column: 1,
                },
            ));
            offset += line.len();
        }
        Text {
            text: contents.to_string(),
            spans,
        }
    }

    /// Appends `other`, keeping where its pieces came from.
    pub fn push(&mut self, other: &Text) {
        let base = self.text.len();
        self.spans
            .extend(other.spans.iter().map(|(at, l)| (base + at, l.clone())));
        self.text.push_str(&other.text);
    }

    fn push_str(&mut self, s: &str, at: &Location) {
        self.spans.push((self.text.len(), at.clone()));
        self.text.push_str(s);
    }
}

impl Value {
    /// The value of attribute `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(entries) => entries.iter().rev().find(|e| e.0 == key).map(|e| &e.2),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "number",
            Kind::Str(_) => "string",
            Kind::List(_) => "list",
            Kind::Object(_) => "object",
        }
    }

    /// The value as a string, as Terraform converts a primitive in a template or for `file()`.
    pub fn as_text(&self) -> Option<Text> {
        match &self.kind {
            Kind::Str(t) => Some(t.clone()),
            Kind::Number(n) => Some(Text::new(n, self.at.clone())),
            Kind::Bool(b) => Some(Text::new(
                if *b { "true" } else { "false" },
                self.at.clone(),
            )),
            _ => None,
        }
    }

    /// `jsonencode(value)`: object keys in lexical order, as Terraform writes them.
    pub fn json(&self) -> Text {
        let mut out = Text::default();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut Text) {
        match &self.kind {
            Kind::Null => out.push_str("null", &self.at),
            Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }, &self.at),
            Kind::Number(n) => out.push_str(n, &self.at),
            Kind::Str(t) => out.push_str(&quote(&t.text), &self.at),
            Kind::List(items) => {
                out.push_str("[", &self.at);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.text.push(',');
                    }
                    item.write_json(out);
                }
                out.text.push(']');
            }
            Kind::Object(entries) => {
                out.push_str("{", &self.at);
                let mut sorted: Vec<&(String, Location, Value)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                for (i, (key, key_at, value)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.text.push(',');
                    }
                    out.push_str(&quote(key), key_at);
                    out.text.push(':');
                    value.write_json(out);
                }
                out.text.push('}');
            }
        }
    }
}
