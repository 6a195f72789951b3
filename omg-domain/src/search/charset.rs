//! A 64-bit set of the characters in a string: a query can only match names whose set
//! contains the query's, which rules most names out with one AND.

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
pub(crate) fn covers(name_mask: u64, query_mask: u64) -> bool {
    name_mask & query_mask == query_mask
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
}
