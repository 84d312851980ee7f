//! CloudFormation intrinsic functions inside event patterns.
//!
//! Deployed patterns often say `account: [!Ref AWS::AccountId]` or
//! `source: [!Sub "${Prefix}.orders"]`. Locally there is no stack, so a value is taken from, in
//! order: `--param NAME=VALUE` (for `!Ref NAME`, `!GetAtt RES.ATTR` as `RES.ATTR`, and
//! `!ImportValue NAME`), then the template's own `Parameters` defaults and `Mappings`. Functions
//! of those (`!Sub`, `!Join`, `!Select`, `!Split`, `!FindInMap`) are computed. Anything else, such
//! as `!If` (conditions depend on the deployment), is refused with the position and a hint, never
//! replaced by a made-up value: a test that passes against a guessed value proves nothing.
//! Both spellings are understood: the YAML tag (`!Ref X`) and the JSON form (`{"Ref": "X"}`,
//! `{"Fn::Sub": ...}`) that CDK writes.

use super::yaml::{Kind, Node};
use super::Context;
use crate::failure::Failure;

/// The value of an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Str(String),
    List(Vec<Resolved>),
}

/// Whether `node` is an intrinsic function call, in either spelling.
pub fn is_intrinsic(node: &Node) -> bool {
    call(node).is_some()
}

/// The function name (`Ref`, `Fn::Sub`, ...) and argument of a call.
fn call(node: &Node) -> Option<(String, Node)> {
    if let Some(tag) = node.tag.as_deref().and_then(|t| t.strip_prefix('!')) {
        if tag.starts_with('!') {
            return None; // a core-schema tag such as !!str
        }
        let name = if tag == "Ref" || tag == "Condition" {
            tag.to_string()
        } else {
            format!("Fn::{tag}")
        };
        let mut arg = node.clone();
        arg.tag = None;
        return Some((name, arg));
    }
    match node.entries() {
        [(key, value)] => {
            let key = key.as_str()?;
            (key == "Ref" || key.starts_with("Fn::")).then(|| (key.to_string(), value.clone()))
        }
        _ => None,
    }
}

/// Computes an intrinsic function call.
pub fn resolve(node: &Node, ctx: &Context) -> Result<Resolved, Failure> {
    let (name, arg) = call(node).expect("resolve is called on intrinsic calls");
    let fail = |what: String| {
        Failure::at(
            &node.location(ctx.file),
            format_args!("rule {}: {what}", ctx.rule),
        )
    };
    let short = name.strip_prefix("Fn::").unwrap_or(&name).to_string();
    match name.as_str() {
        "Ref" => {
            let target = string(&arg, ctx)?;
            reference(&target, ctx)
                .ok_or_else(|| fail(ref_hint(&target, &format!("!Ref {target}"), ctx)))
        }
        "Fn::GetAtt" => {
            let target = match &arg.kind {
                Kind::Seq(items) => items.iter().map(|i| string(i, ctx)).collect::<Result<Vec<_>, _>>()?.join("."),
                _ => string(&arg, ctx)?,
            };
            ctx.params.0.get(&target).map(|v| Resolved::Str(v.clone())).ok_or_else(|| {
                fail(format!(
                    "!GetAtt {target} is known only after deployment; pass --param {target}=VALUE to test with a value"
                ))
            })
        }
        "Fn::ImportValue" => {
            let export = string(&arg, ctx)?;
            ctx.params.0.get(&export).map(|v| Resolved::Str(v.clone())).ok_or_else(|| {
                fail(format!(
                    "!ImportValue {export} comes from another stack; pass --param {export}=VALUE to test with a value"
                ))
            })
        }
        "Fn::Sub" => {
            let (template, vars) = match &arg.kind {
                Kind::Seq(items) if items.len() == 2 => (string(&items[0], ctx)?, Some(&items[1])),
                _ => (string(&arg, ctx)?, None),
            };
            substitute(&template, vars, ctx).map(Resolved::Str).map_err(fail)
        }
        "Fn::Join" => {
            let [delimiter, list] = args::<2>(&arg).ok_or_else(|| fail("!Join takes [delimiter, [values]]".into()))?;
            let delimiter = string(delimiter, ctx)?;
            let items = list_of(list, ctx)?;
            let parts: Result<Vec<String>, _> = items.into_iter().map(|i| flat(i, &fail)).collect();
            Ok(Resolved::Str(parts?.join(&delimiter)))
        }
        "Fn::Select" => {
            let [index, list] = args::<2>(&arg).ok_or_else(|| fail("!Select takes [index, [values]]".into()))?;
            let index: usize = string(index, ctx)?.parse().map_err(|_| fail("!Select index is not a number".into()))?;
            let items = list_of(list, ctx)?;
            let count = items.len();
            items
                .into_iter()
                .nth(index)
                .ok_or_else(|| fail(format!("!Select index {index} is out of range (the list has {count} values)")))
        }
        "Fn::Split" => {
            let [delimiter, source] = args::<2>(&arg).ok_or_else(|| fail("!Split takes [delimiter, string]".into()))?;
            let delimiter = string(delimiter, ctx)?;
            let source = string(source, ctx)?;
            Ok(Resolved::List(source.split(delimiter.as_str()).map(|s| Resolved::Str(s.to_string())).collect()))
        }
        "Fn::FindInMap" => {
            let [map, top, second] = args::<3>(&arg).ok_or_else(|| fail("!FindInMap takes [map, key, key]".into()))?;
            let (map, top, second) = (string(map, ctx)?, string(top, ctx)?, string(second, ctx)?);
            let found = ctx.mappings.and_then(|m| m.get(&map)).and_then(|m| m.get(&top)).and_then(|m| m.get(&second));
            match found {
                Some(value) => value_of(value, ctx),
                None => Err(fail(format!("!FindInMap: the template's Mappings have no {map} / {top} / {second}"))),
            }
        }
        _ => Err(fail(format!(
            "!{short} cannot be evaluated without deploying the stack; write the value in the pattern for ferruler to test it"
        ))),
    }
}

