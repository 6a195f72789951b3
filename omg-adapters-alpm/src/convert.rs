//! libalpm packages as omg's [`PackageSummary`] and [`Package`].

use alpm::{AlpmList, Dep, PackageReason, Pkg};
use omg_ports::{InstallReason, Installed, Package, PackageSummary};

use crate::syncdb::IndexEntry;

/// The repository name omg shows for a package no sync database has.
pub(crate) const LOCAL: &str = "local";

/// The installed state of `local`, a package of the local database.
pub(crate) fn installed(local: &Pkg) -> Installed {
    Installed {
        version: local.version().as_str().to_string(),
        reason: match local.reason() {
            PackageReason::Explicit => InstallReason::Explicit,
            PackageReason::Depend => InstallReason::Dependency,
        },
        date: local.install_date(),
    }
}

/// The index line for `pkg` as found in `repository`.
pub(crate) fn summary(pkg: &Pkg, repository: &str, installed: Option<Installed>) -> PackageSummary {
    indexed(index_entry(pkg), repository, installed)
}

/// The index fields of `pkg` (the `alpm` crate panics on text that is not UTF-8).
pub(crate) fn index_entry(pkg: &Pkg) -> IndexEntry<'_> {
    IndexEntry {
        name: pkg.name(),
        version: pkg.version().as_str(),
        description: pkg.desc().unwrap_or_default(),
        architecture: pkg.arch().unwrap_or_default(),
        // Given beside it (`SyncIndex::collect_with`): libalpm has no lines to borrow.
        provides: "",
    }
}

/// The index line for `entry`, a package of the sync database `repository`.
pub(crate) fn indexed(
    entry: IndexEntry<'_>,
    repository: &str,
    installed: Option<Installed>,
) -> PackageSummary {
    PackageSummary {
        name: entry.name.to_string(),
        version: entry.version.to_string(),
        description: entry.description.to_string(),
        repository: repository.to_string(),
        architecture: entry.architecture.to_string(),
        installed,
        provides: Vec::new(),
    }
}

/// The full record of `pkg` as found in `repository` (`local` for an installed package no
/// repository has, which has no download size).
pub(crate) fn full(pkg: &Pkg, repository: &str, installed: Option<Installed>) -> Package {
    let download_size = if repository == LOCAL {
        None
    } else {
        u64::try_from(pkg.size()).ok()
    };
    Package {
        name: pkg.name().to_string(),
        version: pkg.version().as_str().to_string(),
        description: pkg.desc().unwrap_or_default().to_string(),
        repository: repository.to_string(),
        architecture: pkg.arch().unwrap_or_default().to_string(),
        download_size,
        installed_size: u64::try_from(pkg.isize()).ok(),
        url: pkg.url().filter(|u| !u.is_empty()).map(str::to_string),
        licenses: pkg.licenses().iter().map(str::to_string).collect(),
        depends: deps(pkg.depends()),
        optdepends: deps(pkg.optdepends()),
        provides: deps(pkg.provides()),
        conflicts: deps(pkg.conflicts()),
        replaces: deps(pkg.replaces()),
        installed,
    }
}

/// Dependencies as pacman prints them: `name`, `name>=1.2`, `name: why` for optdepends.
fn deps(list: AlpmList<&Dep>) -> Vec<String> {
    list.iter().map(|d| d.to_string()).collect()
}
