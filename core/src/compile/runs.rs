//! Variable-length runs of bytes (a condition's code, a group's members as varints) kept end to
//! end in one vector.
//!
//! **Why.** A router holds a few items per rule, and each item has one variable-length part. A
//! boxed slice per item costs 16 bytes in the item and an allocation; a small inline vector costs
//! 24 and spills anyway past its inline length. Here an item holds a 4-byte offset, the run's
//! length is stored in front of it as a varint (one byte for the usual run of a few dozen bytes),
//! and the vector grows by an eighth (see `push_slot`). A freed
//! run becomes garbage; when garbage is more than half the vector, the owner copies its live
//! runs to a new one ([`Runs::compact`]), so memory stays linear in what is held and each run is
//! moved an amortised constant number of times.

use super::push_slot;
use std::ops::Range;

/// Appends `len` as a varint.
fn put_len(mut len: usize, out: &mut Vec<u8>) {
    while len >= 0x80 {
        push_slot(out, len as u8 | 0x80);
        len >>= 7;
    }
    push_slot(out, len as u8);
}

/// Where the run whose length starts at `at` lies.
#[inline]
fn span(data: &[u8], mut at: usize) -> Range<usize> {
    let (mut len, mut shift) = (0, 0);
    loop {
        let b = data[at];
        at += 1;
        len |= usize::from(b & 0x7f) << shift;
        if b < 0x80 {
            return at..at + len;
        }
        shift += 7;
    }
}

/// Runs of bytes, each known by the offset [`push`](Runs::push) returned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runs {
    data: Vec<u8>,
    /// Units of freed runs (their heads included).
    garbage: usize,
}

impl Runs {
    /// Appends `run`; returns its offset.
    pub(crate) fn push(&mut self, run: &[u8]) -> u32 {
        let at = u32::try_from(self.data.len()).expect("fewer than 2^32 units of runs");
        put_len(run.len(), &mut self.data);
        for &x in run {
            push_slot(&mut self.data, x);
        }
        at
    }

    /// The run at `at`.
    #[inline]
    pub(crate) fn get(&self, at: u32) -> &[u8] {
        &self.data[span(&self.data, at as usize)]
    }

    /// Forgets the run at `at`; returns whether garbage is now most of the vector (then the
    /// owner calls [`compact`](Runs::compact)).
    pub(crate) fn free(&mut self, at: u32) -> bool {
        self.garbage += span(&self.data, at as usize).end - at as usize;
        if self.garbage == self.data.len() {
            *self = Runs {
                data: Vec::new(),
                garbage: 0,
            };
            return false;
        }
        self.garbage > self.data.len() / 2
    }

    /// Copies the live runs, whose offsets `offsets` yields (each rewritten to the run's new
    /// place), to a vector of their size.
    pub(crate) fn compact<'a>(&mut self, offsets: impl Iterator<Item = &'a mut u32>) {
        let mut data = Vec::with_capacity(self.data.len() - self.garbage);
        for at in offsets {
            let start = *at as usize;
            let end = span(&self.data, start).end;
            *at = data.len() as u32;
            data.extend_from_slice(&self.data[start..end]);
        }
        debug_assert_eq!(data.len(), self.data.len() - self.garbage);
        self.data = data;
        self.garbage = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_survive_frees_and_compaction() {
        let mut runs = Runs::default();
        let mut live: Vec<(u32, Vec<u8>)> = (0..100u8)
            .map(|i| {
                // (Some longer than a one-byte length.)
                let len = usize::from(i % 7) + usize::from(i % 10 == 0) * 300;
                let run: Vec<u8> = (0..len).map(|j| i ^ j as u8).collect();
                (runs.push(&run), run)
            })
            .collect();
        let mut compacted = false;
        for i in (0..100).rev().filter(|i| i % 3 != 0) {
            let (at, _) = live.remove(i);
            if runs.free(at) {
                runs.compact(live.iter_mut().map(|(at, _)| at));
                compacted = true;
            }
        }
        assert!(compacted);
        for (at, run) in &live {
            assert_eq!(runs.get(*at), &run[..]);
        }
        for (at, _) in live.drain(..) {
            runs.free(at);
        }
        assert_eq!(
            runs.data.capacity(),
            0,
            "an emptied arena gives its memory back"
        );
    }
}
