//! The repositories' results and the AUR's in one ranking.
//!
//! Both lists come ranked by [`crate::Index`]; the merge keeps the index's rules (match
//! kind, fuzzy score, shorter name) and puts the repositories first on ties, as
//! [`crate::Index`] puts an earlier repository first. A package installed from the AUR is
//! one entry: the AUR's, marked installed, in place of the local one.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use omg_ports::{AurPackage, PackageSummary, SearchHit, SearchQuery, SearchResults};

/// The repository name AUR packages carry in search results and `omg info`.
pub const AUR_REPOSITORY: &str = "aur";

/// The summary the search index keeps of an AUR package: repository [`AUR_REPOSITORY`], no
/// architecture (the RPC does not say; `.SRCINFO` does), and no provided names: the AUR is
/// searched by name and description, as its RPC's `name-desc` (and `paru -Ss`) do, so the
/// RPC's answer and the metadata dump give the same hits.
pub fn aur_summary(p: &AurPackage) -> PackageSummary {
    PackageSummary {
        name: p.name.clone(),
        version: p.version.clone(),
        description: p.description.clone().unwrap_or_default(),
        repository: AUR_REPOSITORY.to_string(),
        architecture: String::new(),
        installed: None,
        provides: Vec::new(),
    }
}

/// `p` as the RPC's search answers describe a package: the fields an info answer or the
/// extended dump add (submitter, co-maintainers, keywords, licenses, relations), and the
/// URL, which a search does not show, are
/// cleared, so that a search prints the same from either source.
pub fn search_shape(p: &AurPackage) -> AurPackage {
    AurPackage {
        name: p.name.clone(),
        package_base: p.package_base.clone(),
        version: p.version.clone(),
        description: p.description.clone(),
        maintainer: p.maintainer.clone(),
        num_votes: p.num_votes,
        popularity: p.popularity,
        out_of_date: p.out_of_date,
        first_submitted: p.first_submitted,
        last_modified: p.last_modified,
        ..AurPackage::default()
    }
}

/// `official` (every match of the repositories and the local database) and `aur` (every
/// match of the AUR, from [`crate::Index::search_literal`]) as one ranked list of at most
/// `limit` hits. A `local` hit whose name the AUR has is dropped and its installed state
/// moves to the AUR's hit; `total` counts each package once.
pub fn merge_aur(
    official: SearchResults,
    aur: SearchResults,
    limit: Option<usize>,
) -> SearchResults {
    let aur_names: HashMap<&str, usize> = aur
        .hits
        .iter()
        .enumerate()
        .map(|(i, h)| (h.package.name.as_str(), i))
        .collect();
    let mut installed = Vec::new();
    let mut dropped = 0usize;
    let mut kept = Vec::with_capacity(official.hits.len());
    for hit in official.hits {
        let local = hit.package.repository == PackageSummary::LOCAL;
        match aur_names.get(hit.package.name.as_str()) {
            Some(&i) if local => {
                installed.push((i, hit.package.installed));
                dropped += 1;
            }
            _ => kept.push(hit),
        }
    }
    let mut aur_hits = aur.hits;
    for (i, state) in installed {
        if let Some(h) = aur_hits.get_mut(i) {
            h.package.installed = state;
        }
    }
    let total = official.total.saturating_sub(dropped) + aur.total;
    let limit = limit.unwrap_or(usize::MAX);
    let mut hits = Vec::with_capacity(kept.len().saturating_add(aur_hits.len()).min(limit));
    let mut a = kept.into_iter().peekable();
    let mut b = aur_hits.into_iter().peekable();
    while hits.len() < limit {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => {
                if key(x).cmp(&key(y)) != Ordering::Greater {
                    a.next()
                } else {
                    b.next()
                }
            }
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => None,
        };
        match next {
            Some(h) => hits.push(h),
            None => break,
        }
    }
    SearchResults { hits, total }
}

