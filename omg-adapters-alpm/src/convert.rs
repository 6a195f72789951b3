//! libalpm packages as omg's [`PackageSummary`] and [`Package`].

use std::collections::BTreeMap;

use alpm::{AlpmList, Db, Dep, PackageReason, PackageValidation, Pkg};
use omg_ports::{InstallReason, Installed, Package, PackageSummary, RelationKind, Validation};

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
        installed: installed.map(Box::new),
        provides: Vec::new(),
    }
}

/// The full record of `pkg` as found in `repository` (`local` for an installed package no
/// repository has, which has no download size), with the installed state of `local`, the
/// same package in the local database, when it is installed (and `localdb`, which tells the
/// optional dependencies that are installed): pacman -Si's fields and, for
/// an installed package, -Qi's (install date, reason and script, required by, optional for).
pub(crate) fn full(pkg: &Pkg, repository: &str, local: Option<&Pkg>, localdb: &Db) -> Package {
    let download_size = if repository == LOCAL {
        None
    } else {
        u64::try_from(pkg.size()).ok()
    };
    let mut relations = BTreeMap::new();
    relations.insert(RelationKind::Provides, deps(pkg.provides()));
    relations.insert(RelationKind::Depends, deps(pkg.depends()));
    relations.insert(RelationKind::OptDepends, deps(pkg.optdepends()));
    let installed_optdepends = pkg
        .optdepends()
        .iter()
        .filter(|d| localdb.pkgs().find_satisfier(d.name()).is_some())
        .map(|d| d.to_string())
        .collect();
    relations.insert(RelationKind::Conflicts, deps(pkg.conflicts()));
    relations.insert(RelationKind::Replaces, deps(pkg.replaces()));
    if let Some(local) = local {
        relations.insert(
            RelationKind::RequiredBy,
            local.required_by().iter().map(str::to_string).collect(),
        );
        relations.insert(
            RelationKind::OptionalFor,
            local.optional_for().iter().map(str::to_string).collect(),
        );
    }
    Package {
        name: pkg.name().to_string(),
        version: pkg.version().as_str().to_string(),
        description: pkg.desc().unwrap_or_default().to_string(),
        repository: repository.to_string(),
        architecture: pkg.arch().unwrap_or_default().to_string(),
        download_size,
        installed_size: u64::try_from(pkg.isize()).ok(),
        url: pkg.url().filter(|u| !u.is_empty()).map(str::to_string),
        licenses: Some(strings(pkg.licenses())),
        groups: Some(strings(pkg.groups())),
        packager: Some(pkg.packager().unwrap_or_default().to_string()),
        maintainer: None,
        section: None,
        build_date: Some(pkg.build_date()),
        validated_by: validation(pkg.validation()),
        install_script: local.map(Pkg::has_scriptlet),
        long_description: None,
        relations,
        versions: Vec::new(),
        installed_optdepends,
        installed: local.map(installed),
    }
}

/// pacman's `Validated By`: `None` when libalpm does not know (`Unknown`), empty for none.
fn validation(v: PackageValidation) -> Option<Vec<Validation>> {
    if v.is_empty() {
        return None;
    }
    Some(
        [
            (PackageValidation::MD5SUM, Validation::Md5),
            (PackageValidation::SHA256SUM, Validation::Sha256),
            (PackageValidation::SIGNATURE, Validation::Signature),
        ]
        .into_iter()
        .filter(|(flag, _)| v.contains(*flag))
        .map(|(_, kind)| kind)
        .collect(),
    )
}

fn strings(list: AlpmList<&str>) -> Vec<String> {
    list.iter().map(str::to_string).collect()
}

/// Dependencies as pacman prints them: `name`, `name>=1.2`, `name: why` for optdepends.
fn deps(list: AlpmList<&Dep>) -> Vec<String> {
    list.iter().map(|d| d.to_string()).collect()
}
