//! A 64-bit set of the characters in a string: a query can only match names whose set
//! contains the query's. The sets of all names are kept bit-sliced ([`ClassRows`]), so that
//! finding the names that cover a query is a few word-wise ANDs rather than a test per name.

use super::bits::Bits;

/// The character set of `s` (already lower-cased).
pub(crate) fn mask(s: &str) -> u64 {
    s.bytes().fold(0u64, |m, b| m | bit(b))
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
/// having a character of class `c`. 64 bits per name, like a `u64` mask each.
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
            rows: vec![Bits::new(len); 64],
        }
    }

    /// Records name `i`'s character set.
    pub(crate) fn add(&mut self, i: usize, mut mask: u64) {
        while mask != 0 {
            if let Some(row) = self.rows.get_mut(mask.trailing_zeros() as usize) {
                row.insert(i);
            }
            mask &= mask - 1;
        }
    }

    /// The names whose set covers `query_mask`.
    pub(crate) fn covering(&self, mut query_mask: u64) -> Bits {
        let mut out = Bits::full(self.len);
        while query_mask != 0 {
            if let Some(row) = self.rows.get(query_mask.trailing_zeros() as usize) {
                out.intersect(row);
            }
            query_mask &= query_mask - 1;
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
            rows.add(i, mask(n));
        }
        for query in ["fox", "x", "i", "x1", "zz", "-"] {
            let got = rows.covering(mask(query));
            for (i, n) in names.iter().enumerate() {
                assert_eq!(got.contains(i), covers(mask(n), mask(query)), "{query} {n}");
            }
        }
        assert!(!rows.covering(0).contains(4));
        assert!(rows.covering(0).contains(3));
    }
}
