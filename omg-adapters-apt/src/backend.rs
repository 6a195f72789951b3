//! [`AptBackend`]: omg's [`PackageBackend`] over libapt-pkg.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use omg_ports::{
    BackendInfo, DependencyNode, Fingerprint, InstalledSource, Package, PackageBackend,
    PackageSummary, Plan, ProgressSink, Result, Transaction, TransactionOutcome, VersionScheme,
};

use crate::binary_cache::CacheDir;
use crate::config::{AptConfig, Paths};
use crate::error::{gone, BACKEND};
use crate::lists::{self, Descriptions, ListFile};
use crate::query::{self, Entry, Filter};
use crate::record;
use crate::transaction::{self, Control, DEFAULT_LOCK_TIMEOUT};
use crate::{fingerprint, graph, sources, worker};

/// omg's package backend for Debian and Ubuntu, over libapt-pkg.
///
/// Cheap to create and to clone into tasks (through `Arc`): every instance shares the one
/// process-wide libapt worker thread, which keeps the cache of the configuration it served
/// last. Calls from any number of threads and tasks are safe; they are answered one at a
/// time, and a call for another [`AptConfig`] than the previous one reloads libapt's
/// configuration and cache first: milliseconds when libapt maps its binary cache (see
/// [`CacheDir`]), about half a second for a Debian archive when it must parse the lists.
///
/// Transactions ([`PackageBackend::plan`], [`PackageBackend::commit`]) go through libapt
/// as `apt` does them: the DepCache's marks and problem resolver, dpkg's locks, the
/// acquire system, and dpkg run by libapt's package manager. Clones share one interrupt
/// switch ([`PackageBackend::interrupt`]).
#[derive(Debug, Clone)]
pub struct AptBackend {
    config: AptConfig,
    cache_dir: CacheDir,
    paths: Paths,
    info: BackendInfo,
    lock_timeout: Duration,
    control: Arc<Control>,
}

