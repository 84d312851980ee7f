//! Evaluating the expressions of a `.tf` file that can be evaluated without Terraform.
//!
//! Literals, strings and heredocs with interpolations, lists, objects, `var.` and `local.` values,
//! `path.module`, and the few functions patterns are built with (`jsonencode`, `file`, `merge`,
//! `concat`) are evaluated here. Everything else (a resource attribute, a data source, a
//! conditional, another function) is known only to Terraform, and is reported at its file, line
//! and column rather than guessed: a rule tested with a guessed pattern would pass or fail for a
//! reason that has nothing to do with what gets deployed.

use super::module::{Module, Source};
use super::value::{Kind, Text, Value};
use crate::failure::{locate, Failure, Location};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;

/// How deeply locals may refer to each other before a cycle is assumed.
const MAX_DEPTH: usize = 64;

/// Where an expression is evaluated: its module and the file it is written in.
pub struct Scope<'a> {
    pub module: &'a Module,
    pub source: &'a Source,
    pub depth: usize,
}

impl Scope<'_> {
    /// Where `node` is written.
    pub fn location(&self, node: &impl Span) -> Location {
        let offset = node.span().map_or(0, |s| s.start);
        locate(&self.source.file, &self.source.contents, offset)
    }

    fn unknown(&self, node: &impl Span, what: impl std::fmt::Display) -> Failure {
        Failure::at(
            &self.location(node),
            format_args!("{what} is known only to Terraform, not evaluated locally"),
        )
    }

    pub fn eval(&self, expr: &Expression) -> Result<Value, Failure> {
        let at = self.location(expr);
        let kind = match expr {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            // As spelled, like a template's numbers.
            Expression::Number(n) => Kind::Number(
                n.span()
                    .and_then(|s| self.source.contents.get(s))
                    .map_or_else(|| n.value().to_string(), str::to_string),
            ),
            Expression::String(s) => Kind::Str(Text::new(s.value(), string_start(&at))),
            Expression::StringTemplate(t) => Kind::Str(self.template(t, &string_start(&at))?),
            Expression::HeredocTemplate(h) => {
                let body = Location {
                    line: at.line + 1,
                    column: 1,
                    ..at.clone()
                };
                let mut text = self.template(&h.template, &body)?;
                if text.spans.len() == 1 {
                    // All literal: its lines are the file's lines, less the indent `<<-` strips.
                    text.spans = lines(&text.text, &body, h.indent().unwrap_or(0));
                }
                Kind::Str(text)
            }
            Expression::Array(items) => Kind::List(
                items
                    .iter()
                    .map(|e| self.eval(e))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object.iter() {
                    let key_at = match key {
                        ObjectKey::Ident(i) => self.location(i),
                        ObjectKey::Expression(e) => self.location(e),
                    };
                    let name = match key {
                        ObjectKey::Ident(i) => i.value().as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            let key = self.eval(e)?;
                            match key.as_text() {
                                Some(t) => t.text,
                                None => {
                                    return Err(Failure::at(
                                        &key.at,
                                        format_args!(
                                            "an object key must be a string, not a {}",
                                            key.type_name()
                                        ),
                                    ))
                                }
                            }
                        }
                    };
                    entries.push((name, key_at, self.eval(value.expr())?));
                }
                Kind::Object(entries)
            }
            Expression::Parenthesis(p) => return self.eval(p.inner()),
            Expression::Variable(v) => {
                return self.traverse(v.value().as_str(), &[], expr);
            }
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else {
                    let value = self.eval(&t.expr)?;
                    return self.apply(value, &t.operators);
                };
                return self.traverse(root.value().as_str(), &t.operators, expr);
            }
            Expression::FuncCall(call) => {
                let args = call
                    .args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                return self.call(call.name.name.value().as_str(), args, expr, at);
            }
            Expression::UnaryOp(op) if *op.operator.value() == UnaryOperator::Neg => {
                match self.eval(&op.expr)?.kind {
                    Kind::Number(n) => Kind::Number(match n.strip_prefix('-') {
                        Some(positive) => positive.to_string(),
                        None => format!("-{n}"),
                    }),
                    _ => return Err(self.unknown(expr, "a negation of a non-number")),
                }
            }
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => {
                return Err(self.unknown(expr, "the result of an operator"))
            }
            Expression::Conditional(_) => return Err(self.unknown(expr, "a conditional")),
            Expression::ForExpr(_) => return Err(self.unknown(expr, "a for expression")),
        };
        Ok(Value { at, kind })
    }

    fn template(&self, template: &Template, start: &Location) -> Result<Text, Failure> {
        let mut out = Text::default();
        for (i, element) in template.iter().enumerate() {
            match element {
                Element::Literal(s) => {
                    let at = if i == 0 {
                        start.clone()
                    } else {
                        self.location(s)
                    };
                    out.push(&Text::new(s.value(), at));
                }
                Element::Interpolation(interpolation) => {
                    let value = self.eval(&interpolation.expr)?;
                    match value.as_text() {
                        Some(text) => out.push(&text),
                        None => {
                            return Err(Failure::at(
                                &value.at,
                                format_args!(
                                    "a {} cannot be interpolated into a string",
                                    value.type_name()
                                ),
                            ))
                        }
                    }
                }
                Element::Directive(d) => {
                    return Err(self.unknown(&**d, "a template directive (%{if}, %{for})"))
                }
            }
        }
        Ok(out)
    }

    /// A reference: `var.NAME`, `local.NAME` or `path.module`, then `.attr` and `[index]`.
    fn traverse(
        &self,
        root: &str,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        expr: &Expression,
    ) -> Result<Value, Failure> {
        let name = match operators.first().map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(name)) => name.value().as_str(),
            _ => return Err(self.unknown(expr, format_args!("{root}"))),
        };
        let rest = &operators[1..];
        let value = match root {
            "var" => match self.module.variables.get(name) {
                Some(Ok(value)) => value.clone(),
                Some(Err(why)) => return Err(Failure(why.0.clone())),
                None => {
                    return Err(Failure::at(
                        &self.location(expr),
                        format_args!("no variable \"{name}\" is declared in this module"),
                    ))
                }
            },
            "local" => {
                let Some((file, local)) = self.module.locals.get(name) else {
                    return Err(Failure::at(
                        &self.location(expr),
                        format_args!("no local value \"{name}\" is defined in this module"),
                    ));
                };
                if self.depth >= MAX_DEPTH {
                    return Err(Failure::at(
                        &self.location(expr),
                        format_args!("local.{name} refers to itself"),
                    ));
                }
                let scope = Scope {
                    module: self.module,
                    source: &self.module.files[*file].0,
                    depth: self.depth + 1,
                };
                scope.eval(local)?
            }
            "path" if matches!(name, "module" | "root" | "cwd") => {
                // As Terraform gives them: relative to the root module, where it runs.
                let dir = match name {
                    "module" => self.module.path_module.as_str(),
                    _ => ".",
                };
                let at = self.location(expr);
                Value {
                    kind: Kind::Str(Text::new(dir, at.clone())),
                    at,
                }
            }
            _ => {
                let shown = expr_text(self.source, expr);
                return Err(self.unknown(expr, format_args!("{shown}")));
            }
        };
        self.apply(value, rest)
    }

    fn apply(
        &self,
        mut value: Value,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Result<Value, Failure> {
        for op in operators {
            let key = match op.value() {
                TraversalOperator::GetAttr(name) => name.value().as_str().to_string(),
                TraversalOperator::Index(e) => {
                    let key = self.eval(e)?;
                    key.as_text().map(|t| t.text).unwrap_or_default()
                }
                TraversalOperator::LegacyIndex(i) => i.value().to_string(),
                _ => return Err(self.unknown(op, "a splat expression")),
            };
            let next = match &value.kind {
                Kind::Object(_) => value.get(&key).cloned(),
                Kind::List(items) => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).cloned()),
                _ => None,
            };
            value = next.ok_or_else(|| {
                Failure::at(
                    &self.location(op),
                    format_args!("a {} has no element {key:?}", value.type_name()),
                )
            })?;
        }
        Ok(value)
    }

    fn call(
        &self,
        name: &str,
        args: Vec<Value>,
        expr: &Expression,
        at: Location,
    ) -> Result<Value, Failure> {
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(Failure::at(
                    &at,
                    format_args!("{name}() takes {n} argument(s), not {}", args.len()),
                ))
            }
        };
        let kind = match name {
            "jsonencode" => {
                arity(1)?;
                Kind::Str(args[0].json())
            }
            "file" => {
                arity(1)?;
                let Some(path) = args[0].as_text() else {
                    return Err(Failure::at(&args[0].at, "file() takes a path"));
                };
                let path = self.module.root_dir.join(&path.text);
                let contents = crate::rules::read(&path)?;
                Kind::Str(Text::file(&path.display().to_string(), &contents))
            }
            "merge" => {
                let mut entries = Vec::new();
                for arg in args {
                    match arg.kind {
                        Kind::Object(e) => entries.extend(e),
                        Kind::Null => {}
                        _ => return Err(Failure::at(&arg.at, "merge() takes objects")),
                    }
                }
                Kind::Object(entries)
            }
            "concat" => {
                let mut items = Vec::new();
                for arg in args {
                    match arg.kind {
                        Kind::List(i) => items.extend(i),
                        _ => return Err(Failure::at(&arg.at, "concat() takes lists")),
                    }
                }
                Kind::List(items)
            }
            _ => {
                return Err(self.unknown(
                    expr,
                    format_args!("the result of {name}() (only jsonencode, file, merge and concat are evaluated)"),
                ))
            }
        };
        Ok(Value { at, kind })
    }
}

/// Spans for `text` whose lines are the lines of the file from `first` on, each `indent` columns in.
fn lines(text: &str, first: &Location, indent: usize) -> Vec<(usize, Location)> {
    let mut offset = 0;
    let mut spans = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        spans.push((
            offset,
            Location {
                line: first.line + i,
                column: first.column + indent,
                ..first.clone()
            },
        ));
        offset += line.len();
    }
    spans
}

/// A string's text starts after its opening quote.
fn string_start(at: &Location) -> Location {
    Location {
        column: at.column + 1,
        ..at.clone()
    }
}

/// The source text of `expr`, for messages.
fn expr_text(source: &Source, expr: &Expression) -> String {
    expr.span()
        .and_then(|s| source.contents.get(s))
        .unwrap_or("this reference")
        .trim()
        .to_string()
}
