//! [`AlpmBackend`]: omg's [`PackageBackend`] over libalpm.

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    BackendInfo, Error, Fingerprint, InstalledSource, Package, PackageBackend, PackageSummary,
    Plan, ProgressSink, Result, Transaction, TransactionOutcome, VersionScheme,
};

use crate::config::{AlpmConfig, Resolved};
use crate::fingerprint::fingerprint;
use crate::worker::Worker;

/// omg's package backend for pacman systems (libalpm 16).
///
/// One dedicated thread owns the libalpm handle; the async methods queue work for it, so the
/// backend is `Send + Sync` and may be shared by many tasks (calls run one at a time).
/// Every sync database is read and checked by [`AlpmBackend::open`]. Signature levels in
/// `pacman.conf` are ignored: omg reads the databases pacman verified when it downloaded them.
/// Like pacman, libalpm creates an empty local database in a root that has none.
///
/// Transactions ([`PackageBackend::plan`], [`PackageBackend::commit`]) are not implemented
/// yet and return [`Error::Unsupported`].
#[derive(Debug)]
pub struct AlpmBackend {
    worker: Worker,
    config: Resolved,
}

impl AlpmBackend {
    /// Reads the configuration, opens libalpm on its own thread, registers the repositories
    /// in `pacman.conf` order, reads and checks every sync database and loads the local one.
    ///
    /// # Errors
    ///
    /// - [`Error::Config`] when `pacman.conf` (or a file it includes) is missing or invalid;
    /// - [`Error::MissingDatabase`] when a repository's `<dbpath>/sync/<repo>.db` is absent;
    /// - [`Error::CorruptDatabase`] when it is damaged (the rules are in the crate docs);
    /// - [`Error::Library`] when libalpm cannot open the root.
    ///
    /// The queries other than [`PackageBackend::packages`] make libalpm load the sync
    /// databases on first use, and fail with [`Error::CorruptDatabase`] if it finds one
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
        })
    }

    /// Repository names in `pacman.conf` order.
    pub fn repositories(&self) -> &[String] {
        &self.config.repos
    }

    fn unsupported() -> Error {
        Error::Unsupported {
            backend: "alpm".into(),
            operation: "transactions".into(),
        }
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

    /// Not implemented yet: returns [`Error::Unsupported`] (`transactions`).
    async fn plan(&self, _tx: &Transaction) -> Result<Plan> {
        Err(Self::unsupported())
    }

    /// Not implemented yet: returns [`Error::Unsupported`] (`transactions`).
    async fn commit(
        &self,
        _tx: &Transaction,
        _progress: Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome> {
        Err(Self::unsupported())
    }
}
