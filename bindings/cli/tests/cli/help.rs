use crate::{ferruler, stdout};
use predicates::str::contains;

#[test]
fn every_command_has_help_with_an_example() {
    for command in [
        "test-event-pattern",
        "check",
        "cases",
        "explain",
        "filter",
        "completions",
    ] {
        let out = ferruler().args([command, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command}");
        let text = stdout(&out);
        assert!(
            text.contains("Example"),
            "{command} --help has no example:\n{text}"
        );
        assert!(
            text.contains(&format!("ferruler {command}")),
            "{command}: the example runs the command"
        );
    }
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ferruler"),
        ("fish", "complete -c ferruler"),
    ] {
        ferruler()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(contains(marker))
            .stdout(contains("test-event-pattern"));
    }
}

#[test]
fn usage_errors_exit_2() {
    ferruler()
        .args(["test-event-pattern", "--event", "{}"])
        .assert()
        .code(2)
        .stderr(contains("--event-pattern"));
    ferruler().args(["no-such-command"]).assert().code(2);
}
