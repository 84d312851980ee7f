//! Reading events: a single-pass scanner over the event's bytes ([`scan`]) and the string decoding
//! it shares with the pattern reader ([`strings`]).

pub(crate) mod scan;
mod skip;
pub(crate) mod strings;

pub(crate) use scan::Leaf;
