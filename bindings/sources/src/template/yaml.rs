//! Templates (YAML or JSON) as a tree that remembers positions and tags.
//!
//! A template is read with yaml-rust2's event parser rather than into a generic value, for two
//! reasons: every node keeps its line and column (so an error in a pattern points into the
//! template), and a CloudFormation short-form tag such as `!Ref` or `!Sub` is kept on its node
//! instead of being rejected. JSON templates (CDK's `cdk.out/*.template.json`) go through the same
//! reader: JSON is YAML 1.2 flow syntax, and the scalars keep their original spelling.

use crate::failure::{Failure, Location};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A node of the template.
#[derive(Debug, Clone)]
pub struct Node {
    pub line: usize,
    pub column: usize,
    /// The tag as written, e.g. `!Ref`; core-schema tags are written `!!str`, `!!int`, ...
    pub tag: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// Entries in document order, duplicates included.
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    Scalar(Scalar),
}

#[derive(Debug, Clone)]
pub struct Scalar {
    pub text: String,
    pub style: TScalarStyle,
}

impl Node {
    pub fn location(&self, file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: self.line,
            column: self.column,
        }
    }

    /// The value of `key` in a mapping (the last one, if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }
}

/// Parses the first document of `text`; `None` for an empty file.
pub fn parse(file: &str, text: &str) -> Result<Option<Node>, Failure> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| {
        let at = position(e.marker());
        Failure::at(
            &Location {
                file: file.to_string(),
                line: at.0,
                column: at.1,
            },
            format_args!("invalid YAML: {}", e.info()),
        )
    })?;
    Ok(builder.root)
}

fn position(mark: &Marker) -> (usize, usize) {
    (mark.line(), mark.col() + 1)
}

fn tag_text(tag: Option<Tag>) -> Option<String> {
    tag.map(|t| match t.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", t.suffix),
        _ => format!("{}{}", t.handle, t.suffix),
    })
}

/// Builds the tree from parser events.
#[derive(Default)]
struct Builder {
    root: Option<Node>,
    /// Open collections: the node being filled, its anchor, and (for a mapping) a key awaiting its
    /// value.
    open: Vec<(Node, usize, Option<Node>)>,
    anchors: HashMap<usize, Node>,
}

impl Builder {
    fn add(&mut self, node: Node) {
        let Some((parent, _, pending)) = self.open.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        match &mut parent.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(entries) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            Kind::Scalar(_) => unreachable!("scalars are never open"),
        }
    }

    fn close(&mut self) {
        if let Some((node, anchor, _)) = self.open.pop() {
            if anchor > 0 {
                self.anchors.insert(anchor, node.clone());
            }
            self.add(node);
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let (line, column) = position(&mark);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node {
                    line,
                    column,
                    tag: tag_text(tag),
                    kind: Kind::Scalar(Scalar { text, style }),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.add(node);
            }
            Event::SequenceStart(anchor, tag) => {
                self.open.push((
                    Node {
                        line,
                        column,
                        tag: tag_text(tag),
                        kind: Kind::Seq(Vec::new()),
                    },
                    anchor,
                    None,
                ));
            }
            Event::MappingStart(anchor, tag) => {
                self.open.push((
                    Node {
                        line,
                        column,
                        tag: tag_text(tag),
                        kind: Kind::Map(Vec::new()),
                    },
                    anchor,
                    None,
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(anchor) => {
                if let Some(node) = self.anchors.get(&anchor).cloned() {
                    self.add(node);
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}
