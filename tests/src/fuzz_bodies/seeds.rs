//! Seed inputs for the fuzz targets, made from the conformance cases.
//!
//! Each target gets inputs in its own text form (see the target modules): patterns as they are for
//! `parse_pattern`, events for `match_event`, `pattern\nevent` for `differential`, and scripts that
//! add six cases' patterns under four names, match their events, delete some by name and by
//! pattern, clone, and match again for `machine_ops`. `scripts/fuzz-seeds.sh` writes them to
//! `fuzz/seeds/<target>/`; the replay test also replays them straight from the current cases.

use super::machine_ops::{write_script, Step};
use crate::cases::{self, Case};
use std::collections::BTreeMap;

/// Seeds per target: target name → (file name, contents), file names unique within a target.
pub fn seeds() -> BTreeMap<&'static str, Vec<(String, Vec<u8>)>> {
    let all = cases::load();
    let mut out: BTreeMap<&'static str, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut seen_patterns = std::collections::HashSet::new();
    let mut seen_events = std::collections::HashSet::new();
    for case in &all {
        let name = file_name(&case.name);
        if seen_patterns.insert(case.pattern.clone()) {
            out.entry("parse_pattern")
                .or_default()
                .push((name.clone(), case.pattern.clone().into_bytes()));
        }
        if seen_events.insert(case.event.clone()) {
            out.entry("match_event")
                .or_default()
                .push((name.clone(), case.event.clone().into_bytes()));
        }
        if case.expect != "error" {
            out.entry("differential")
                .or_default()
                .push((name, one_line(case).into_bytes()));
        }
    }
    let usable: Vec<&Case> = all.iter().collect();
    for (i, chunk) in usable.chunks(6).enumerate() {
        out.entry("machine_ops")
            .or_default()
            .push((format!("script-{i:03}"), write_script(&script(chunk))));
    }
    out
}

fn one_line(case: &Case) -> String {
    format!(
        "{}\n{}",
        case.pattern.replace(['\n', '\r'], " "),
        case.event.replace(['\n', '\r'], " ")
    )
}

fn script(chunk: &[&Case]) -> Vec<Step> {
    let text = |s: &str| s.replace(['\n', '\r'], " ").into_bytes();
    let mut steps = Vec::new();
    for (i, c) in chunk.iter().enumerate() {
        steps.push(Step::Add((i % 4) as u8, text(&c.pattern)));
    }
    for c in chunk {
        steps.push(Step::Match(text(&c.event)));
    }
    steps.push(Step::Delete(0, text(&chunk[0].pattern)));
    steps.push(Step::DeleteNamed(1));
    steps.push(Step::Clone);
    for c in chunk {
        steps.push(Step::Match(text(&c.event)));
    }
    if let Some(c) = chunk.get(2) {
        steps.push(Step::Add(3, text(&c.pattern)));
        steps.push(Step::Match(text(&c.event)));
    }
    steps
}

fn file_name(case: &str) -> String {
    case.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
