//! A 64-bit set of the characters in a string: a query can only match names whose set
//! contains the query's. The sets of all names are kept bit-sliced ([`ClassRows`]), so that
//! finding the names that cover a query is a few word-wise ANDs rather than a test per name.
//! A second set per name holds the characters it has at least twice: a query with a
//! repeated character needs it repeated in the name too.

use super::bits::Bits;

/// The character set of `s` (already lower-cased).
#[cfg(test)]
fn mask(s: &str) -> u64 {
    s.bytes().fold(0u64, |m, b| m | bit(b))
}

/// The characters of `s` (already lower-cased) occurring at least once and at least twice.
fn once_and_twice(s: &str) -> (u64, u64) {
    s.bytes().fold((0, 0), |(once, twice), b| {
        (once | bit(b), twice | (once & bit(b)))
    })
}

fn bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        // Everything else shares a few buckets: still a valid (weaker) filter.
        _ => 1 << (36 + (b % 28)),
    }
}

/// True when every character of `query_mask` is in `name_mask`.
#[cfg(test)]
fn covers(name_mask: u64, query_mask: u64) -> bool {
    name_mask & query_mask == query_mask
}

/// The character sets of many names, one row per character class: row `c` holds the names
/// having a character of class `c`, row `64 + c` those having two. 128 bits per name.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClassRows {
    len: usize,
    rows: Vec<Bits>,
}

impl ClassRows {
    /// Rows for `len` names, all empty.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            len,
            rows: vec![Bits::new(len); 128],
        }
    }

    /// Records the characters of name `i` (lower-cased). A name that is not ASCII counts as
    /// having every character twice: nucleo may match its `é` to an `e`, so only its
    /// characters that are there once are sure.
    pub(crate) fn add(&mut self, i: usize, name: &str) {
        let (once, twice) = once_and_twice(name);
        let twice = if name.is_ascii() { twice } else { u64::MAX };
        for (offset, mut mask) in [(0, once), (64, twice)] {
            while mask != 0 {
                if let Some(row) = self.rows.get_mut(offset + mask.trailing_zeros() as usize) {
                    row.insert(i);
                }
                mask &= mask - 1;
            }
        }
    }

    /// The names having every character of `query` (lower-cased), repeated ones as often.
    pub(crate) fn covering(&self, query: &str) -> Bits {
        let (once, twice) = once_and_twice(query);
        let mut out = Bits::full(self.len);
        for (offset, mut mask) in [(0, once), (64, twice)] {
            while mask != 0 {
                if let Some(row) = self.rows.get(offset + mask.trailing_zeros() as usize) {
                    out.intersect(row);
                }
                mask &= mask - 1;
            }
        }
        out
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.rows.iter().map(Bits::heap_bytes).sum::<usize>()
            + self.rows.capacity() * std::mem::size_of::<Bits>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_filter() {
        assert!(covers(mask("firefox"), mask("frfx")));
        assert!(!covers(mask("firefox"), mask("frfz")));
        assert!(covers(mask("lib-x11"), mask("x1")));
    }

    #[test]
    fn rows_find_the_covering_names() {
        let names = ["firefox", "vim", "fox", "lib-x11"];
        let mut rows = ClassRows::new(names.len());
        for (i, n) in names.iter().enumerate() {
            rows.add(i, n);
        }
        for query in ["fox", "x", "i", "x1", "zz", "-"] {
            let got = rows.covering(query);
            for (i, n) in names.iter().enumerate() {
                assert_eq!(got.contains(i), covers(mask(n), mask(query)), "{query} {n}");
            }
        }
        assert!(!rows.covering("").contains(4));
        assert!(rows.covering("").contains(3));
    }

    #[test]
    fn repeated_characters_must_repeat() {
        let names = ["firefox", "fox", "éfox"];
        let mut rows = ClassRows::new(names.len());
        for (i, n) in names.iter().enumerate() {
            rows.add(i, n);
        }
        let ff = rows.covering("ff");
        assert!(ff.contains(0) && !ff.contains(1));
        // Not ASCII: its repeats are not known.
        assert!(ff.contains(2));
    }
}
