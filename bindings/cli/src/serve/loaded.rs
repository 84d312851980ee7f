//! The rules of `--rules`, compiled once and replaced whole on reload.
//!
//! Handlers take an `Arc` of the current [`Loaded`] and drop the lock at once, so a reload (which
//! reads files and compiles) never blocks a request, and a request never sees half a reload: it
//! keeps the rules it started with until it ends.

use ferruler::{EventError, Machine};
use ferruler_sources::failure::Failure;
use ferruler_sources::rules::{self, Params, RuleSet};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Rules read from `--rules` and the machine that matches them.
pub struct Loaded {
    pub set: RuleSet,
    /// Rule numbers (indices into `set.rules`).
    machine: Machine<u32>,
}

impl Loaded {
    fn read(sources: &[PathBuf], params: &Params) -> Result<Loaded, Failure> {
        let set = rules::load_sources(sources, params)?;
        for (_, why) in &set.unresolved {
            eprintln!(
                "{}",
                why.0.replacen(": error: ", ": warning: not loaded: ", 1)
            );
        }
        let mut machine = Machine::new();
        let mut invalid = Vec::new();
        for (i, rule) in set.rules.iter().enumerate() {
            if let Err(e) = machine.add_rule(i as u32, &rule.text) {
                invalid.push(rule.pattern_failure(&e).0);
            }
        }
        if !invalid.is_empty() {
            return Err(Failure(invalid.join("\n")));
        }
        Ok(Loaded { set, machine })
    }

    /// The names of the rules `event` matches, in the order they were loaded.
    pub fn matching(&self, event: &str) -> Result<Vec<&str>, EventError> {
        let mut numbers = self.machine.matches_for_event(event)?;
        numbers.sort_unstable();
        Ok(numbers
            .into_iter()
            .map(|i| self.set.rules[i as usize].name.as_str())
            .collect())
    }
}

/// The `--rules` sources and what was last read from them.
pub struct Rules {
    sources: Vec<PathBuf>,
    params: Params,
    current: RwLock<Arc<Loaded>>,
}

impl Rules {
    /// Reads the rules; an invalid rule stops the server from starting.
    pub fn load(sources: Vec<PathBuf>, params: Params) -> Result<Rules, Failure> {
        let loaded = Loaded::read(&sources, &params)?;
        Ok(Rules {
            sources,
            params,
            current: RwLock::new(Arc::new(loaded)),
        })
    }

    /// The rules in force now.
    pub fn current(&self) -> Arc<Loaded> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Reads the sources again and swaps the new rules in; on error the old ones stay. Returns
    /// how many rules are loaded.
    pub fn reload(&self) -> Result<usize, Failure> {
        let loaded = Arc::new(Loaded::read(&self.sources, &self.params)?);
        let count = loaded.set.rules.len();
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = loaded;
        Ok(count)
    }
}
