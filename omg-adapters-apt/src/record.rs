//! The full record of one package (`omg info`), as `apt-cache show` and `apt-cache policy`
//! show it: the fields of one version's record, each relationship field as itself, the
//! long description, and the table of versions with their priorities and sources; for an
//! installed package also what pacman -Qi adds: the install date (of dpkg's file list),
//! Required By and Optional For (the installed packages that need it).

use std::collections::BTreeMap;

use omg_ports::{Installed, Package, RelationKind, VersionEntry, VersionSource};
use rust_apt::{Cache, Version};

use crate::config::Paths;
use crate::convert::{install_reason, relations, summary_line};
use crate::policy::{self, AutoMarks};
use crate::query::{labels, repository_of};
use crate::{files, graph};

/// The relationship fields of a record, and the kind each is.
const RELATION_FIELDS: [(&str, RelationKind); 9] = [
    ("Pre-Depends", RelationKind::PreDepends),
    ("Depends", RelationKind::Depends),
    ("Recommends", RelationKind::Recommends),
    ("Suggests", RelationKind::Suggests),
    ("Enhances", RelationKind::Enhances),
    ("Breaks", RelationKind::Breaks),
    ("Conflicts", RelationKind::Conflicts),
    ("Replaces", RelationKind::Replaces),
    ("Provides", RelationKind::Provides),
];

/// The most lines of long description kept (a hostile record could hold megabytes).
const MAX_DESCRIPTION_LINES: usize = 500;

/// The full record of `target`: `name` or `name:arch` (its candidate, else its installed
/// version); `name/release` (the newest version from a release whose archive or codename is
/// `release`, as `apt-get install name/release` picks it); or `label/name`, where `label` is
/// omg's repository label (`bookworm/main`) or its suite (`bookworm`). `None` for a name
/// the cache does not know, a purely virtual package, or a release that does not have it.
pub(crate) fn package(cache: &Cache, paths: &Paths, target: &str) -> Option<Package> {
    if target.is_empty() || target.contains('\0') {
        return None;
    }
    let labels = labels(cache);
    if let Some(pkg) = cache.get(target).filter(|p| p.has_versions()) {
        let installed = pkg.installed();
        let candidate = policy::candidate(&pkg, installed.as_ref());
        let shown = candidate.as_ref().or(installed.as_ref())?;
        return Some(record(cache, paths, &labels, &pkg, shown));
    }
    let (name, release) = target.split_once('/')?;
    let by_release = cache
        .get(name)
        .filter(|p| p.has_versions())
        .and_then(|pkg| {
            let version = pkg.versions().find(|v| in_release(v, release))?;
            Some(record(cache, paths, &labels, &pkg, &version))
        });
    if by_release.is_some() {
        return by_release;
    }
    let (label, name) = target.rsplit_once('/')?;
    let pkg = cache.get(name).filter(|p| p.has_versions())?;
    let version = pkg.versions().find(|v| {
        v.package_files().any(|file| {
            labels.get(file.index()).and_then(Option::as_deref) == Some(label)
                || [file.codename(), file.archive()]
                    .into_iter()
                    .flatten()
                    .any(|suite| suite == label)
        })
    })?;
    Some(record(cache, paths, &labels, &pkg, &version))
}

/// True when one of `version`'s repositories has archive or codename `release`.
fn in_release(version: &Version<'_>, release: &str) -> bool {
    version.package_files().any(|file| {
        file.index_type() != Some(crate::query::STATUS_INDEX)
            && [file.codename(), file.archive()]
                .into_iter()
                .flatten()
                .any(|suite| suite == release)
    })
}

/// The record of `shown`, a version of `pkg`.
fn record(
    cache: &Cache,
    paths: &Paths,
    labels: &[Option<String>],
    pkg: &rust_apt::Package<'_>,
    shown: &Version<'_>,
) -> Package {
    let installed = pkg.installed();
    let mut fields: BTreeMap<&str, String> = BTreeMap::new();
    let mut short = None;
    if let Some(file) = shown.version_files().next() {
        let record = file.lookup();
        for field in
            RELATION_FIELDS
                .iter()
                .map(|(f, _)| *f)
                .chain(["Homepage", "Maintainer", "Section"])
        {
            if let Some(value) = record.get_field(field.to_owned()) {
                fields.insert(field, value);
            }
        }
        short = record.short_desc();
    }
    let description = short
        .filter(|s| !s.trim().is_empty())
        .or_else(|| shown.summary())
        .map(|s| summary_line(&s))
        .unwrap_or_default();
    let mut relations: BTreeMap<RelationKind, Vec<String>> = RELATION_FIELDS
        .iter()
        .filter_map(|(field, kind)| Some((*kind, relations(fields.get(field)?))))
        .collect();
    if installed.is_some() {
        let (required_by, optional_for) = graph::reverse(cache, pkg);
        relations.insert(RelationKind::RequiredBy, required_by);
        relations.insert(RelationKind::OptionalFor, optional_for);
    }
    let text = |field: &str| {
        fields
            .get(field)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let candidate = policy::candidate(pkg, installed.as_ref());
    let installed_state = installed.as_ref().map(|current| Installed {
        version: current.version().to_owned(),
        reason: install_reason(AutoMarks::new(cache, &paths.extended_states).is_auto(pkg)),
        date: files::install_date(paths, pkg),
    });
    Package {
        name: pkg.fullname(true),
        version: shown.version().to_owned(),
        description,
        repository: repository_of(shown, labels),
        architecture: shown.arch().to_owned(),
        download_size: Some(shown.size()).filter(|s| *s > 0),
        installed_size: Some(shown.installed_size()).filter(|s| *s > 0),
        url: text("Homepage"),
        licenses: None,
        groups: None,
        packager: None,
        maintainer: text("Maintainer"),
        section: text("Section").or_else(|| shown.section().ok().map(str::to_owned)),
        build_date: None,
        validated_by: None,
        install_script: None,
        long_description: shown.description().and_then(|d| long_description(&d)),
        relations,
        versions: pkg
            .versions()
            .map(|v| VersionEntry {
                version: v.version().to_owned(),
                priority: v.priority(),
                installed: installed.as_ref().is_some_and(|i| i.index() == v.index()),
                candidate: candidate.as_ref().is_some_and(|c| c.index() == v.index()),
                sources: v
                    .package_files()
                    .map(|file| VersionSource {
                        priority: file.priority(),
                        index: file.index_file().describe(true),
                    })
                    .collect(),
            })
            .collect(),
        installed_optdepends: Vec::new(),
        installed: installed_state,
    }
}

/// The text of a Debian description after its summary line: the leading space of each
/// line removed, a line of `.` as an empty line. `None` when there is none.
pub(crate) fn long_description(description: &str) -> Option<String> {
    let lines: Vec<&str> = description
        .lines()
        .skip(1)
        .take(MAX_DESCRIPTION_LINES)
        .map(|line| {
            let line = line.strip_prefix(' ').unwrap_or(line);
            if line.trim() == "." {
                ""
            } else {
                line.trim_end()
            }
        })
        .collect();
    let text = lines.join("\n");
    let text = text.trim_matches('\n');
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::long_description;

    #[test]
    fn long_descriptions_lose_the_summary_and_the_dots() {
        assert_eq!(
            long_description("short\n first line\n .\n  indented\n"),
            Some("first line\n\n indented".to_owned())
        );
        assert_eq!(long_description("only a summary"), None);
        assert_eq!(long_description("s\n .\n"), None);
    }
}
