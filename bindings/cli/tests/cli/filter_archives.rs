//! `ferruler filter` on gzip and zstd inputs and on several threads (issue 17): the output, the
//! error reports and the exit status must be exactly those of one thread reading plain text.

use crate::{ferruler, stderr, stdout};
use std::io::Write;
use std::path::Path;

/// A few thousand events over several 1 MiB chunks, with blank lines and invalid ones (line
/// numbers returned) spread through them.
fn input() -> (String, Vec<usize>) {
    let events = super::filter::events(9000);
    let mut text = String::new();
    let mut invalid = Vec::new();
    let mut line = 0;
    for (i, event) in events.iter().enumerate() {
        if i % 701 == 300 {
            text.push_str("{\"source\": oops}\n");
            line += 1;
            invalid.push(line);
        }
        if i % 97 == 13 {
            text.push('\n');
            line += 1;
        }
        text.push_str(event);
        text.push('\n');
        line += 1;
    }
    assert!(
        text.len() > 5 << 19,
        "the input spans several chunks: {}",
        text.len()
    );
    (text, invalid)
}

fn gzip(text: &[u8]) -> Vec<u8> {
    // Two members, as `cat a.gz b.gz` makes: both must be read.
    let (a, b) = text.split_at(text.len() / 3);
    let mut out = Vec::new();
    for part in [a, b] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(part).unwrap();
        out.extend(enc.finish().unwrap());
    }
    out
}

fn zstd(text: &[u8]) -> Vec<u8> {
    // Two frames, likewise.
    let (a, b) = text.split_at(text.len() / 2);
    let mut out = zstd::encode_all(a, 1).unwrap();
    out.extend(zstd::encode_all(b, 3).unwrap());
    out
}

fn run(args: &[&str], stdin: Option<Vec<u8>>) -> std::process::Output {
    let mut cmd = ferruler();
    cmd.args(["filter", "--rules", "rules-repo/rules"])
        .args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    cmd.output().unwrap()
}

#[test]
fn compressed_inputs_and_threads_give_the_output_of_one_thread_on_plain_text() {
    let (text, invalid) = input();
    let reference = run(&["--jobs", "1"], Some(text.clone().into_bytes()));
    assert_eq!(reference.status.code(), Some(2));
    let out = stdout(&reference);
    assert_eq!(out.lines().count(), text.lines().count());
    let reported: Vec<String> = stderr(&reference).lines().map(String::from).collect();
    let first: Vec<String> = invalid
        .iter()
        .take(20)
        .map(|line| format!("<stdin>:{line}:12: error: invalid event:"))
        .collect();
    for (report, want) in reported.iter().zip(&first) {
        assert!(report.starts_with(want), "{report} / {want}");
    }
    for (name, bytes) in [
        ("plain", text.clone().into_bytes()),
        ("gzip", gzip(text.as_bytes())),
        ("zstd", zstd(text.as_bytes())),
    ] {
        for jobs in ["1", "2", "5"] {
            let got = run(&["--jobs", jobs], Some(bytes.clone()));
            assert_eq!(got.status.code(), Some(2), "{name} --jobs {jobs}");
            assert!(stdout(&got) == out, "{name} --jobs {jobs}: output differs");
            assert_eq!(stderr(&got), stderr(&reference), "{name} --jobs {jobs}");
        }
    }
    // Files are recognised by content, not name; other outputs keep their order too.
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("events.data");
    std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
    let zst = dir.path().join("events.jsonl");
    std::fs::write(&zst, zstd(text.as_bytes())).unwrap();
    for output in ["events", "both"] {
        let one = run(
            &["--jobs", "1", "--output", output],
            Some(text.clone().into_bytes()),
        );
        let files = run(&["--output", output, path(&gz), path(&zst)], None);
        assert_eq!(files.status.code(), Some(2));
        assert!(!stdout(&one).is_empty());
        assert!(
            stdout(&files) == stdout(&one).repeat(2),
            "--output {output}"
        );
        let errors = stderr(&files);
        let line = invalid[0];
        assert!(
            errors.contains(&format!("{}:{line}:12: error: invalid event:", path(&gz))),
            "{errors}"
        );
        assert!(
            errors.contains(&format!("{}:{line}:12: error: invalid event:", path(&zst))),
            "{errors}"
        );
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn on_error_fail_stops_at_the_first_invalid_line_whatever_the_threads() {
    let (text, invalid) = input();
    let stop = invalid[3];
    let before: String = text
        .lines()
        .take(stop - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let want = run(&["--jobs", "1"], Some(before.into_bytes()));
    for jobs in ["1", "4"] {
        let got = run(
            &["--jobs", jobs, "--on-error", "fail"],
            Some(gzip(text.as_bytes())),
        );
        assert_eq!(got.status.code(), Some(2));
        // The lines before the first invalid one, nothing after it.
        let mut ok = stdout(&want);
        // `want` ran with the three earlier invalid lines as nulls; --on-error fail stops at the
        // first one, so compare with the lines before that.
        let first = invalid[0];
        ok = ok
            .lines()
            .take(first - 1)
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(stdout(&got) == ok, "--jobs {jobs}");
        let errors = stderr(&got);
        assert_eq!(errors.lines().count(), 1, "{errors}");
        assert!(
            errors.starts_with(&format!("<stdin>:{first}:12: error: invalid event:")),
            "{errors}"
        );
    }
}

#[test]
fn truncated_archives_are_an_error_after_the_lines_before() {
    let (text, _) = input();
    let events: String = text
        .lines()
        .filter(|l| l.starts_with("{\"source\": \""))
        .map(|l| format!("{l}\n"))
        .collect();
    let full = stdout(&run(&["--jobs", "1"], Some(events.clone().into_bytes())));
    for (name, mut bytes) in [
        ("gzip", gzip(events.as_bytes())),
        ("zstd", zstd(events.as_bytes())),
    ] {
        bytes.truncate(bytes.len() - bytes.len() / 4);
        for jobs in ["1", "3"] {
            let got = run(&["--jobs", jobs], Some(bytes.clone()));
            assert_eq!(got.status.code(), Some(2), "{name}");
            let errors = stderr(&got);
            assert!(
                errors.starts_with(&format!("<stdin>: error: cannot read events: the {name} data is truncated or corrupt after line ")),
                "{errors}"
            );
            let partial = stdout(&got);
            let lines = partial.lines().count();
            assert!(
                lines > 1000,
                "{name}: the lines before the cut are matched ({lines})"
            );
            assert!(
                full.starts_with(&partial) && partial.ends_with('\n'),
                "{name}"
            );
            assert!(
                errors.contains(&format!("after line {lines} ")),
                "{name}: {errors}"
            );
        }
    }
}

#[test]
fn jobs_must_be_positive() {
    ferruler()
        .args(["filter", "--rules", "rules-repo/rules", "--jobs", "0"])
        .write_stdin("{}\n")
        .assert()
        .code(2);
}
