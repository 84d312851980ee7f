//! The native half of the JS `Machine` class: every operation but matching, which goes through
//! the handle (see `hot.rs`).

use crate::failure::Failure;
use crate::hot;
use crate::input::bytes_of;
use crate::state::State;
use ferruler::Machine;
use napi::bindgen_prelude::{Either, Env, Unknown};
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

#[napi]
impl NativeMachine {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)] // a JS constructor, not a Rust API
    pub fn new() -> Self {
        NativeMachine {
            state: Rc::default(),
        }
    }

    /// The handle `matchesText` and `matchesBytes` take: an object sharing this machine.
    #[napi]
    pub fn handle<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let value = hot::create_handle(env, Rc::clone(&self.state))?;
        // SAFETY: `value` was just created in `env`.
        Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), value) })
    }

    /// Adds `pattern` under `name`; `null` on success.
    #[napi(catch_unwind)]
    pub fn add_rule(
        &self,
        name: String,
        pattern: Either<String, &[u8]>,
    ) -> napi::Result<Option<Failure>> {
        let mut machine = self.machine_mut()?;
        Ok(machine
            .add_rule(name, bytes_of(&pattern))
            .err()
            .map(Failure::from))
    }

    /// Deletes `pattern` from `name`: whether it was there.
    #[napi(catch_unwind)]
    pub fn delete_rule(
        &self,
        name: String,
        pattern: Either<String, &[u8]>,
    ) -> napi::Result<Either<bool, Failure>> {
        let mut machine = self.machine_mut()?;
        Ok(match machine.delete_rule(&name, bytes_of(&pattern)) {
            Ok(found) => Either::A(found),
            Err(e) => Either::B(e.into()),
        })
    }

    /// Deletes every pattern of `name`: how many there were.
    #[napi(catch_unwind)]
    pub fn delete_rules(&self, name: String) -> napi::Result<u32> {
        Ok(count(self.machine_mut()?.delete_rules_named(&name)))
    }

    /// Distinct rule names.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        count(self.state.machine.borrow().len())
    }

    /// Whether a rule of this name exists.
    #[napi]
    pub fn has(&self, name: String) -> bool {
        self.state.machine.borrow().contains_rule(&name)
    }

    /// The rule names, in no particular order.
    #[napi]
    pub fn rule_names(&self) -> Vec<String> {
        self.state.machine.borrow().rule_names().cloned().collect()
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
    fn machine_mut(&self) -> napi::Result<RefMut<'_, Machine<String>>> {
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
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