/// What `omg search` shows when the AUR is searched: `official` (every match of the
/// repositories, unlimited, installed or not) and `aur` (every match of the AUR, from
/// [`crate::Index::search_literal`] over the summaries of the records `record` finds by
/// name) merged by [`merge_aur`], kept
/// to installed packages when `query` says so, counted, cut to its limit; with the records
/// (in [`search_shape`]) of the AUR hits shown. Direct mode and omgd both answer with it.
pub fn search_with_aur(
    official: SearchResults,
    aur: SearchResults,
    record: impl Fn(&str) -> Option<AurPackage>,
    query: &SearchQuery,
) -> (SearchResults, Vec<AurPackage>) {
    let mut merged = merge_aur(official, aur, None);
    if query.installed_only {
        merged.hits.retain(|h| h.package.installed.is_some());
    }
    merged.total = merged.hits.len();
    if let Some(limit) = query.limit {
        merged.hits.truncate(limit);
    }
    let shown = merged
        .hits
        .iter()
        .filter(|h| h.package.repository == AUR_REPOSITORY)
        .filter_map(|h| record(&h.package.name))
        .map(|p| search_shape(&p))
        .collect();
    (merged, shown)
}

/// The index's ranking without its tie-breaks (repository order, name), which differ
/// between the two lists: on equal keys the repositories' hit goes first.
fn key(h: &SearchHit) -> (omg_ports::MatchKind, Reverse<u32>, usize) {
    (h.kind, Reverse(h.score), h.package.name.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Index;
    use omg_ports::{InstallReason, Installed};

    fn pkg(name: &str, repo: &str, desc: &str) -> PackageSummary {
        PackageSummary {
            name: name.into(),
            version: "1-1".into(),
            description: desc.into(),
            repository: repo.into(),
            architecture: "x86_64".into(),
            installed: None,
            provides: vec![],
        }
    }

    fn aur(name: &str, desc: &str) -> AurPackage {
        AurPackage {
            name: name.into(),
            package_base: name.into(),
            version: "2-1".into(),
            description: Some(desc.into()),
            ..AurPackage::default()
        }
    }

    fn names(r: &SearchResults) -> Vec<String> {
        r.hits
            .iter()
            .map(|h| format!("{}/{}", h.package.repository, h.package.name))
            .collect()
    }

    #[test]
    fn repositories_first_on_ties_and_kinds_interleave() {
        let mut local = pkg("yay", "local", "AUR helper");
        local.installed = Some(Box::new(Installed {
            version: "1-1".into(),
            reason: InstallReason::Explicit,
            date: None,
        }));
        let official = Index::new(vec![
            pkg("yaz", "extra", "a yaml thing"),
            pkg("yayo", "extra", "tool"),
            local,
        ]);
        let aur_index = Index::new(
            [
                aur("yay", "Yet another yogurt"),
                aur("yay-bin", "yay, built"),
            ]
            .iter()
            .map(aur_summary)
            .collect(),
        );
        let q = SearchQuery::new("yay");
        let merged = merge_aur(
            official.search(&q).unwrap(),
            aur_index.search_literal(&q).unwrap(),
            None,
        );
        assert_eq!(names(&merged), ["aur/yay", "extra/yayo", "aur/yay-bin"]);
        assert_eq!(merged.total, 3);
        assert!(merged.hits[0].package.installed.is_some());
        let limited = merge_aur(
            official.search(&q).unwrap(),
            aur_index.search_literal(&q).unwrap(),
            Some(2),
        );
        assert_eq!(names(&limited), ["aur/yay", "extra/yayo"]);
        assert_eq!(limited.total, 3);
    }

    #[test]
    fn equal_keys_put_the_repository_first() {
        let official = Index::new(vec![pkg("abcd", "core", "")]);
        let aur_index = Index::new(vec![aur_summary(&aur("abce", ""))]);
        let q = SearchQuery::new("abc");
        let merged = merge_aur(
            official.search(&q).unwrap(),
            aur_index.search_literal(&q).unwrap(),
            None,
        );
        assert_eq!(names(&merged), ["core/abcd", "aur/abce"]);
    }

    #[test]
    fn literal_search_has_no_fuzzy_matches() {
        let index = Index::new(vec![aur_summary(&aur("firefox", "browser"))]);
        let q = SearchQuery::new("frfx");
        assert_eq!(index.search(&q).unwrap().total, 1);
        assert_eq!(index.search_literal(&q).unwrap().total, 0);
    }
}
