//! The EventBridge conformance corpus (`../shared/conformance/cases.jsonl`), read so that the
//! pattern and event texts reach the engine exactly as written (numbers keep their spelling,
//! duplicate keys survive).

use serde_json::value::RawValue;
use std::path::PathBuf;

/// One conformance case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `<area>/<id>`.
    pub name: String,
    /// The pattern text to compile.
    pub pattern: String,
    /// The event text to match.
    pub event: String,
    /// `match`, `nomatch` or `error`.
    pub expect: String,
    /// For error cases: a substring of EventBridge's message, where known.
    pub message: Option<String>,
}

#[derive(serde::Deserialize)]
struct Line {
    name: String,
    pattern: Box<RawValue>,
    #[serde(default)]
    pattern_text: Option<String>,
    event: Box<RawValue>,
    expect: String,
    #[serde(default)]
    message: Option<String>,
}

/// Where the corpus lives: `$FERRULER_CASES`, or `shared/conformance/cases.jsonl` beside the repo.
pub fn corpus_path() -> PathBuf {
    if let Ok(p) = std::env::var("FERRULER_CASES") {
        return PathBuf::from(p);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.join("../../shared/conformance/cases.jsonl")
}

/// Reads every case of the corpus.
pub fn load() -> Vec<Case> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the conformance corpus at {}: {e}",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let line: Line =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("bad case line {l}: {e}"));
            Case {
                pattern: line
                    .pattern_text
                    .unwrap_or_else(|| line.pattern.get().to_string()),
                event: line.event.get().to_string(),
                name: line.name,
                expect: line.expect,
                message: line.message,
            }
        })
        .collect()
}
