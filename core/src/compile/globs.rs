//! All wildcard matchers of one path, indexed by a literal piece of each, verified one by one.
//!
//! **Why not one automaton.** A DFA merging a path's wildcards answers in one table lookup per
//! byte, but its states multiply with every wildcard that has a star in the middle: a router with
//! ten thousand `/srv/<id>/*/in/*` rules on one field needs more states than memory allows, and
//! rebuilding it after each change costs time that grows with the set. Instead each wildcard is
//! filed under one of its literal pieces, which any value it matches must contain:
//!
//! * its first piece, when it does not begin with a star: a prefix of the value, found by one hash
//!   probe per distinct prefix length (as prefix matchers are, see `keys::Affixes`);
//! * otherwise its last piece, when it does not end with a star: a suffix, likewise;
//! * otherwise its longest piece (`*-1234-*`): found anywhere in the value by an Aho-Corasick
//!   automaton over the pieces of such wildcards, built on the first match after a change;
//! * `*` alone matches every string.
//!
//! The wildcards whose piece the value has are then tested one by one, each test linear in the
//! value and never backtracking. Memory is linear in the wildcards, adding and deleting one is a
//! hash update, and a value costs its length plus the wildcards whose piece it contains, which for
//! distinct literals is the ones it matches. Wildcards are stored once per distinct text, with
//! the conditions that use them, in their joined form (`Wildcard::joined`: the pieces in one
//! allocation, 32 bytes and the text a wildcard, where its parsed form took 48 and four
//! allocations), found from a wildcard by hashing that form (no second copy as a map key).
//!
//! A path with few wildcards (up to [`FEW`]) is matched by their merged automaton instead
//! (`glob_dfa`), built on the first match after a change under a small budget of states: one
//! table step per byte costs less than the probes and tests above.

use super::glob_dfa::Dfa;
use super::keys::{pull, push, Affixes, KeyMap, Targets};
use super::ItemId;
use crate::pattern::{joined_match, Wildcard, STAR};
use aho_corasick::AhoCorasick;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// Paths with up to this many wildcards are matched by their automaton (see the module docs)...
const FEW: usize = 16;
/// ... when it fits in this many states.
const FEW_STATES: usize = 1024;

#[derive(Debug, Default, Clone)]
pub(crate) struct Globs {
    /// Each distinct wildcard (joined) with the conditions using it; `None` in a free slot.
    entries: Vec<Option<(Box<[u8]>, Targets)>>,
    free: Vec<u32>,
    /// The slot of each wildcard, by the hash of its joined form.
    slots: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    prefixes: Affixes,
    suffixes: Affixes,
    /// Pieces of wildcards with stars at both ends, and the automaton finding them.
    pieces: KeyMap,
    finder: OnceLock<Option<Finder>>,
    everything: Targets,
    /// The automaton of a path with few wildcards (reporting their conditions), when it fits.
    dfa: OnceLock<Option<Dfa>>,
}

/// The automaton finding the pieces, and the piece of each of its pattern numbers.
type Finder = (AhoCorasick, Vec<Box<[u8]>>);

