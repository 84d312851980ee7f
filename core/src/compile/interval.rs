//! A static index of closed intervals answering "which intervals contain this point?" in
//! O(log n + answers), for numeric ranges and CIDR blocks.
//!
//! It is a segment tree over the sorted distinct endpoints: the key line is cut into elementary
//! pieces (each endpoint, and each open gap between neighbours), every interval is stored at the
//! O(log n) tree nodes that exactly cover its pieces, and a query walks one root-to-leaf path,
//! reporting what it finds. The tree is immutable; the owner rebuilds it after a change (lazily,
//! see `values.rs`), which costs O(n log n).

/// Inclusive intervals `[low, high]` over an ordered key, each carrying a payload.
#[derive(Debug, Clone)]
pub(crate) struct IntervalIndex<K, T> {
    /// Sorted distinct endpoints.
    keys: Vec<K>,
    /// Segment tree nodes over `2 * keys.len() + 1` elementary pieces; each holds payload indices.
    nodes: Vec<Vec<u32>>,
    payloads: Vec<T>,
    pieces: usize,
}

impl<K: Ord + Copy, T: Copy> IntervalIndex<K, T> {
    /// Builds the index; `None` for an end means unbounded on that side.
    pub(crate) fn build(intervals: &[(Option<K>, Option<K>, T)]) -> Self {
        let mut keys: Vec<K> = intervals
            .iter()
            .flat_map(|(l, h, _)| [*l, *h])
            .flatten()
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let pieces = 2 * keys.len() + 1;
        let mut index = IntervalIndex {
            nodes: vec![Vec::new(); 2 * pieces.next_power_of_two()],
            keys,
            payloads: Vec::with_capacity(intervals.len()),
            pieces,
        };
        let size = index.nodes.len() / 2;
        for (i, (low, high, payload)) in intervals.iter().enumerate() {
            index.payloads.push(*payload);
            let first = low.map_or(0, |k| index.point_piece(k));
            let last = high.map_or(pieces - 1, |k| index.point_piece(k));
            if first <= last {
                index.insert(1, 0, size, first, last + 1, i as u32);
            }
        }
        index
    }

    /// The elementary piece of an endpoint key (which is present in `keys`).
    fn point_piece(&self, k: K) -> usize {
        2 * self.keys.binary_search(&k).unwrap_or_else(|i| i) + 1
    }

    fn insert(&mut self, node: usize, lo: usize, hi: usize, from: usize, to: usize, id: u32) {
        if to <= lo || hi <= from {
            return;
        }
        if from <= lo && hi <= to {
            self.nodes[node].push(id);
            return;
        }
        let mid = (lo + hi) / 2;
        self.insert(2 * node, lo, mid, from, to, id);
        self.insert(2 * node + 1, mid, hi, from, to, id);
    }

    /// Calls `f` with the payload of every interval containing `k`.
    pub(crate) fn stab(&self, k: K, mut f: impl FnMut(T)) {
        if self.payloads.is_empty() {
            return;
        }
        let piece = match self.keys.binary_search(&k) {
            Ok(i) => 2 * i + 1,
            Err(i) => 2 * i,
        };
        debug_assert!(piece < self.pieces);
        let size = self.nodes.len() / 2;
        let mut node = 1;
        let (mut lo, mut hi) = (0, size);
        loop {
            for &id in &self.nodes[node] {
                f(self.payloads[id as usize]);
            }
            if hi - lo == 1 {
                break;
            }
            let mid = (lo + hi) / 2;
            if piece < mid {
                node *= 2;
                hi = mid;
            } else {
                node = 2 * node + 1;
                lo = mid;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stabbing_matches_brute_force() {
        let intervals: Vec<(Option<i32>, Option<i32>, u32)> = vec![
            (Some(0), Some(10), 0),
            (Some(5), Some(5), 1),
            (None, Some(3), 2),
            (Some(7), None, 3),
            (Some(11), Some(20), 4),
            (None, None, 5),
        ];
        let index = IntervalIndex::build(&intervals);
        for k in -5..25 {
            let mut got = Vec::new();
            index.stab(k, |p| got.push(p));
            got.sort();
            let want: Vec<u32> = intervals
                .iter()
                .filter(|(l, h, _)| l.is_none_or(|l| l <= k) && h.is_none_or(|h| k <= h))
                .map(|t| t.2)
                .collect();
            assert_eq!(got, want, "at {k}");
        }
    }
}
