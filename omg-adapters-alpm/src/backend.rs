//! [`AlpmBackend`]: omg's [`PackageBackend`] over libalpm.

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    BackendInfo, DependencyNode, Fingerprint, InstallReason, InstalledSource, Owner, Package,
    PackageBackend, PackageFiles, PackageSummary, Plan, ProgressSink, ReasonChange, Result,
    Transaction, TransactionOutcome, VersionScheme,
};

use crate::config::{AlpmConfig, Resolved};
use crate::fingerprint::fingerprint;
use crate::transaction::interrupt::Interrupt;
use crate::transaction::old_versions;
use crate::worker::Worker;

/// omg's package backend for pacman systems (libalpm 16).
///
/// One dedicated thread owns the libalpm handle; the async methods queue work for it, so the
/// backend is `Send + Sync` and may be shared by many tasks (calls run one at a time).
/// Every sync database is read and checked by [`AlpmBackend::open`]. Signature levels in
/// `pacman.conf` are ignored: omg reads the databases pacman verified when it downloaded them.
/// Like pacman, libalpm creates an empty local database in a root that has none.
///
/// Transactions ([`PackageBackend::plan`], [`PackageBackend::commit`]) run through libalpm on
/// the same thread, with a handle configured from all of `pacman.conf`; see the crate docs.
#[derive(Debug)]
pub struct AlpmBackend {
    worker: Worker,
    config: Resolved,
    interrupt: Arc<Interrupt>,
}

impl AlpmBackend {
    /// Reads the configuration, opens libalpm on its own thread, registers the repositories
    /// in `pacman.conf` order, reads and checks every sync database and loads the local one.
    ///
    /// # Errors
    ///
    /// - [`Error::Config`](omg_ports::Error::Config) when `pacman.conf` (or a file it includes) is missing or invalid;
    /// - [`Error::MissingDatabase`](omg_ports::Error::MissingDatabase) when a repository's `<dbpath>/sync/<repo>.db` is absent;
    /// - [`Error::CorruptDatabase`](omg_ports::Error::CorruptDatabase) when it is damaged (the rules are in the crate docs);
    /// - [`Error::Library`](omg_ports::Error::Library) when libalpm cannot open the root.
    ///
    /// The queries other than [`PackageBackend::packages`] make libalpm load the sync
    /// databases on first use, and fail with [`Error::CorruptDatabase`](omg_ports::Error::CorruptDatabase) if it finds one
    /// damaged then.
    pub fn open(config: AlpmConfig) -> Result<AlpmBackend> {
        let resolved = Resolved::load(&config)?;
        tracing::debug!(
            config = %resolved.config.display(),
            root = %resolved.root.display(),
            dbpath = %resolved.dbpath.display(),
            repos = ?resolved.repos,
            "opening libalpm"
        );
        let worker = Worker::spawn(resolved.clone())?;
        Ok(AlpmBackend {
            worker,
            config: resolved,
            interrupt: Arc::new(Interrupt::default()),
        })
    }

    /// Repository names in `pacman.conf` order.
    pub fn repositories(&self) -> &[String] {
        &self.config.repos
    }
}

