//! The pattern grammar: from JSON text to `$or`-expanded sub-rules, with EventBridge's messages.
//!
//! The walk follows the order in which event-ruler's `JsonRuleCompiler` reads a pattern, so that
//! when a pattern has several mistakes the one reported is the one EventBridge would report. Two
//! rules of the grammar are worth knowing before reading the code:
//!
//! * Fields are written into each partial sub-rule with *put* semantics, in document order: a later
//!   occurrence of a path replaces an earlier one. This gives EventBridge's "the last duplicate key
//!   wins", and event-ruler's overriding of an enclosing field by a `$or` branch.
//! * `$or` is the OR primitive only when it is one: if reading the pattern with `$or` as the
//!   primitive fails, the pattern is read again with `$or` as an ordinary field name (event-ruler's
//!   fallback to its legacy compiler), and only if that fails too is the first error reported.

use super::json::{self, Kind, Member, Node};
use super::{
    AnythingBut, Bound, Condition, IpRange, Matcher, Number, NumericRange, SubRule, Test, Wildcard,
};
use crate::error::PatternError;
use crate::limits::Limits;
use smallvec::SmallVec;

const OR: &str = "$or";

/// Operator names that may not be used as field names inside a `$or` branch.
const RESERVED_IN_OR: &[&str] = &[
    "anything-but",
    "cidr",
    "equals-ignore-case",
    "exactly",
    "exists",
    "numeric",
    "prefix",
    "suffix",
    "wildcard",
];

/// Parses and validates `text`, returning its sub-rules.
pub(crate) fn parse(text: &[u8], limits: &Limits) -> Result<Vec<SubRule>, PatternError> {
    if text.len() > limits.max_pattern_bytes {
        return Err(json::error_at(
            text,
            0,
            format!(
                "Pattern is {} bytes long, more than the limit of {} bytes (Limits::max_pattern_bytes)",
                text.len(),
                limits.max_pattern_bytes
            ),
        ));
    }
    let root = json::parse(text, limits.max_pattern_depth)?;
    if !matches!(root.kind, Kind::Object(_)) {
        return Err(json::error_at(text, root.at, "Filter is not an object"));
    }
    let primary = Compiler {
        text,
        legacy: false,
        limits,
    }
    .compile(&root);
    match primary {
        Ok(rules) => Ok(rules),
        Err(first) if mentions_or(&root) => Compiler {
            text,
            legacy: true,
            limits,
        }
        .compile(&root)
        .map_err(|_| first),
        Err(first) => Err(first),
    }
}

fn mentions_or(node: &Node) -> bool {
    match &node.kind {
        Kind::Object(members) => {
            crate::stack::deep(|| members.iter().any(|m| m.key == OR || mentions_or(&m.value)))
        }
        Kind::Array(items) => crate::stack::deep(|| items.iter().any(mentions_or)),
        _ => false,
    }
}

/// One alternative of a value list, before `exists: false` is split out of mixed lists.
#[derive(Clone)]
enum Alt {
    Match(Matcher),
    Absent,
}

/// A sub-rule under construction: conditions in document order, at most one per path.
type Partial = Vec<(Vec<String>, Vec<Alt>)>;

struct Compiler<'a> {
    text: &'a [u8],
    legacy: bool,
    limits: &'a Limits,
}

type Res<T> = Result<T, PatternError>;

