//! `ferruler`: EventBridge rule testing on the command line.
//!
//! `main` does only what every command shares: parse the arguments, run the command, print its
//! failure and pick the exit status. Commands live in `commands/`, one file each; what they read
//! lives in modules named for it (cases, events) or, for rules and the templates they are written
//! in, in the `ferruler-sources` crate, which the Python binding reads them with too.

mod cases;
mod cli;
mod commands;
mod envelope;
mod exit;
mod finding;
mod input;
mod junit;
mod sarif;
mod serve;

use clap::Parser;
use exit::EXIT_INVALID;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not greet the user with a Rust backtrace: say what happened and where to report.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("ferruler: internal error: {info}");
        eprintln!("This is a bug in ferruler; please report it with the command that caused it.");
    }));
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(failure) if exit::is_quiet(&failure) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}
