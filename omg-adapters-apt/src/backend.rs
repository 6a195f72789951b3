//! [`AptBackend`]: omg's [`PackageBackend`] over libapt-pkg.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use omg_ports::{
    BackendInfo, Error, Fingerprint, InstalledSource, Package, PackageBackend, PackageSummary,
    Plan, ProgressSink, Result, Transaction, TransactionOutcome, VersionScheme,
};

use crate::binary_cache::CacheDir;
use crate::config::{AptConfig, Paths};
use crate::error::{gone, BACKEND};
use crate::lists::{self, Descriptions, ListFile};
use crate::query::{self, Entry, Filter};
use crate::{fingerprint, sources, worker};

/// omg's package backend for Debian and Ubuntu, over libapt-pkg.
///
/// Cheap to create and to clone into tasks (through `Arc`): every instance shares the one
/// process-wide libapt worker thread, which keeps the cache of the configuration it served
/// last. Calls from any number of threads and tasks are safe; they are answered one at a
/// time, and a call for another [`AptConfig`] than the previous one reloads libapt's
/// configuration and cache first: milliseconds when libapt maps its binary cache (see
/// [`CacheDir`]), about half a second for a Debian archive when it must parse the lists.
///
/// Reads only: [`PackageBackend::plan`] and [`PackageBackend::commit`] return
/// [`Error::Unsupported`] for now.
#[derive(Debug, Clone)]
pub struct AptBackend {
    config: AptConfig,
    cache_dir: CacheDir,
    paths: Paths,
    info: BackendInfo,
}

impl AptBackend {
    /// A backend reading `config`.
    ///
    /// Loads the configuration into libapt to check it, without opening the cache (the
    /// first query does). Blocks the calling thread while the worker does so.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file when the apt.conf or the root does not exist or
    /// libapt rejects the configuration; [`Error::BackendGone`] when the worker thread is
    /// gone.
    pub fn open(config: AptConfig) -> Result<AptBackend> {
        let for_worker = config.clone();
        let paths = worker::call_blocking(move |state| state.paths(&for_worker).cloned())??;
        let info = BackendInfo {
            name: BACKEND.to_owned(),
            root: config.root_display(),
            config: config.config.as_ref().map(|c| c.display().to_string()),
            version_scheme: VersionScheme::Dpkg,
        };
        Ok(AptBackend {
            config,
            cache_dir: CacheDir::default(),
            paths,
            info,
        })
    }

    /// The same backend, with libapt's binary cache kept in `cache_dir` from the next
    /// time the cache is opened ([`CacheDir::User`] unless set).
    pub fn with_cache_dir(mut self, cache_dir: CacheDir) -> AptBackend {
        self.cache_dir = cache_dir;
        self
    }

    /// The configuration this backend reads.
    pub fn config(&self) -> &AptConfig {
        &self.config
    }

    /// Where libapt's binary cache is kept.
    pub fn cache_dir(&self) -> &CacheDir {
        &self.cache_dir
    }

    /// The packages `filter` selects, sorted by name, with descriptions streamed from the
    /// list files (all of them for [`Filter::All`], only dpkg's status file otherwise).
    ///
    /// The worker sends the list of files as soon as the cache is open, so the lists are
    /// streamed on another thread while the worker walks the cache.
    async fn summaries(&self, filter: Filter) -> Result<Vec<PackageSummary>> {
        let started = Instant::now();
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let (files_tx, files_rx) = tokio::sync::oneshot::channel::<Vec<ListFile>>();
        let entries_rx = worker::submit(move |state| -> Result<Vec<Entry>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            let files = match filter {
                Filter::All => query::list_files(cache),
                _ => query::status_files(cache),
            };
            let _ = files_tx.send(files);
            Ok(query::collect(cache, paths, filter))
        })?;
        let files = match files_rx.await {
            Ok(files) => files,
            // The job ended before sending files: its result says why.
            Err(_) => {
                return match entries_rx.await {
                    Ok(Err(e)) => Err(e),
                    _ => Err(gone()),
                }
            }
        };
        let descriptions_rx = read_descriptions_elsewhere(files);
        let entries = entries_rx.await.map_err(|_| gone())??;
        let descriptions = descriptions_rx.await.map_err(|_| gone())??;
        let summaries = describe(entries, &descriptions);
        tracing::debug!(
            ?filter,
            count = summaries.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "listed apt packages"
        );
        Ok(summaries)
    }
}

