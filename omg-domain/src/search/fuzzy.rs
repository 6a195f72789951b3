//! Fuzzy scoring of names: nucleo, behind an exact and much cheaper test that rules out
//! most names first, and a lower bound of nucleo's score that settles most of the rest when
//! only whether a name matches counts, not its score.

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
    /// The query's bytes followed by [`END`] when it is ASCII and shorter than
    /// [`NEEDLE_MAX`] (the subsequence test applies).
    needle: Option<Needle>,
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
            needle: Needle::new(text),
        }
    }

    /// The score of `name` (lower-cased), when it reaches the floor.
    ///
    /// For an ASCII query and an ASCII name, nucleo can only match when the query's bytes
    /// occur in order in the name (it compares ASCII case-insensitively, and both are lower
    /// case already), so names failing that are skipped without calling it. With non-ASCII
    /// on either side nucleo decides alone: its Unicode normalization may match `e` to `é`.
    pub(crate) fn score(&mut self, name: &str) -> Option<u32> {
        if self
            .needle
            .as_ref()
            .is_some_and(|n| n.rules_out(name.as_bytes()))
        {
            return None;
        }
        self.nucleo(name)
    }

    /// True when [`FuzzyScorer::score`] would give a score, for when the score itself
    /// cannot matter (enough better matches already fill the limit). nucleo is skipped when
    /// a lower bound of its score already reaches the floor ([`Needle::score_bound`]).
    pub(crate) fn passes(&mut self, name: &str) -> bool {
        if let Some(needle) = &self.needle {
            let bytes = name.as_bytes();
            if needle.rules_out(bytes) {
                return false;
            }
            if needle.score_bound(bytes).is_some_and(|b| b >= self.floor) {
                return true;
            }
        }
        self.nucleo(name).is_some()
    }

    fn nucleo(&mut self, name: &str) -> Option<u32> {
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

/// Ends a [`Needle`]: never a byte of UTF-8 text.
const END: u8 = 0xff;
/// Room for a [`Needle`] and its end.
const NEEDLE_MAX: usize = 64;

/// Names up to this long get a [`Needle::score_bound`]: with a needle under
/// [`NEEDLE_MAX`], nucleo scores them with its full dynamic programme (its matrix holds
/// 100 K cells), never with its greedy fallback.
const BOUND_NAME_MAX: usize = 1024;

/// An ASCII query, padded for a test without bounds checks.
struct Needle {
    bytes: [u8; NEEDLE_MAX],
    len: usize,
}

impl Needle {
    fn new(text: &str) -> Option<Self> {
        let len = text.len();
        if !text.is_ascii() || len >= NEEDLE_MAX {
            return None;
        }
        let mut bytes = [END; NEEDLE_MAX];
        bytes[..len].copy_from_slice(text.as_bytes());
        Some(Self { bytes, len })
    }

    /// True when nucleo cannot match `name`: it is shorter than the query, or it is ASCII
    /// and does not hold the query's bytes in order.
    ///
    /// Eight name bytes at a time: XOR with the wanted byte in every lane turns equal bytes
    /// into zero bytes, and `(x - 0x01..) & !x & 0x80..` has its lowest set bit in the first
    /// zero byte (the borrow that can mark later bytes falsely only runs upwards from a true
    /// zero). Bytes already passed are set to `0xff` first, so the first zero is the next
    /// occurrence.
    fn rules_out(&self, name: &[u8]) -> bool {
        if name.len() < self.len {
            // Fewer bytes, so fewer characters, than the query has.
            return true;
        }
        if self.len == 0 || !name.is_ascii() {
            return false;
        }
        let mut found = 0;
        let mut words = name.chunks_exact(8);
        let full = words.by_ref().map(|w| {
            let mut lanes = [0u8; 8];
            lanes.copy_from_slice(w);
            u64::from_le_bytes(lanes)
        });
        for word in full {
            if self.advance(word, &mut found) {
                return false;
            }
        }
        // The short last word is padded with a byte that is not ASCII, so never wanted.
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut lanes = [0x80u8; 8];
            lanes[..rest.len()].copy_from_slice(rest);
            if self.advance(u64::from_le_bytes(lanes), &mut found) {
                return false;
            }
        }
        true
    }

    /// Moves `found` (query bytes matched so far) over the eight name bytes of `word`;
    /// true once the whole query is matched.
    fn advance(&self, word: u64, found: &mut usize) -> bool {
        const LOW: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut passed = 0u64;
        loop {
            let want = u64::from(self.bytes[*found % NEEDLE_MAX]) * LOW;
            let x = (word ^ want) | passed;
            let zero = x.wrapping_sub(LOW) & !x & HIGH;
            if zero == 0 {
                return false;
            }
            *found += 1;
            if *found == self.len {
                return true;
            }
            // `zero`'s lowest bit is the top bit of the matching byte: pass it and all
            // before it.
            let through = zero.trailing_zeros() + 1;
            if through == 64 {
                return false;
            }
            passed = (1u64 << through) - 1;
        }
    }

    /// A lower bound of nucleo's fuzzy score of this needle (two bytes or more) in `name`
    /// (lower-cased ASCII, at most [`BOUND_NAME_MAX`] bytes), or `None`.
    ///
    /// nucleo (0.3) finds the best alignment by dynamic programming over all of them: each
    /// matched character adds 16 points plus bonuses (never negative), each gap of `g`
    /// skipped characters costs `g + 2` (3 to open, 1 for each further one, saturating at
    /// 0), and nothing else takes points away. So any one alignment's `16 * n` minus its
    /// gap costs is a lower bound; this takes the tightest match ending where the leftmost
    /// one ends. A property test below holds it against nucleo itself.
    fn score_bound(&self, name: &[u8]) -> Option<u16> {
        let n = self.len;
        if n < 2 || name.len() > BOUND_NAME_MAX || !name.is_ascii() {
            return None;
        }
        let needle = self.bytes.get(..n)?;
        // Where the leftmost in-order match ends.
        let mut k = 0;
        let mut end = None;
        for (i, &b) in name.iter().enumerate() {
            if needle.get(k) == Some(&b) {
                k += 1;
                if k == n {
                    end = Some(i);
                    break;
                }
            }
        }
        // From there backwards, each character as late as it can be.
        let mut next = end?;
        let mut penalty = 0usize;
        for &c in needle[..n - 1].iter().rev() {
            let at = name.get(..next)?.iter().rposition(|&b| b == c)?;
            let gap = next - at - 1;
            if gap > 0 {
                penalty += gap + 2;
            }
            next = at;
        }
        let points = POINTS_PER_CHAR as usize * n;
        u16::try_from(points.saturating_sub(penalty)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(needle: &str, name: &str) -> bool {
        Needle::new(needle).is_some_and(|n| n.rules_out(name.as_bytes()))
    }

    #[test]
    fn subsequence() {
        assert!(!out("frfx", "firefox"));
        assert!(!out("fox", "fox"));
        assert!(!out("", "x"));
        assert!(out("xf", "firefox"));
        assert!(out("firefoxx", "firefox"));
        assert!(out("a", ""));
        // Not ASCII: left to nucleo, unless too short.
        assert!(!out("xf", "firefoxé"));
        assert!(!out("fé", "firefox"));
        assert!(out("abc", "é"));
        assert!(!out("abc", "éé"));
        assert!(!out(&"a".repeat(64), "b"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The word-at-a-time test is the plain subsequence test.
        #[test]
        fn rules_out_is_not_subsequence(needle in "[ab1.-]{1,9}", name in "[ab1.c-]{0,40}") {
            let plain = {
                let mut rest = needle.bytes().peekable();
                for b in name.bytes() {
                    if rest.peek() == Some(&b) {
                        rest.next();
                    }
                }
                rest.peek().is_some()
            };
            let needle = Needle::new(&needle).expect("short ASCII");
            proptest::prop_assert_eq!(needle.rules_out(name.as_bytes()), plain);
        }
    }

    #[test]
    fn bounds() {
        let bound = |needle: &str, name: &str| Needle::new(needle)?.score_bound(name.as_bytes());
        assert_eq!(bound("fox", "fox-x"), Some(48));
        // f-i-r-e-f-o-x: `ff` matched at 0 and 4, a gap of 3.
        assert_eq!(bound("ff", "firefox"), Some(32 - 5));
        // The tightest match ending where the leftmost one ends: `ab` at 2..4, not 0..4.
        assert_eq!(bound("ab", "aaab"), Some(32));
        assert_eq!(bound("ab", "ba"), None);
        assert_eq!(bound("a", "a"), None);
        assert_eq!(bound("ab", "aéb"), None);
    }

    fn nucleo_score(needle: &str, name: &str) -> Option<u16> {
        let atom = Atom::new(
            needle,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
            false,
        );
        atom.score(
            Utf32Str::new(name, &mut Vec::new()),
            &mut Matcher::new(matcher_config()),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The bound never exceeds what nucleo gives.
        #[test]
        fn bound_is_below_nucleo(needle in "[ab1.-]{2,6}", name in "[ab1.c-]{0,40}") {
            if let Some(bound) = Needle::new(&needle).and_then(|n| n.score_bound(name.as_bytes())) {
                let score = nucleo_score(&needle, &name);
                proptest::prop_assert!(score.is_some_and(|s| s >= bound), "{score:?} < {bound}");
            }
        }

        /// `passes` and `score` agree.
        #[test]
        fn passes_agrees_with_score(needle in "[ab1.-]{1,6}", name in "[ab1.cé-]{0,30}") {
            let mut scorer = FuzzyScorer::new(&needle);
            let score = scorer.score(&name);
            proptest::prop_assert_eq!(scorer.passes(&name), score.is_some());
        }
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
