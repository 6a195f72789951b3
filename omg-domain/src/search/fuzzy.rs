//! Fuzzy scoring of names: nucleo, behind an exact and much cheaper test that rules out
//! most names first, and a lower bound of nucleo's score that settles most of the rest when
//! only whether a name matches counts, not its score.

use memchr::memmem;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

thread_local! {
    /// A matcher kept for the thread's next query: creating one zeroes a ~100 KB slab.
    static SPARE_MATCHER: RefCell<Option<Matcher>> = const { RefCell::new(None) };
}

/// nucleo fuzzy matching of one query against many names, with a floor that keeps scattered
/// single-letter matches out: at least half of the points a contiguous match would get.
///
/// Tight (for a query found literally somewhere): a name must hold more than half of the
/// query contiguously, and the whole query in order skipping at most one character per six
/// of the query ([`tight_span`]: none for queries up to six characters, which then have no
/// fuzzy matches); and the floor is [`TIGHT_FLOOR_PERCENT`] of a contiguous match's points.
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
    /// When tight: the pieces of the query one of which a name must contain (every run of
    /// more than half of its characters); an empty list when no name can be tight.
    runs: Option<Vec<memmem::Finder<'static>>>,
    /// The query's characters, for [`tight_span`].
    chars: Vec<char>,
}

/// The floor of a tight fuzzy match, in percent of the points of a contiguous match.
pub(crate) const TIGHT_FLOOR_PERCENT: u16 = 75;

/// True when `query`'s characters occur in order in `name` within a stretch of at most
/// `query.len() + (query.len() - 1) / 6` characters: a tight match skips at most one
/// character per six of the query (`rip-grep` for `ripgrep`, not `node-jsbn` for `nodejs`).
pub(crate) fn tight_span(query: &[char], name: &str) -> bool {
    if name.is_ascii() && query.iter().all(char::is_ascii) {
        // Byte for byte, without collecting the name's characters.
        let query: Vec<u8> = query.iter().map(|&c| c as u8).collect();
        return span_within(&query, name.as_bytes());
    }
    let name: Vec<char> = name.chars().collect();
    span_within(query, &name)
}

/// How many characters longer than an `n`-character query a tight match may be.
fn tight_slack(n: usize) -> usize {
    n.saturating_sub(1) / 6
}

/// [`tight_span`] over characters or bytes.
fn span_within<T: PartialEq + Copy>(query: &[T], name: &[T]) -> bool {
    let Some(&last) = query.last() else {
        return true;
    };
    let allowed = query.len() + tight_slack(query.len());
    // Each end of an in-order match, then the latest start for that end.
    let mut from = 0;
    while from < name.len() {
        let mut k = 0;
        let mut end = None;
        for (i, &c) in name.iter().enumerate().skip(from) {
            if c == query[k] {
                k += 1;
                if k == query.len() {
                    end = Some(i);
                    break;
                }
            }
        }
        let Some(end) = end else {
            return false;
        };
        debug_assert!(name[end] == last);
        let mut k = query.len();
        let mut start = end;
        for i in (from..=end).rev() {
            if name[i] == query[k - 1] {
                k -= 1;
                if k == 0 {
                    start = i;
                    break;
                }
            }
        }
        if end - start < allowed {
            return true;
        }
        from = start + 1;
    }
    false
}

