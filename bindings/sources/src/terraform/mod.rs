//! The event patterns of Terraform configurations: `.tf` files and `terraform show -json` output.
//!
//! Rules are named by their Terraform address (`aws_cloudwatch_event_rule.orders`,
//! `module.billing.aws_cloudwatch_event_rule.refunds`), the name `terraform plan` prints and
//! `terraform state list` shows, so a failing case names what a user would look for. Lambda event
//! source mappings and pipes with filter criteria are rules too (see `filters`).
//!
//! From `.tf` files, a directory is read as Terraform reads it: a root module whose `module` blocks
//! with a local `source` (`./modules/billing`) are followed. An `event_pattern` may be
//! `jsonencode({...})`, a heredoc, a string, or `file("...")`, and may use variables and locals;
//! whatever only Terraform can compute leaves the rule not checked, with the place that needs it
//! (see `eval`). `terraform show -json` (of a plan or of the state) has every value computed
//! already, and is read as it is (see `show`).

mod eval;
mod filters;
mod module;
mod show;
mod value;

pub use module::is_module;
pub use show::{load as load_show, looks_like_show};

use crate::failure::Failure;
use crate::rules::{Origin, Params, Rule, RuleSet};
use hcl_edit::expr::Expression;
use module::{Module, Source};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use value::Text;

/// How deeply modules may call modules (a module calling itself would never end).
const MAX_MODULE_DEPTH: usize = 16;

/// The rules of the root module in `dir` and of the local modules it calls.
pub fn load_root(dir: &Path, params: &Params) -> Result<RuleSet, Failure> {
    let mut root = Module::read(dir, dir, ".".to_string(), String::new())?;
    let inputs = root.root_inputs(params)?;
    root.bind(inputs, true);
    let mut set = RuleSet::default();
    collect(&root, &mut set, 0)?;
    Ok(set)
}

fn collect(module: &Module, set: &mut RuleSet, depth: usize) -> Result<(), Failure> {
    for (source, block) in module.blocks("resource") {
        let [kind, name] = &block.labels[..] else {
            continue;
        };
        let address = format!("{}{}.{}", module.address, kind.as_str(), name.as_str());
        if kind.as_str() != "aws_cloudwatch_event_rule" {
            let scope = module.scope(source);
            filters::resource(set, &scope, source, kind.as_str(), address, block)?;
            continue;
        }
        let Some(pattern) = block.body.get_attribute("event_pattern") else {
            continue; // a schedule
        };
        let scope = module.scope(source);
        let text = match expanded(block, &scope)
            .and_then(|()| pattern_text(&scope, &pattern.value, "event_pattern"))
        {
            Ok(text) => text,
            Err(failure) => {
                set.unresolved
                    .push((address.clone(), for_rule(failure, &address)));
                continue;
            }
        };
        set.extend(RuleSet {
            rules: vec![rule(address, text, source)],
            unresolved: Vec::new(),
        })?;
    }
    for (source, block) in module.blocks("module") {
        let Some(name) = block.labels.first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let Some(local) = local_source(block) else {
            continue; // a registry or remote module: not in this directory
        };
        if depth >= MAX_MODULE_DEPTH {
            return Err(Failure::at(
                &module.scope(source).location(block),
                format_args!(
                    "module {name}: modules call each other more than {MAX_MODULE_DEPTH} deep"
                ),
            ));
        }
        let dir = module.dir.join(&local);
        let path_module = Path::new(&module.path_module).join(&local);
        let mut child = Module::read(
            &dir,
            &module.root_dir,
            path_module
                .display()
                .to_string()
                .trim_start_matches("./")
                .to_string(),
            format!("{}module.{name}.", module.address),
        )
        .map_err(|f| {
            Failure(format!(
                "{}\n  (in module {name}, called at {})",
                f.0,
                module.scope(source).location(block)
            ))
        })?;
        let scope = module.scope(source);
        let mut inputs = HashMap::new();
        for attr in block.body.attributes() {
            let key = attr.key.value().as_str();
            if !META_ARGUMENTS.contains(&key) {
                inputs.insert(key.to_string(), scope.eval(&attr.value));
            }
        }
        child.bind(inputs, false);
        collect(&child, set, depth + 1)?;
    }
    Ok(())
}

/// The arguments of a `module` block that are not the module's variables.
const META_ARGUMENTS: [&str; 6] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

/// The directory of a module called with a local path, as Terraform requires it to start.
fn local_source(block: &hcl_edit::structure::Block) -> Option<PathBuf> {
    let source = block.body.get_attribute("source")?.value.as_str()?;
    (source.starts_with("./") || source.starts_with("../")).then(|| PathBuf::from(source))
}

/// A resource with `count` or `for_each` is several rules whose addresses and values only
/// Terraform computes.
fn expanded(block: &hcl_edit::structure::Block, scope: &eval::Scope) -> Result<(), Failure> {
    for meta in ["count", "for_each"] {
        if let Some(attr) = block.body.get_attribute(meta) {
            return Err(Failure::at(
                &scope.location(attr),
                format_args!("{meta}: each instance is named and computed by Terraform; test its patterns with `terraform show -json` output"),
            ));
        }
    }
    Ok(())
}

fn rule(name: String, text: Text, source: &Source) -> Rule {
    Rule::new(
        name,
        text.text,
        Origin::Mapped {
            file: source.file.clone(),
            spans: text.spans,
        },
    )
}

/// The value of a pattern attribute (`what`), which must be a string of JSON.
fn pattern_text(scope: &eval::Scope, expr: &Expression, what: &str) -> Result<Text, Failure> {
    let value = scope.eval(expr)?;
    value.as_text().ok_or_else(|| {
        Failure::at(
            &value.at,
            format_args!(
                "{what} must be a string of JSON, not a {} (use jsonencode)",
                value.type_name()
            ),
        )
    })
}

/// `failure`, said of the rule at `address`.
fn for_rule(failure: Failure, address: &str) -> Failure {
    Failure(
        failure
            .0
            .replacen(": error: ", &format!(": error: rule {address}: "), 1),
    )
}
