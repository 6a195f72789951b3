//! Reads of an open libapt cache. Worker thread only: every function takes the `Cache`.

use std::path::PathBuf;

use omg_ports::{Installed, PackageSummary};
use rust_apt::{Cache, PackageFile, Version};

use crate::config::Paths;
use crate::convert::{install_reason, repository_label, LOCAL};
use crate::lists::{ListFile, ListKind};
use crate::policy::{self, AutoMarks};

/// libapt's `index_type` of a repository's `Packages` file.
const PACKAGES_INDEX: &str = "Debian Package Index";
/// libapt's `index_type` of dpkg's status file.
pub(crate) const STATUS_INDEX: &str = "Debian dpkg status file";
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
    /// The length of the name the list files spell (`summary.name` without `:arch`).
    name_len: usize,
    /// The installed version's architecture, when the installed version is not the
    /// shown one: its description is the fallback.
    installed_arch: Option<String>,
}

impl Entry {
    /// The package name as the list files spell it (no `:arch`).
    pub(crate) fn list_name(&self) -> &str {
        let name = &self.summary.name;
        name.get(..self.name_len).unwrap_or(name)
    }

    /// `(version, architecture)` pairs whose description this entry takes, best first.
    pub(crate) fn versions(&self) -> impl Iterator<Item = (&str, &str)> {
        let shown = (
            self.summary.version.as_str(),
            self.summary.architecture.as_str(),
        );
        let installed = self
            .summary
            .installed
            .as_ref()
            .zip(self.installed_arch.as_ref())
            .map(|(i, arch)| (i.version.as_str(), arch.as_str()));
        std::iter::once(shown).chain(installed)
    }
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
pub(crate) fn labels(cache: &Cache) -> Vec<Option<String>> {
    let mut labels = Vec::new();
    for file in cache.package_files() {
        let index = file.index();
        if labels.len() <= index {
            labels.resize(index + 1, None);
        }
        if let Some(slot) = labels.get_mut(index) {
            *slot = label(&file);
        }
    }
    labels
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
pub(crate) fn repository_of(version: &Version<'_>, labels: &[Option<String>]) -> String {
    version
        .version_files()
        .find_map(|vf| labels.get(vf.package_file().index())?.clone())
        .unwrap_or_else(|| LOCAL.to_owned())
}

/// The packages `filter` selects, each once, with its candidate version (the installed one
/// when it has no candidate), sorted by name. Only [`Filter::Upgradable`] and
/// [`Filter::Orphans`] build libapt's DepCache.
pub(crate) fn collect(cache: &Cache, paths: &Paths, filter: Filter) -> Vec<Entry> {
    let started = std::time::Instant::now();
    let labels = labels(cache);
    let auto = AutoMarks::new(cache, &paths.extended_states);
    let native = paths.architecture.as_str();
    let mut out = Vec::new();
    for pkg in cache.iter() {
        if !pkg.has_versions() {
            continue; // A virtual package.
        }
        let installed = pkg.installed();
        let keep = match filter {
            Filter::All => installed.is_some() || pkg.arch() == native,
            Filter::Installed => installed.is_some(),
            Filter::Upgradable => installed.is_some() && cache.depcache().is_upgradable(&pkg),
            Filter::Orphans => installed.is_some() && cache.depcache().is_garbage(&pkg),
        };
        if !keep {
            continue;
        }
        let candidate = policy::candidate(&pkg, installed.as_ref());
        let Some(shown) = candidate.as_ref().or(installed.as_ref()) else {
            continue;
        };
        let installed_arch = installed
            .as_ref()
            .filter(|current| current.version() != shown.version())
            .map(|current| current.arch().to_owned());
        let name = pkg.name();
        out.push(Entry {
            summary: PackageSummary {
                name: full_name(name, pkg.arch(), native),
                version: shown.version().to_owned(),
                description: String::new(),
                repository: repository_of(shown, &labels),
                architecture: shown.arch().to_owned(),
                installed: installed
                    .as_ref()
                    .map(|current| Box::new(installed_state(current, &pkg, &auto))),
                provides: Vec::new(),
            },
            name_len: name.len(),
            installed_arch,
        });
    }
    let out = sorted_by_name(out);
    tracing::debug!(
        ?filter,
        count = out.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "walked the apt cache"
    );
    out
}

/// `entries` sorted by name. Sorting their indexes moves a word per swap instead of a
/// whole entry.
fn sorted_by_name(entries: Vec<Entry>) -> Vec<Entry> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let name = |i: usize| entries.get(i).map(|e| e.summary.name.as_str());
        name(a).cmp(&name(b))
    });
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// libapt's pretty full name (`PkgIterator::FullName(true)`): the name alone for the
/// native architecture and `all`, else `name:arch`.
pub(crate) fn full_name(name: &str, arch: &str, native: &str) -> String {
    if arch == "all" || arch == native {
        name.to_owned()
    } else {
        let mut full = String::with_capacity(name.len() + 1 + arch.len());
        full.push_str(name);
        full.push(':');
        full.push_str(arch);
        full
    }
}

fn installed_state(
    current: &Version<'_>,
    pkg: &rust_apt::Package<'_>,
    auto: &AutoMarks<'_>,
) -> Installed {
    Installed {
        version: current.version().to_owned(),
        reason: install_reason(auto.is_auto(pkg)),
        date: None,
    }
}
