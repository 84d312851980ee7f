//! SARIF 2.1.0, the format code-scanning UIs read (GitHub's `upload-sarif`, GitLab, Azure DevOps,
//! editors' SARIF viewers), so that an invalid pattern is annotated on the template line that holds
//! it, as cfn-lint users are used to.
//!
//! Written with serde_json rather than a SARIF crate: `check` needs one run, three rule kinds and
//! physical locations, a few lines of JSON. Columns count characters (`columnKind`
//! `unicodeCodePoints`), as every position this tool prints does. Paths are written as given,
//! relative to where `ferruler` ran (run it from the repository root so they resolve), with `\`
//! as `/` and the characters a URI reserves percent-encoded.

use crate::finding::{Finding, Status};
use serde_json::{json, Value};

/// The kinds of result, with their help text; a result's `ruleIndex` points into this list.
const RULES: [(Status, &str); 3] = [
    (
        Status::InvalidPattern,
        "The event pattern is not valid: EventBridge would reject the rule.",
    ),
    (
        Status::InvalidFile,
        "The file cannot be read as rules: unreadable, invalid YAML or JSON, or a rule name defined twice.",
    ),
    (
        Status::NotChecked,
        "The pattern uses a value only a deployment knows (!GetAtt, a parameter without a default); pass it with --param to check the rule.",
    ),
];

/// The SARIF log for `findings`; with `strict`, unchecked rules are errors rather than warnings.
pub fn document(findings: &[Finding], strict: bool) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(status, help)| {
            json!({
                "id": status.id(),
                "shortDescription": {"text": help},
                "defaultConfiguration": {"level": level(*status, strict)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .filter(|f| f.status != Status::Valid)
        .map(|f| result(f, strict))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ferruler",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(status: Status, strict: bool) -> &'static str {
    match status {
        Status::NotChecked if !strict => "warning",
        _ => "error",
    }
}

fn result(f: &Finding, strict: bool) -> Value {
    let mut location = json!({"artifactLocation": {"uri": uri(&f.file)}});
    if let Some((line, column)) = f.position {
        location["region"] = json!({"startLine": line, "startColumn": column});
    }
    json!({
        "ruleId": f.status.id(),
        "ruleIndex": RULES.iter().position(|(s, _)| *s == f.status),
        "level": level(f.status, strict),
        "message": {"text": f.message.as_deref().unwrap_or_default()},
        "locations": [{"physicalLocation": location}],
    })
}

/// A path as a URI reference: relative paths stay relative (`./` dropped), absolute ones become
/// `file://` URIs.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::from(if path.starts_with('/') { "file://" } else { "" });
    for c in path.chars() {
        match c {
            ' ' | '%' | '#' | '?' | '[' | ']' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./rules/a b.json"), "rules/a%20b.json");
        assert_eq!(uri("/tmp/t.yaml"), "file:///tmp/t.yaml");
        assert_eq!(uri("cdk.out\\S.template.json"), "cdk.out/S.template.json");
    }
}
