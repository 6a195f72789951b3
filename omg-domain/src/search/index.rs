//! The prepared search index.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use omg_ports::{Error, MatchKind, PackageSummary, Result, SearchHit, SearchQuery, SearchResults};

use memchr::memmem;

use super::bits::Bits;
use super::charset::ClassRows;
use super::classify;
use super::column::Column;
use super::fuzzy::FuzzyScorer;
use super::trigram::{Candidates, Trigrams};

/// Every package, prepared for repeated queries: lower-cased names, descriptions and
/// provided names stored contiguously, trigram postings over each, the character sets of
/// the names (bit-sliced), and each repository's rank. The name lookup table is built on first use of [`Index::get`].
#[derive(Debug, Clone, Default)]
pub struct Index {
    packages: Vec<PackageSummary>,
    names: Column,
    descriptions: Column,
    /// Each package's provided names, separated by a tab.
    provides: Column,
    name_trigrams: Trigrams,
    description_trigrams: Trigrams,
    provides_trigrams: Trigrams,
    classes: ClassRows,
    repo_rank: Vec<u32>,
    by_name: OnceLock<HashMap<String, usize>>,
}

/// Up to this limit, [`Matches::top`] keeps the best in one pass; above, it selects.
const SMALL_LIMIT: usize = 64;

/// Trigram candidates are checked one by one when they are at most one package in this
/// many; more, and one memmem pass over the column is cheaper.
const SCAN_FRACTION: usize = 8;

/// The kind of the `n`-th (from 0) best of `candidates`, if there are that many.
fn kind_at(candidates: &[Candidate], n: usize) -> Option<MatchKind> {
    let index = |kind: MatchKind| match kind {
        MatchKind::Exact => 0,
        MatchKind::Prefix => 1,
        MatchKind::WordBoundary => 2,
        MatchKind::Substring => 3,
        MatchKind::Fuzzy => 4,
        MatchKind::Provides => 5,
        MatchKind::Description => 6,
    };
    let mut counts = [0usize; 7];
    for c in candidates {
        counts[index(c.kind)] += 1;
    }
    let mut seen = 0;
    [
        MatchKind::Exact,
        MatchKind::Prefix,
        MatchKind::WordBoundary,
        MatchKind::Substring,
        MatchKind::Fuzzy,
        MatchKind::Provides,
        MatchKind::Description,
    ]
    .into_iter()
    .find(|&kind| {
        seen += counts[index(kind)];
        seen > n
    })
}

/// How `name` matches `needle` (found by `finder`) at its best occurrence, if it holds it.
fn best_kind(name: &[u8], needle: &[u8], finder: &memmem::Finder<'_>) -> Option<MatchKind> {
    // No occurrence beats the one at the start, and most names a short query finds start
    // with it: no search is needed then.
    if name.starts_with(needle) {
        return Some(classify::at(name, 0, 0, name.len(), needle.len()));
    }
    let mut best: Option<MatchKind> = None;
    for offset in finder.find_iter(name) {
        let kind = classify::at(name, 0, offset, name.len(), needle.len());
        best = Some(best.map_or(kind, |b| b.min(kind)));
        // The best a later occurrence can be.
        if kind == MatchKind::WordBoundary {
            break;
        }
    }
    best
}

/// The lower-cased names and their trigram postings.
fn names_of(packages: &[PackageSummary]) -> (Column, Trigrams) {
    lowered(packages, |p| &p.name)
}

/// The lower-cased descriptions and their trigram postings.
fn descriptions_of(packages: &[PackageSummary]) -> (Column, Trigrams) {
    lowered(packages, |p| &p.description)
}

/// One text of every package, lower-cased, and its trigram postings.
fn lowered(
    packages: &[PackageSummary],
    text: impl Fn(&PackageSummary) -> &str,
) -> (Column, Trigrams) {
    let bytes = packages.iter().map(|p| text(p).len()).sum();
    let mut column = Column::with_capacity(packages.len(), bytes);
    for p in packages {
        column.push_lower(text(p));
    }
    let trigrams = Trigrams::new(&column);
    (column, trigrams)
}

