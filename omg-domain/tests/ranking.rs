//! The ranking rules of search, on a hand-made index.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_domain::Index;
use omg_ports::{InstallReason, Installed, MatchKind, PackageSummary, SearchQuery};

fn pkg(name: &str, repo: &str, desc: &str) -> PackageSummary {
    PackageSummary {
        name: name.into(),
        version: "1.0-1".into(),
        description: desc.into(),
        repository: repo.into(),
        architecture: "x86_64".into(),
        installed: None,
        provides: Vec::new(),
    }
}

fn index() -> Index {
    let mut installed = pkg("vim-runtime", "extra", "Vi Improved, runtime files");
    installed.installed = Some(Box::new(Installed {
        version: "1.0-1".into(),
        reason: InstallReason::Dependency,
        date: None,
    }));
    let mut nvi = pkg("nvi", "core", "4.4BSD re-implementation of vi");
    nvi.provides = vec!["vi".into(), "Vim-Compatible".into()];
    Index::new(vec![
        pkg("vixm", "core", "fuzzy only"),
        nvi,
        pkg(
            "neovim",
            "extra",
            "Fork of Vim aiming to improve user experience",
        ),
        pkg(
            "vim",
            "extra",
            "Vi Improved, a highly configurable text editor",
        ),
        installed,
        pkg("gvim", "extra", "Vi Improved, with graphical interface"),
        pkg("python-vim-tools", "extra", "Helpers"),
        pkg(
            "firefox",
            "extra",
            "Standalone web browser from mozilla.org",
        ),
        pkg("vim", "community", "A second vim in a later repository"),
        pkg(
            "editor-plus",
            "community",
            "Mentions vim in its description",
        ),
        pkg("kate", "extra", "Advanced text editor"),
        pkg(
            "vim-a",
            "core",
            "tie on length with vim-b, earlier repository",
        ),
        pkg("vim-b", "extra", "tie on length with vim-a"),
    ])
}

fn names(results: &omg_ports::SearchResults) -> Vec<(&str, &str, MatchKind)> {
    results
        .hits
        .iter()
        .map(|h| {
            (
                h.package.name.as_str(),
                h.package.repository.as_str(),
                h.kind,
            )
        })
        .collect()
}

#[test]
fn ranks_exact_prefix_word_substring_fuzzy_description() {
    let r = index().search(&SearchQuery::new("VIM")).unwrap();
    use MatchKind::*;
    assert_eq!(
        names(&r),
        vec![
            ("vim", "extra", Exact),
            ("vim", "community", Exact),
            ("vim-a", "core", Prefix),
            ("vim-b", "extra", Prefix),
            ("vim-runtime", "extra", Prefix),
            ("python-vim-tools", "extra", WordBoundary),
            ("gvim", "extra", Substring),
            ("neovim", "extra", Substring),
            ("nvi", "core", Provides),
            ("editor-plus", "community", Description),
        ]
    );
    assert_eq!(r.total, 10);
}

#[test]
fn fuzzy_matches_are_tight_when_the_query_is_found_as_it_is() {
    // `vim` occurs in names: `vixm` is no match (scattered letters of a short query).
    let r = index().search(&SearchQuery::new("vim")).unwrap();
    assert!(r.hits.iter().all(|h| h.package.name != "vixm"));
    // `vixm` itself is found exactly; `vxm` is found nowhere, so loosely.
    let r = index().search(&SearchQuery::new("vxm")).unwrap();
    assert_eq!(names(&r), vec![("vixm", "core", MatchKind::Fuzzy)]);
}

#[test]
fn fuzzy_finds_abbreviations() {
    let r = index().search(&SearchQuery::new("frfx")).unwrap();
    assert_eq!(r.hits[0].package.name, "firefox");
    assert_eq!(r.hits[0].kind, MatchKind::Fuzzy);
    assert!(r.hits[0].score > 0);
}

#[test]
fn limit_keeps_total() {
    let r = index()
        .search(&SearchQuery::new("vim").with_limit(3))
        .unwrap();
    assert_eq!(r.hits.len(), 3);
    assert_eq!(r.total, 10);
}

#[test]
fn installed_only() {
    let r = index()
        .search(&SearchQuery::new("vim").installed())
        .unwrap();
    assert_eq!(names(&r), vec![("vim-runtime", "extra", MatchKind::Prefix)]);
}

#[test]
fn several_words_must_all_match() {
    let r = index().search(&SearchQuery::new("text editor")).unwrap();
    let got: Vec<_> = r.hits.iter().map(|h| h.package.name.as_str()).collect();
    assert_eq!(got, vec!["vim", "kate"]);
    assert!(r.hits.iter().all(|h| h.kind == MatchKind::Description));
}

#[test]
fn empty_query_is_an_error() {
    let err = index().search(&SearchQuery::new("  ")).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn no_match() {
    let r = index().search(&SearchQuery::new("qqqqzz")).unwrap();
    assert!(r.hits.is_empty());
    assert_eq!(r.total, 0);
}
