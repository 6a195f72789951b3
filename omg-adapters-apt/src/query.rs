//! Reads of an open libapt cache. Worker thread only: every function takes the `Cache`.

use std::collections::HashMap;
use std::path::PathBuf;

use omg_ports::{Installed, Package, PackageSummary};
use rust_apt::{Cache, PackageFile, Version};

use crate::convert::{install_reason, relations, repository_label, summary_line, LOCAL};
use crate::lists::{ListFile, ListKind};

/// libapt's `index_type` of a repository's `Packages` file.
const PACKAGES_INDEX: &str = "Debian Package Index";
/// libapt's `index_type` of dpkg's status file.
const STATUS_INDEX: &str = "Debian dpkg status file";
/// libapt's `index_type` of a `Translation-*` file.
const TRANSLATION_INDEX: &str = "Debian Translation Index";

/// Which packages a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Every package of the native architecture with a candidate or installed, and every
    /// installed package of another architecture.
    All,
    /// Installed packages.
    Installed,
    /// Installed packages whose candidate is newer (libapt's `is_upgradable`).
    Upgradable,
    /// Installed, automatically installed, and needed by nothing installed: what
    /// `apt-get autoremove` removes (libapt's mark-and-sweep garbage).
    Orphans,
}

/// One package of a listing, before its description is known.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The summary, with an empty description.
    pub(crate) summary: PackageSummary,
    /// The package name as the list files spell it (no `:arch`).
    pub(crate) list_name: String,
    /// `(version, architecture)` pairs whose description this entry takes, best first.
    pub(crate) versions: Vec<(String, String)>,
}

/// The list files the cache was built from that hold descriptions: the `Packages` files
/// (and `Translation-*` files) first, dpkg's status file last.
pub(crate) fn list_files(cache: &Cache) -> Vec<ListFile> {
    let mut files: Vec<ListFile> = cache
        .package_files()
        .filter_map(|file| {
            let kind = match file.index_type()? {
                PACKAGES_INDEX => ListKind::Packages,
                STATUS_INDEX => ListKind::Status,
                TRANSLATION_INDEX => ListKind::Translation,
                _ => return None,
            };
            Some(ListFile {
                path: PathBuf::from(file.filename()?),
                kind,
            })
        })
        .collect();
    // Stable order, translations after the Packages files they complete, status last.
    files.sort_by_key(|f| match f.kind {
        ListKind::Packages => 0,
        ListKind::Translation => 1,
        ListKind::Status => 2,
    });
    files.dedup();
    files
}

/// The status file the cache was built from.
pub(crate) fn status_files(cache: &Cache) -> Vec<ListFile> {
    list_files(cache)
        .into_iter()
        .filter(|f| f.kind == ListKind::Status)
        .collect()
}

/// The repository label of each package file, by its index in the cache; `None` for
/// files that are not a repository (dpkg's status).
fn labels(cache: &Cache) -> HashMap<usize, Option<String>> {
    cache
        .package_files()
        .map(|file| (file.index(), label(&file)))
        .collect()
}

fn label(file: &PackageFile<'_>) -> Option<String> {
    if file.index_type() == Some(STATUS_INDEX) {
        return None;
    }
    Some(repository_label(
        file.codename(),
        file.archive(),
        file.component(),
        file.site(),
    ))
}

/// The repository `version` comes from: the first of its files that is a repository,
/// `local` when dpkg's status file is the only one.
fn repository_of(version: &Version<'_>, labels: &HashMap<usize, Option<String>>) -> String {
    version
        .version_files()
        .find_map(|vf| labels.get(&vf.package_file().index()).cloned().flatten())
        .unwrap_or_else(|| LOCAL.to_owned())
}

/// The packages `filter` selects, each once, with its candidate version (the installed one
/// when it has no candidate), in libapt's order.
pub(crate) fn collect(cache: &Cache, native_arch: &str, filter: Filter) -> Vec<Entry> {
    let labels = labels(cache);
    let depcache = cache.depcache();
    let mut out = Vec::new();
    for pkg in cache.iter() {
        if !pkg.has_versions() {
            continue; // A virtual package.
        }
        let installed = pkg.installed();
        let keep = match filter {
            Filter::All => installed.is_some() || pkg.arch() == native_arch,
            Filter::Installed => installed.is_some(),
            Filter::Upgradable => installed.is_some() && depcache.is_upgradable(&pkg),
            Filter::Orphans => installed.is_some() && depcache.is_garbage(&pkg),
        };
        if !keep {
            continue;
        }
        let candidate = pkg.candidate();
        let Some(shown) = candidate.as_ref().or(installed.as_ref()) else {
            continue;
        };
        let mut versions = vec![(shown.version().to_owned(), shown.arch().to_owned())];
        let installed = installed.as_ref().map(|current| {
            if current.version() != shown.version() {
                versions.push((current.version().to_owned(), current.arch().to_owned()));
            }
            Installed {
                version: current.version().to_owned(),
                reason: install_reason(depcache.is_auto_installed(&pkg)),
                date: None,
            }
        });
        out.push(Entry {
            summary: PackageSummary {
                name: pkg.fullname(true),
                version: shown.version().to_owned(),
                description: String::new(),
                repository: repository_of(shown, &labels),
                architecture: shown.arch().to_owned(),
                installed,
            },
            list_name: pkg.name().to_owned(),
            versions,
        });
    }
    out
}

/// The full record of `name` (`name` or `name:arch`), from one record lookup of its
/// candidate version (the installed one when it has no candidate). `None` for a name the
/// cache does not know or a purely virtual package.
pub(crate) fn package(cache: &Cache, name: &str) -> Option<Package> {
    let pkg = cache.get(name)?;
    if !pkg.has_versions() {
        return None;
    }
    let installed = pkg.installed();
    let candidate = pkg.candidate();
    let shown = candidate.as_ref().or(installed.as_ref())?;
    let labels = labels(cache);

    let mut fields: HashMap<&str, String> = HashMap::new();
    let mut short = None;
    if let Some(file) = shown.version_files().next() {
        let record = file.lookup();
        for field in [
            "Pre-Depends",
            "Depends",
            "Recommends",
            "Suggests",
            "Provides",
            "Conflicts",
            "Breaks",
            "Replaces",
            "Homepage",
        ] {
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
    let list = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter_map(|n| fields.get(n))
            .flat_map(|v| relations(v))
            .collect()
    };
    let installed = installed.as_ref().map(|current| Installed {
        version: current.version().to_owned(),
        reason: install_reason(cache.depcache().is_auto_installed(&pkg)),
        date: None,
    });
    Some(Package {
        name: pkg.fullname(true),
        version: shown.version().to_owned(),
        description,
        repository: repository_of(shown, &labels),
        architecture: shown.arch().to_owned(),
        download_size: Some(shown.size()).filter(|s| *s > 0),
        installed_size: Some(shown.installed_size()).filter(|s| *s > 0),
        url: fields
            .get("Homepage")
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty()),
        licenses: Vec::new(),
        depends: list(&["Pre-Depends", "Depends"]),
        optdepends: list(&["Recommends", "Suggests"]),
        provides: list(&["Provides"]),
        conflicts: list(&["Conflicts", "Breaks"]),
        replaces: list(&["Replaces"]),
        installed,
    })
}
