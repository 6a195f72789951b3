//! [`search_indexes_with_aur`] against [`search_with_aur`] on every match: the same hits,
//! totals and records for random indexes and queries.

use proptest::prelude::*;

use omg_ports::{AurPackage, InstallReason, Installed, PackageSummary, SearchQuery, SearchResults};

use super::merge::{aur_summary, search_indexes_with_aur, search_with_aur, AUR_REPOSITORY};
use super::Index;

/// An official package: name, repository (0 core, 1 extra, 2 local), description,
/// installed, provided name.
type Official = (String, u8, String, bool, Option<String>);

fn installed() -> Option<Box<Installed>> {
    Some(Box::new(Installed {
        version: "0-1".into(),
        reason: InstallReason::Explicit,
        date: None,
    }))
}

fn official_index(packages: &[Official]) -> Index {
    Index::new(
        packages
            .iter()
            .map(|(name, repo, desc, inst, provides)| PackageSummary {
                name: name.clone(),
                version: "1-1".into(),
                description: desc.clone(),
                repository: ["core", "extra", PackageSummary::LOCAL][usize::from(*repo % 3)].into(),
                architecture: "x86_64".into(),
                // Local packages are installed ones.
                installed: (*inst || *repo % 3 == 2).then(installed).flatten(),
                provides: provides.iter().cloned().collect(),
            })
            .collect(),
    )
}

fn aur_records(names: &[(String, String)]) -> Vec<AurPackage> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .filter(|(name, _)| seen.insert(name.clone()))
        .map(|(name, desc)| AurPackage {
            name: name.clone(),
            package_base: name.clone(),
            version: "2-1".into(),
            description: (!desc.is_empty()).then(|| desc.clone()),
            num_votes: u32::try_from(name.len()).unwrap_or(0),
            ..AurPackage::default()
        })
        .collect()
}

/// What direct mode does: every match of both indexes, merged.
fn every_match(
    official: Option<&Index>,
    aur: &Index,
    records: &[AurPackage],
    query: &SearchQuery,
) -> Option<(SearchResults, Vec<AurPackage>)> {
    let all = SearchQuery {
        text: query.text.clone(),
        limit: None,
        installed_only: false,
    };
    let official = match official {
        Some(index) => index.search(&all).ok()?,
        None => SearchResults::default(),
    };
    let mut aur_found = aur.search_literal(&all).ok()?;
    for hit in &mut aur_found.hits {
        hit.package.repository = AUR_REPOSITORY.into();
    }
    let record = |n: &str| records.iter().find(|p| p.name == n).cloned();
    Some(search_with_aur(official, aur_found, record, query))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn the_shown_hits_are_those_of_every_match(
        official in proptest::collection::vec(
            ("[abc]{1,5}", 0u8..3, "[abc ]{0,8}", any::<bool>(), proptest::option::of("[abc]{1,4}")),
            0..24,
        ),
        aur in proptest::collection::vec(("[abc]{1,5}", "[abc ]{0,8}"), 0..24),
        text in "[abc]{1,4}( [abc]{1,2})?",
        limit in proptest::option::of(1usize..8),
        installed_only in any::<bool>(),
        repositories in any::<bool>(),
    ) {
        let official = official_index(&official);
        let records = aur_records(&aur);
        let aur = Index::new(records.iter().map(aur_summary).collect());
        let query = SearchQuery { text, limit, installed_only };
        let official = repositories.then_some(&official);
        let expected = every_match(official, &aur, &records, &query);
        let got = search_indexes_with_aur(
            official,
            &aur,
            |n| aur.position(n),
            |n| records.iter().find(|p| p.name == n).cloned(),
            &query,
        )
        .ok();
        prop_assert_eq!(got, expected);
    }
}