impl Compiler<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> PatternError {
        json::error_at(self.text, at, message)
    }

    fn compile(&self, root: &Node) -> Res<Vec<SubRule>> {
        if !self.legacy {
            let combinations = self.count(root);
            if combinations > self.limits.max_or_combinations {
                let at = first_or_at(root).unwrap_or(root.at);
                return Err(self.err(
                    at,
                    format!(
                        "The $or in this pattern expand to {} rule combinations, more than the limit of {} (Limits::max_or_combinations)",
                        if combinations == u64::MAX { "too many".to_string() } else { combinations.to_string() },
                        self.limits.max_or_combinations
                    ),
                ));
            }
        }
        let mut rules: Vec<Partial> = Vec::new();
        let mut path = Vec::new();
        self.object(root, &mut path, &mut rules, false)?;
        Ok(finish(rules))
    }

    /// How many sub-rules the pattern expands to (saturating), counting a value list that mixes
    /// `exists: false` with other values as two.
    fn count(&self, node: &Node) -> u64 {
        crate::stack::deep(|| self.count_here(node))
    }

    fn count_here(&self, node: &Node) -> u64 {
        let Kind::Object(members) = &node.kind else {
            return 1;
        };
        let mut product: u64 = 1;
        for m in last_wins(members) {
            let factor = match (&m.value.kind, m.key == OR) {
                (Kind::Array(items), true) => items
                    .iter()
                    .map(|i| self.count(i))
                    .fold(0u64, |a, b| a.saturating_add(b))
                    .max(1),
                (Kind::Object(_), _) => self.count(&m.value),
                (Kind::Array(items), false) => {
                    let absent = items.iter().any(is_exists_false);
                    let other = items.iter().any(|i| !is_exists_false(i));
                    if absent && other {
                        2
                    } else {
                        1
                    }
                }
                _ => 1,
            };
            product = product.saturating_mul(factor);
        }
        product
    }

    fn object(
        &self,
        node: &Node,
        path: &mut Vec<String>,
        rules: &mut Vec<Partial>,
        inside_or: bool,
    ) -> Res<()> {
        let Kind::Object(members) = &node.kind else {
            unreachable!("callers pass objects")
        };
        if members.is_empty() {
            return Err(self.err(node.at, "Empty objects are not allowed"));
        }
        for m in last_wins(members) {
            if m.key == OR && !self.legacy {
                self.or(&m.value, path, rules)?;
                continue;
            }
            if inside_or && RESERVED_IN_OR.contains(&m.key.as_str()) {
                return Err(self.err(
                    m.key_at,
                    format!(
                        "{} is Ruler reserved fieldName which cannot be used inside $or.",
                        m.key
                    ),
                ));
            }
            let depth = path.len();
            path.extend(m.key.split('.').map(str::to_string));
            match &m.value.kind {
                Kind::Object(_) => {
                    crate::stack::deep(|| self.object(&m.value, path, rules, inside_or))?
                }
                Kind::Array(items) => {
                    let alts = self.value_list(&m.value, items)?;
                    if rules.is_empty() {
                        rules.push(Vec::new());
                    }
                    if let Some((last, others)) = rules.split_last_mut() {
                        for rule in others {
                            put(rule, path.clone(), alts.clone());
                        }
                        put(last, path.clone(), alts);
                    }
                }
                _ => {
                    return Err(self.err(
                        m.value.at,
                        format!("\"{}\" must be an object or an array", m.key),
                    ))
                }
            }
            path.truncate(depth);
        }
        Ok(())
    }

    fn or(&self, node: &Node, path: &mut Vec<String>, rules: &mut Vec<Partial>) -> Res<()> {
        let Kind::Array(items) = &node.kind else {
            return Err(self.err(node.at, "It must be an Array followed with $or."));
        };
        let current = std::mem::take(rules);
        for item in items {
            if !matches!(item.kind, Kind::Object(_)) {
                return Err(self.err(
                    item.at,
                    "Only JSON object is allowed in array of $or relationship.",
                ));
            }
            let mut branch = current.clone();
            if branch.is_empty() {
                branch.push(Vec::new());
            }
            self.object(item, path, &mut branch, true)?;
            rules.extend(branch);
        }
        if items.len() < 2 {
            return Err(self.err(
                node.at,
                "There must have at least 2 Objects in $or relationship.",
            ));
        }
        Ok(())
    }

    fn value_list(&self, node: &Node, items: &[Node]) -> Res<Vec<Alt>> {
        if items.is_empty() {
            return Err(self.err(node.at, "Empty arrays are not allowed"));
        }
        self.not_too_long(node, items)?;
        items
            .iter()
            .map(|item| match &item.kind {
                Kind::Object(members) => self.match_expression(item, members),
                Kind::String(s) => Ok(Alt::Match(Matcher::String(s.clone()))),
                Kind::Number(t) => Ok(Alt::Match(Matcher::Number(number(t)))),
                Kind::Bool(b) => Ok(Alt::Match(Matcher::Bool(*b))),
                Kind::Null => Ok(Alt::Match(Matcher::Null)),
                Kind::Array(_) => Err(self.err(
                    item.at,
                    "Match value must be String, number, true, false, or null",
                )),
            })
            .collect()
    }

    fn match_expression(&self, node: &Node, members: &[Member]) -> Res<Alt> {
        let members = last_wins(members);
        let Some(first) = members.first() else {
            return Err(self.err(node.at, "Match expression name not found"));
        };
        let operand = &first.value;
        let alt = match first.key.as_str() {
            "prefix" => Alt::Match(self.affix(operand, true)?),
            "suffix" => Alt::Match(self.affix(operand, false)?),
            "equals-ignore-case" => Alt::Match(Matcher::EqualsIgnoreCase(
                self.string(operand, "equals-ignore-case match pattern must be a string")?,
            )),
            "wildcard" => Alt::Match(Matcher::Wildcard(self.wildcard(operand)?)),
            "numeric" => Alt::Match(Matcher::Numeric(self.numeric(operand)?)),
            "cidr" => {
                // (event-ruler's wording, which EventBridge gives: its cidr branch reuses the
                // prefix message.)
                let s = self.string(operand, "prefix match pattern must be a string")?;
                Alt::Match(Matcher::Cidr(
                    IpRange::parse(&s).map_err(|m| self.err(operand.at, m))?,
                ))
            }
            "exists" => match operand.kind {
                Kind::Bool(true) => Alt::Match(Matcher::Exists),
                Kind::Bool(false) => Alt::Absent,
                _ => {
                    return Err(self.err(
                        operand.at,
                        "exists match pattern must be either true or false.",
                    ))
                }
            },
            "anything-but" => Alt::Match(Matcher::AnythingBut(self.anything_but(operand)?)),
            other => return Err(self.err(first.key_at, format!("Unrecognized match type {other}"))),
        };
        if let Some(extra) = members.get(1) {
            return Err(self.err(extra.key_at, "Only one key allowed in match expression"));
        }
        Ok(alt)
    }

    fn string(&self, node: &Node, message: &str) -> Res<String> {
        match &node.kind {
            Kind::String(s) => Ok(s.clone()),
            _ => Err(self.err(node.at, message)),
        }
    }

    /// `{"prefix": ...}` or `{"suffix": ...}`: a string, or `{"equals-ignore-case": string}`.
    fn affix(&self, node: &Node, prefix: bool) -> Res<Matcher> {
        let name = if prefix { "prefix" } else { "suffix" };
        match &node.kind {
            Kind::String(s) => Ok(if prefix {
                Matcher::Prefix(s.clone())
            } else {
                Matcher::Suffix(s.clone())
            }),
            Kind::Object(members) => {
                let members = last_wins(members);
                let Some(inner) = members.first() else {
                    return Err(self.err(node.at, "Match expression name not found"));
                };
                if inner.key != "equals-ignore-case" {
                    return Err(self.err(
                        inner.key_at,
                        format!("Unsupported {name} pattern: {}", inner.key),
                    ));
                }
                let s = self.string(
                    &inner.value,
                    "equals-ignore-case match pattern must be a string",
                )?;
                if let Some(extra) = members.get(1) {
                    return Err(self.err(extra.key_at, "Only one key allowed in match expression"));
                }
                Ok(if prefix {
                    Matcher::PrefixIgnoreCase(s)
                } else {
                    Matcher::SuffixIgnoreCase(s)
                })
            }
            _ => Err(self.err(node.at, format!("{name} match pattern must be a string"))),
        }
    }

    fn wildcard(&self, node: &Node) -> Res<Wildcard> {
        let s = self.string(node, "wildcard match pattern must be a string")?;
        Wildcard::parse(&s).map_err(|m| self.err(node.at, m))
    }

    fn anything_but(&self, node: &Node) -> Res<AnythingBut> {
        match &node.kind {
            Kind::String(s) => Ok(AnythingBut::Strings(vec![s.clone()])),
            Kind::Number(t) => Ok(AnythingBut::Numbers(vec![number(t)])),
            Kind::Array(items) => self.anything_but_list(node, items),
            Kind::Object(members) => {
                let members = last_wins(members);
                let Some(inner) = members.first() else {
                    return Err(self.err(node.at, "Anything-But expression name not found"));
                };
                // As event-ruler: a supported operator's operand must be a list, a string or a
                // number, before its own checks (so an ignore-case object inside `prefix` or
                // `suffix`, which the service does not support, is refused here).
                if matches!(
                    inner.key.as_str(),
                    "prefix" | "suffix" | "equals-ignore-case" | "wildcard"
                ) && matches!(
                    inner.value.kind,
                    Kind::Object(_) | Kind::Bool(_) | Kind::Null
                ) {
                    return Err(self.err(
                        inner.value.at,
                        "Value of anything-but must be an array or single string/number value.",
                    ));
                }
                let result = match inner.key.as_str() {
                    "prefix" => AnythingBut::Prefixes(self.affix_list(&inner.value)?),
                    "suffix" => AnythingBut::Suffixes(self.affix_list(&inner.value)?),
                    "equals-ignore-case" => {
                        AnythingBut::IgnoreCase(self.ignore_case_list(&inner.value)?)
                    }
                    "wildcard" => AnythingBut::Wildcards(match &inner.value.kind {
                        Kind::Array(items) => {
                            self.non_empty(&inner.value, items)?;
                            items.iter().map(|i| self.wildcard(i)).collect::<Res<_>>()?
                        }
                        _ => vec![self.wildcard(&inner.value)?],
                    }),
                    other => {
                        return Err(self.err(
                            inner.key_at,
                            format!("Unsupported anything-but pattern: {other}"),
                        ))
                    }
                };
                if let Some(extra) = members.get(1) {
                    return Err(self.err(extra.key_at, "Only one key allowed in match expression"));
                }
                Ok(result)
            }
            Kind::Bool(_) | Kind::Null => Err(self.err(
                node.at,
                "Value of anything-but must be an array or single string/number value.",
            )),
        }
    }

    fn anything_but_list(&self, node: &Node, items: &[Node]) -> Res<AnythingBut> {
        self.not_too_long(node, items)?;
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        for item in items {
            match &item.kind {
                Kind::String(s) => strings.push(s.clone()),
                Kind::Number(t) => numbers.push(number(t)),
                _ => {
                    return Err(self.err(
                        item.at,
                        "Inside anything but list, start|null|boolean is not supported.",
                    ))
                }
            }
        }
        match (strings.is_empty(), numbers.is_empty()) {
            (false, true) => Ok(AnythingBut::Strings(strings)),
            (true, false) => Ok(AnythingBut::Numbers(numbers)),
            _ => Err(self.err(
                node.at,
                "Inside anything but list, either all values are number or string, mixed type is not supported",
            )),
        }
    }

    /// Refuses a list longer than `Limits::max_values_per_field`.
    fn not_too_long(&self, node: &Node, items: &[Node]) -> Res<()> {
        let limit = self.limits.max_values_per_field;
        if items.len() > limit {
            return Err(self.err(
                node.at,
                format!(
                    "Too many values in one list: {}, more than the limit of {limit} (Limits::max_values_per_field)",
                    items.len()
                ),
            ));
        }
        Ok(())
    }

    fn non_empty(&self, node: &Node, items: &[Node]) -> Res<()> {
        if items.is_empty() {
            return Err(self.err(node.at, "Empty arrays are not allowed"));
        }
        self.not_too_long(node, items)?;
        Ok(())
    }

    /// The operand of anything-but prefix/suffix: a non-empty string or a list of them.
    fn affix_list(&self, node: &Node) -> Res<Vec<String>> {
        let one = |n: &Node| -> Res<String> {
            let s = self.string(n, "prefix/suffix match pattern must be a string")?;
            if s.is_empty() {
                return Err(self.err(n.at, "Null prefix/suffix not allowed"));
            }
            Ok(s)
        };
        match &node.kind {
            Kind::Array(items) => {
                self.non_empty(node, items)?;
                items.iter().map(one).collect()
            }
            _ => Ok(vec![one(node)?]),
        }
    }

    fn ignore_case_list(&self, node: &Node) -> Res<Vec<String>> {
        const MESSAGE: &str =
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.";
        match &node.kind {
            Kind::Array(items) => {
                self.non_empty(node, items)?;
                items.iter().map(|i| self.string(i, MESSAGE)).collect()
            }
            _ => Ok(vec![self.string(node, MESSAGE)?]),
        }
    }

    fn numeric(&self, node: &Node) -> Res<NumericRange> {
        let Kind::Array(items) = &node.kind else {
            return Err(self.err(node.at, "Value of numeric must be an array."));
        };
        let end_at = node.at + 1;
        let op_at = |i: usize| items.get(i).map_or(end_at, |n| n.at);
        let operator = |i: usize| -> Option<&str> {
            match items.get(i).map(|n| &n.kind) {
                Some(Kind::String(s)) => Some(s.as_str()),
                _ => None,
            }
        };
        let value = |i: usize, op: &str| -> Res<f64> {
            match items.get(i).map(|n| &n.kind) {
                Some(Kind::Number(t)) => {
                    let v = crate::number::value_of(t.as_bytes());
                    if v.is_finite() {
                        Ok(v)
                    } else {
                        Err(self.err(
                            op_at(i),
                            format!("Value of {op} is outside the range of a double"),
                        ))
                    }
                }
                _ => {
                    let name = if op == "=" { "equals" } else { op };
                    Err(self.err(op_at(i), format!("Value of {name} must be numeric")))
                }
            }
        };
        let Some(op) = operator(0) else {
            let shown = items
                .first()
                .map_or(String::from("]"), |n| describe_token(self.text, n));
            return Err(self.err(
                op_at(0),
                format!("Invalid member in numeric match: {shown}"),
            ));
        };
        let too_many = |i: usize| -> Res<()> {
            if items.len() > i {
                return Err(self.err(op_at(i), "Too many elements in numeric expression"));
            }
            Ok(())
        };
        match op {
            "=" => {
                let v = value(1, "=")?;
                too_many(2)?;
                Ok(NumericRange {
                    lower: Bound::Inclusive(v),
                    upper: Bound::Inclusive(v),
                })
            }
            "<" | "<=" => {
                let v = value(1, op)?;
                too_many(2)?;
                let upper = if op == "<" {
                    Bound::Exclusive(v)
                } else {
                    Bound::Inclusive(v)
                };
                Ok(NumericRange {
                    lower: Bound::Unbounded,
                    upper,
                })
            }
            ">" | ">=" => {
                let low = value(1, op)?;
                let lower = if op == ">" {
                    Bound::Exclusive(low)
                } else {
                    Bound::Inclusive(low)
                };
                if items.len() == 2 {
                    return Ok(NumericRange {
                        lower,
                        upper: Bound::Unbounded,
                    });
                }
                let Some(op2) = operator(2) else {
                    return Err(self.err(
                        op_at(2),
                        format!(
                            "Bad value in numeric range: {}",
                            describe_token(self.text, &items[2])
                        ),
                    ));
                };
                if op2 != "<" && op2 != "<=" {
                    return Err(self.err(op_at(2), format!("Bad numeric range operator: {op2}")));
                }
                let high = value(3, op2)?;
                if items.len() > 4 {
                    return Err(self.err(op_at(4), "Too many terms in numeric range expression"));
                }
                if low >= high {
                    return Err(self.err(node.at, "Bottom must be less than top"));
                }
                let upper = if op2 == "<" {
                    Bound::Exclusive(high)
                } else {
                    Bound::Inclusive(high)
                };
                Ok(NumericRange { lower, upper })
            }
            other => Err(self.err(
                op_at(0),
                format!("Unrecognized numeric range operator: {other}"),
            )),
        }
    }
}

