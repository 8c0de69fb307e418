//! Positions keyed by RFC 6901 pointer text, for documents compiled from another language (Bicep), whose positions
//! are given per pointer and need not cover every node of the value.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::Position;

/// Every pointer's text, concatenated in sorted order, with where each ends and its position.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pointers {
    /// Entry `i` spans `entries[i - 1].0..entries[i].0`.
    keys: String,
    entries: Vec<(usize, Position)>,
}

impl Pointers {
    /// From `positions`; for a pointer given twice, the first position wins.
    pub(crate) fn new(positions: Vec<(String, Position)>) -> Pointers {
        let mut first = BTreeMap::new();
        for (pointer, at) in positions {
            first.entry(pointer).or_insert(at);
        }
        let mut pointers = Pointers::default();
        for (pointer, at) in first {
            pointers.push(&pointer, at);
        }
        pointers
    }

    fn push(&mut self, pointer: &str, at: Position) {
        self.keys.push_str(pointer);
        self.entries.push((self.keys.len(), at));
    }

    /// The position recorded for exactly `pointer`.
    pub(crate) fn position(&self, pointer: &str) -> Option<Position> {
        self.search(pointer).ok().map(|i| self.entries[i].1)
    }

    /// The entries at and below `pointer`, re-keyed relative to it.
    pub(crate) fn below(&self, pointer: &str) -> Pointers {
        let mut out = Pointers::default();
        if let Ok(i) = self.search(pointer) {
            out.push("", self.entries[i].1);
        }
        let below = format!("{pointer}/");
        let first = self.search(&below).unwrap_or_else(|i| i);
        for i in first..self.entries.len() {
            let key = self.key(i);
            if !key.starts_with(&below) {
                break;
            }
            out.push(&key[pointer.len()..], self.entries[i].1);
        }
        out
    }

    /// How many pointers have a position.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.entries[i - 1].0 };
        &self.keys[start..self.entries[i].0]
    }

    /// Binary search for `pointer`: `Ok(index)` when present, else `Err(insertion index)`.
    fn search(&self, pointer: &str) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.entries.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.key(middle).cmp(pointer) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Ok(middle),
            }
        }
        Err(low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn first_wins_and_below_rekeys_only_descendants() {
        let given = [("", 1), ("/a", 2), ("/a/b", 3), ("/a!", 4), ("/a", 9), ("/problems/0", 5)];
        let pointers = Pointers::new(given.iter().map(|&(p, line)| (p.to_owned(), at(line, 1))).collect());
        assert_eq!(pointers.len(), 5);
        assert_eq!(pointers.position("/a"), Some(at(2, 1)));
        assert_eq!(pointers.position("/problems/0"), Some(at(5, 1)));
        assert_eq!(pointers.position("/b"), None);
        let below = pointers.below("/a");
        assert_eq!(below.len(), 2);
        assert_eq!(below.position(""), Some(at(2, 1)));
        assert_eq!(below.position("/b"), Some(at(3, 1)));
    }
}
