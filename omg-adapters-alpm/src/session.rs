//! The libalpm handle and its databases, opened and checked. Lives on the worker thread only.
//!
//! `open` registers the sync databases without letting libalpm load them: the streaming
//! reader of [`crate::syncdb`] checks each file (in parallel, while libalpm loads the local
//! database) and keeps what the package index needs. libalpm loads the sync databases on the
//! first query that needs more ([`Session::sync_dbs`]).

use std::cell::OnceCell;
use std::os::unix::ffi::OsStrExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;

use alpm::{Alpm, Db, SigLevel};
use omg_ports::{Error, Result};

use crate::config::Resolved;
use crate::convert;
use crate::health::{self, Damage, LogCapture};
use crate::syncdb::{self, Loaded, SyncIndex};

/// An open libalpm handle with its sync databases registered in `pacman.conf` order, each
/// checked and indexed, and its local database loaded.
pub(crate) struct Session {
    pub(crate) alpm: Alpm,
    /// The configuration it was opened with (transactions open their own handle from it).
    pub(crate) cfg: Resolved,
    /// One per sync database, in `pacman.conf` order (the order of `alpm.syncdbs()`).
    pub(crate) repos: Vec<Repo>,
    /// Once a query made libalpm load the sync databases: the first database it logged
    /// errors for, with those errors.
    loaded: OnceCell<Option<(PathBuf, Vec<String>)>>,
    log: LogCapture,
    /// The sync databases a lenient open ([`crate::AlpmConfig::allow_damaged`]) found
    /// missing or damaged (their index is empty); always empty for a strict open.
    pub(crate) damaged: Vec<Damage>,
}

/// A sync database as read at open.
pub(crate) struct Repo {
    /// The repository name.
    pub name: String,
    /// Its file, `<dbpath>/sync/<name>.db`.
    pub path: PathBuf,
    /// Its packages.
    pub index: SyncIndex,
}

impl Session {
    /// Opens `cfg`'s root and database path, registers every repository, reads and checks
    /// its database, and loads the local database.
    pub fn open(cfg: &Resolved) -> Result<Session> {
        let root = c_bytes(
            cfg.root.as_os_str().as_bytes(),
            &cfg.config,
            "root directory",
        )?;
        let dbpath = c_bytes(cfg.dbpath.as_os_str().as_bytes(), &cfg.config, "DBPath")?;
        let mut alpm = Alpm::new(root, dbpath).map_err(|e| Error::Library {
            library: "libalpm".into(),
            message: format!(
                "cannot open root {} with database directory {}: {e}",
                cfg.root.display(),
                cfg.dbpath.display()
            ),
        })?;
        let log = LogCapture::install(&alpm);
        for arch in &cfg.architectures {
            let arch = c_bytes(arch.as_bytes(), &cfg.config, "Architecture")?;
            alpm.add_architecture(arch).map_err(library)?;
        }
        for dir in &cfg.cache_dirs {
            let dir = c_bytes(dir.as_os_str().as_bytes(), &cfg.config, "CacheDir")?;
            alpm.add_cachedir(dir).map_err(library)?;
        }
        for repo in &cfg.repos {
            let name = c_bytes(repo.as_bytes(), &cfg.config, "repository name")?;
            alpm.register_syncdb(name, SigLevel::NONE)
                .map_err(|e| Error::Library {
                    library: "libalpm".into(),
                    message: format!("cannot register repository '{repo}': {e}"),
                })?;
        }
        let paths: Vec<PathBuf> = cfg.repos.iter().map(|r| cfg.sync_db_path(r)).collect();
        let (reads, local) = thread::scope(|scope| {
            // One reader thread per repository (read here if none can be started), while
            // libalpm loads the local database on this thread.
            let readers: Vec<_> = cfg
                .repos
                .iter()
                .zip(&paths)
                .map(|(repo, path)| {
                    let reader = thread::Builder::new()
                        .name("omg-syncdb".into())
                        .spawn_scoped(scope, move || syncdb::read(path, repo));
                    (repo, path, reader.ok())
                })
                .collect();
            let local = load_local(&alpm, &log, &cfg.local_db_path());
            let reads: Vec<Result<Loaded>> = readers
                .into_iter()
                .map(|(repo, path, reader)| match reader {
                    Some(reader) => reader.join().unwrap_or_else(|_| Err(reader_panicked())),
                    None => syncdb::read(path, repo),
                })
                .collect();
            (reads, local)
        });
        let mut repos = Vec::with_capacity(reads.len());
        let mut damaged = Vec::new();
        for (((name, path), read), db) in cfg
            .repos
            .iter()
            .zip(paths)
            .zip(reads)
            .zip(alpm.syncdbs().iter())
        {
            let index = read.and_then(|loaded| match loaded {
                Loaded::Index(index) => Ok(index),
                Loaded::Unsupported { len } => index_through_libalpm(db, &log, &path, name, len),
            });
            let index = match index {
                Ok(index) => index,
                Err(e) if cfg.allow_damaged => {
                    // Opened to refresh (sync, update): the refresh replaces it; only -v says so.
                    tracing::info!(repository = %name, "{e}");
                    damaged.push(Damage::from_error(name, &path, &e));
                    SyncIndex::default()
                }
                Err(e) => return Err(e),
            };
            repos.push(Repo {
                name: name.clone(),
                path,
                index,
            });
        }
        local?;
        Ok(Session {
            alpm,
            cfg: cfg.clone(),
            repos,
            loaded: OnceCell::new(),
            log,
            damaged,
        })
    }