#[async_trait]
impl PackageBackend for AlpmBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            name: "alpm".into(),
            root: self.config.root.display().to_string(),
            config: Some(self.config.config.display().to_string()),
            version_scheme: VersionScheme::Alpm,
        }
    }

    async fn packages(&self) -> Result<Vec<PackageSummary>> {
        self.worker.run(|s| s.packages()).await
    }

    async fn installed(&self) -> Result<Vec<PackageSummary>> {
        self.worker.run(|s| s.installed()).await?
    }

    /// Closes libalpm and drops what was read at open (the sync databases' index, the local
    /// database, what libalpm loaded since); the next query opens the root again.
    async fn release_caches(&self) {
        self.worker.release().await;
    }

    async fn package(&self, name: &str) -> Result<Option<Package>> {
        let name = name.to_string();
        self.worker.run(move |s| s.package(&name)).await?
    }

    async fn upgradable(&self) -> Result<Vec<PackageSummary>> {
        self.worker.run(|s| s.upgradable()).await?
    }

    async fn orphans(&self) -> Result<Vec<PackageSummary>> {
        self.worker.run(|s| s.orphans()).await?
    }

    /// Installed packages with their pkgbase as the source package.
    async fn installed_sources(&self) -> Result<Vec<InstalledSource>> {
        self.worker.run(|s| s.installed_sources()).await
    }

    /// Computed on the calling thread from file metadata; it does not wait for libalpm.
    async fn fingerprint(&self) -> Result<Fingerprint> {
        fingerprint(&self.config)
    }

    /// What `tx` would do, computed by libalpm without changing anything.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::NotFound`] (with suggestions) for an unknown name,
    /// [`omg_ports::Error::Unsatisfiable`], [`omg_ports::Error::Conflict`],
    /// [`omg_ports::Error::Locked`] / [`omg_ports::Error::StaleLock`] when the lock cannot be
    /// taken, [`omg_ports::Error::Library`] for the rest.
    async fn plan(&self, tx: &Transaction) -> Result<Plan> {
        let tx = tx.clone();
        self.worker.run_even_damaged(move |s| s.plan(&tx)).await?
    }

    /// Carries out `tx` through libalpm, reporting progress to `progress`; later reads see
    /// the new state.
    ///
    /// # Errors
    ///
    /// Those of [`PackageBackend::plan`], and [`omg_ports::Error::NeedsRoot`],
    /// [`omg_ports::Error::FileConflict`], [`omg_ports::Error::DiskSpace`],
    /// [`omg_ports::Error::CorruptPackage`], [`omg_ports::Error::Download`] and
    /// [`omg_ports::Error::Interrupted`] (after [`PackageBackend::interrupt`]).
    async fn commit(
        &self,
        tx: &Transaction,
        progress: Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome> {
        let tx = tx.clone();
        let interrupt = self.interrupt.clone();
        self.worker
            .run_even_damaged(move |s| s.commit(&tx, progress, interrupt))
            .await?
    }

    /// Asks the running commit to stop after the package it is changing (libalpm's
    /// `alpm_trans_interrupt`, applied on the worker thread). Before libalpm starts changing
    /// packages (downloads, checks) the request waits and stops it before the first one.
    fn interrupt(&self) -> bool {
        self.interrupt.request()
    }

    async fn dependency_graph(&self) -> Result<Vec<DependencyNode>> {
        self.worker.run(|s| s.dependency_graph()).await
    }

    /// Reads the local database only (works with a damaged sync database, like pacman -Ql).
    async fn files(&self, name: &str) -> Result<Option<PackageFiles>> {
        let name = name.to_string();
        self.worker.run_even_damaged(move |s| s.files(&name)).await
    }

    async fn owners(&self, path: &str) -> Result<Vec<Owner>> {
        let path = path.to_string();
        self.worker
            .run_even_damaged(move |s| s.owners(&path))
            .await?
    }

    /// A package file of that version in a `CacheDir` of pacman.conf, else `repo/name` from
    /// the first repository whose database has that version.
    async fn version_target(&self, name: &str, version: &str) -> Result<Option<String>> {
        let hostile = |s: &str| s.is_empty() || s.contains(['/', '\0']);
        if hostile(name) || hostile(version) {
            return Ok(None);
        }
        let cfg = &self.config;
        if let Some(path) =
            old_versions::cached_file(&cfg.cache_dirs, &cfg.architectures, name, version)?
        {
            return Ok(Some(path));
        }
        let (name, version) = (name.to_string(), version.to_string());
        self.worker
            .run(move |s| s.repository_with(&name, &version))
            .await?
    }

    /// libalpm's own resolution (`alpm_find_satisfier` over the local database,
    /// `alpm_find_dbs_satisfier` over the sync databases in pacman.conf's order).
    async fn satisfier(&self, dep: &str, installed: bool) -> Result<Option<String>> {
        if dep.is_empty() || dep.contains('\0') {
            return Ok(None);
        }
        let dep = dep.to_string();
        self.worker
            .run(move |s| s.satisfier(&dep, installed))
            .await?
    }

    /// Like `pacman -D`: one transaction (holding `db.lck`, waited for like a commit's)
    /// records the new reasons in the local database.
    async fn set_reason(
        &self,
        names: &[String],
        reason: InstallReason,
        dry_run: bool,
    ) -> Result<Vec<ReasonChange>> {
        let names = names.to_vec();
        self.worker
            .run_even_damaged(move |s| s.set_reason(&names, reason, dry_run))
            .await?
    }
}