/// The members of an object with earlier duplicates dropped (the last occurrence wins and keeps its
/// place in document order).
fn last_wins(members: &[Member]) -> SmallVec<[&Member; 8]> {
    members
        .iter()
        .enumerate()
        .filter(|(i, m)| !members[i + 1..].iter().any(|later| later.key == m.key))
        .map(|(_, m)| m)
        .collect()
}

fn is_exists_false(node: &Node) -> bool {
    match &node.kind {
        Kind::Object(members) => {
            let members = last_wins(members);
            members.len() == 1
                && members[0].key == "exists"
                && matches!(members[0].value.kind, Kind::Bool(false))
        }
        _ => false,
    }
}

fn first_or_at(node: &Node) -> Option<usize> {
    match &node.kind {
        Kind::Object(members) => crate::stack::deep(|| {
            members.iter().find_map(|m| {
                if m.key == OR {
                    Some(m.key_at)
                } else {
                    first_or_at(&m.value)
                }
            })
        }),
        _ => None,
    }
}

fn number(text: &str) -> Number {
    Number {
        text: text.to_string(),
        value: crate::number::value_of(text.as_bytes()),
    }
}

fn describe_token(text: &[u8], node: &Node) -> String {
    match &node.kind {
        Kind::String(s) => s.clone(),
        Kind::Number(t) => t.clone(),
        Kind::Bool(b) => b.to_string(),
        Kind::Null => "null".to_string(),
        other => {
            let _ = text;
            other.describe().to_string()
        }
    }
}

