//! The one thread that owns libapt.
//!
//! libapt's configuration is process-wide, its `Cache` is neither `Send` nor `Sync`, and two
//! caches opened at once on two threads crash the process. So every use of libapt in this
//! crate is a job run on a single, lazily started thread, one job at a time; backends send
//! jobs over a channel and get the answer back on a oneshot. The worker keeps the cache of
//! the configuration it last served, and reloads libapt's configuration and cache when a job
//! comes for another configuration or when the files the cache was built from changed.

use std::path::PathBuf;
use std::sync::{mpsc, OnceLock};
use std::time::Instant;

use omg_ports::{Fingerprint, Result};
use rust_apt::Cache;

use crate::binary_cache::{self, CacheDir, CacheFiles};
use crate::config::{self, AptConfig, Paths};
use crate::error::{self, gone};
use crate::fingerprint;

type Job = Box<dyn FnOnce(&mut State) + Send + 'static>;

/// The worker's queue; `None` when its thread could not be started.
static WORKER: OnceLock<Option<mpsc::Sender<Job>>> = OnceLock::new();

fn sender() -> Result<&'static mpsc::Sender<Job>> {
    WORKER.get_or_init(start).as_ref().ok_or_else(gone)
}

fn start() -> Option<mpsc::Sender<Job>> {
    let (tx, rx) = mpsc::channel::<Job>();
    let spawned = std::thread::Builder::new()
        .name("omg-apt".to_owned())
        .spawn(move || {
            let mut state = State::default();
            while let Ok(job) = rx.recv() {
                job(&mut state);
            }
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(e) => {
            tracing::error!(error = %e, "could not start the libapt worker thread");
            None
        }
    }
}

/// Queues `job` on the worker; the receiver yields its result.
///
/// A job that cannot be queued, or whose worker dies before answering, is
/// [`omg_ports::Error::BackendGone`].
pub(crate) fn submit<T: Send + 'static>(
    job: impl FnOnce(&mut State) -> T + Send + 'static,
) -> Result<tokio::sync::oneshot::Receiver<T>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    sender()?
        .send(Box::new(move |state: &mut State| {
            // The caller may have stopped waiting: nothing to do then.
            let _ = tx.send(job(state));
        }))
        .map_err(|_| gone())?;
    Ok(rx)
}

/// Runs `job` on the worker and waits for its result without blocking the caller's task.
pub(crate) async fn call<T: Send + 'static>(
    job: impl FnOnce(&mut State) -> T + Send + 'static,
) -> Result<T> {
    submit(job)?.await.map_err(|_| gone())
}

/// Runs `job` on the worker and blocks the calling thread until it answers.
pub(crate) fn call_blocking<T: Send + 'static>(
    job: impl FnOnce(&mut State) -> T + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    sender()?
        .send(Box::new(move |state: &mut State| {
            let _ = tx.send(job(state));
        }))
        .map_err(|_| gone())?;
    rx.recv().map_err(|_| gone())
}

/// What the worker holds between jobs: the configuration loaded into libapt and its cache.
#[derive(Default)]
pub(crate) struct State {
    session: Option<Session>,
}

struct Session {
    config: AptConfig,
    paths: Paths,
    cache: Option<OpenCache>,
}

struct OpenCache {
    cache: Cache,
    /// The stamps of the files it was built from, when it was opened.
    stamp: Fingerprint,
}

impl State {
    /// Loads `config` into libapt unless it is the one loaded, and returns its paths.
    pub(crate) fn paths(&mut self, config: &AptConfig) -> Result<&Paths> {
        Ok(&self.session(config)?.paths)
    }

    fn session(&mut self, config: &AptConfig) -> Result<&mut Session> {
        if self.session.as_ref().is_none_or(|s| &s.config != config) {
            // The old cache goes before the configuration it was built with.
            self.session = None;
            let paths = config::apply(config)?;
            self.session = Some(Session {
                config: config.clone(),
                paths,
                cache: None,
            });
        }
        self.session.as_mut().ok_or_else(gone)
    }

    /// The cache for `config`, opened now unless the open one is for `config` and its
    /// files have not changed since. A cache opened now keeps libapt's binary cache in
    /// `cache_dir` (see [`binary_cache`]).
    pub(crate) fn cache(
        &mut self,
        config: &AptConfig,
        cache_dir: &CacheDir,
    ) -> Result<(&Cache, &Paths)> {
        let session = self.session(config)?;
        let stamp = fingerprint::stamps(&session.paths);
        if session
            .cache
            .as_ref()
            .is_none_or(|open| open.stamp != stamp)
        {
            session.cache = None;
            let files = binary_cache::files(cache_dir, &session.paths, &stamp);
            let cache = open(&session.paths, files.as_ref())?;
            session.cache = Some(OpenCache { cache, stamp });
        }
        match &session.cache {
            Some(open) => Ok((&open.cache, &session.paths)),
            None => Err(gone()),
        }
    }
}

