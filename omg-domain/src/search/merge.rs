//! The repositories' results and the AUR's in one ranking.
//!
//! Both lists come ranked by [`crate::Index`]; the merge keeps the index's rules (match
//! kind, fuzzy score, shorter name) and puts the repositories first on ties, as
//! [`crate::Index`] puts an earlier repository first. A package installed from the AUR is
//! one entry: the AUR's, marked installed, in place of the local one.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use omg_ports::{AurPackage, PackageSummary, Result, SearchHit, SearchQuery, SearchResults};

use super::bits::Bits;
use super::Index;

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
pub fn search_shape(p: AurPackage) -> AurPackage {
    AurPackage {
        name: p.name,
        package_base: p.package_base,
        version: p.version,
        description: p.description,
        maintainer: p.maintainer,
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
    let hits = interleave(kept, aur_hits, limit.unwrap_or(usize::MAX));
    SearchResults { hits, total }
}

/// The first `limit` of `official` and `aur` (each ranked) in one ranking, the
/// repositories' hit first on equal keys.
fn interleave(official: Vec<SearchHit>, aur: Vec<SearchHit>, limit: usize) -> Vec<SearchHit> {
    let mut hits = Vec::with_capacity(official.len().saturating_add(aur.len()).min(limit));
    let mut a = official.into_iter().peekable();
    let mut b = aur.into_iter().peekable();
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
    hits
}

/// What `omg search` shows when the AUR is searched: `official` (every match of the
/// repositories, unlimited, installed or not) and `aur` (every match of the AUR, from
/// [`crate::Index::search_literal`] over the summaries of the records `record` finds by
/// name) merged by [`merge_aur`], kept
/// to installed packages when `query` says so, counted, cut to its limit; with the records
/// (in [`search_shape`]) of the AUR hits shown. Direct mode answers with it (over the
/// RPC's answer); omgd with [`search_indexes_with_aur`], which gives the same.
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
    let shown = shown_records(&merged.hits, record);
    (merged, shown)
}

/// [`search_with_aur`] on the indexes themselves, building only the hits it shows: the
/// same answer without materializing every match. `official` is the repositories' index
/// (`None` to search the AUR alone), `aur` the AUR's (its summaries' repository is set to
/// [`AUR_REPOSITORY`] in the hits), `aur_position` finds a name's position in `aur`, and
/// `record` an AUR hit's record. This is what omgd answers with: a search with the AUR
/// costs about what the two index searches cost, whatever the number of matches.
pub fn search_indexes_with_aur(
    official: Option<&Index>,
    aur: &Index,
    aur_position: impl Fn(&str) -> Option<usize>,
    record: impl Fn(&str) -> Option<AurPackage>,
    query: &SearchQuery,
) -> Result<(SearchResults, Vec<AurPackage>)> {
    let all = SearchQuery {
        text: query.text.clone(),
        limit: query.limit,
        installed_only: false,
    };
    let mut aur_matches = aur.matches(&all, false, |_| true)?;
    let official_matches = match official {
        Some(index) => {
            // A local package the AUR also matched is dropped; the AUR's hit gets its
            // installed state.
            let matched = std::cell::OnceCell::new();
            let aur_hit = |idx: usize| -> Option<usize> {
                let p = &index.packages()[idx];
                if p.repository != PackageSummary::LOCAL {
                    return None;
                }
                let at = aur_position(&p.name)?;
                let matched = matched.get_or_init(|| {
                    let mut set = Bits::new(aur.len());
                    for at in aur_matches.positions() {
                        set.insert(at);
                    }
                    set
                });
                matched.contains(at).then_some(at)
            };
            let shown = |idx: usize| {
                aur_hit(idx).is_none()
                    && (!query.installed_only || index.packages()[idx].installed.is_some())
            };
            let mut found = index.matches(&all, true, shown)?;
            let mut moved = HashMap::new();
            found.retain(|idx| match aur_hit(idx) {
                Some(at) => {
                    moved.insert(at, index.packages()[idx].installed.clone());
                    false
                }
                None => !query.installed_only || index.packages()[idx].installed.is_some(),
            });
            Some((found, moved))
        }
        None => None,
    };
    let (official_hits, moved, official_total) = match official_matches {
        Some((found, moved)) => {
            let total = found.len();
            (found.top(limit_of(query)), moved, total)
        }
        None => (Vec::new(), HashMap::new(), 0),
    };
    if query.installed_only {
        aur_matches.retain(|at| moved.get(&at).is_some_and(Option::is_some));
    }
    let total = official_total + aur_matches.len();
    let mut aur_hits = aur_matches.top(limit_of(query));
    for hit in &mut aur_hits {
        hit.package.repository = AUR_REPOSITORY.to_string();
        if moved.is_empty() {
            continue;
        }
        if let Some(at) = aur_position(&hit.package.name) {
            if let Some(state) = moved.get(&at) {
                hit.package.installed = state.clone();
            }
        }
    }
    let hits = interleave(official_hits, aur_hits, limit_of(query));
    let shown = shown_records(&hits, record);
    Ok((SearchResults { hits, total }, shown))
}

fn limit_of(query: &SearchQuery) -> usize {
    query.limit.unwrap_or(usize::MAX)
}

/// The records (in [`search_shape`]) of the AUR's hits among `hits`.
fn shown_records(
    hits: &[SearchHit],
    record: impl Fn(&str) -> Option<AurPackage>,
) -> Vec<AurPackage> {
    hits.iter()
        .filter(|h| h.package.repository == AUR_REPOSITORY)
        .filter_map(|h| record(&h.package.name))
        .map(search_shape)
        .collect()
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
