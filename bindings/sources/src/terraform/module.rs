//! A Terraform module: the `.tf` files of one directory, with its variables, locals and the
//! modules it calls.
//!
//! Terraform reads a directory, not a file: a rule in `main.tf` may use a variable declared in
//! `variables.tf`, set in `terraform.tfvars`, and a local from `locals.tf`. Variables of the root
//! module take their value from `--param NAME=VALUE`, then the `*.auto.tfvars` files, then
//! `terraform.tfvars`, then their default, as `terraform plan` would; those of a called module
//! from the arguments of its `module` block, then their default.

use super::eval::Scope;
use super::value::{Kind, Text, Value};
use crate::failure::{Failure, Location};
use crate::rules::{self, file_name, list_dir, Params};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file and its contents, which expression positions are offsets into.
pub struct Source {
    pub file: String,
    pub contents: Arc<str>,
}

pub struct Module {
    /// The directory as found on disk.
    pub dir: PathBuf,
    /// The root module's directory, which Terraform runs in (`file()` paths are relative to it).
    pub root_dir: PathBuf,
    /// `path.module`: this directory relative to the root's.
    pub path_module: String,
    /// The prefix of addresses in this module: empty, or `module.NAME.` for each call.
    pub address: String,
    pub files: Vec<(Source, Body)>,
    pub variables: HashMap<String, Result<Value, Failure>>,
    /// Each local's expression and the index of the file it is written in.
    pub locals: HashMap<String, (usize, Expression)>,
}

/// Whether `dir` holds `.tf` files, which makes it a Terraform module.
pub fn is_module(dir: &Path) -> bool {
    list_dir(dir).is_ok_and(|entries| entries.iter().any(|p| is_tf(p)))
}

pub fn is_tf(path: &Path) -> bool {
    path.is_file() && file_name(path).ends_with(".tf")
}

/// Parses an HCL file, pointing a syntax error at its line and column.
pub fn parse(path: &Path) -> Result<(Source, Body), Failure> {
    let file = path.display().to_string();
    let contents: Arc<str> = rules::read(path)?.into();
    let body = hcl_edit::parser::parse_body(&contents).map_err(|e| {
        let at = Location {
            file: file.clone(),
            line: e.location().line(),
            column: e.location().column(),
        };
        Failure::at(&at, format_args!("invalid HCL: {}", e.message()))
    })?;
    Ok((Source { file, contents }, body))
}

impl Module {
    /// Reads the module in `dir`, its variables not yet given values.
    pub fn read(
        dir: &Path,
        root_dir: &Path,
        path_module: String,
        address: String,
    ) -> Result<Module, Failure> {
        let mut module = Module {
            dir: dir.to_path_buf(),
            root_dir: root_dir.to_path_buf(),
            path_module,
            address,
            files: Vec::new(),
            variables: HashMap::new(),
            locals: HashMap::new(),
        };
        for path in list_dir(dir)?.into_iter().filter(|p| is_tf(p)) {
            module.files.push(parse(&path)?);
        }
        for (i, (_, body)) in module.files.iter().enumerate() {
            for block in body.get_blocks("locals") {
                for attr in block.body.attributes() {
                    let name = attr.key.value().as_str().to_string();
                    module.locals.insert(name, (i, attr.value.clone()));
                }
            }
        }
        Ok(module)
    }

    /// The blocks of every file with their file, e.g. every `resource`.
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = (&'a Source, &'a Block)> {
        self.files
            .iter()
            .flat_map(move |(source, body)| body.get_blocks(ident).map(move |b| (source, b)))
    }

    pub fn scope<'a>(&'a self, source: &'a Source) -> Scope<'a> {
        Scope {
            module: self,
            source,
            depth: 0,
        }
    }

    /// Gives the variables their values: `inputs` first, then their defaults; a variable with
    /// neither is an error wherever it is used, saying how to give it a value.
    pub fn bind(&mut self, mut inputs: HashMap<String, Result<Value, Failure>>, root: bool) {
        let mut variables = HashMap::new();
        for (source, block) in self.blocks("variable") {
            let Some(name) = block.labels.first().map(|l| l.as_str().to_string()) else {
                continue;
            };
            let scope = self.scope(source);
            let value = match inputs.remove(&name) {
                Some(value) => value,
                None => match block.body.get_attribute("default") {
                    Some(default) => scope.eval(&default.value),
                    None => Err(Failure::at(
                        &scope.location(block),
                        if root {
                            format!("variable \"{name}\" has no value: set it in terraform.tfvars or pass --param {name}=VALUE")
                        } else {
                            format!("variable \"{name}\" has no value: the module block calling {} does not set it", self.address.trim_end_matches('.'))
                        },
                    )),
                },
            };
            variables.insert(name, value);
        }
        self.variables = variables;
    }

    /// The root module's inputs: `--param`, `*.auto.tfvars`, `terraform.tfvars`, in that order of
    /// precedence.
    pub fn root_inputs(
        &self,
        params: &Params,
    ) -> Result<HashMap<String, Result<Value, Failure>>, Failure> {
        let mut inputs = HashMap::new();
        let mut tfvars: Vec<PathBuf> = list_dir(&self.dir)?
            .into_iter()
            .filter(|p| file_name(p).ends_with(".auto.tfvars"))
            .collect();
        tfvars.insert(0, self.dir.join("terraform.tfvars"));
        for path in tfvars.into_iter().filter(|p| p.is_file()) {
            let (source, body) = parse(&path)?;
            let scope = self.scope(&source);
            for attr in body.attributes() {
                inputs.insert(
                    attr.key.value().as_str().to_string(),
                    scope.eval(&attr.value),
                );
            }
        }
        for (name, text) in &params.0 {
            if let Some(value) = self.param_value(name, text) {
                inputs.insert(name.clone(), Ok(value));
            }
        }
        Ok(inputs)
    }

    /// `--param NAME=VALUE` for a declared variable: a string when the variable is a string (or has
    /// no type, as `terraform plan -var` takes it), otherwise the value as HCL.
    fn param_value(&self, name: &str, text: &str) -> Option<Value> {
        let (source, block) = self
            .blocks("variable")
            .find(|(_, b)| b.labels.first().is_some_and(|l| l.as_str() == name))?;
        let at = Location {
            file: format!("--param {name}"),
            line: 1,
            column: name.len() + 2,
        };
        let string = Value {
            kind: Kind::Str(Text::new(text, at.clone())),
            at: at.clone(),
        };
        let typed = block.body.get_attribute("type").and_then(|t| {
            let written = t.value.span().and_then(|s| source.contents.get(s))?;
            (written.trim() != "string").then_some(())
        });
        if typed.is_none() {
            return Some(string);
        }
        let given = Source {
            file: at.file.clone(),
            contents: text.into(),
        };
        let parsed = hcl_edit::parser::parse_expr(text).ok()?;
        Some(self.scope(&given).eval(&parsed).unwrap_or(string))
    }
}
