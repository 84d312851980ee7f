//! What the Python and Node bindings both need beyond the engine's API, written once for both.
//!
//! * [`explain`]: an explanation (`ferruler::explain`) written out the way the `ferruler explain`
//!   command writes it, as text and as JSON. The bindings' `explain` results print as the CLI's
//!   text and are built from its JSON.
//! * [`batch`]: matching a batch of events on several threads at once, which is what makes a
//!   binding's batch call faster than a loop of single calls: per-call overhead alone is too small a
//!   share of matching to give much.
//! * [`pipeline`]: the same for events that can only be read on the calling thread, slowly (JS
//!   strings): matched on the pool's threads while the rest are still being read.
//!
//! Both belong in the core crate (`Display` for `Explanation`, a batch method on `Machine`); they
//! live here while the core's API stays as it is.

pub mod batch;
pub mod explain;
pub mod pipeline;