fn put(rule: &mut Partial, path: Vec<String>, alts: Vec<Alt>) {
    match rule.iter_mut().find(|(p, _)| *p == path) {
        Some(slot) => slot.1 = alts,
        None => rule.push((path, alts)),
    }
}

/// Turns partial sub-rules into sub-rules, splitting every value list that mixes `exists: false`
/// with other values into two alternatives (absent, or one of the values).
fn finish(partials: Vec<Partial>) -> Vec<SubRule> {
    let mut out = Vec::new();
    for partial in partials {
        let mut variants: Vec<Vec<Condition>> = vec![Vec::new()];
        for (path, alts) in partial {
            let absent = alts.iter().any(|a| matches!(a, Alt::Absent));
            let matchers: Vec<Matcher> = alts
                .into_iter()
                .filter_map(|a| match a {
                    Alt::Match(m) => Some(m),
                    Alt::Absent => None,
                })
                .collect();
            let mut tests: SmallVec<[Test; 2]> = SmallVec::new();
            if !matchers.is_empty() {
                tests.push(Test::AnyOf(matchers));
            }
            if absent {
                tests.push(Test::Absent);
            }
            if let ([variant], [_]) = (&mut variants[..], &tests[..]) {
                // The usual case, one sub-rule and one test: nothing to copy.
                let test = tests.pop().expect("one test");
                variant.push(Condition::new(path, test));
                continue;
            }
            let mut next = Vec::with_capacity(variants.len() * tests.len());
            for v in &variants {
                for t in &tests {
                    let mut v = v.clone();
                    v.push(Condition::new(path.clone(), t.clone()));
                    next.push(v);
                }
            }
            variants = next;
        }
        out.extend(variants.into_iter().map(SubRule::new));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::pattern::Pattern;

    /// (pattern, message, line, column) — the column counts characters and points at the
    /// offending token.
    const ERRORS: &[(&str, &str, u32, u32)] = &[
        (r#"["a"]"#, "Filter is not an object", 1, 1),
        ("{}", "Empty objects are not allowed", 1, 1),
        (r#"{"a": "x"}"#, "\"a\" must be an object or an array", 1, 7),
        (r#"{"a": []}"#, "Empty arrays are not allowed", 1, 7),
        (
            r#"{"a": [{"prefix": 12}]}"#,
            "prefix match pattern must be a string",
            1,
            19,
        ),
        (
            r#"{"a": [{"NUMERIC": [">", 0]}]}"#,
            "Unrecognized match type NUMERIC",
            1,
            9,
        ),
        (
            r#"{"a": [{"prefix": "x", "suffix": "y"}]}"#,
            "Only one key allowed in match expression",
            1,
            24,
        ),
        (
            r#"{"a": [{"numeric": [">", 10, "<", 5]}]}"#,
            "Bottom must be less than top",
            1,
            20,
        ),
        (
            r#"{"a": [{"numeric": ["<", 5, ">", 0]}]}"#,
            "Too many elements in numeric expression",
            1,
            29,
        ),
        (
            r#"{"a": [{"wildcard": "a**b"}]}"#,
            "Consecutive wildcard characters at pos 2",
            1,
            21,
        ),
        (
            r#"{"a": [{"cidr": "10.0.0.0/33"}]}"#,
            "IPv4 mask bits must be < 32",
            1,
            17,
        ),
        (
            r#"{"a": [{"anything-but": ["x", 1]}]}"#,
            "mixed type is not supported",
            1,
            25,
        ),
        (
            r#"{"$or": [{"a": ["x"]}]}"#,
            "There must have at least 2 Objects in $or relationship.",
            1,
            9,
        ),
        (
            "{\n  \"a\": {\n    \"é\": [{\"exists\": \"yes\"}]\n  }\n}",
            "exists match pattern must be either true or false.",
            3,
            22,
        ),
        (
            "{\"a\": [\"x\",]}",
            "Unexpected character ']': expected a JSON value",
            1,
            12,
        ),
        (
            "{\"a\": [\"x\"]",
            "Unexpected end of input: expected ',' or '}'",
            1,
            12,
        ),
    ];

    #[test]
    fn messages_and_positions() {
        for (pattern, message, line, column) in ERRORS {
            let e = Pattern::parse(pattern).expect_err(pattern);
            assert!(
                e.message().contains(message),
                "{pattern}: {:?} lacks {message:?}",
                e.message()
            );
            assert_eq!((e.line(), e.column()), (*line, *column), "{pattern}: {e}");
        }
    }

    #[test]
    fn the_first_mistake_in_document_order_is_reported() {
        let e = Pattern::parse(r#"{"a": [{"prefix": 1}], "b": "x"}"#).unwrap_err();
        assert!(e.message().starts_with("prefix"), "{e}");
    }
}
