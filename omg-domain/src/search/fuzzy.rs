//! Fuzzy scoring of names: nucleo, behind an exact and much cheaper test that rules out
//! most names first.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

thread_local! {
    /// A matcher kept for the thread's next query: creating one zeroes a ~100 KB slab.
    static SPARE_MATCHER: RefCell<Option<Matcher>> = const { RefCell::new(None) };
}

/// nucleo fuzzy matching of one query against many names, with a floor that keeps scattered
/// single-letter matches out: at least half of the points a contiguous match would get.
pub(crate) struct FuzzyScorer {
    atom: Atom,
    /// Taken from [`SPARE_MATCHER`] when the first name gets past the subsequence test,
    /// given back on drop.
    matcher: Option<Matcher>,
    buf: Vec<char>,
    floor: u16,
    /// The query's bytes when it is ASCII (the subsequence test applies), else empty.
    ascii: Box<[u8]>,
}

/// nucleo tuned for package names: matches near the start of a name score higher (people
/// type the beginning of what they want).
fn matcher_config() -> Config {
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    config
}

/// nucleo's score for one matched character.
const POINTS_PER_CHAR: u16 = 16;

impl FuzzyScorer {
    pub(crate) fn new(text: &str) -> Self {
        let atom = Atom::new(
            text,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
            false,
        );
        let chars = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
        Self {
            atom,
            matcher: None,
            buf: Vec::new(),
            floor: chars.saturating_mul(POINTS_PER_CHAR) / 2,
            ascii: if text.is_ascii() {
                text.as_bytes().into()
            } else {
                Box::default()
            },
        }
    }

    /// The score of `name` (lower-cased), when it reaches the floor.
    ///
    /// For an ASCII query and an ASCII name, nucleo can only match when the query's bytes
    /// occur in order in the name (it compares ASCII case-insensitively, and both are lower
    /// case already), so names failing that are skipped without calling it. With non-ASCII
    /// on either side nucleo decides alone: its Unicode normalization may match `e` to `é`.
    pub(crate) fn score(&mut self, name: &str) -> Option<u32> {
        if !self.ascii.is_empty()
            && name.is_ascii()
            && !is_subsequence(&self.ascii, name.as_bytes())
        {
            return None;
        }
        let matcher = self.matcher.get_or_insert_with(|| {
            SPARE_MATCHER
                .with(|spare| spare.borrow_mut().take())
                .unwrap_or_else(|| Matcher::new(matcher_config()))
        });
        let score = self
            .atom
            .score(Utf32Str::new(name, &mut self.buf), matcher)?;
        (score >= self.floor).then_some(u32::from(score))
    }
}

impl Drop for FuzzyScorer {
    fn drop(&mut self) {
        if let Some(matcher) = self.matcher.take() {
            // During thread teardown the slot may be gone; the matcher is then just freed.
            let _ = SPARE_MATCHER.try_with(|spare| *spare.borrow_mut() = Some(matcher));
        }
    }
}

/// True when the bytes of `needle` occur in order in `hay`.
fn is_subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut found = 0;
    for &b in hay {
        match needle.get(found) {
            Some(&want) if want == b => found += 1,
            Some(_) => {}
            None => return true,
        }
    }
    found == needle.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequence() {
        assert!(is_subsequence(b"frfx", b"firefox"));
        assert!(is_subsequence(b"fox", b"fox"));
        assert!(!is_subsequence(b"xf", b"firefox"));
        assert!(!is_subsequence(b"firefoxx", b"firefox"));
        assert!(is_subsequence(b"", b"x"));
    }

    #[test]
    fn gate_agrees_with_nucleo() {
        let mut scorer = FuzzyScorer::new("frfx");
        assert!(scorer.score("firefox").is_some());
        assert_eq!(scorer.score("xfrf"), None);
        // Non-ASCII names still go to nucleo, which normalizes `é` to `e`.
        let mut scorer = FuzzyScorer::new("ef");
        assert!(scorer.score("éf").is_some());
    }
}