/// Each package's lower-cased provided names (tab-separated) and their trigram postings.
fn provides_of(packages: &[PackageSummary]) -> (Column, Trigrams) {
    let bytes = packages
        .iter()
        .flat_map(|p| &p.provides)
        .map(|p| p.len() + 1)
        .sum();
    let mut column = Column::with_capacity(packages.len(), bytes);
    for p in packages {
        column.push_lower_parts(&p.provides);
    }
    let trigrams = Trigrams::new(&column);
    (column, trigrams)
}

/// A candidate before sorting: which package, how it matched, its fuzzy score.
#[derive(Debug)]
struct Candidate {
    idx: usize,
    kind: MatchKind,
    score: u32,
}

/// Every match of one query in one [`Index`], unranked: from [`Index::matches`].
#[derive(Debug)]
pub struct Matches<'a> {
    index: &'a Index,
    candidates: Vec<Candidate>,
}

impl Matches<'_> {
    /// Number of matches.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The matched packages' positions in [`Index::packages`], in no particular order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.candidates.iter().map(|c| c.idx)
    }

    /// Keeps the matches whose package position `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        self.candidates.retain(|c| keep(c.idx));
    }

    /// The best `limit` matches, ranked, as hits (only these packages are cloned).
    pub fn top(self, limit: usize) -> Vec<SearchHit> {
        let Matches {
            index,
            mut candidates,
        } = self;
        if limit <= SMALL_LIMIT && limit < candidates.len() {
            candidates = index.best(candidates, limit);
        } else if limit < candidates.len() {
            // Kinds ranking after the one the limit falls in cannot make the cut.
            let last = kind_at(&candidates, limit);
            candidates.retain(|c| last.is_some_and(|last| c.kind <= last));
            if limit < candidates.len() {
                let mut keyed: Vec<(u64, Candidate)> = candidates
                    .into_iter()
                    .map(|c| (index.rank_key(&c), c))
                    .collect();
                keyed.select_nth_unstable_by(limit, |(ka, a), (kb, b)| {
                    ka.cmp(kb).then_with(|| index.rank(a, b))
                });
                keyed.truncate(limit);
                candidates = keyed.into_iter().map(|(_, c)| c).collect();
            }
        }
        candidates.sort_unstable_by(|a, b| index.rank(a, b));
        candidates
            .into_iter()
            .map(|c| SearchHit {
                package: index.packages[c.idx].clone(),
                kind: c.kind,
                score: c.score,
            })
            .collect()
    }
}

impl Index {
    /// Prepare `packages`, in the backend's order (repositories first to last).
    ///
    /// The descriptions (more than half of the work) are prepared on a second thread while
    /// this one does the rest; on one thread when none can be started.
    pub fn new(packages: Vec<PackageSummary>) -> Self {
        let mut repos: HashMap<&str, u32> = HashMap::new();
        let mut repo_rank = Vec::with_capacity(packages.len());
        for p in &packages {
            let next = u32::try_from(repos.len()).unwrap_or(u32::MAX);
            repo_rank.push(*repos.entry(p.repository.as_str()).or_insert(next));
        }
        let ((names, name_trigrams), (provides, provides_trigrams), classes, described) =
            std::thread::scope(|scope| {
                let described = std::thread::Builder::new()
                    .name("omg-index".into())
                    .spawn_scoped(scope, || descriptions_of(&packages));
                let names = names_of(&packages);
                let mut classes = ClassRows::new(packages.len());
                for i in 0..packages.len() {
                    classes.add(i, names.0.get(i));
                }
                let provides = provides_of(&packages);
                let described = match described {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    Err(_) => descriptions_of(&packages),
                };
                (names, provides, classes, described)
            });
        let (descriptions, description_trigrams) = described;
        Self {
            name_trigrams,
            description_trigrams,
            provides_trigrams,
            packages,
            names,
            descriptions,
            provides,
            classes,
            repo_rank,
            by_name: OnceLock::new(),
        }
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// True when the index holds no package.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// Heap bytes of the prepared search structures (lower-cased columns, trigram postings,
    /// character sets, repository ranks), not counting the package summaries themselves.
    pub fn search_bytes(&self) -> usize {
        self.names.heap_bytes()
            + self.descriptions.heap_bytes()
            + self.provides.heap_bytes()
            + self.name_trigrams.heap_bytes()
            + self.description_trigrams.heap_bytes()
            + self.provides_trigrams.heap_bytes()
            + self.classes.heap_bytes()
            + self.repo_rank.capacity() * std::mem::size_of::<u32>()
    }

    /// Every package, in the backend's order.
    pub fn packages(&self) -> &[PackageSummary] {
        &self.packages
    }

    /// The package named exactly `name` (the first, in the backend's order, when several
    /// repositories have it).
    pub fn get(&self, name: &str) -> Option<&PackageSummary> {
        self.position(name).map(|i| &self.packages[i])
    }

    /// The position in [`Index::packages`] of the package named exactly `name` (the first
    /// when several repositories have it), for callers that keep more about each package
    /// beside the index.
    pub fn position(&self, name: &str) -> Option<usize> {
        let by_name = self.by_name.get_or_init(|| {
            let mut map = HashMap::with_capacity(self.packages.len());
            for (i, p) in self.packages.iter().enumerate() {
                map.entry(p.name.clone()).or_insert(i);
            }
            map
        });
        by_name.get(name).copied()
    }

    /// Run `query`: ranked hits (at most its limit) and the total number of matches.
    ///
    /// Substring matches come from the trigram postings of names and descriptions, checked
    /// with memmem on the candidates (queries under three bytes, or whose trigrams are too
    /// common to narrow much, scan the whole column instead). Fuzzy candidates are the
    /// names having the query's characters (as often as it has them); for ASCII, those not
    /// holding the query's bytes in order are dropped before nucleo scores the rest, and
    /// when name matches already fill the limit a lower bound of nucleo's score settles
    /// most of them. Nothing per query is proportional to the number of packages except
    /// word-wise operations on a few 8 KB bit sets.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        self.search_matching(query, true)
    }