/// Streams `files` on a thread of its own (on this one if no thread can be started); the
/// receiver yields the descriptions.
fn read_descriptions_elsewhere(
    files: Vec<ListFile>,
) -> tokio::sync::oneshot::Receiver<Result<Descriptions>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let for_thread = files.clone();
    let spawned = std::thread::Builder::new()
        .name("omg-apt-lists".to_owned())
        .spawn(move || {
            let _ = tx.send(lists::read_descriptions(&for_thread));
        });
    match spawned {
        Ok(_) => rx,
        Err(e) => {
            tracing::warn!(error = %e, "no thread to read the apt lists: reading them here");
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = tx.send(lists::read_descriptions(&files));
            rx
        }
    }
}

/// Fills each entry's description; the entries come sorted by name.
fn describe(entries: Vec<Entry>, descriptions: &Descriptions) -> Vec<PackageSummary> {
    let mut key = String::new();
    let mut missing = 0usize;
    let out: Vec<PackageSummary> = entries
        .into_iter()
        .map(|entry| {
            let found = entry.versions().find_map(|(version, arch)| {
                descriptions.summary(&mut key, entry.list_name(), version, arch)
            });
            let mut summary = entry.summary;
            match found {
                Some(text) => summary.description = text.to_owned(),
                None => missing += 1,
            }
            summary
        })
        .collect();
    if missing > 0 {
        tracing::debug!(
            missing,
            known = descriptions.len(),
            "packages without a description in the list files"
        );
    }
    out
}

#[async_trait]
impl PackageBackend for AptBackend {
    /// `apt`, the root (`/` unless one was given), the apt.conf given, and dpkg's version
    /// ordering.
    fn info(&self) -> BackendInfo {
        self.info.clone()
    }

    /// One summary per package name of the native architecture that has a candidate
    /// version or is installed, plus installed packages of other architectures (named
    /// `name:arch`), sorted by name. `version` is the candidate, `repository` the candidate's
    /// `<codename>/<component>` (`local` when only dpkg's status has it), `architecture`
    /// the candidate's (`amd64`, `all`), and the description the summary line, streamed
    /// from the list files the cache was built from.
    async fn packages(&self) -> Result<Vec<PackageSummary>> {
        self.summaries(Filter::All).await
    }

    /// Installed packages of every architecture, as [`Self::packages`] shows them; the
    /// description is the installed version's, from dpkg's status file.
    async fn installed(&self) -> Result<Vec<PackageSummary>> {
        self.summaries(Filter::Installed).await
    }

    /// The full record of `name` (`name` or `name:arch`) from one libapt record lookup:
    /// relationships in apt's syntax (`Depends` includes `Pre-Depends`, `optdepends` is
    /// `Recommends` then `Suggests`, `conflicts` is `Conflicts` then `Breaks`), sizes in
    /// bytes, no licenses (apt has none). `None` for an unknown or purely virtual name.
    async fn package(&self, name: &str) -> Result<Option<Package>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let name = name.to_owned();
        worker::call(move |state| -> Result<Option<Package>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            Ok(query::package(cache, paths, &name))
        })
        .await?
    }

    /// Installed packages libapt can upgrade: `version` is the candidate,
    /// `installed.version` the installed one.
    async fn upgradable(&self) -> Result<Vec<PackageSummary>> {
        self.summaries(Filter::Upgradable).await
    }

    /// What `apt-get autoremove` would remove: installed, marked automatic, and needed by
    /// nothing installed (libapt's mark and sweep, honouring `APT::NeverAutoRemove`).
    async fn orphans(&self) -> Result<Vec<PackageSummary>> {
        self.summaries(Filter::Orphans).await
    }

    /// Installed packages with their source packages (dpkg's `Source:`), from libapt's cache.
    async fn installed_sources(&self) -> Result<Vec<InstalledSource>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        worker::call(move |state| -> Result<Vec<InstalledSource>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            Ok(sources::installed_sources(cache, &paths.architecture))
        })
        .await?
    }

    /// Stamps of dpkg's status, `extended_states`, the lists directory and its files,
    /// and the sources and preferences files, all where this configuration puts them. Only
    /// `stat` calls, on the calling thread.
    async fn fingerprint(&self) -> Result<Fingerprint> {
        Ok(fingerprint::stamps(&self.paths))
    }

    /// Not supported yet: always [`Error::Unsupported`].
    async fn plan(&self, _tx: &Transaction) -> Result<Plan> {
        Err(unsupported())
    }

    /// Not supported yet: always [`Error::Unsupported`].
    async fn commit(
        &self,
        _tx: &Transaction,
        _progress: Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome> {
        Err(unsupported())
    }
}

fn unsupported() -> Error {
    Error::Unsupported {
        backend: BACKEND.to_owned(),
        operation: "transactions".to_owned(),
    }
}
