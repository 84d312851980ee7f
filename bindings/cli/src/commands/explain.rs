//! `ferruler explain`: why a pattern does or does not match an event, from `ferruler::explain`.

use crate::cli::ExplainArgs;
use crate::failure::{Failure, EXIT_FAILED, EXIT_OK};
use crate::rules::{self, Missing, Params};
use crate::{input, render};
use std::io::Write;

pub fn run(args: ExplainArgs) -> Result<u8, Failure> {
    let rule = match (&args.event_pattern, &args.rule) {
        (Some(pattern), _) => input::read(pattern, "event-pattern")?.into_rule(),
        (None, Some(name)) => {
            let set = rules::load_sources(&args.rules, &Params::parse(&args.params.params)?)?;
            match set.find(name) {
                Ok(rule) => rule.clone(),
                Err(Missing::Unresolved(why)) => return Err(Failure(why)),
                Err(Missing::Unknown(why)) => return Err(Failure(format!("error: {why}"))),
            }
        }
        (None, None) => unreachable!("clap requires --event-pattern or --rule"),
    };
    let event = input::read(&args.event, "event")?;
    let explanation = ferruler::explain::explain(&rule.text, &event.text).map_err(|e| match e {
        ferruler::Error::Pattern(e) => rule.pattern_failure(&e),
        ferruler::Error::Event(e) => event.event_failure(&e),
    })?;
    if args.json {
        writeln!(std::io::stdout(), "{}", render::json(&explanation))?;
    } else {
        anstream::stdout().write_all(render::text(&explanation).as_bytes())?;
    }
    Ok(if explanation.matched {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}
