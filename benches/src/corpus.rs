//! The CityLots inputs: `citylots-rules.json` (rule sets of patterns, in file order) and the
//! gzip-compressed JSON-lines corpus made by `gen_citylots.py`.

use std::io::{BufRead, BufReader};

/// The rule sets, in file order: (type, pattern texts).
pub fn rule_sets(path: &str) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let serde_json::Value::Object(sets) = value else {
        panic!("{path}: expected an object of rule sets")
    };
    sets.into_iter()
        .map(|(kind, patterns)| {
            let serde_json::Value::Array(ps) = patterns else {
                panic!("{path}: {kind} is not a list")
            };
            (kind, ps.iter().map(|p| p.to_string()).collect())
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
