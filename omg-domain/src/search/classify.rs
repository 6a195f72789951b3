//! How a name matches a query, given where the query occurs in it.

use omg_ports::MatchKind;

/// The kind of a match of a `query_len`-byte query at `offset` of `hay`, inside the name
/// that starts at `start` and is `name_len` bytes long.
pub(crate) fn at(
    hay: &[u8],
    start: usize,
    offset: usize,
    name_len: usize,
    query_len: usize,
) -> MatchKind {
    if offset == start {
        if name_len == query_len {
            MatchKind::Exact
        } else {
            MatchKind::Prefix
        }
    } else if is_word_start(hay, offset) {
        MatchKind::WordBoundary
    } else {
        MatchKind::Substring
    }
}

/// True when a word starts at `pos` (not the name's first byte): after a separator, or at a
/// letter/digit boundary (`python3-foo`: `foo` and `3`; `libx11`: `11`).
fn is_word_start(hay: &[u8], pos: usize) -> bool {
    let (Some(&prev), Some(&cur)) = (pos.checked_sub(1).and_then(|p| hay.get(p)), hay.get(pos))
    else {
        return true;
    };
    !prev.is_ascii_alphanumeric() || (prev.is_ascii_digit() != cur.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchKind::*;

    /// The kind of the best occurrence of `query` in `name`, as the index computes it.
    fn best(name: &str, query: &str) -> Option<MatchKind> {
        name.match_indices(query)
            .map(|(pos, _)| at(name.as_bytes(), 0, pos, name.len(), query.len()))
            .min()
    }

    #[test]
    fn kinds() {
        assert_eq!(best("vim", "vim"), Some(Exact));
        assert_eq!(best("vim-tiny", "vim"), Some(Prefix));
        assert_eq!(best("neovim-qt", "qt"), Some(WordBoundary));
        assert_eq!(best("python3-foo", "foo"), Some(WordBoundary));
        assert_eq!(best("libx11", "11"), Some(WordBoundary));
        assert_eq!(best("neovim", "vim"), Some(Substring));
        // A later word-start occurrence beats an earlier inner one.
        assert_eq!(best("avim-vim", "vim"), Some(WordBoundary));
        assert_eq!(best("firefox", "frfx"), None);
    }
}
