//! `ferruler`: EventBridge rule testing on the command line.
//!
//! `main` does only what every command shares: parse the arguments, run the command, print its
//! failure and pick the exit status. Commands live in `commands/`, one file each; what they read
//! (rules, templates, cases) lives in modules named for it.

mod cases;
mod cli;
mod commands;
mod envelope;
mod failure;
mod finding;
mod input;
mod junit;
mod rules;
mod sarif;
mod serve;
mod serverless;
mod suggest;
mod template;
mod terraform;

use clap::Parser;
use failure::EXIT_INVALID;
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
        Err(failure) if failure.is_quiet() => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}
