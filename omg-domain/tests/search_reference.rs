//! `Index::search` against a straightforward reference implementation of the search rules:
//! per package, lower-case the name, description and provided names, look for the query
//! with `str` methods, score fuzzy matches with nucleo (loose for a query found nowhere
//! literally, tight otherwise), sort everything with one comparison. Any speed-up of the
//! index must give exactly the same hits, order, kinds, scores and totals.
//!
//! With `OMG_BENCH_PACKAGES` set (a `name<TAB>version<TAB>description` file, see
//! `benches/search.rs`), `host_packages_agree` also checks the bench's queries on that list
//! (run it with `--release`).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::HashMap;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use omg_domain::Index;
use omg_ports::{
    InstallReason, Installed, MatchKind, PackageSummary, SearchHit, SearchQuery, SearchResults,
};
use proptest::prelude::*;

#[path = "../benches/corpus/mod.rs"]
mod corpus;

/// The search rules, written for clarity rather than speed.
struct Reference {
    packages: Vec<PackageSummary>,
    names: Vec<String>,
    descriptions: Vec<String>,
    provides: Vec<Vec<String>>,
    repo_rank: Vec<usize>,
}

/// Lower-cased for matching; a `\n` counts as a space.
fn lower(s: &str) -> String {
    s.to_lowercase().replace('\n', " ")
}

/// The kind of the best occurrence of `text` in `name` (occurrences found left to right,
/// not overlapping, as `str::match_indices` finds them).
fn name_kind(name: &str, text: &str) -> Option<MatchKind> {
    name.match_indices(text)
        .map(|(pos, _)| {
            let bytes = name.as_bytes();
            if pos == 0 {
                if name.len() == text.len() {
                    MatchKind::Exact
                } else {
                    MatchKind::Prefix
                }
            } else {
                let (prev, cur) = (bytes[pos - 1], bytes[pos]);
                if !prev.is_ascii_alphanumeric() || prev.is_ascii_digit() != cur.is_ascii_digit() {
                    MatchKind::WordBoundary
                } else {
                    MatchKind::Substring
                }
            }
        })
        .min()
}

