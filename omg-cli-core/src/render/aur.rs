//! What omg shows of AUR packages: the tags of a search hit (`[+votes ~popularity]`,
//! orphaned, out of date), `omg info`'s record with the AUR's fields, and the `aur` object
//! of their JSON.

use std::collections::BTreeMap;

use omg_ports::{AurPackage, Installed, Package, RelationKind};
use serde::Serialize;

use super::escape::escape;

/// An AUR package for `omg info`: its record, whether it is installed, and its page.
#[derive(Debug, Clone, PartialEq)]
pub struct AurInfo {
    /// The AUR's record.
    pub package: AurPackage,
    /// The local database's state, when installed.
    pub installed: Option<Installed>,
    /// The package's page (`<[aur] url>/packages/<name>`).
    pub page: String,
}

/// The `aur` object of a search hit or an info record in JSON.
#[derive(Debug, Serialize)]
pub(super) struct AurMeta<'a> {
    package_base: &'a str,
    maintainer: Option<&'a str>,
    submitter: Option<&'a str>,
    co_maintainers: &'a [String],
    votes: u32,
    popularity: f64,
    out_of_date: Option<i64>,
    first_submitted: i64,
    last_modified: i64,
    pending_requests: Option<u32>,
    keywords: &'a [String],
    make_depends: &'a [String],
    check_depends: &'a [String],
}

impl<'a> From<&'a AurPackage> for AurMeta<'a> {
    fn from(p: &'a AurPackage) -> Self {
        AurMeta {
            package_base: &p.package_base,
            maintainer: p.maintainer.as_deref(),
            submitter: p.submitter.as_deref(),
            co_maintainers: &p.co_maintainers,
            votes: p.num_votes,
            popularity: p.popularity,
            out_of_date: p.out_of_date,
            first_submitted: p.first_submitted,
            last_modified: p.last_modified,
            pending_requests: p.pending_requests,
            keywords: &p.keywords,
            make_depends: &p.make_depends,
            check_depends: &p.check_depends,
        }
    }
}

/// `[+votes ~popularity]`, then `[orphaned]` and `[out of date: YYYY-MM-DD]` when they
/// apply: what a search line says about an AUR package besides its version.
pub(super) fn tags(p: &AurPackage) -> String {
    let mut s = format!("[+{} ~{:.2}]", p.num_votes, p.popularity);
    if p.maintainer.is_none() {
        s.push_str(" [orphaned]");
    }
    if let Some(when) = p.out_of_date {
        s.push_str(&format!(" [out of date: {}]", day(when)));
    }
    s
}

/// The AUR's record as omg's [`Package`] (repository `aur`), for the fields both have.
pub(super) fn as_package(info: &AurInfo) -> Package {
    let p = &info.package;
    let mut relations = BTreeMap::new();
    for (kind, list) in [
        (RelationKind::Provides, &p.provides),
        (RelationKind::Depends, &p.depends),
        (RelationKind::OptDepends, &p.opt_depends),
        (RelationKind::Conflicts, &p.conflicts),
        (RelationKind::Replaces, &p.replaces),
    ] {
        relations.insert(kind, list.clone());
    }
    Package {
        name: p.name.clone(),
        version: p.version.clone(),
        description: p.description.clone().unwrap_or_default(),
        repository: omg_domain::search::AUR_REPOSITORY.to_string(),
        url: p.url.clone(),
        licenses: Some(p.license.clone()),
        groups: Some(p.groups.clone()),
        maintainer: p.maintainer.clone(),
        relations,
        installed: info.installed.clone(),
        ..Package::default()
    }
}

/// The rows `omg info` adds for an AUR package after the shared ones, as `(key, text)`.
pub(super) fn info_rows(info: &AurInfo) -> Vec<(&'static str, String)> {
    let p = &info.package;
    let list = |v: &[String]| {
        if v.is_empty() {
            "None".to_string()
        } else {
            v.iter()
                .map(|s| escape(s).into_owned())
                .collect::<Vec<_>>()
                .join("  ")
        }
    };
    let mut rows = Vec::new();
    if p.maintainer.is_none() {
        rows.push(("Maintainer", "None (orphaned)".to_string()));
    }
    rows.extend([
        ("AUR URL", escape(&info.page).into_owned()),
        ("Package Base", escape(&p.package_base).into_owned()),
        ("Make Deps", list(&p.make_depends)),
        ("Check Deps", list(&p.check_depends)),
        ("Keywords", list(&p.keywords)),
        (
            "Submitter",
            escape(p.submitter.as_deref().unwrap_or("None")).into_owned(),
        ),
        ("Co-maintainers", list(&p.co_maintainers)),
        ("Votes", p.num_votes.to_string()),
        ("Popularity", format!("{:.2}", p.popularity)),
        (
            "First Submitted",
            super::info::format_date(p.first_submitted),
        ),
        ("Last Modified", super::info::format_date(p.last_modified)),
        (
            "Out Of Date",
            p.out_of_date
                .map_or_else(|| "No".to_string(), super::info::format_date),
        ),
    ]);
    rows
}

/// An info record's JSON: the [`Package`] fields and the `aur` object.
#[derive(Serialize)]
pub(super) struct InfoJson<'a> {
    #[serde(flatten)]
    pub(super) package: Package,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) aur: Option<AurMeta<'a>>,
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn day(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_say_votes_popularity_orphan_and_flag() {
        let mut p = AurPackage {
            num_votes: 12,
            popularity: 0.456,
            maintainer: Some("me".into()),
            ..AurPackage::default()
        };
        assert_eq!(tags(&p), "[+12 ~0.46]");
        p.maintainer = None;
        p.out_of_date = Some(1_700_000_000);
        assert_eq!(tags(&p), "[+12 ~0.46] [orphaned] [out of date: 2023-11-14]");
    }
}
