//! Replays the fuzz corpora on stable Rust, so CI checks every committed input without nightly or
//! cargo-fuzz: each file of `fuzz/seeds/<target>/` (seeds made from the conformance cases) and
//! `fuzz/regressions/<target>/` (inputs that once failed) goes through the same target body that
//! libFuzzer runs (`ferruler_tests::fuzz_bodies`). The seeds are also made afresh from the current
//! conformance cases and replayed, so new cases are covered before anyone regenerates the files.
//!
//! `FERRULER_WRITE_SEEDS=1` makes `seeds_from_current_cases_pass` rewrite `fuzz/seeds/` (what
//! `scripts/fuzz-seeds.sh` does).

use ferruler_tests::fuzz_bodies::{seeds, TARGETS};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn body(target: &str) -> fn(&[u8]) {
    TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target {target}"))
        .1
}

/// Runs every input through the target's body; returns the names of those that failed.
fn replay(target: &str, inputs: &[(String, Vec<u8>)]) -> Vec<String> {
    let run = body(target);
    inputs
        .iter()
        .filter(|(_, data)| catch_unwind(AssertUnwindSafe(|| run(data))).is_err())
        .map(|(name, _)| format!("{target}/{name}"))
        .collect()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let data = std::fs::read(&p).expect("readable file");
            (p.file_name().unwrap().to_string_lossy().into_owned(), data)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn committed_seeds_and_regressions_pass() {
    let mut failed = Vec::new();
    for (target, _) in TARGETS {
        let seeds = files(&fuzz_dir().join("seeds").join(target));
        assert!(
            seeds.len() >= 20,
            "fuzz/seeds/{target} holds {} files; run scripts/fuzz-seeds.sh",
            seeds.len()
        );
        failed.extend(replay(target, &seeds));
        let regressions = files(&fuzz_dir().join("regressions").join(target));
        failed.extend(replay(target, &regressions));
    }
    assert!(failed.is_empty(), "failing inputs: {failed:#?}");
}

#[test]
fn seeds_from_current_cases_pass() {
    let all = seeds::seeds();
    let mut failed = Vec::new();
    for (target, _) in TARGETS {
        let inputs = all.get(target).map(Vec::as_slice).unwrap_or_default();
        assert!(!inputs.is_empty(), "no seeds for {target}");
        failed.extend(replay(target, inputs));
    }
    assert!(failed.is_empty(), "failing seeds: {failed:#?}");
    if std::env::var_os("FERRULER_WRITE_SEEDS").is_some() {
        for (target, inputs) in &all {
            let dir = fuzz_dir().join("seeds").join(target);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for (name, data) in inputs {
                std::fs::write(dir.join(name), data).unwrap();
            }
        }
    }
}

/// Every body has a libFuzzer target calling it, and every target file calls a body.
#[test]
fn each_body_has_a_fuzz_target() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for (target, _) in TARGETS {
        let path = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            source.contains(&format!("fuzz_bodies::{target}::run")),
            "{} does not call fuzz_bodies::{target}::run",
            path.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "fuzz/Cargo.toml has no [[bin]] {target}"
        );
    }
}