    /// The error of the first missing or damaged sync database of a lenient open, if any:
    /// every call but a refresh fails with it.
    pub fn damage(&self) -> Option<Error> {
        self.damaged.first().map(Damage::error)
    }

    /// Opens the configuration again, so that reads see what a transaction changed (an open
    /// libalpm handle does not notice changed database files). On failure the old session
    /// stays.
    pub fn reopen(&mut self) -> Result<()> {
        let fresh = Session::open(&self.cfg)?;
        *self = fresh;
        Ok(())
    }

    /// The sync databases through libalpm, which loads them on the first call; the errors
    /// it logs meanwhile make that database corrupt (rule 3 of [`crate::health`]), for this
    /// call and every later one.
    pub fn sync_dbs(&self) -> Result<Vec<&Db>> {
        let failed = self.loaded.get_or_init(|| {
            for (db, repo) in self.alpm.syncdbs().iter().zip(&self.repos) {
                self.log.start();
                let count = db.pkgs().len();
                let errors = self.log.finish();
                if !errors.is_empty() {
                    return Some((repo.path.clone(), errors));
                }
                tracing::debug!(repository = %repo.name, packages = count, "libalpm loaded sync database");
            }
            None
        });
        if let Some((path, errors)) = failed {
            health::check_logged(path, errors)?;
        }
        Ok(self.alpm.syncdbs().iter().collect())
    }
}

/// Loads the local database: like pacman, its errors are only logged, unless it then holds
/// nothing.
fn load_local(alpm: &Alpm, log: &LogCapture, path: &Path) -> Result<()> {
    log.start();
    let count = alpm.localdb().pkgs().len();
    let errors = log.finish();
    if count == 0 && !errors.is_empty() {
        return Err(health::corrupt(path, &errors.join("; ")));
    }
    for error in &errors {
        tracing::warn!(path = %path.display(), "local database: {error}");
    }
    tracing::debug!(packages = count, "loaded local database");
    Ok(())
}

/// The index of `db`, whose compression only libalpm reads: libalpm loads it now, judged by
/// rules 3 and 4 of [`crate::health`]; rule 5 holds when every index field reads as text (the
/// `alpm` crate panics on text that is not UTF-8).
fn index_through_libalpm(
    db: &Db,
    log: &LogCapture,
    path: &Path,
    repo: &str,
    len: u64,
) -> Result<SyncIndex> {
    log.start();
    let count = db.pkgs().len();
    let errors = log.finish();
    health::judge_loaded(path, repo, len, count, &errors)?;
    panic::catch_unwind(AssertUnwindSafe(|| {
        SyncIndex::collect_with(db.pkgs().iter().map(|p| {
            (
                convert::index_entry(p),
                p.provides().iter().map(|d| d.name()),
            )
        }))
    }))
    .map_err(|_| health::corrupt(path, "an entry holds text that is not valid UTF-8"))
}

/// `bytes` for libalpm, which takes C strings: a NUL inside is a configuration error.
fn c_bytes(bytes: &[u8], config: &Path, what: &str) -> Result<Vec<u8>> {
    if bytes.contains(&0) {
        return Err(Error::Config {
            path: config.to_path_buf(),
            reason: format!("the {what} contains a NUL character"),
        });
    }
    Ok(bytes.to_vec())
}

fn library(e: alpm::Error) -> Error {
    Error::Library {
        library: "libalpm".into(),
        message: e.to_string(),
    }
}

fn reader_panicked() -> Error {
    Error::Library {
        library: "libalpm".into(),
        message: "the sync database reader thread panicked".into(),
    }
}
