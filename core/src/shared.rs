//! A machine shared between threads that match events and threads that change the rules.
//!
//! [`Machine`] mutates through `&mut self`, so the borrow checker already guarantees that no reader
//! sees a half-added rule; sharing it across threads only needs a lock around it. [`SharedMachine`]
//! is that lock with the machine's API: any number of threads match at once (read lock), a change
//! takes the write lock for the time of one `add_rule` (microseconds), and [`SharedMachine::update`]
//! applies several changes atomically, so readers see all of them or none.

use crate::error::{EventError, PatternError};
use crate::limits::Limits;
use crate::machine::Machine;
use std::hash::Hash;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

/// A [`Machine`] behind a reader-writer lock, usable from many threads through `&self`.
///
/// ```
/// use ferruler::SharedMachine;
/// use std::sync::Arc;
///
/// let machine = Arc::new(SharedMachine::new());
/// machine.add_rule("eu".to_string(), r#"{"region": [{"prefix": "eu-"}]}"#)?;
/// let reader = Arc::clone(&machine);
/// let found = std::thread::spawn(move || reader.matches_for_event(r#"{"region": "eu-west-1"}"#)).join().unwrap()?;
/// assert_eq!(found, vec!["eu"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct SharedMachine<N = String> {
    inner: RwLock<Machine<N>>,
}

impl<N> From<Machine<N>> for SharedMachine<N> {
    fn from(machine: Machine<N>) -> Self {
        SharedMachine {
            inner: RwLock::new(machine),
        }
    }
}

impl<N> SharedMachine<N> {
    /// An empty shared machine with the default limits.
    pub fn new() -> Self {
        Machine::new().into()
    }

    /// An empty shared machine enforcing `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Machine::with_limits(limits).into()
    }

    /// Read access to the machine, for everything [`Machine`] offers through `&self`; changes wait
    /// while the guard is held.
    pub fn read(&self) -> RwLockReadGuard<'_, Machine<N>> {
        // Machine operations do not panic, so a poisoned lock still guards a consistent machine.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` with exclusive access: readers see all of its effects or none. (Machine
    /// operations do not panic; if `change` itself panics, the changes it made before stay.)
    pub fn update<R>(&self, change: impl FnOnce(&mut Machine<N>) -> R) -> R {
        change(&mut self.inner.write().unwrap_or_else(PoisonError::into_inner))
    }

    /// Takes the machine back.
    pub fn into_inner(self) -> Machine<N> {
        self.inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<N: Clone + Eq + Hash> SharedMachine<N> {
    /// [`Machine::add_rule`], under the write lock.
    pub fn add_rule(&self, name: N, pattern: impl AsRef<[u8]>) -> Result<(), PatternError> {
        self.update(|m| m.add_rule(name, pattern))
    }

    /// [`Machine::delete_rule`], under the write lock.
    pub fn delete_rule(&self, name: &N, pattern: impl AsRef<[u8]>) -> Result<bool, PatternError> {
        self.update(|m| m.delete_rule(name, pattern))
    }

    /// [`Machine::delete_rules_named`], under the write lock.
    pub fn delete_rules_named(&self, name: &N) -> usize {
        self.update(|m| m.delete_rules_named(name))
    }

    /// [`Machine::matches_for_event`], under a read lock (many threads at once).
    pub fn matches_for_event(&self, event: impl AsRef<[u8]>) -> Result<Vec<N>, EventError> {
        self.read().matches_for_event(event)
    }
}