    /// [`Index::search`] without fuzzy matches: only what contains the query as it is (in
    /// a name, a provided name or a description). For sources that can only be asked for
    /// substrings, such as the AUR's RPC, so that a local index of them answers the same.
    pub fn search_literal(&self, query: &SearchQuery) -> Result<SearchResults> {
        self.search_matching(query, false)
    }

    fn search_matching(&self, query: &SearchQuery, fuzzy_allowed: bool) -> Result<SearchResults> {
        let matches = self.matches(query, fuzzy_allowed, |_| true)?;
        let total = matches.len();
        let hits = matches.top(query.limit.unwrap_or(usize::MAX));
        Ok(SearchResults { hits, total })
    }

    /// Every match of `query` (fuzzy ones only when `fuzzy_allowed`), not yet ranked nor
    /// built into hits: for callers that filter or merge matches of several indexes and
    /// build only the hits they show ([`Matches::top`]).
    ///
    /// `counts` says which packages the caller will keep: fuzzy matches are scored only
    /// while fewer than `query.limit` of the kept ones match by name (else no fuzzy match
    /// can rank among the first `query.limit`, and each gets score 0). The caller removes
    /// the others ([`Matches::retain`]) before [`Matches::top`].
    pub fn matches(
        &self,
        query: &SearchQuery,
        fuzzy_allowed: bool,
        counts: impl Fn(usize) -> bool,
    ) -> Result<Matches<'_>> {
        let words: Vec<String> = query
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return Err(Error::InvalidRequest(
                "the search query is empty; give a word to look for".into(),
            ));
        }
        let text = words.join(" ");
        let limit = query.limit.unwrap_or(usize::MAX);
        // With several words, every word must occur in the name or the description.
        let allowed = (words.len() > 1).then(|| self.entries_with_all(&words));
        let keep = |idx: usize| {
            allowed.as_ref().is_none_or(|a| a.contains(idx))
                && (!query.installed_only || self.packages[idx].installed.is_some())
        };
        let mut matched = Bits::new(self.packages.len());
        let mut candidates = Vec::new();
        for (idx, kind) in self.name_matches(&text) {
            matched.insert(idx);
            if keep(idx) {
                candidates.push(Candidate {
                    idx,
                    kind,
                    score: 0,
                });
            }
        }
        if words.len() == 1 {
            let in_provides =
                self.entries_containing(&self.provides, &self.provides_trigrams, &text);
            let in_descriptions =
                self.entries_containing(&self.descriptions, &self.description_trigrams, &text);
            // A query found as it is (in a name, a provided name or a description) gets
            // only tight fuzzy matches besides; one found nowhere gets the loose ones too.
            let literal = !candidates.is_empty()
                || in_provides.iter().any(|&i| keep(i))
                || in_descriptions.iter().any(|&i| keep(i));
            let mut fuzzy = FuzzyScorer::new(&text, literal);
            // With `limit` name matches already, which all rank higher, no fuzzy match can
            // be shown: only whether a name is one counts (for the total), not its score.
            let scores_matter = candidates.iter().filter(|c| counts(c.idx)).count() < limit;
            let covering = if fuzzy_allowed && fuzzy.possible() {
                self.classes.covering(&text)
            } else {
                Bits::new(0)
            };
            for w in 0..covering.word_count() {
                let mut bits = covering.word(w) & !matched.word(w);
                while bits != 0 {
                    let idx = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if !keep(idx) {
                        continue;
                    }
                    let name = self.names.get(idx);
                    let found = if scores_matter {
                        fuzzy.score(name)
                    } else {
                        fuzzy.passes(name).then_some(0)
                    };
                    if let Some(score) = found {
                        matched.insert(idx);
                        candidates.push(Candidate {
                            idx,
                            kind: MatchKind::Fuzzy,
                            score,
                        });
                    }
                }
            }
            for idx in in_provides {
                if !matched.contains(idx) && keep(idx) {
                    matched.insert(idx);
                    candidates.push(Candidate {
                        idx,
                        kind: MatchKind::Provides,
                        score: 0,
                    });
                }
            }
            for idx in in_descriptions {
                if !matched.contains(idx) && keep(idx) {
                    matched.insert(idx);
                    candidates.push(Candidate {
                        idx,
                        kind: MatchKind::Description,
                        score: 0,
                    });
                }
            }
        } else if let Some(allowed) = &allowed {
            // Every allowed package not matched by name has the words in its description or
            // its provided names (at least partly): all were found in one or the other.
            for w in 0..allowed.word_count() {
                let mut bits = allowed.word(w) & !matched.word(w);
                while bits != 0 {
                    let idx = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if keep(idx) {
                        candidates.push(Candidate {
                            idx,
                            kind: MatchKind::Description,
                            score: 0,
                        });
                    }
                }
            }
        }
        Ok(Matches {
            index: self,
            candidates,
        })
    }

    /// Every name containing `text`, in order, with how it matches (exact, prefix, word
    /// boundary or substring; the best occurrence counts).
    fn name_matches(&self, text: &str) -> Vec<(usize, MatchKind)> {
        let needle = text.as_bytes();
        let Some(candidates) = self.worth_checking(&self.name_trigrams, needle) else {
            return self.scan_name_matches(text);
        };
        let finder = memmem::Finder::new(needle);
        candidates
            .entries
            .into_iter()
            .filter_map(|idx| {
                let idx = idx as usize;
                best_kind(self.names.bytes(idx), needle, &finder).map(|kind| (idx, kind))
            })
            .collect()
    }

    /// The candidates for `needle` from `trigrams` when checking them one by one costs less
    /// than a scan of the whole column: always for an exact list, else when they are at most
    /// one entry in [`SCAN_FRACTION`].
    fn worth_checking(&self, trigrams: &Trigrams, needle: &[u8]) -> Option<Candidates> {
        let candidates = trigrams.candidates(needle)?;
        (candidates.exact || candidates.entries.len() <= self.packages.len() / SCAN_FRACTION)
            .then_some(candidates)
    }

    /// [`Index::name_matches`] by one memmem pass over the whole names column.
    fn scan_name_matches(&self, text: &str) -> Vec<(usize, MatchKind)> {
        let needle = text.as_bytes();
        let finder = memmem::Finder::new(needle);
        Self::scan_entries(&self.names, &finder)
            .filter_map(|idx| {
                best_kind(self.names.bytes(idx), needle, &finder).map(|kind| (idx, kind))
            })
            .collect()
    }

    /// The entries of `column` (whose postings are `trigrams`) containing `text`, in order,
    /// each once.
    fn entries_containing(&self, column: &Column, trigrams: &Trigrams, text: &str) -> Vec<usize> {
        let needle = text.as_bytes();
        match self.worth_checking(trigrams, needle) {
            Some(c) if c.exact => c.entries.into_iter().map(|i| i as usize).collect(),
            Some(c) => {
                let finder = memmem::Finder::new(needle);
                c.entries
                    .into_iter()
                    .map(|i| i as usize)
                    .filter(|&i| finder.find(column.bytes(i)).is_some())
                    .collect()
            }
            None => Self::scan_entries(column, &memmem::Finder::new(needle)).collect(),
        }
    }

    /// The entries of `column` holding `finder`'s needle, in order, each once: one pass
    /// over the column, going on after each found entry from the next entry's start.
    fn scan_entries<'c>(
        column: &'c Column,
        finder: &'c memmem::Finder<'c>,
    ) -> impl Iterator<Item = usize> + 'c {
        let hay = column.text().as_bytes();
        let (mut pos, mut idx) = (0, 0);
        std::iter::from_fn(move || {
            let offset = pos + finder.find(hay.get(pos..)?)?;
            idx = column.entry_at_from(offset, idx);
            pos = column.start(idx + 1);
            Some(idx)
        })
    }

    /// Which packages contain every word in their name, description or provided names.
    fn entries_with_all(&self, words: &[String]) -> Bits {
        let n = self.packages.len();
        let mut all: Option<Bits> = None;
        for word in words {
            let mut either = Bits::new(n);
            for (column, trigrams) in [
                (&self.names, &self.name_trigrams),
                (&self.descriptions, &self.description_trigrams),
                (&self.provides, &self.provides_trigrams),
            ] {
                for idx in self.entries_containing(column, trigrams, word) {
                    either.insert(idx);
                }
            }
            match all.as_mut() {
                Some(a) => a.intersect(&either),
                None => all = Some(either),
            }
        }
        all.unwrap_or_else(|| Bits::new(n))
    }

    /// The best `limit` of `candidates`, in one pass: each is checked against the worst
    /// kept so far by its packed key ([`Index::rank_key`]), so most cost one comparison.
    fn best(&self, candidates: Vec<Candidate>, limit: usize) -> Vec<Candidate> {
        let mut kept: Vec<(u64, Candidate)> = Vec::with_capacity(limit + 1);
        for c in candidates {
            let key = self.rank_key(&c);
            if kept.len() == limit {
                match kept.last() {
                    Some((worst, w)) if key > *worst => continue,
                    Some((worst, w)) if key == *worst && self.rank(&c, w) != Ordering::Less => {
                        continue
                    }
                    _ => {}
                }
            }
            let at = kept.partition_point(|(k, kc)| {
                k.cmp(&key).then_with(|| self.rank(kc, &c)) == Ordering::Less
            });
            kept.insert(at, (key, c));
            kept.truncate(limit);
        }
        kept.into_iter().map(|(_, c)| c).collect()
    }

    /// [`Index::rank`]'s first keys packed in one number: kind, score, name length and
    /// repository rank, each saturated to its field. A smaller key ranks first; equal keys
    /// are settled by [`Index::rank`].
    fn rank_key(&self, c: &Candidate) -> u64 {
        let kind = c.kind as u64;
        let score = u64::from(u16::MAX - u16::try_from(c.score).unwrap_or(u16::MAX));
        let len = u64::try_from(self.names.bytes(c.idx).len()).map_or(0xFFFF, |l| l.min(0xFFFF));
        let repo = u64::from(self.repo_rank[c.idx].min((1 << 29) - 1));
        (kind << 61) | (score << 45) | (len << 29) | repo
    }

    fn rank(&self, a: &Candidate, b: &Candidate) -> Ordering {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| {
                let (a, b) = (self.names.bytes(a.idx), self.names.bytes(b.idx));
                a.len().cmp(&b.len())
            })
            .then_with(|| self.repo_rank[a.idx].cmp(&self.repo_rank[b.idx]))
            // Byte order is `str` order.
            .then_with(|| self.names.bytes(a.idx).cmp(self.names.bytes(b.idx)))
            .then_with(|| a.idx.cmp(&b.idx))
    }

    /// Up to `n` existing names close to `name`, best first, for "did you mean".
    pub fn suggest(&self, name: &str, n: usize) -> Vec<String> {
        crate::suggest::closest(name, self.packages.iter().map(|p| p.name.as_str()), n)
    }
}
