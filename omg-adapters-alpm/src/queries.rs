//! The read operations of the backend, on the worker thread's [`Session`].
//!
//! Results come in database order: sync databases in `pacman.conf` order, each sorted by name
//! as libalpm keeps it, then the local database (sorted by name). Queries other than
//! [`Session::packages`] read the sync databases through libalpm, and fail when libalpm
//! finds one damaged.

use alpm::{Db, Package as AlpmPackage, PackageReason};
use omg_ports::{Package, PackageSummary, Result};
use rustc_hash::FxHashMap;

use crate::convert::{self, LOCAL};
use crate::session::Session;

impl Session {
    /// Every sync package, once per repository that has it (like `pacman -Ss` and
    /// `pacman -Sl`: glibc in core and in chaotic is two entries, in `pacman.conf` order),
    /// then installed packages no repository has. Each carries the names it provides. Sync
    /// packages come from the indexes read at open; libalpm does not load the sync
    /// databases for this.
    pub fn packages(&self) -> Vec<PackageSummary> {
        let local: FxHashMap<&str, &AlpmPackage> = self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|p| (p.name(), p))
            .collect();
        let repos = &self.repos;
        let total = repos.iter().map(|r| r.index.len()).sum::<usize>() + local.len();
        let mut out = Vec::with_capacity(total);
        for repo in repos {
            for entry in repo.index.iter() {
                let installed = local.get(entry.name).map(|l| convert::installed(l));
                let mut summary = convert::indexed(entry, &repo.name, installed);
                summary.provides = entry.provided_names();
                out.push(summary);
            }
        }
        for pkg in self.alpm.localdb().pkgs() {
            let name = pkg.name();
            if !repos.iter().any(|r| r.index.contains(name)) {
                let mut summary = convert::summary(pkg, LOCAL, Some(convert::installed(pkg)));
                summary.provides = pkg
                    .provides()
                    .iter()
                    .map(|d| d.name().to_string())
                    .collect();
                out.push(summary);
            }
        }
        out
    }

    /// Installed packages at their installed version; the repository is the first sync
    /// database with that name, else `local`.
    pub fn installed(&self) -> Result<Vec<PackageSummary>> {
        let dbs = self.sync_dbs()?;
        Ok(self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|pkg| installed_summary(&dbs, pkg))
            .collect())
    }

    /// The full record of exactly `name`: from the first sync database that has it, else
    /// from the local database. `repo/name` takes it from that sync database only (`local/name`
    /// from the local database), like `pacman -Si repo/name`.
    pub fn package(&self, name: &str) -> Result<Option<Package>> {
        if name.is_empty() || name.contains('\0') {
            return Ok(None);
        }
        let dbs = self.sync_dbs()?;
        let (repo, name) = match name.split_once('/') {
            Some((repo, name)) => (Some(repo), name),
            None => (None, name),
        };
        if name.is_empty() || name.contains('/') {
            return Ok(None);
        }
        let local: Option<&alpm::Pkg> = self.alpm.localdb().pkg(name).ok().map(|p| p.as_ref());
        let found = match repo {
            None => first_sync(&dbs, name),
            Some(LOCAL) => None,
            Some(repo) => dbs
                .iter()
                .find(|db| db.name() == repo)
                .and_then(|db| db.pkg(name).ok().map(|p| (*db, p))),
        };
        Ok(match (found, repo) {
            (Some((db, pkg)), _) => Some(convert::full(pkg, db.name(), local, self.alpm.localdb())),
            (None, None | Some(LOCAL)) => {
                local.map(|l| convert::full(l, LOCAL, Some(l), self.alpm.localdb()))
            }
            (None, Some(_)) => None,
        })
    }

    /// Installed packages whose version in the first sync database with their name is newer
    /// (by `vercmp`), like `pacman -Qu`: `version` is the new one, `installed` the old one.
    pub fn upgradable(&self) -> Result<Vec<PackageSummary>> {
        let dbs = self.sync_dbs()?;
        Ok(self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .filter_map(|local| {
                let (db, sync) = first_sync(&dbs, local.name())?;
                (sync.version().vercmp(local.version()) == std::cmp::Ordering::Greater)
                    .then(|| convert::summary(sync, db.name(), Some(convert::installed(local))))
            })
            .collect())
    }

    /// Like `pacman -Qdt`: installed as a dependency, and neither required nor optionally
    /// required by any installed package. Entries are as in [`Session::installed`].
    pub fn orphans(&self) -> Result<Vec<PackageSummary>> {
        let dbs = self.sync_dbs()?;
        Ok(self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .filter(|pkg| {
                pkg.reason() == PackageReason::Depend
                    && pkg.required_by().is_empty()
                    && pkg.optional_for().is_empty()
            })
            .map(|pkg| installed_summary(&dbs, pkg))
            .collect())
    }
}

/// `pkg`, installed, as found in the first sync database that has its name (else `local`).
fn installed_summary(dbs: &[&Db], pkg: &AlpmPackage) -> PackageSummary {
    let repository = first_sync(dbs, pkg.name()).map_or(LOCAL, |(db, _)| db.name());
    convert::summary(pkg, repository, Some(convert::installed(pkg)))
}

/// The first sync database that has a package called exactly `name`, and that package.
fn first_sync<'a>(dbs: &[&'a Db], name: &str) -> Option<(&'a Db, &'a AlpmPackage)> {
    dbs.iter()
        .find_map(|db| db.pkg(name).ok().map(|p| (*db, p)))
}
