//! The read operations of the backend, on the worker thread's [`Session`].
//!
//! Results come in database order: sync databases in `pacman.conf` order, each sorted by name
//! as libalpm keeps it, then the local database (sorted by name).

use alpm::{Db, Package as AlpmPackage, PackageReason};
use omg_ports::{Package, PackageSummary};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::convert::{self, LOCAL};
use crate::session::Session;

impl Session {
    /// Every sync package (the first repository wins per name, like pacman), then installed
    /// packages no repository has.
    pub fn packages(&self) -> Vec<PackageSummary> {
        let local: FxHashMap<&str, &AlpmPackage> = self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|p| (p.name(), p))
            .collect();
        let dbs = self.alpm.syncdbs();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut out = Vec::new();
        for (i, db) in dbs.iter().enumerate() {
            let repository = db.name();
            for pkg in db.pkgs() {
                let name = pkg.name();
                // With one repository every name is new; only later ones need the check.
                if i > 0 && seen.contains(name) {
                    continue;
                }
                if dbs.len() > 1 {
                    seen.insert(name);
                }
                let installed = local.get(name).map(|l| convert::installed(l));
                out.push(convert::summary_named(name, pkg, repository, installed));
            }
        }
        for pkg in self.alpm.localdb().pkgs() {
            let name = pkg.name();
            let in_sync = if dbs.len() > 1 {
                seen.contains(name)
            } else {
                dbs.iter().any(|db| db.pkg(name).is_ok())
            };
            if !in_sync {
                out.push(convert::summary(pkg, LOCAL, Some(convert::installed(pkg))));
            }
        }
        out
    }

    /// Installed packages at their installed version; the repository is the first sync
    /// database with that name, else `local`.
    pub fn installed(&self) -> Vec<PackageSummary> {
        let dbs = self.sync_dbs();
        self.alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|pkg| self.installed_summary(&dbs, pkg))
            .collect()
    }

    /// The full record of exactly `name`: from the first sync database that has it, else
    /// from the local database.
    pub fn package(&self, name: &str) -> Option<Package> {
        if name.is_empty() || name.contains('\0') {
            return None;
        }
        let local = self.alpm.localdb().pkg(name).ok();
        let installed = local.map(|l| convert::installed(l));
        match first_sync(&self.sync_dbs(), name) {
            Some((db, pkg)) => Some(convert::full(pkg, db.name(), installed)),
            None => local.map(|l| convert::full(l, LOCAL, installed)),
        }
    }

    /// Installed packages whose version in the first sync database with their name is newer
    /// (by `vercmp`), like `pacman -Qu`: `version` is the new one, `installed` the old one.
    pub fn upgradable(&self) -> Vec<PackageSummary> {
        let dbs = self.sync_dbs();
        self.alpm
            .localdb()
            .pkgs()
            .iter()
            .filter_map(|local| {
                let (db, sync) = first_sync(&dbs, local.name())?;
                (sync.version().vercmp(local.version()) == std::cmp::Ordering::Greater)
                    .then(|| convert::summary(sync, db.name(), Some(convert::installed(local))))
            })
            .collect()
    }

    /// Like `pacman -Qdt`: installed as a dependency, and neither required nor optionally
    /// required by any installed package. Entries are as in [`Session::installed`].
    pub fn orphans(&self) -> Vec<PackageSummary> {
        let dbs = self.sync_dbs();
        self.alpm
            .localdb()
            .pkgs()
            .iter()
            .filter(|pkg| {
                pkg.reason() == PackageReason::Depend
                    && pkg.required_by().is_empty()
                    && pkg.optional_for().is_empty()
            })
            .map(|pkg| self.installed_summary(&dbs, pkg))
            .collect()
    }

    fn sync_dbs(&self) -> Vec<&Db> {
        self.alpm.syncdbs().iter().collect()
    }

    fn installed_summary(&self, dbs: &[&Db], pkg: &AlpmPackage) -> PackageSummary {
        let repository = first_sync(dbs, pkg.name()).map_or(LOCAL, |(db, _)| db.name());
        convert::summary(pkg, repository, Some(convert::installed(pkg)))
    }
}

/// The first sync database that has a package called exactly `name`, and that package.
fn first_sync<'a>(dbs: &[&'a Db], name: &str) -> Option<(&'a Db, &'a AlpmPackage)> {
    dbs.iter()
        .find_map(|db| db.pkg(name).ok().map(|p| (*db, p)))
}
