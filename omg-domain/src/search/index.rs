//! The prepared search index.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use omg_ports::{Error, MatchKind, PackageSummary, Result, SearchHit, SearchQuery, SearchResults};

use super::charset;
use super::classify::name_match;
use super::column::Column;

/// Every package, prepared for repeated queries: lower-cased names and descriptions stored
/// contiguously, a character set per name, and each repository's rank. The name lookup
/// table is built on first use of [`Index::get`].
#[derive(Debug, Clone, Default)]
pub struct Index {
    packages: Vec<PackageSummary>,
    names: Column,
    descriptions: Column,
    masks: Vec<u64>,
    repo_rank: Vec<u32>,
    by_name: OnceLock<HashMap<String, usize>>,
}

/// A candidate before sorting: which package, how it matched, its fuzzy score.
struct Candidate {
    idx: usize,
    kind: MatchKind,
    score: u32,
}

impl Index {
    /// Prepare `packages`, in the backend's order (repositories first to last).
    pub fn new(packages: Vec<PackageSummary>) -> Self {
        let mut repos: HashMap<&str, u32> = HashMap::new();
        let mut repo_rank = Vec::with_capacity(packages.len());
        for p in &packages {
            let next = u32::try_from(repos.len()).unwrap_or(u32::MAX);
            repo_rank.push(*repos.entry(p.repository.as_str()).or_insert(next));
        }
        let name_bytes = packages.iter().map(|p| p.name.len()).sum();
        let desc_bytes = packages.iter().map(|p| p.description.len()).sum();
        let mut names = Column::with_capacity(packages.len(), name_bytes);
        let mut descriptions = Column::with_capacity(packages.len(), desc_bytes);
        let mut masks = Vec::with_capacity(packages.len());
        for (i, p) in packages.iter().enumerate() {
            names.push_lower(&p.name);
            descriptions.push_lower(&p.description);
            masks.push(charset::mask(names.get(i)));
        }
        Self {
            packages,
            names,
            descriptions,
            masks,
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

    /// Every package, in the backend's order.
    pub fn packages(&self) -> &[PackageSummary] {
        &self.packages
    }

    /// The package named exactly `name`.
    pub fn get(&self, name: &str) -> Option<&PackageSummary> {
        let by_name = self.by_name.get_or_init(|| {
            let mut map = HashMap::with_capacity(self.packages.len());
            for (i, p) in self.packages.iter().enumerate() {
                map.entry(p.name.clone()).or_insert(i);
            }
            map
        });
        by_name.get(name).map(|&i| &self.packages[i])
    }

    /// Run `query`: ranked hits (at most its limit) and the total number of matches.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        let text = query.text.trim().to_lowercase();
        if text.is_empty() {
            return Err(Error::InvalidRequest(
                "the search query is empty; give a word to look for".into(),
            ));
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let query_mask = charset::mask(&text);
        let mut fuzzy = FuzzyScorer::new(&text);
        let mut candidates = Vec::new();
        for idx in 0..self.packages.len() {
            if query.installed_only && self.packages[idx].installed.is_none() {
                continue;
            }
            if let Some(c) = self.classify(idx, &text, &words, query_mask, &mut fuzzy) {
                candidates.push(c);
            }
        }
        let total = candidates.len();
        candidates.sort_unstable_by(|a, b| self.rank(a, b));
        candidates.truncate(query.limit.unwrap_or(usize::MAX));
        let hits = candidates
            .into_iter()
            .map(|c| SearchHit {
                package: self.packages[c.idx].clone(),
                kind: c.kind,
                score: c.score,
            })
            .collect();
        Ok(SearchResults { hits, total })
    }

    fn classify(
        &self,
        idx: usize,
        text: &str,
        words: &[&str],
        query_mask: u64,
        fuzzy: &mut FuzzyScorer,
    ) -> Option<Candidate> {
        let name = self.names.get(idx);
        let desc = self.descriptions.get(idx);
        if words.len() > 1 && !words.iter().all(|w| name.contains(w) || desc.contains(w)) {
            return None;
        }
        if let Some(kind) = name_match(name, text) {
            return Some(Candidate {
                idx,
                kind,
                score: 0,
            });
        }
        if charset::covers(self.masks[idx], query_mask) {
            if let Some(score) = fuzzy.score(name) {
                return Some(Candidate {
                    idx,
                    kind: MatchKind::Fuzzy,
                    score,
                });
            }
        }
        let in_description = if words.len() > 1 {
            true // every word was found above, some of them in the description
        } else {
            desc.contains(text)
        };
        in_description.then_some(Candidate {
            idx,
            kind: MatchKind::Description,
            score: 0,
        })
    }

    fn rank(&self, a: &Candidate, b: &Candidate) -> Ordering {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| {
                self.names
                    .get(a.idx)
                    .len()
                    .cmp(&self.names.get(b.idx).len())
            })
            .then_with(|| self.repo_rank[a.idx].cmp(&self.repo_rank[b.idx]))
            .then_with(|| self.names.get(a.idx).cmp(self.names.get(b.idx)))
            .then_with(|| a.idx.cmp(&b.idx))
    }

    /// Up to `n` existing names close to `name`, best first, for "did you mean".
    pub fn suggest(&self, name: &str, n: usize) -> Vec<String> {
        crate::suggest::closest(name, self.packages.iter().map(|p| p.name.as_str()), n)
    }
}

/// nucleo fuzzy matching of one query against many names, with a floor that keeps scattered
/// single-letter matches out: at least half of the points a contiguous match would get.
struct FuzzyScorer {
    atom: Atom,
    matcher: Matcher,
    buf: Vec<char>,
    floor: u16,
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
    fn new(text: &str) -> Self {
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
            matcher: Matcher::new(matcher_config()),
            buf: Vec::new(),
            floor: chars.saturating_mul(POINTS_PER_CHAR) / 2,
        }
    }

    fn score(&mut self, name: &str) -> Option<u32> {
        let score = self
            .atom
            .score(Utf32Str::new(name, &mut self.buf), &mut self.matcher)?;
        (score >= self.floor).then_some(u32::from(score))
    }
}
