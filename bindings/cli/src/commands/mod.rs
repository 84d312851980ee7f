//! One file per command; each takes its parsed arguments and returns the exit status, or a
//! [`Failure`] (exit status 2) whose message is ready to print.

mod cases;
mod check;
mod completions;
mod explain;
mod filter;
mod test_event_pattern;

use crate::cli::Command;
use ferruler_sources::failure::Failure;

/// Runs `command`.
pub fn run(command: Command) -> Result<u8, Failure> {
    match command {
        Command::TestEventPattern(args) => test_event_pattern::run(args),
        Command::Check(args) => check::run(args),
        Command::Cases(args) => cases::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Filter(args) => filter::run(args),
        Command::Serve(args) => crate::serve::run(args),
        Command::Completions(args) => completions::run(args),
    }
}