/// The character classes of `s`: ASCII letters and digits each their own, every other byte
/// in one of 28 buckets. A name is only scored fuzzily when it has all of the query's.
fn classes(s: &str) -> Vec<u32> {
    let mut out: Vec<u32> = s
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'0'..=b'9' => u32::from(b),
            _ => 1000 + u32::from(b % 28),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// nucleo's fuzzy score of `text` in `name`, when at least half of what a contiguous match
/// of every character would get (loose), or when tight: the name holds more than half of
/// the query contiguously, all of it in order in a stretch at most `(n - 1) / 6` characters
/// longer than the query's `n`, and the score is at least three quarters of a contiguous
/// match's.
fn fuzzy_score(text: &str, name: &str, tight: bool) -> Option<u32> {
    let chars: Vec<char> = text.chars().collect();
    if tight {
        let run = chars.len() / 2 + 1;
        let holds = chars
            .windows(run)
            .any(|w| name.contains(&w.iter().collect::<String>()));
        let name_chars: Vec<char> = name.chars().collect();
        let longest = chars.len() + (chars.len() - 1) / 6;
        // Some stretch of the name no longer than that holds the query in order.
        let in_stretch = (0..name_chars.len()).any(|start| {
            let stretch = &name_chars[start..(start + longest).min(name_chars.len())];
            let mut rest = chars.iter().peekable();
            for c in stretch {
                if rest.peek() == Some(&c) {
                    rest.next();
                }
            }
            rest.peek().is_none()
        });
        if !holds || !in_stretch {
            return None;
        }
    }
    let atom = Atom::new(
        text,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
        false,
    );
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    let mut matcher = Matcher::new(config);
    let mut buf = Vec::new();
    let score = atom.score(Utf32Str::new(name, &mut buf), &mut matcher)?;
    let contiguous = chars.len() as u64 * 16;
    let floor = if tight {
        contiguous * 75 / 100
    } else {
        contiguous / 2
    };
    (u64::from(score) >= floor.min(u64::from(u16::MAX))).then_some(u32::from(score))
}

impl Reference {
    fn new(packages: Vec<PackageSummary>) -> Self {
        let mut repos: HashMap<String, usize> = HashMap::new();
        let repo_rank = packages
            .iter()
            .map(|p| {
                let next = repos.len();
                *repos.entry(p.repository.clone()).or_insert(next)
            })
            .collect();
        Self {
            names: packages.iter().map(|p| lower(&p.name)).collect(),
            descriptions: packages.iter().map(|p| lower(&p.description)).collect(),
            provides: packages
                .iter()
                .map(|p| {
                    p.provides
                        .iter()
                        .map(|x| x.to_lowercase().replace(char::is_whitespace, " "))
                        .collect()
                })
                .collect(),
            packages,
            repo_rank,
        }
    }

    fn search(&self, query: &SearchQuery) -> Option<SearchResults> {
        let words: Vec<String> = query
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return None;
        }
        let text = words.join(" ");
        let query_classes = classes(&text);
        let shown = |i: usize| !query.installed_only || self.packages[i].installed.is_some();
        let provided = |i: usize, w: &str| self.provides[i].iter().any(|p| p.contains(w));
        // Tight fuzzy matching when the query is found literally in something shown.
        let tight = (0..self.packages.len()).any(|i| {
            shown(i)
                && (self.names[i].contains(text.as_str())
                    || self.descriptions[i].contains(text.as_str())
                    || provided(i, &text))
        });
        let mut found: Vec<(usize, MatchKind, u32)> = Vec::new();
        for i in 0..self.packages.len() {
            if !shown(i) {
                continue;
            }
            let (name, description) = (&self.names[i], &self.descriptions[i]);
            let by_name = name_kind(name, &text);
            if words.len() > 1 {
                let all = words.iter().all(|w| {
                    name.contains(w.as_str()) || description.contains(w.as_str()) || provided(i, w)
                });
                if all {
                    found.push((i, by_name.unwrap_or(MatchKind::Description), 0));
                }
                continue;
            }
            if let Some(kind) = by_name {
                found.push((i, kind, 0));
                continue;
            }
            let name_classes = classes(name);
            if query_classes.iter().all(|c| name_classes.contains(c)) {
                if let Some(score) = fuzzy_score(&text, name, tight) {
                    found.push((i, MatchKind::Fuzzy, score));
                    continue;
                }
            }
            if provided(i, &text) {
                found.push((i, MatchKind::Provides, 0));
                continue;
            }
            if description.contains(text.as_str()) {
                found.push((i, MatchKind::Description, 0));
            }
        }
        found.sort_by(|a, b| {
            let key = |&(i, kind, score): &(usize, MatchKind, u32)| {
                (
                    kind,
                    std::cmp::Reverse(score),
                    self.names[i].len(),
                    self.repo_rank[i],
                    self.names[i].clone(),
                    i,
                )
            };
            key(a).cmp(&key(b))
        });
        let total = found.len();
        let hits = found
            .into_iter()
            .take(query.limit.unwrap_or(usize::MAX))
            .map(|(i, kind, score)| SearchHit {
                package: self.packages[i].clone(),
                kind,
                score,
            })
            .collect();
        Some(SearchResults { hits, total })
    }
}

/// Both answers to `query` are the same (an empty query is an error for the index).
fn check(index: &Index, reference: &Reference, query: &SearchQuery) {
    let got = index.search(query);
    match reference.search(query) {
        None => assert!(got.is_err(), "{query:?} should be refused, got {got:?}"),
        Some(want) => {
            let got = got.unwrap_or_else(|e| panic!("{query:?} failed: {e}"));
            assert_eq!(got.total, want.total, "total for {query:?}");
            let brief = |r: &SearchResults| {
                r.hits
                    .iter()
                    .map(|h| (h.package.name.clone(), h.kind, h.score))
                    .collect::<Vec<_>>()
            };
            assert_eq!(brief(&got), brief(&want), "hits for {query:?}");
            assert_eq!(got, want, "packages for {query:?}");
        }
    }
}

