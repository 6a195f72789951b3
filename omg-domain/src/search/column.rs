//! A column of lower-cased strings stored end to end in one buffer, each followed by a
//! `\n`: one allocation for all names (or descriptions), and contiguous text that a single
//! memmem pass can scan. A query never contains `\n`, so no match spans two entries.

/// Lower-cased strings, addressed by position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Column {
    text: String,
    /// Byte offset where each entry starts; entry `i` ends at `starts[i + 1] - 1` (before
    /// its separator), the last one at `text.len() - 1`.
    starts: Vec<u32>,
}

/// What separates entries.
pub(crate) const SEPARATOR: char = '\n';

/// What separates the parts of one entry ([`Column::push_lower_parts`]): whitespace, which
/// no query word holds.
pub(crate) const PART_SEPARATOR: char = '\t';

impl Column {
    pub(crate) fn with_capacity(entries: usize, bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes + entries),
            starts: Vec::with_capacity(entries),
        }
    }

    /// Appends `s` lower-cased (ASCII without allocating, anything else through Unicode
    /// rules). A `\n` inside `s` becomes a space so that it cannot pass for a separator.
    pub(crate) fn push_lower(&mut self, s: &str) {
        self.starts
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        if s.is_ascii() {
            self.text.extend(s.bytes().map(|b| match b {
                b'\n' => ' ',
                b => char::from(b.to_ascii_lowercase()),
            }));
        } else {
            self.text.extend(
                s.to_lowercase()
                    .chars()
                    .map(|c| if c == SEPARATOR { ' ' } else { c }),
            );
        }
        self.text.push(SEPARATOR);
    }

    /// Appends `parts` lower-cased as one entry, each separated from the next by
    /// [`PART_SEPARATOR`]. Whitespace inside a part becomes a space, so a query word
    /// (which holds no whitespace) matches inside one part only.
    pub(crate) fn push_lower_parts(&mut self, parts: &[String]) {
        self.starts
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.text.push(PART_SEPARATOR);
            }
            let clean = |c: char| if c.is_whitespace() { ' ' } else { c };
            if part.is_ascii() {
                self.text.extend(
                    part.bytes()
                        .map(|b| clean(char::from(b.to_ascii_lowercase()))),
                );
            } else {
                self.text.extend(part.to_lowercase().chars().map(clean));
            }
        }
        self.text.push(SEPARATOR);
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * std::mem::size_of::<u32>()
    }

    /// The whole text, separators included.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Where entry `i` starts in [`Column::text`].
    pub(crate) fn start(&self, i: usize) -> usize {
        self.starts.get(i).map_or(self.text.len(), |&s| s as usize)
    }

    /// The entry at `i` (empty when out of range).
    pub(crate) fn get(&self, i: usize) -> &str {
        self.text.get(self.span(i)).unwrap_or("")
    }

    /// The bytes of the entry at `i` (empty when out of range), without the UTF-8 boundary
    /// checks of [`Column::get`]: for comparisons and byte searches.
    pub(crate) fn bytes(&self, i: usize) -> &[u8] {
        self.text.as_bytes().get(self.span(i)).unwrap_or(&[])
    }

    fn span(&self, i: usize) -> std::ops::Range<usize> {
        let start = self.start(i);
        start..self.start(i + 1).saturating_sub(1).max(start)
    }

    /// [`Column::entry_at`] for an `offset` at or after the start of entry `from`: a
    /// galloping search forward from `from`, cheap when the entry is near (scans go through
    /// a column in order).
    pub(crate) fn entry_at_from(&self, offset: usize, from: usize) -> usize {
        let rest = self.starts.get(from..).unwrap_or(&[]);
        let (mut lo, mut hi) = (0, 1);
        while hi < rest.len() && rest[hi] as usize <= offset {
            lo = hi;
            hi = hi.saturating_mul(2);
        }
        let hi = hi.min(rest.len());
        let within = rest.get(lo..hi).unwrap_or(&[]);
        from + lo
            + within
                .partition_point(|&s| s as usize <= offset)
                .saturating_sub(1)
    }

    /// The entry containing byte `offset` of [`Column::text`].
    #[cfg(test)]
    pub(crate) fn entry_at(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_lower_cased() {
        let mut c = Column::with_capacity(4, 16);
        for s in ["Firefox", "", "ÆSIR-Tools", "two\nlines"] {
            c.push_lower(s);
        }
        assert_eq!(c.get(0), "firefox");
        assert_eq!(c.get(1), "");
        assert_eq!(c.get(2), "æsir-tools");
        assert_eq!(c.get(3), "two lines");
        assert_eq!(c.get(4), "");
        assert_eq!(c.bytes(2), "æsir-tools".as_bytes());
        assert_eq!(c.bytes(4), b"");
        assert_eq!(c.text(), "firefox\n\næsir-tools\ntwo lines\n");
        assert_eq!(c.entry_at(0), 0);
        assert_eq!(c.entry_at(7), 0);
        assert_eq!(c.entry_at(8), 1);
        assert_eq!(c.entry_at(9), 2);
        assert_eq!(c.entry_at(c.text().len() - 1), 3);
        for from in 0..4 {
            for offset in c.start(from)..c.text().len() {
                assert_eq!(
                    c.entry_at_from(offset, from),
                    c.entry_at(offset),
                    "{offset} {from}"
                );
            }
        }
    }

    #[test]
    fn parts_are_kept_apart_by_whitespace() {
        let mut c = Column::with_capacity(3, 32);
        c.push_lower_parts(&["Java-Runtime".into(), "sh\tx".into(), "É\nb".into()]);
        c.push_lower_parts(&[]);
        c.push_lower("next");
        assert_eq!(c.get(0), "java-runtime\tsh x\té b");
        assert_eq!(c.get(1), "");
        assert_eq!(c.get(2), "next");
    }
}