impl AptBackend {
    /// A backend reading `config`.
    ///
    /// Loads the configuration into libapt to check it, without opening the cache (the
    /// first query does). Blocks the calling thread while the worker does so.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](omg_ports::Error::Config) naming the file when the apt.conf or the root does not exist or
    /// libapt rejects the configuration; [`Error::BackendGone`](omg_ports::Error::BackendGone) when the worker thread is
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
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            control: Arc::default(),
        })
    }

    /// The same backend, waiting up to `timeout` (60 s unless set) for a lock another
    /// package manager holds before a commit fails with
    /// [`Error::Locked`](omg_ports::Error::Locked).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> AptBackend {
        self.lock_timeout = timeout;
        self
    }

    /// How long a commit waits for another package manager's lock.
    pub fn lock_timeout(&self) -> Duration {
        self.lock_timeout
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
        let summaries = describe(entries, descriptions);
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

/// Fills each entry's description and provided names; the entries come sorted by name.
fn describe(entries: Vec<Entry>, mut descriptions: Descriptions) -> Vec<PackageSummary> {
    let mut key = String::new();
    let mut missing = 0usize;
    let out: Vec<PackageSummary> = entries
        .into_iter()
        .map(|entry| {
            let found = entry.versions().find_map(|(version, arch)| {
                descriptions.take_summary(&mut key, entry.list_name(), version, arch)
            });
            // What the shown version (the candidate) provides, as apt-cache search matches.
            let provides = entry.versions().next().map(|(version, arch)| {
                descriptions.provides(&mut key, entry.list_name(), version, arch)
            });
            let mut summary = entry.summary;
            match found {
                Some(text) => summary.description = text,
                None => missing += 1,
            }
            summary.provides = provides.unwrap_or_default();
            summary
        })
        .collect();
    if missing > 0 {
        tracing::debug!(
            missing,
            left = descriptions.len(),
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

    /// The full record of `name` (`name`, `name:arch`, `name/release` or
    /// `label/name`) from one libapt record lookup: each relationship field as itself in
    /// apt's syntax, Section, Maintainer, Homepage, the long description, sizes in bytes and
    /// the version table of `apt-cache policy`; for an installed package the install date
    /// (when dpkg last wrote its file list, as dpkg-query's `db-fsys:Last-Modified`) and the
    /// installed packages that need it (`required_by`: Pre-Depends, Depends; `optional_for`:
    /// Recommends, Suggests; through Provides too). `None` for an unknown or purely virtual
    /// name.
    async fn package(&self, name: &str) -> Result<Option<Package>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let name = name.to_owned();
        worker::call(move |state| -> Result<Option<Package>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            Ok(record::package(cache, paths, &name))
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

    /// What `tx` would do, computed in a DepCache of its own that is then dropped:
    ///
    /// - `Install`: the names (or the one package providing a virtual name) marked for
    ///   installation with their dependencies, protected, and libapt's problem resolver
    ///   run, as `apt install` does; the targets become explicitly installed. A target that is a
    ///   path (starting with `/`, `./` or `../`, as apt takes it) installs that `.deb` file:
    ///   the cache is opened with it (libapt's volatile files), its version made the
    ///   candidate, and its dependencies come from the repositories; its action has no
    ///   repository and nothing to download.
    /// - `Remove`: the names marked for removal and the resolver run (packages that need
    ///   them go too); `recursive` also removes what became unneeded because of it (libapt's
    ///   mark and sweep, before and after), not what was unneeded already.
    /// - `Upgrade`: libapt's full upgrade (`apt full-upgrade`).
    /// - `Refresh`: nothing to list in advance (a note in the warnings).
    /// - `CleanCache { keep }`: the archives in `Dir::Cache::Archives` beyond the newest
    ///   `keep` versions of each package (by dpkg's order), and `partial/` for `keep = 0`.
    ///
    /// Each action has the old and new version, the candidate's repository, the bytes to
    /// download (0 from a local `file:` source or when the archive is already cached) and
    /// the installed size (the file size for a deleted archive).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`](omg_ports::Error::NotFound) with close names,
    /// [`Error::Unsatisfiable`](omg_ports::Error::Unsatisfiable) and
    /// [`Error::Conflict`](omg_ports::Error::Conflict) from the resolver's broken packages.
    async fn plan(&self, tx: &Transaction) -> Result<Plan> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let debs = transaction::local_deb::files(tx)?;
        let tx = tx.clone();
        worker::call(move |state| -> Result<Plan> {
            let (cache, paths) = state.take_cache_with(&config, &cache_dir, &debs)?;
            transaction::plan(cache, &paths, &tx)
        })
        .await?
    }

    /// Closes libapt's cache (its mapped binary cache and its heap); the next read opens
    /// it again (milliseconds, from the binary cache omg keeps).
    async fn release_caches(&self) {
        let _ = worker::call(|state| state.close_cache()).await;
    }

    /// Carries `tx` out as [`Self::plan`] describes it, as root only: takes dpkg's lock
    /// (waiting up to [`AptBackend::lock_timeout`], with one message naming the holder),
    /// fetches the archives under the archives' lock, lets libapt run dpkg, and returns the
    /// actions done. `Refresh` updates the lists under their lock; `CleanCache` deletes the
    /// files under the archives' lock. Download progress, dpkg's steps and its messages go to
    /// `progress`. Later reads open a fresh cache and see the new state.
    ///
    /// # Errors
    ///
    /// Those of [`Self::plan`], and [`Error::NeedsRoot`](omg_ports::Error::NeedsRoot),
    /// [`Error::Locked`](omg_ports::Error::Locked), [`Error::Download`](omg_ports::Error::Download),
    /// [`Error::CorruptPackage`](omg_ports::Error::CorruptPackage) (a hash or size
    /// mismatch), [`Error::DiskSpace`](omg_ports::Error::DiskSpace),
    /// [`Error::FileConflict`](omg_ports::Error::FileConflict) (dpkg's "trying to
    /// overwrite"), [`Error::Interrupted`](omg_ports::Error::Interrupted), and
    /// [`Error::Library`](omg_ports::Error::Library) with dpkg's and libapt's messages.
    async fn commit(
        &self,
        tx: &Transaction,
        progress: Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome> {
        transaction::require_root(tx)?;
        let debs = transaction::local_deb::files(tx)?;
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let (tx, control, timeout) = (tx.clone(), self.control.clone(), self.lock_timeout);
        self.control.start();
        let answer = worker::call(move |state| -> Result<TransactionOutcome> {
            let outcome =
                state
                    .take_cache_with(&config, &cache_dir, &debs)
                    .and_then(|(cache, paths)| {
                        transaction::commit(cache, &paths, &tx, progress, control.clone(), timeout)
                    });
            control.finish();
            outcome
        })
        .await;
        if answer.is_err() {
            self.control.finish();
        }
        answer?
    }

    /// Stops a running commit of this backend (or a clone) at libapt's next safe point:
    /// while it waits for a lock or downloads, it ends with
    /// [`Error::Interrupted`](omg_ports::Error::Interrupted), having installed nothing.
    /// False when no commit runs, or when dpkg already runs: dpkg is left to finish, since
    /// stopping it half-way would leave packages half-configured.
    fn interrupt(&self) -> bool {
        self.control.interrupt()
    }

    /// Every installed package with the installed packages satisfying its `Pre-Depends`
    /// and `Depends` (`depends`) and `Recommends` and `Suggests` (`optional`), resolved
    /// through `Provides`, sorted by name.
    async fn dependency_graph(&self) -> Result<Vec<DependencyNode>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        worker::call(move |state| -> Result<Vec<DependencyNode>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            Ok(graph::dependency_graph(cache, paths))
        })
        .await?
    }

    /// dpkg's list of the installed package's files (`info/<name>.list`), as `dpkg -L`.
    async fn files(&self, name: &str) -> Result<Option<omg_ports::PackageFiles>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let name = name.to_owned();
        worker::call(move |state| -> Result<Option<omg_ports::PackageFiles>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            crate::files::files(cache, paths, &name)
        })
        .await?
    }

    /// The installed packages owning what `path` names, as `dpkg -S path` finds them: an
    /// absolute path exactly (through a merged `/usr` too), else dpkg -S's search patterns
    /// (`bin/ls` as `*bin/ls*`, shell wildcards).
    async fn owners(&self, path: &str) -> Result<Vec<omg_ports::Owner>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let path = path.to_owned();
        worker::call(move |state| -> Result<Vec<omg_ports::Owner>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            crate::files::owners(cache, paths, &path)
        })
        .await?
    }

    /// `name=version` when a repository offers that version, else its archive in
    /// `Dir::Cache::Archives`.
    async fn version_target(&self, name: &str, version: &str) -> Result<Option<String>> {
        let hostile = |s: &str| s.is_empty() || s.contains(['/', '\0', '=']);
        if hostile(name) || hostile(version) {
            return Ok(None);
        }
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let (name, version) = (name.to_owned(), version.to_owned());
        worker::call(move |state| -> Result<Option<String>> {
            let (cache, paths) = state.cache(&config, &cache_dir)?;
            transaction::old_versions::target(cache, paths, &name, &version)
        })
        .await?
    }

    /// `apt-mark auto/manual`: the marks set in a DepCache of its own and written to
    /// `extended_states`.
    async fn set_reason(
        &self,
        names: &[String],
        reason: omg_ports::InstallReason,
        dry_run: bool,
    ) -> Result<Vec<omg_ports::ReasonChange>> {
        let (config, cache_dir) = (self.config.clone(), self.cache_dir.clone());
        let names = names.to_vec();
        worker::call(move |state| -> Result<Vec<omg_ports::ReasonChange>> {
            let (cache, paths) = state.take_cache(&config, &cache_dir)?;
            crate::files::set_reason(cache, &paths, &names, reason, dry_run)
        })
        .await?
    }
}
