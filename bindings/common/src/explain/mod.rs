//! An explanation (`ferruler::explain`) written out as the `ferruler explain` command writes it:
//! [`text`], the tree people read (the command's output without its colours), and [`json`], the
//! same facts for programs (the command's `--json`).
//!
//! The CLI (bindings/cli/src/render.rs) still holds its own coloured copy of the text renderer; the
//! text here must stay identical to it, which scripts/test-docs.sh checks by comparing both
//! bindings with the installed CLI.

mod json;
mod matcher;
mod text;

pub use json::json;
pub use text::text;