/// Where a wildcard is filed.
enum Filed<'a> {
    Prefix(&'a [u8]),
    Suffix(&'a [u8]),
    Piece(&'a [u8]),
    Everything,
}

/// Where the wildcard of joined form `joined` is filed.
fn filed(joined: &[u8]) -> Filed<'_> {
    let mut pieces = joined.split(|&b| b == STAR);
    let first = pieces.next().expect("one piece at least");
    let last = joined
        .rsplit(|&b| b == STAR)
        .next()
        .expect("one piece at least");
    if !first.is_empty() {
        Filed::Prefix(first)
    } else if !last.is_empty() {
        Filed::Suffix(last)
    } else {
        match pieces.max_by_key(|p| p.len()) {
            Some(p) if !p.is_empty() => Filed::Piece(p),
            _ => Filed::Everything,
        }
    }
}

impl Globs {
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The slot of the wildcard of joined form `joined`, and its hash.
    fn slot(&self, joined: &[u8]) -> (Option<u32>, u64) {
        let hash = self.hasher.hash_one(joined);
        let slot = self.slots.find(hash, |&s| self.joined(s) == joined);
        (slot.copied(), hash)
    }

    fn joined(&self, slot: u32) -> &[u8] {
        &self.entries[slot as usize].as_ref().expect("a live slot").0
    }

    /// The targets of wildcard `w`, if the path has it.
    pub(crate) fn get(&self, w: &Wildcard) -> Option<&[ItemId]> {
        let (slot, _) = self.slot(&w.joined());
        slot.map(|s| &self.entries[s as usize].as_ref().expect("a live slot").1[..])
    }

    pub(crate) fn add(&mut self, w: &Wildcard, t: ItemId) {
        let joined = w.joined();
        let (found, hash) = self.slot(&joined);
        if let Some(slot) = found {
            let (_, targets) = self.entries[slot as usize].as_mut().expect("a live slot");
            push(targets, t);
            return;
        }
        let slot = super::put_slot(&mut self.entries, &mut self.free, None);
        self.dfa = OnceLock::new();
        match filed(&joined) {
            Filed::Prefix(p) => self.prefixes.add(p, slot),
            Filed::Suffix(s) => self.suffixes.add(s, slot),
            Filed::Piece(p) => {
                self.pieces.add(p, slot);
                self.finder = OnceLock::new();
            }
            Filed::Everything => push(&mut self.everything, slot),
        }
        self.entries[slot as usize] = Some((joined, Targets::One(t)));
        let Globs {
            entries,
            slots,
            hasher,
            ..
        } = self;
        slots.insert_unique(hash, slot, |&s| {
            hasher.hash_one(&entries[s as usize].as_ref().expect("a live slot").0)
        });
    }

    /// Removes what `add(w, t)` added; returns whether it was there.
    pub(crate) fn remove(&mut self, w: &Wildcard, t: ItemId) -> bool {
        let joined = w.joined();
        let (Some(slot), hash) = self.slot(&joined) else {
            return false;
        };
        let (_, targets) = self.entries[slot as usize].as_mut().expect("a live slot");
        if !pull(targets, t) {
            return false;
        }
        if targets.is_empty() {
            if let Ok(found) = self.slots.find_entry(hash, |&s| s == slot) {
                found.remove();
            }
            self.entries[slot as usize] = None;
            self.free.push(slot);
            self.dfa = OnceLock::new();
            match filed(&joined) {
                Filed::Prefix(p) => drop(self.prefixes.remove(p, slot)),
                Filed::Suffix(s) => drop(self.suffixes.remove(s, slot)),
                Filed::Piece(p) => {
                    self.pieces.remove(p, slot);
                    self.finder = OnceLock::new();
                }
                Filed::Everything => drop(pull(&mut self.everything, slot)),
            }
            if self.slots.is_empty() {
                *self = Globs::default();
            }
        }
        true
    }

    /// Calls `f` with the target of every wildcard `value` matches (a target may come more than
    /// once). `found` is working memory.
    pub(crate) fn matches(&self, value: &[u8], found: &mut Vec<u32>, mut f: impl FnMut(ItemId)) {
        let dfa = self.dfa.get_or_init(|| {
            if self.slots.len() > FEW {
                return None;
            }
            // The automaton reports the conditions themselves (a wildcard once per condition).
            let live: Vec<(&[u8], ItemId)> = self
                .entries
                .iter()
                .flatten()
                .flat_map(|(w, targets)| targets.iter().map(move |&t| (&w[..], t)))
                .collect();
            Dfa::build(&live, FEW_STATES)
        });
        if let Some(dfa) = dfa {
            dfa.run(value, f);
            return;
        }
        let mut check = |slot: u32| {
            let (w, targets) = self.entries[slot as usize].as_ref().expect("a live slot");
            if joined_match(w, value) {
                targets.iter().for_each(|&t| f(t));
            }
        };
        self.prefixes.matches(value, true, &mut check);
        self.suffixes.matches(value, false, &mut check);
        self.everything.iter().for_each(|&s| check(s));
        if self.pieces.is_empty() {
            return;
        }
        let finder = self.finder.get_or_init(|| {
            let mut keys = Vec::new();
            self.pieces
                .for_each(|key, _| keys.push(Box::<[u8]>::from(key)));
            AhoCorasick::new(&keys).ok().map(|a| (a, keys))
        });
        let Some((finder, keys)) = finder else {
            // (The automaton could not be built: too large. Every such wildcard is tested.)
            self.pieces
                .for_each(|_, slots| slots.iter().for_each(|&s| check(s)));
            return;
        };
        // Each piece found is looked up once, however often it occurs in the value.
        found.clear();
        found.extend(
            finder
                .find_overlapping_iter(value)
                .map(|m| m.pattern().as_u32()),
        );
        found.sort_unstable();
        found.dedup();
        for &piece in found.iter() {
            if let Some(slots) = self.pieces.get(&keys[piece as usize]) {
                slots.iter().for_each(|&s| check(s));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(g: &Globs, v: &str) -> Vec<u32> {
        let mut out = Vec::new();
        g.matches(v.as_bytes(), &mut Vec::new(), |t| out.push(t));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Wildcards filed every way (prefix, suffix, piece, everything), few (the automaton) and
    /// many (the index), agree with testing each one; removing them leaves nothing.
    #[test]
    fn index_agrees_with_one_by_one() {
        let base = [
            "*", "x*", "*y", "a*b", "*b*", "a\\*b", "*ab*ab", "*a*b", "exact", "", "*-42-*",
            "2*0*1*7", "VA*IL", "*aa*", "*/in/*",
        ];
        let mut sources: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        let few = sources.len();
        sources.extend((0..300).map(|i| format!("/srv/{i}/*/in/*")));
        sources.extend((0..300).map(|i| format!("*-{i}-*")));
        sources.extend((0..100).map(|i| format!("*.{i}")));
        let wildcards: Vec<Wildcard> = sources
            .iter()
            .map(|s| Wildcard::parse(s).unwrap())
            .collect();
        let values = [
            "",
            "x",
            "xy",
            "ab",
            "aXb",
            "a*b",
            "abab",
            "xaxbxb",
            "exact",
            "a-42-b",
            "2501307",
            "VACSTWIL",
            "aaaa",
            "/srv/7/x/in/f",
            "/srv/17/q/in/",
            "z-250-z",
            "file.99",
            "ab.7",
        ];
        for n in [few, wildcards.len()] {
            let mut g = Globs::default();
            for (i, w) in wildcards[..n].iter().enumerate() {
                g.add(w, i as u32);
                g.add(w, 10_000 + i as u32);
            }
            for v in values {
                let mut want: Vec<u32> = (0..n as u32)
                    .filter(|&i| wildcards[i as usize].is_match(v.as_bytes()))
                    .flat_map(|i| [i, 10_000 + i])
                    .collect();
                want.sort_unstable();
                assert_eq!(hits(&g, v), want, "{n} wildcards, value {v:?}");
            }
            for (i, w) in wildcards[..n].iter().enumerate() {
                assert!(g.remove(w, i as u32));
                assert!(g.remove(w, 10_000 + i as u32));
                assert!(!g.remove(w, i as u32));
            }
            assert!(g.is_empty() && g.entries.is_empty());
        }
    }
}
