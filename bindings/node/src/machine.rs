//! The native half of the JS `Machine` class: every operation but matching, which goes through
//! the handle (see `hot.rs`).

use crate::failure::Failure;
use crate::hot;
use crate::input::bytes_of;
use crate::state::{State, NO_SLOT};
use ferruler::{Limits, Machine};
use napi::bindgen_prelude::{Either, Either3, Env, Unknown};
use napi_derive::napi;
use std::cell::RefMut;
use std::rc::Rc;

/// A `ferruler::Machine` keyed by rule name.
#[napi]
pub struct NativeMachine {
    state: Rc<State>,
}

/// What a machine holds, for monitoring.
#[napi(object)]
pub struct MachineStats {
    /// Distinct rule names.
    pub names: u32,
    /// Patterns, over all names (a name may have several).
    pub patterns: u32,
    /// Alternatives the patterns expanded to (`$or` multiplies them).
    pub sub_rules: u32,
    /// Distinct field paths the rules use.
    pub paths: u32,
}

/// Limits to set, as `index.js` passes them: each already checked to be an integer from 1 to
/// 2^53 - 1, or absent for the engine's default.
#[napi(object)]
pub struct LimitsInput {
    pub max_pattern_bytes: Option<f64>,
    pub max_pattern_depth: Option<f64>,
    pub max_values_per_field: Option<f64>,
    pub max_complexity: Option<f64>,
    pub max_or_combinations: Option<f64>,
    pub max_event_bytes: Option<f64>,
    pub max_event_depth: Option<f64>,
}

/// The limits a machine enforces, every field set (`Machine.limits` in JS).
#[napi(object)]
pub struct MachineLimits {
    pub max_pattern_bytes: f64,
    pub max_pattern_depth: f64,
    pub max_values_per_field: f64,
    pub max_complexity: f64,
    pub max_or_combinations: f64,
    pub max_event_bytes: f64,
    pub max_event_depth: f64,
}

impl LimitsInput {
    /// The engine's limits: the defaults, overridden by every field given. A number is converted
    /// with Rust's saturating cast, so even a value `index.js` would have refused (negative,
    /// fractional, NaN, huge) cannot do worse than set a limit of 0 or the largest one.
    pub(crate) fn into_limits(self) -> Limits {
        let mut limits = Limits::default();
        let set = |field: &mut usize, value: Option<f64>| {
            if let Some(n) = value {
                *field = n as usize;
            }
        };
        set(&mut limits.max_pattern_bytes, self.max_pattern_bytes);
        set(&mut limits.max_pattern_depth, self.max_pattern_depth);
        set(&mut limits.max_values_per_field, self.max_values_per_field);
        set(&mut limits.max_complexity, self.max_complexity);
        if let Some(n) = self.max_or_combinations {
            limits.max_or_combinations = n as u64;
        }
        set(&mut limits.max_event_bytes, self.max_event_bytes);
        set(&mut limits.max_event_depth, self.max_event_depth);
        limits
    }
}

#[napi]
impl NativeMachine {
    /// An empty machine with `limits` (the engine's defaults for those not given).
    #[napi(constructor)]
    pub fn new(limits: Option<LimitsInput>) -> Self {
        let limits = limits.map(LimitsInput::into_limits).unwrap_or_default();
        NativeMachine {
            state: Rc::new(State::with_limits(limits)),
        }
    }

    /// The limits this machine enforces. Numbers are exact up to 2^53, far beyond any sensible
    /// limit (a larger `usize` one could only come from Rust, and would read rounded).
    #[napi(getter)]
    pub fn limits(&self) -> MachineLimits {
        let machine = self.state.machine.borrow();
        let l = machine.limits();
        MachineLimits {
            max_pattern_bytes: l.max_pattern_bytes as f64,
            max_pattern_depth: l.max_pattern_depth as f64,
            max_values_per_field: l.max_values_per_field as f64,
            max_complexity: l.max_complexity as f64,
            max_or_combinations: l.max_or_combinations as f64,
            max_event_bytes: l.max_event_bytes as f64,
            max_event_depth: l.max_event_depth as f64,
        }
    }

