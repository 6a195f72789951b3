//! How one lower-cased name relates to a lower-cased query.

use omg_ports::MatchKind;

/// The best name-based match of `query` in `name`, short of fuzzy matching.
pub(crate) fn name_match(name: &str, query: &str) -> Option<MatchKind> {
    if name == query {
        return Some(MatchKind::Exact);
    }
    if name.starts_with(query) {
        return Some(MatchKind::Prefix);
    }
    let mut found = false;
    for (pos, _) in name.match_indices(query) {
        found = true;
        if is_word_start(name.as_bytes(), pos) {
            return Some(MatchKind::WordBoundary);
        }
    }
    found.then_some(MatchKind::Substring)
}

/// True when a word starts at `pos`: after a separator, or at a letter/digit boundary
/// (`python3-foo`: `foo` and `3`; `libx11`: `11`).
fn is_word_start(name: &[u8], pos: usize) -> bool {
    let Some(&prev) = pos.checked_sub(1).and_then(|p| name.get(p)) else {
        return true;
    };
    let Some(&cur) = name.get(pos) else {
        return false;
    };
    !prev.is_ascii_alphanumeric() || (prev.is_ascii_digit() != cur.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchKind::*;

    #[test]
    fn kinds() {
        assert_eq!(name_match("vim", "vim"), Some(Exact));
        assert_eq!(name_match("vim-tiny", "vim"), Some(Prefix));
        assert_eq!(name_match("neovim-qt", "qt"), Some(WordBoundary));
        assert_eq!(name_match("python3-foo", "foo"), Some(WordBoundary));
        assert_eq!(name_match("libx11", "11"), Some(WordBoundary));
        assert_eq!(name_match("neovim", "vim"), Some(Substring));
        // A later word-start occurrence beats an earlier inner one.
        assert_eq!(name_match("avim-vim", "vim"), Some(WordBoundary));
        assert_eq!(name_match("firefox", "frfx"), None);
    }
}
