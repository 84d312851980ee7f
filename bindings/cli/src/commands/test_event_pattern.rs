//! `ferruler test-event-pattern`: the local twin of `aws events test-event-pattern`; with
//! `--envelope aws` it also refuses the events the service refuses for a missing envelope field.

use crate::cli::{Envelope, TestEventPatternArgs};
use crate::exit::{output_error, EXIT_FAILED, EXIT_OK};
use crate::{envelope, input};
use ferruler::Machine;
use ferruler_sources::failure::Failure;
use std::io::Write;

pub fn run(args: TestEventPatternArgs) -> Result<u8, Failure> {
    let mut pattern = input::read(&args.event_pattern, "event-pattern")?.into_rule();
    pattern.dialect = args.target.target.dialect();
    let event = input::read(&args.event, "event")?;
    pattern.check()?;
    let mut machine = Machine::new();
    machine
        .add_rule((), &pattern.text)
        .map_err(|e| pattern.pattern_failure(&e))?;
    let record = pattern
        .event_for(&event.text)
        .map_err(|e| event.record_failure(&pattern, &e))?;
    let matched = !machine
        .matches_for_event(record.as_ref())
        .map_err(|e| event.event_failure(&e))?
        .is_empty();
    if args.envelope == Envelope::Aws {
        envelope::check_aws(&event)?;
    }
    writeln!(std::io::stdout(), "{matched}").map_err(output_error)?;
    Ok(if matched { EXIT_OK } else { EXIT_FAILED })
}
