//! A fixed-size set of entry positions: 8 KB for 63,000 packages, cheap to clear per query.

/// Positions `0..len` as bits.
#[derive(Debug, Clone)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// An empty set able to hold positions `0..len`.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Every position `0..len`.
    pub(crate) fn full(len: usize) -> Self {
        let mut words = vec![u64::MAX; len.div_ceil(64)];
        if let Some(last) = words.last_mut() {
            if len % 64 != 0 {
                *last = (1 << (len % 64)) - 1;
            }
        }
        Self { words }
    }

    /// Number of 64-position words.
    pub(crate) fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Positions `64 * w .. 64 * w + 64` as the bits of one word (none past the end).
    pub(crate) fn word(&self, w: usize) -> u64 {
        self.words.get(w).copied().unwrap_or(0)
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<u64>()
    }

    /// Adds `i`; positions past the end are ignored.
    pub(crate) fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// True when `i` is in the set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Keeps only the positions also in `other`.
    pub(crate) fn intersect(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a = Bits::new(130);
        a.insert(0);
        a.insert(64);
        a.insert(129);
        a.insert(500); // ignored
        assert!(a.contains(0) && a.contains(64) && a.contains(129));
        assert!(!a.contains(1) && !a.contains(500));
        assert_eq!(a.word_count(), 3);
        assert_eq!(a.word(1), 1);
        assert_eq!(a.word(2), 2);
        assert_eq!(a.word(9), 0);
        let full = Bits::full(130);
        assert!(full.contains(129) && !full.contains(130));
        assert_eq!(full.word(2), 0b11);
        assert_eq!(Bits::full(128).word(1), u64::MAX);
        let mut b = Bits::new(130);
        b.insert(64);
        b.insert(3);
        a.intersect(&b);
        assert!(a.contains(64) && !a.contains(0) && !a.contains(3));
    }
}
