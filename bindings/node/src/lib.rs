//! Node.js bindings for ferruler, compiled into the native addon behind the npm package `ferruler`.
//!
//! This layer is deliberately thin and *not* the public API: `index.js` wraps it, checks argument
//! types, turns objects into JSON text and raises the typed `InvalidPatternError` /
//! `InvalidEventError`. So that the wrapper can build those errors without parsing message text,
//! calls that can fail on bad input do not throw here: they return a [`Failure`] value describing
//! the error (see `failure.rs`), and only genuine misuse of the addon (wrong argument types reaching
//! it directly) throws a plain napi error.
//!
//! Inputs arrive either as JS strings (copied once into UTF-8, which V8 strings are not) or as
//! `Uint8Array`s, `Buffer`s included, which are read in place without copying.
//!
//! Modules: `machine` (the `NativeMachine` class: rules, introspection), `hot` (the per-event
//! and batch entry points, on the raw Node-API for speed), `state` (what the two share), `oneshot`
//! (`matchesRule`, `checkPattern`), `dialect` (`NativeFilterCriteria`, Lambda and Pipes filters),
//! `explain` (`explain`, `patternComplexity`), `sources` (`loadRules`, rules read from files and
//! templates by the CLI's readers), `failure` (errors as values), `input` (text arguments).

mod failure;
mod input;
mod state;
// Public so that their `#[napi]` items count as used in the unit-test build too, where napi-derive
// registers nothing with Node.
pub mod dialect;
pub mod explain;
pub mod hot;
pub mod machine;
pub mod oneshot;
pub mod sources;
