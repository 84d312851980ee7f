//! Integration tests: the built `ferruler` binary run on the fixture repositories under
//! `tests/fixtures/` (a SAM app, a CDK cloud assembly, a repository of pattern files with cases
//! beside them, invalid inputs) and on the shared conformance corpus.

mod cases;
mod check;
mod explain;
mod filter;
mod filter_archives;
mod filters;
mod help;
mod serve;
mod serverless;
mod templates;
mod terraform;
mod test_event_pattern;

use std::path::{Path, PathBuf};

/// The binary, run from the fixtures directory, colour off.
pub fn ferruler() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("ferruler");
    cmd.current_dir(fixtures()).env("NO_COLOR", "1");
    cmd
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The shared conformance corpus: `$FERRULER_CASES`, or `shared/` beside the repository.
pub fn corpus() -> PathBuf {
    match std::env::var_os("FERRULER_CASES") {
        Some(p) => PathBuf::from(p),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases.jsonl")
        }
    }
}

/// Standard output as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
