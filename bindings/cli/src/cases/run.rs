//! Running one case: compile, match, compare with the expectation, and explain a failure.

use super::{Expect, Spec};
use ferruler::Machine;
use ferruler_bindings_common::explain as render;
use std::time::Instant;

/// What running a case gave.
pub struct Outcome {
    /// `match`, `nomatch` or `error`.
    pub result: Expect,
    /// For `error`: the message, with the file position.
    pub message: Option<String>,
    /// `None` when the case has no expectation; otherwise why it failed, if it did.
    pub failure: Option<Option<String>>,
    /// For a failed case whose pattern and event are valid: why the pattern matched or not.
    pub explanation: Option<String>,
    pub seconds: f64,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self.failure, Some(None))
    }

    pub fn failed(&self) -> bool {
        matches!(self.failure, Some(Some(_)))
    }
}

pub fn run(spec: &Spec) -> Outcome {
    let started = Instant::now();
    let mut machine = Machine::new();
    // A filter must also follow its service's rules, which the core does not know.
    let (result, message, core_message) = match spec
        .rule
        .check()
        .map_err(|f| {
            let core = f.parts().message.to_string();
            (f.0, core)
        })
        .and_then(|()| {
            machine
                .add_rule((), &spec.rule.text)
                .map_err(|e| (spec.rule.pattern_failure(&e).0, e.message().to_string()))
        }) {
        Err((message, core)) => (Expect::Error, Some(message), Some(core)),
        Ok(()) => match spec.rule.event_for(&spec.event.text) {
            Err(e) => (
                Expect::Error,
                Some(spec.event.record_failure(&spec.rule, &e).0),
                Some(e.message().to_string()),
            ),
            Ok(event) => match machine.matches_for_event(event.as_ref()) {
                Err(e) => (
                    Expect::Error,
                    Some(spec.event.failure(&e).0),
                    Some(e.message().to_string()),
                ),
                Ok(names) if names.is_empty() => (Expect::NoMatch, None, None),
                Ok(_) => (Expect::Match, None, None),
            },
        },
    };
    let failure = spec.expect.map(|expect| {
        if expect != result {
            let got = message
                .as_deref()
                .map_or(result.as_str().to_string(), |m| format!("error ({m})"));
            return Some(format!("expected {}, got {got}", expect.as_str()));
        }
        match (&spec.message, &core_message) {
            (Some(want), Some(got)) if expect == Expect::Error && !got.contains(want.as_str()) => {
                Some(format!(
                    "expected an error message containing {want:?}, got {got:?}"
                ))
            }
            _ => None,
        }
    });
    let explanation = match (&failure, result) {
        (Some(Some(_)), Expect::Match | Expect::NoMatch) => {
            let event = spec.rule.event_for(&spec.event.text).ok();
            event
                .and_then(|event| ferruler::explain::explain(&spec.rule.text, event.as_ref()).ok())
                .map(|e| render::text(&e))
        }
        _ => None,
    };
    Outcome {
        result,
        message,
        failure,
        explanation,
        seconds: started.elapsed().as_secs_f64(),
    }
}