/// The value of `!Ref target`, if known locally.
fn reference(target: &str, ctx: &Context) -> Option<Resolved> {
    if let Some(value) = ctx.params.0.get(target) {
        return Some(Resolved::Str(value.clone()));
    }
    let parameter = ctx.parameters?.get(target)?;
    let default = parameter.get("Default")?;
    let is_list = parameter
        .get("Type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.contains("List"));
    match (&default.kind, is_list) {
        (Kind::Scalar(s), true) => Some(Resolved::List(
            s.text
                .split(',')
                .map(|v| Resolved::Str(v.trim().to_string()))
                .collect(),
        )),
        (Kind::Scalar(s), false) => Some(Resolved::Str(s.text.clone())),
        _ => None,
    }
}

/// Why a reference to `target` has no value, and what to pass. `written` is the reference as the
/// template spells it (`!Ref X`, or `!Sub "...": ${X}`), so the message quotes what the user wrote.
fn ref_hint(target: &str, written: &str, ctx: &Context) -> String {
    if target.starts_with("AWS::") {
        format!("{written} (a pseudo parameter) has no local value; pass --param {target}=VALUE")
    } else if ctx.parameters.and_then(|p| p.get(target)).is_some() {
        format!("{written}: the parameter has no Default; pass --param {target}=VALUE")
    } else {
        format!(
            "{written} names a resource, known only after deployment; pass --param {target}=VALUE"
        )
    }
}

/// `${Name}`, `${Res.Attr}` and `${!Literal}` substituted in a `!Sub` template.
fn substitute(template: &str, vars: Option<&Node>, ctx: &Context) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("!Sub {template:?}: unterminated ${{"));
        };
        let name = &after[..end];
        rest = &after[end + 1..];
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
            continue;
        }
        let value = match vars.and_then(|v| v.get(name)) {
            Some(node) => value_of(node, ctx).map_err(|f| f.0)?,
            None if name.contains('.') => match ctx.params.0.get(name) {
                Some(v) => Resolved::Str(v.clone()),
                None => {
                    return Err(format!(
                    "!Sub {template:?}: ${{{name}}} is known only after deployment; pass --param {name}=VALUE"
                ))
                }
            },
            None => reference(name, ctx).ok_or_else(|| {
                ref_hint(name, &format!("!Sub {template:?}: ${{{name}}}"), ctx)
            })?,
        };
        match value {
            Resolved::Str(s) => out.push_str(&s),
            Resolved::List(_) => return Err(format!("!Sub: ${{{name}}} is a list, not a string")),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A plain or intrinsic node's value.
fn value_of(node: &Node, ctx: &Context) -> Result<Resolved, Failure> {
    if is_intrinsic(node) {
        return resolve(node, ctx);
    }
    match &node.kind {
        Kind::Scalar(s) => Ok(Resolved::Str(s.text.clone())),
        Kind::Seq(items) => Ok(Resolved::List(
            items
                .iter()
                .map(|i| value_of(i, ctx))
                .collect::<Result<_, _>>()?,
        )),
        Kind::Map(_) => Err(Failure::at(
            &node.location(ctx.file),
            format_args!("rule {}: expected a value, found a mapping", ctx.rule),
        )),
    }
}

fn string(node: &Node, ctx: &Context) -> Result<String, Failure> {
    match value_of(node, ctx)? {
        Resolved::Str(s) => Ok(s),
        Resolved::List(_) => Err(Failure::at(
            &node.location(ctx.file),
            format_args!("rule {}: expected a string, found a list", ctx.rule),
        )),
    }
}

fn list_of(node: &Node, ctx: &Context) -> Result<Vec<Resolved>, Failure> {
    match value_of(node, ctx)? {
        Resolved::List(items) => Ok(items),
        Resolved::Str(s) => Ok(vec![Resolved::Str(s)]),
    }
}

fn flat(value: Resolved, fail: &dyn Fn(String) -> Failure) -> Result<String, Failure> {
    match value {
        Resolved::Str(s) => Ok(s),
        Resolved::List(_) => Err(fail("!Join: nested lists cannot be joined".into())),
    }
}

fn args<const N: usize>(node: &Node) -> Option<&[Node; N]> {
    match &node.kind {
        Kind::Seq(items) => items.as_slice().try_into().ok(),
        _ => None,
    }
}
