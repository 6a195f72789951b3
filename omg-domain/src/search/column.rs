//! A column of lower-cased strings stored end to end in one buffer: one allocation for all
//! names (or descriptions) and contiguous text to scan.

/// Lower-cased strings, addressed by position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Column {
    text: String,
    ends: Vec<usize>,
}

impl Column {
    pub(crate) fn with_capacity(entries: usize, bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(entries),
        }
    }

    /// Appends `s` lower-cased (ASCII without allocating, anything else through Unicode rules).
    pub(crate) fn push_lower(&mut self, s: &str) {
        if s.is_ascii() {
            self.text
                .extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            self.text.push_str(&s.to_lowercase());
        }
        self.ends.push(self.text.len());
    }

    /// The entry at `i` (empty when out of range).
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_lower_cased() {
        let mut c = Column::with_capacity(3, 16);
        for s in ["Firefox", "", "ÆSIR-Tools"] {
            c.push_lower(s);
        }
        assert_eq!(c.get(0), "firefox");
        assert_eq!(c.get(1), "");
        assert_eq!(c.get(2), "æsir-tools");
        assert_eq!(c.get(3), "");
    }
}
