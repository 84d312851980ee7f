//! The CityLots inputs: `citylots-rules.json` (rule sets of patterns, in file order) and the
//! gzip-compressed JSON-lines corpus made by `gen_citylots.py`.

use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};

/// The rule sets, in file order: (type, pattern texts). Each pattern is the exact text of the
/// file (re-serialising it would change how its numbers are spelled, and a number such as
/// `-122.42916360922355` printed back by another float formatter is another number).
pub fn rule_sets(path: &str) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    // The order of the sets, from a parse that keeps it; their patterns, from one that keeps
    // their text.
    let order: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut raw: HashMap<String, Vec<Box<RawValue>>> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path}: expected an object of lists of patterns: {e}"));
    order
        .keys()
        .map(|kind| {
            let patterns = raw.remove(kind).expect("the same keys");
            (
                kind.clone(),
                patterns.iter().map(|p| p.get().to_string()).collect(),
            )
        })
        .collect()
}

/// Every event line of a `.jsonl.gz` (or plain `.jsonl`) file, as raw bytes.
pub fn events(path: &str) -> Vec<Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    let reader: Box<dyn BufRead> = if path.ends_with(".gz") {
        Box::new(BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    reader
        .split(b'\n')
        .map(|l| l.unwrap_or_else(|e| panic!("{path}: {e}")))
        .filter(|l| !l.is_empty())
        .collect()
}
