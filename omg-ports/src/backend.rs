//! The `PackageBackend` port: everything omg needs from a distribution's package library.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{
    DependencyNode, Fingerprint, InstallReason, InstalledSource, Owner, Package, PackageFiles,
    PackageSummary, Plan, ProgressSink, ReasonChange, Result, Transaction, TransactionOutcome,
};

/// How a backend's version strings are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "lowercase")]
pub enum VersionScheme {
    /// pacman's `vercmp`: `epoch:pkgver-pkgrel`.
    Alpm,
    /// dpkg's ordering: `epoch:upstream-revision`, `~` before everything.
    Dpkg,
}

/// Which configuration a backend serves; two equal descriptions give equal answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct BackendInfo {
    /// Short name: `alpm`, `apt`, or a custom backend's.
    pub name: String,
    /// The root directory packages are installed into.
    pub root: String,
    /// The configuration file it read (pacman.conf, apt.conf), if any.
    pub config: Option<String>,
    /// How its versions are ordered.
    pub version_scheme: VersionScheme,
}

/// A distribution's package database and package manager.
///
/// Implemented by `omg-adapters-alpm` (libalpm), `omg-adapters-apt` (libapt-pkg), and by
/// embedders for other systems. Reads must be safe to call concurrently from many tasks; an
/// adapter whose library is not thread-safe serialises calls internally.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PackageBackend: Send + Sync {
    /// Which backend and configuration this is.
    fn info(&self) -> BackendInfo;

    /// Every package the repositories offer, plus installed packages no repository has:
    /// the input of the search index, each with the names it provides. One entry per name
    /// and repository, repositories in the backend's order of preference: a name two
    /// repositories have is two entries (`pacman -Sl`); a backend that picks one candidate
    /// version among its repositories (apt) gives one entry per name, the candidate's.
    /// Whatever takes one package by name takes the first entry.
    async fn packages(&self) -> Result<Vec<PackageSummary>>;

    /// Installed packages.
    async fn installed(&self) -> Result<Vec<PackageSummary>>;

    /// The full record of `name`, or `None` when no repository and no installed package has
    /// it. The available version is preferred; `installed` carries the installed version.
    ///
    /// `name` may name where to take it from, in the forms the backend's package manager
    /// accepts: `repository/name` (pacman: `extra/nano`; apt: omg's repository label such as
    /// `bookworm/main/nano`) and, on apt, `name/release` (`nano/bookworm`, like
    /// `apt-get install nano/bookworm`). `None` when that repository does not have it.
    async fn package(&self, name: &str) -> Result<Option<Package>>;

    /// Installed packages whose candidate version is newer than the installed one.
    async fn upgradable(&self) -> Result<Vec<PackageSummary>>;

    /// Packages installed as dependencies that no installed package needs any more.
    async fn orphans(&self) -> Result<Vec<PackageSummary>>;

    /// Stamps of the database files, to tell cheaply whether anything changed.
    async fn fingerprint(&self) -> Result<Fingerprint>;

    /// What `tx` would do, without changing anything. Backends without transactions return
    /// [`crate::Error::Unsupported`].
    async fn plan(&self, tx: &Transaction) -> Result<Plan>;

    /// Carry out `tx`, reporting progress to `progress`. Backends without transactions return
    /// [`crate::Error::Unsupported`].
    async fn commit(
        &self,
        tx: &Transaction,
        progress: std::sync::Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome>;

    /// Ask a running [`commit`](Self::commit) to stop at the library's next safe point (the
    /// Ctrl-C path). Returns false when nothing was running or the backend cannot interrupt.
    fn interrupt(&self) -> bool {
        false
    }

    /// Let go of what the backend can rebuild when next needed (an open library cache, its
    /// mapped files): a long-lived process such as omgd calls it when it goes idle. The
    /// default does nothing.
    async fn release_caches(&self) {}

    /// Every installed package with the installed packages that satisfy its dependencies,
    /// for `omg why`. Backends that cannot tell return [`crate::Error::Unsupported`].
    async fn dependency_graph(&self) -> Result<Vec<DependencyNode>> {
        Err(crate::Error::Unsupported {
            backend: self.info().name,
            operation: "dependency graph".into(),
        })
    }

    /// Installed packages with the source packages they were built from, for `omg audit`
    /// (trackers name source packages). The default takes each package as its own source,
    /// at its own version, from [`installed`](Self::installed).
    async fn installed_sources(&self) -> Result<Vec<InstalledSource>> {
        Ok(self
            .installed()
            .await?
            .into_iter()
            .filter_map(|p| {
                let version = p.installed?.version;
                Some(InstalledSource {
                    source: p.name.clone(),
                    source_version: version.clone(),
                    name: p.name,
                    version,
                })
            })
            .collect())
    }

    /// The files the installed package `name` owns (`pacman -Ql`, `dpkg -L`), or `None` when
    /// no package of that name is installed. Backends that cannot tell return
    /// [`crate::Error::Unsupported`].
    async fn files(&self, name: &str) -> Result<Option<PackageFiles>> {
        let _ = name;
        Err(crate::Error::Unsupported {
            backend: self.info().name,
            operation: "listing a package's files".into(),
        })
    }

    /// The installed packages that own `path` (`pacman -Qo`, `dpkg -S`): an absolute path on
    /// this machine, under the backend's root. Empty when no package owns it. A relative
    /// path is the backend's peer's to read: relative to the current directory (pacman), or
    /// a search pattern (dpkg -S; also wildcards), each [`Owner`] then naming the path it
    /// found. Backends that cannot tell return [`crate::Error::Unsupported`].
    async fn owners(&self, path: &str) -> Result<Vec<Owner>> {
        let _ = path;
        Err(crate::Error::Unsupported {
            backend: self.info().name,
            operation: "finding the owner of a file".into(),
        })
    }

    /// A target that [`Transaction::Install`] accepts to install `name` at exactly
    /// `version`, for undoing and redoing a recorded transaction: the path of a package
    /// file of that version in the backend's package cache (the alpm adapter reads
    /// pacman.conf's `CacheDir`, the apt adapter `/var/cache/apt/archives`), or a name a
    /// repository that still offers that version resolves (`repository/name` on alpm,
    /// `name=version` on apt). `None` when neither has it. The default, for backends that
    /// keep no old versions, is `None`.
    async fn version_target(&self, name: &str, version: &str) -> Result<Option<String>> {
        let _ = (name, version);
        Ok(None)
    }

    /// The name of the package that satisfies the dependency `dep` (`name`, `name>=1.2`, a
    /// provided name, pacman's syntax): among the installed packages when `installed`, else
    /// in the repositories (the first database that has one, as pacman resolves). `None`
    /// when none does. For planning builds from sources outside the repositories (the AUR).
    /// Backends that cannot answer return [`crate::Error::Unsupported`].
    async fn satisfier(&self, dep: &str, installed: bool) -> Result<Option<String>> {
        let _ = (dep, installed);
        Err(crate::Error::Unsupported {
            backend: self.info().name,
            operation: "resolving dependencies by name".into(),
        })
    }

    /// Record `reason` as why each of the installed packages `names` is installed
    /// (`pacman -D --asexplicit/--asdeps`, `apt-mark manual/auto`), all or none: a name
    /// that is not installed fails with [`crate::Error::NotFound`] before anything changes.
    /// With `dry_run`, only say what would change. Needs the rights to write the package
    /// database ([`crate::Error::NeedsRoot`] otherwise). Backends that cannot return
    /// [`crate::Error::Unsupported`].
    async fn set_reason(
        &self,
        names: &[String],
        reason: InstallReason,
        dry_run: bool,
    ) -> Result<Vec<ReasonChange>> {
        let _ = (names, reason, dry_run);
        Err(crate::Error::Unsupported {
            backend: self.info().name,
            operation: "changing install reasons".into(),
        })
    }
}