/// The pieces of `text` a tight fuzzy match must contain one of: every run of more than
/// half of its characters.
pub(crate) fn tight_runs(text: &str) -> Vec<String> {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let chars = bounds.len() - 1;
    let run = chars / 2 + 1;
    (0..=chars - run)
        .filter_map(|i| text.get(bounds[i]..bounds[i + run]))
        .map(str::to_string)
        .collect()
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
    pub(crate) fn new(text: &str, tight: bool) -> Self {
        let atom = Atom::new(
            text,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
            false,
        );
        let chars = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
        let contiguous = u32::from(chars) * u32::from(POINTS_PER_CHAR);
        let floor = if tight {
            contiguous * u32::from(TIGHT_FLOOR_PERCENT) / 100
        } else {
            contiguous / 2
        };
        let runs = tight.then(|| {
            tight_runs(text)
                .iter()
                .map(|r| memmem::Finder::new(r.as_bytes()).into_owned())
                .collect()
        });
        Self {
            atom,
            matcher: None,
            buf: Vec::new(),
            floor: u16::try_from(floor).unwrap_or(u16::MAX),
            needle: Needle::new(text),
            runs,
            chars: text.chars().collect(),
        }
    }

    /// False when no name can be a match: a tight query of six characters or fewer matches
    /// only names that hold it whole, which are name matches already.
    pub(crate) fn possible(&self) -> bool {
        self.runs.is_none() || tight_slack(self.chars.len()) > 0
    }

    /// False when the scorer is tight and `name` (lower-cased) is not: it holds none of the
    /// query's runs, or not the whole query in a short enough stretch.
    fn holds_a_run(&self, name: &[u8]) -> bool {
        self.runs.as_ref().is_none_or(|runs| {
            runs.iter().any(|r| r.find(name).is_some())
                && std::str::from_utf8(name).is_ok_and(|name| tight_span(&self.chars, name))
        })
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
            || !self.holds_a_run(name.as_bytes())
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
            if needle.rules_out(bytes) || !self.holds_a_run(bytes) {
                return false;
            }
            if needle.score_bound(bytes).is_some_and(|b| b >= self.floor) {
                return true;
            }
        }
        self.holds_a_run(name.as_bytes()) && self.nucleo(name).is_some()
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
        fn passes_agrees_with_score(
            needle in "[ab1.-]{1,6}",
            name in "[ab1.cé-]{0,30}",
            tight in proptest::bool::ANY,
        ) {
            let mut scorer = FuzzyScorer::new(&needle, tight);
            let score = scorer.score(&name);
            proptest::prop_assert_eq!(scorer.passes(&name), score.is_some());
        }
    }

    #[test]
    fn gate_agrees_with_nucleo() {
        let mut scorer = FuzzyScorer::new("frfx", false);
        assert!(scorer.score("firefox").is_some());
        assert_eq!(scorer.score("xfrf"), None);
        // Non-ASCII names still go to nucleo, which normalizes `é` to `e`.
        let mut scorer = FuzzyScorer::new("ef", false);
        assert!(scorer.score("éf").is_some());
    }

    #[test]
    fn spans() {
        let q = |s: &str| s.chars().collect::<Vec<char>>();
        assert!(tight_span(&q("tmux"), "tmux"));
        assert!(!tight_span(&q("tmux"), "tmu-x"));
        assert!(!tight_span(&q("tmux"), "tinymux"));
        // The second, shorter occurrence counts.
        assert!(tight_span(&q("tmux"), "t-m-u-x-tmux"));
        assert!(tight_span(&q("ripgrep"), "rip-grep"));
        assert!(!tight_span(&q("ripgrep"), "rip--grep"));
        assert!(!tight_span(&q("nodejs"), "node-jsbn"));
        assert!(tight_span(&q("abcdefghijklm"), "abc-defghi-jklm"));
        assert!(!tight_span(&q("abc"), "ab"));
        assert!(tight_span(&q("éèàùéèà"), "éèxàùéèà"));
    }

    #[test]
    fn tight_matches_hold_most_of_the_query_contiguously() {
        assert_eq!(tight_runs("tmux"), ["tmu", "mux"]);
        assert_eq!(tight_runs("ripgrep"), ["ripg", "ipgr", "pgre", "grep"]);
        assert_eq!(tight_runs("vim"), ["vi", "im"]);
        assert_eq!(tight_runs("éééé"), ["ééé", "ééé"]);
        let mut loose = FuzzyScorer::new("ripgrep", false);
        let mut tight = FuzzyScorer::new("ripgrep", true);
        // Scattered letters: loose only.
        let scattered = "redmine-plugin-redhopper";
        assert!(loose.score("rxixpxgxrxexp").is_some() || loose.score(scattered).is_none());
        assert_eq!(tight.score(scattered), None);
        assert!(!tight.passes(scattered));
        // Most of the query in one piece, the rest close by: tight too.
        assert!(tight.score("rip-grep").is_some());
        assert!(tight.passes("rip-grep"));
        // Scattered over too long a stretch: loose only.
        assert!(FuzzyScorer::new("bash", false)
            .score("r-base-html")
            .is_some());
        assert_eq!(FuzzyScorer::new("bash", true).score("r-base-html"), None);
        assert!(FuzzyScorer::new("htop", false).score("hatop").is_some());
        assert_eq!(FuzzyScorer::new("htop", true).score("hatop"), None);
        // Short queries have no tight fuzzy matches at all.
        let mut vim = FuzzyScorer::new("vim", true);
        assert_eq!(vim.score("vi-m"), None);
        assert!(FuzzyScorer::new("frfx", false).score("firefox").is_some());
        assert_eq!(FuzzyScorer::new("frfx", true).score("firefox"), None);
    }
}