    /// The handle `matchesText` and `matchesBytes` take: an object sharing this machine.
    #[napi]
    pub fn handle<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let value = hot::create_handle(env, Rc::clone(&self.state))?;
        // SAFETY: `value` was just created in `env`.
        Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), value) })
    }

    /// Adds `pattern` under `name`: the name's slot (what matching reports for it) on success.
    #[napi(catch_unwind)]
    pub fn add_rule(
        &self,
        name: String,
        pattern: Either<String, &[u8]>,
    ) -> napi::Result<Either<u32, Failure>> {
        let mut machine = self.machine_mut()?;
        let mut names = self.state.names.borrow_mut();
        let (slot, new) = names.get_or_insert(name.clone());
        match machine.add_rule(slot, bytes_of(&pattern)) {
            Ok(()) => Ok(Either::A(slot)),
            Err(e) => {
                if new {
                    names.remove(&name);
                }
                Ok(Either::B(e.into()))
            }
        }
    }

    /// Deletes `pattern` from `name`: `false` if it was not there, `true` if it was and the name
    /// has other patterns left, and the name's slot, now free, if it was its last pattern.
    #[napi(catch_unwind)]
    pub fn delete_rule(
        &self,
        name: String,
        pattern: Either<String, &[u8]>,
    ) -> napi::Result<Either3<bool, u32, Failure>> {
        let mut machine = self.machine_mut()?;
        let mut names = self.state.names.borrow_mut();
        // An unknown name is still given to the engine, so that an invalid pattern is reported.
        let slot = names.get(&name).unwrap_or(NO_SLOT);
        Ok(match machine.delete_rule(&slot, bytes_of(&pattern)) {
            Ok(true) if !machine.contains_rule(&slot) => {
                names.remove(&name);
                Either3::B(slot)
            }
            Ok(found) => Either3::A(found),
            Err(e) => Either3::C(e.into()),
        })
    }

    /// Deletes every pattern of `name`: `[]` if it had none, else `[how many, its freed slot]`.
    #[napi(catch_unwind)]
    pub fn delete_rules(&self, name: String) -> napi::Result<Vec<u32>> {
        let mut machine = self.machine_mut()?;
        let mut names = self.state.names.borrow_mut();
        let Some(slot) = names.get(&name) else {
            return Ok(Vec::new());
        };
        let deleted = count(machine.delete_rules_named(&slot));
        names.remove(&name);
        Ok(vec![deleted, slot])
    }

    /// Distinct rule names.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        count(self.state.machine.borrow().len())
    }

    /// Whether a rule of this name exists.
    #[napi]
    pub fn has(&self, name: String) -> bool {
        self.state.names.borrow().contains(&name)
    }

    /// The rule names, in no particular order.
    #[napi]
    pub fn rule_names(&self) -> Vec<String> {
        self.state.names.borrow().iter().cloned().collect()
    }

    /// Validates `pattern` against this machine's limits; `null` if it is valid.
    #[napi(catch_unwind)]
    pub fn check_pattern(&self, pattern: Either<String, &[u8]>) -> Option<Failure> {
        let machine = self.state.machine.borrow();
        machine
            .check_pattern(bytes_of(&pattern))
            .err()
            .map(Failure::from)
    }

    /// The wildcard complexity of the most complex rule, EventBridge's "Rule is too complex"
    /// measure that `limits.maxComplexity` bounds per rule (0 without wildcards).
    #[napi(catch_unwind)]
    pub fn complexity(&self) -> u32 {
        count(self.state.machine.borrow().complexity())
    }

    /// Counts of what the machine holds.
    #[napi]
    pub fn stats(&self) -> MachineStats {
        let s = self.state.machine.borrow().stats();
        MachineStats {
            names: count(s.names),
            patterns: count(s.patterns),
            sub_rules: count(s.sub_rules),
            paths: count(s.paths),
        }
    }
}

impl NativeMachine {
    /// The machine, for a change. The borrow can only conflict if JS re-enters the machine while
    /// it is matching (see `hot.rs`); that is refused with an error rather than a panic.
    fn machine_mut(&self) -> napi::Result<RefMut<'_, Machine<u32>>> {
        self.state.machine.try_borrow_mut().map_err(|_| {
            napi::Error::new(
                napi::Status::GenericFailure,
                "a machine cannot be changed while it is matching an event",
            )
        })
    }
}

/// A count as a JS number. Counts are of things held in memory, far below `u32::MAX`, but the
/// conversion saturates rather than wraps should that ever not hold.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
