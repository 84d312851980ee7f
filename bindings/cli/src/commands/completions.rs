//! `ferruler completions SHELL`: completion scripts generated from the same clap definition as
//! the parser, so they never fall out of step with the options.

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::{output_error, EXIT_OK};
use clap::CommandFactory;
use ferruler_sources::failure::Failure;
use std::io::Write;

pub fn run(args: CompletionsArgs) -> Result<u8, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "ferruler", &mut script);
    std::io::stdout().write_all(&script).map_err(output_error)?;
    Ok(EXIT_OK)
}