fn package(name: &str, description: &str, repository: &str, installed: bool) -> PackageSummary {
    // Some packages provide names made of the same pieces (`py-vim`, `libab.so`).
    let provides = match name.len() % 4 {
        0 => vec![format!("{name}-provided")],
        1 => vec![
            format!("lib{}.so", name.chars().rev().collect::<String>()),
            "Virtual-Thing".to_string(),
        ],
        _ => Vec::new(),
    };
    PackageSummary {
        name: name.into(),
        version: "1.0-1".into(),
        description: description.into(),
        repository: repository.into(),
        architecture: "x86_64".into(),
        installed: installed.then(|| {
            Box::new(Installed {
                version: "1.0-1".into(),
                reason: InstallReason::Explicit,
                date: None,
            })
        }),
        provides,
    }
}

/// Pieces that names are made of: shared prefixes, digits, separators, repeats that overlap
/// (`aa`, `a1a`), non-ASCII and upper case.
const NAME_PIECES: &[&str] = &[
    "lib", "py", "thon", "python3", "3", "-", "x11", "qt", "vim", "neo", "é", "Ab", ".", "+", "aa",
    "a1a", "dev", "gtk", "_", "ß", "Σ", "ab", "b", "11", "firefox", "fox", "r-cran",
];

/// Words that descriptions are made of.
const WORDS: &[&str] = &[
    "library",
    "Python",
    "bindings",
    "for",
    "the",
    "GTK+",
    "toolkit",
    "c++",
    "(gtk)",
    "x-window",
    "Straße",
    "ΣΑΣ",
    "Ünïcode",
    "tools",
    "a",
    "ab",
    "aaa",
    "dev",
    "theme",
    "test",
    "vim",
    "editor",
    "LIB",
    "x11",
    "lib",
    "crate",
    "\n",
    "  ",
    "é",
];

fn name_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(NAME_PIECES), 1..4).prop_map(|p| p.concat())
}

fn description_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|w| w.join(" "))
}

fn packages_strategy() -> impl Strategy<Value = Vec<PackageSummary>> {
    prop::collection::vec(
        (
            name_strategy(),
            description_strategy(),
            prop::sample::select(&["core", "extra", "community"][..]),
            any::<bool>(),
        )
            .prop_map(|(n, d, r, i)| package(&n, &d, r, i)),
        1..120,
    )
}

/// Queries: pieces of names and words, with upper case, inner spaces and short ones.
fn query_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(NAME_PIECES), 1..3).prop_map(|p| p.concat()),
        prop::collection::vec(prop::sample::select(WORDS), 1..3).prop_map(|w| w.join(" ")),
        "[a-cA-Cé1 .+-]{1,4}",
        "[aeéE2]{2,4}",
        "[a-z0-9]{1,3}",
        (
            prop::sample::select(NAME_PIECES),
            prop::sample::select(WORDS)
        )
            .prop_map(|(a, b)| format!("{} {}", a.to_uppercase(), b)),
    ]
}