impl State {
    /// Closes the open cache (its binary cache is unmapped, its heap freed); the next job
    /// that needs one opens it again.
    pub(crate) fn close_cache(&mut self) {
        if let Some(session) = self.session.as_mut() {
            session.cache = None;
        }
    }

    /// The cache for `config`, taken out of the worker: a transaction marks it, may
    /// consume it, and drops it, so the next job opens a fresh one that sees what the
    /// transaction changed.
    pub(crate) fn take_cache(
        &mut self,
        config: &AptConfig,
        cache_dir: &CacheDir,
    ) -> Result<(Cache, Paths)> {
        self.cache(config, cache_dir)?;
        let session = self.session.as_mut().ok_or_else(gone)?;
        let open = session.cache.take().ok_or_else(gone)?;
        Ok((open.cache, session.paths.clone()))
    }

    /// Like [`State::take_cache`], for a cache that also holds the packages of the `.deb`
    /// files `debs` (absolute paths), as `apt install ./foo.deb` opens it. With files, the
    /// cache is opened for this call alone (the open one is closed first: libapt keeps one
    /// at a time) and omg's `pkgcache` file is left alone.
    pub(crate) fn take_cache_with(
        &mut self,
        config: &AptConfig,
        cache_dir: &CacheDir,
        debs: &[PathBuf],
    ) -> Result<(Cache, Paths)> {
        if debs.is_empty() {
            return self.take_cache(config, cache_dir);
        }
        let session = self.session(config)?;
        session.cache = None;
        let stamp = fingerprint::stamps(&session.paths);
        let files = binary_cache::files(cache_dir, &session.paths, &stamp);
        let cache = open_with(&session.paths, files.as_ref(), debs)?;
        Ok((cache, session.paths.clone()))
    }
}

/// Opens libapt's cache with its binary caches in `files`; should that fail because of
/// them (a full disk, say), opens it again with the configuration's own.
fn open(paths: &Paths, files: Option<&CacheFiles>) -> Result<Cache> {
    error::take_messages();
    if let Some(files) = files {
        binary_cache::seed(files, paths);
    }
    config::use_binary_caches(paths, files);
    let started = Instant::now();
    let opened = Cache::new::<&str>(&[]);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        binary_cache = ?files.map(|f| &f.pkgcache),
        ok = opened.is_ok(),
        "opened the apt cache"
    );
    match (opened, files) {
        (Ok(cache), _) => Ok(cache),
        (Err(e), Some(files)) if binary_cache::is_about(files, &error::messages(&e)) => {
            tracing::warn!(
                dir = %files.dir.display(),
                errors = ?error::messages(&e),
                "libapt could not use omg's binary cache: opening without it"
            );
            binary_cache::remove_leftovers(files);
            open(paths, None)
        }
        (Err(e), _) => Err(error::open_failed(&e, &paths.lists)),
    }
}

/// Opens libapt's cache with the `.deb` files `debs` added (libapt's volatile files):
/// the lists' binary cache from `files` is used, the one with dpkg's status is built in
/// memory (it would hold the files too). A file libapt cannot read is
/// [`omg_ports::Error::InvalidRequest`] naming it.
fn open_with(paths: &Paths, files: Option<&CacheFiles>, debs: &[PathBuf]) -> Result<Cache> {
    error::take_messages();
    if let Some(files) = files {
        binary_cache::seed(files, paths);
    }
    config::use_binary_caches(paths, files);
    config::build_pkgcache_in_memory();
    let names: Vec<String> = debs
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    let started = Instant::now();
    let opened = Cache::new(&names);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        files = ?names,
        ok = opened.is_ok(),
        "opened the apt cache with package files"
    );
    opened.map_err(|e| {
        let messages = error::error_messages(&e);
        match names
            .iter()
            .find(|name| messages.iter().any(|m| m.contains(name.as_str())))
        {
            Some(name) => omg_ports::Error::InvalidRequest(format!(
                "{name} is not a package file libapt can read ({})",
                messages.join("; ")
            )),
            None => error::open_failed(&e, &paths.lists),
        }
    })
}
