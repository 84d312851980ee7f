//! An explanation (`ferruler::explain`) written out the way the `ferruler explain` command writes
//! it: [`text`], the tree people read (the command's output without its colours), and [`json`], the
//! same facts for programs (the command's `--json`).
//!
//! The Python and Node bindings give `explain` results whose `str()`/`toString()` must be the
//! CLI's text, and whose fields are the CLI's JSON; both take them from here rather than each
//! rewriting the renderer in its own language. The CLI (bindings/cli/src/render.rs) still holds its
//! own coloured copy; the text must stay identical to it, which scripts/test-docs.sh checks by
//! comparing both bindings with the installed CLI on the conformance corpus.

mod json;
mod matcher;
mod text;

pub use json::json;
pub use text::text;