fn search_query_strategy() -> impl Strategy<Value = SearchQuery> {
    (
        query_strategy(),
        prop::option::of(0usize..25),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(text, limit, installed_only)| SearchQuery {
            text,
            limit,
            installed_only,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn index_agrees_with_reference(
        packages in packages_strategy(),
        queries in prop::collection::vec(search_query_strategy(), 1..12),
    ) {
        let index = Index::new(packages.clone());
        let reference = Reference::new(packages);
        for query in &queries {
            check(&index, &reference, query);
        }
    }
}

/// A fixed corpus: every combination of two name pieces, descriptions cycling through the
/// words, three repositories and some installed packages (a few thousand packages).
fn fixed_packages() -> Vec<PackageSummary> {
    let mut out = Vec::new();
    let mut k = 0usize;
    for a in NAME_PIECES {
        for b in NAME_PIECES {
            for c in ["", "-dev", "2", "é"] {
                k += 1;
                let description: Vec<&str> = (0..(k % 7))
                    .map(|j| WORDS[(k * 7 + j * 3) % WORDS.len()])
                    .collect();
                let repo = ["core", "extra", "community"][k % 3];
                out.push(package(
                    &format!("{a}{b}{c}"),
                    &description.join(" "),
                    repo,
                    k % 5 == 0,
                ));
            }
        }
    }
    out
}

/// Queries that have tripped up search code before or might: one and two bytes, several
/// words, non-ASCII, punctuation, upper case, whitespace only, longer than any name.
const TRICKY: &[&str] = &[
    "a",
    "b",
    "x",
    "1",
    "3",
    "é",
    "ß",
    "-",
    ".",
    "+",
    "_",
    "ab",
    "aa",
    "qt",
    "Py",
    "11",
    "é-",
    "aaa",
    "a1a",
    "lib",
    "LIB",
    "Lib",
    "python3",
    "pyth",
    "python3-",
    "x11",
    "lib x11",
    "  lib   dev ",
    "gtk theme",
    "GTK+",
    "c++",
    "(gtk)",
    "x-window",
    "straße",
    "STRASSE",
    "σας",
    "ΣΑΣ",
    "Σ",
    "ü",
    "ÜNÏ",
    "ünïcode",
    "\t",
    "",
    "   ",
    "frfx",
    "ffx",
    "zzzz",
    "lbpy",
    "vim neo",
    "neovim",
    "firefox",
    "fox",
    "ab ab",
    "r-cran",
    "cran",
    "-dev",
    "2",
    "e",
    "é2",
    "thon3",
    "a b c",
    "libpythonlibpythonlibpython",
    "the lib",
    "tools LIB",
    "dev\tlib",
    "ab-",
    "b.",
    ".+",
    "+lib",
    "3-",
    "qtvim",
    "ßé",
    "ee",
    "eé",
    "ée",
    "ée2",
    "aaé",
    "ae",
    "ea",
    "e2",
    "éé",
    "provided",
    "-provided",
    "VIRTUAL",
    "virtual-thing",
    "virtual thing",
    "vim provided",
    "thing",
    ".so",
    "so",
    "xoferif",
    "firefox-provided",
    "python3-provided",
    "pythn3",
    "fierfox",
    "firefx",
    "libxof",
];

#[test]
fn tricky_queries_agree_with_reference() {
    let packages = fixed_packages();
    let index = Index::new(packages.clone());
    let reference = Reference::new(packages);
    for text in TRICKY {
        for limit in [None, Some(0), Some(1), Some(7)] {
            for installed_only in [false, true] {
                let query = SearchQuery {
                    text: (*text).to_string(),
                    limit,
                    installed_only,
                };
                check(&index, &reference, &query);
            }
        }
    }
}

#[test]
fn host_packages_agree() {
    if std::env::var_os("OMG_BENCH_PACKAGES").is_none() {
        eprintln!("skipped: set OMG_BENCH_PACKAGES to compare on a real package list");
        return;
    }
    let Some(packages) = corpus::packages_from_env() else {
        panic!("OMG_BENCH_PACKAGES is set but could not be read");
    };
    let mut queries = corpus::terms(&packages);
    queries.extend(TRICKY.iter().map(|t| (*t).to_string()));
    let index = Index::new(packages.clone());
    let reference = Reference::new(packages);
    for text in queries {
        check(&index, &reference, &SearchQuery::new(text).with_limit(100));
    }
}
