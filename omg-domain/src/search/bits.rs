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
        let mut b = Bits::new(130);
        b.insert(64);
        b.insert(3);
        a.intersect(&b);
        assert!(a.contains(64) && !a.contains(0) && !a.contains(3));
    }
}
