//! How a command ends: its exit status, and the one failure that is not an error.
//!
//! Every other failure is a [`Failure`] message, most of them built where the rules are read
//! (`ferruler_sources`); `main` prints it and exits with [`EXIT_INVALID`].

use ferruler_sources::failure::Failure;

/// Exit status: the event matched, the check passed, every case passed.
pub const EXIT_OK: u8 = 0;
/// Exit status: no match, or some cases failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: the input was invalid (a pattern, an event, a file, an argument).
pub const EXIT_INVALID: u8 = 2;

/// The failure for an output error. A closed pipe (`ferruler filter ... | head`) is not an error:
/// it becomes the quiet failure, on which the process just stops.
pub fn output_error(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure(String::new())
    } else {
        Failure(format!("error: cannot write the output: {e}"))
    }
}

/// Whether `failure` is the quiet failure of a closed output pipe.
pub fn is_quiet(failure: &Failure) -> bool {
    failure.0.is_empty()
}
