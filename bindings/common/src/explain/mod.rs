//! An explanation (`ferruler::explain`) written out as the `ferruler explain` command writes it:
//! [`text`], the tree people read ([`coloured_text`] on a terminal), and [`json`], the same facts
//! for programs (the command's `--json`).
//!
//! The CLI and both bindings print explanations with this one renderer, so their text is the
//! same; scripts/test-docs.sh still compares all three on the corpus (scripts/explain_agreement.py).

mod json;
mod matcher;
mod text;

pub use json::{json, json_document, JsonExplanation};
pub use text::{coloured_text, text};
