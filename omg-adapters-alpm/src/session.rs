//! The libalpm handle and its databases, opened and checked. Lives on the worker thread only.

use std::os::unix::ffi::OsStrExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use alpm::{Alpm, Db, SigLevel};
use omg_ports::{Error, Result};

use crate::config::Resolved;
use crate::health::{self, LogCapture};

/// An open libalpm handle whose sync databases are registered in `pacman.conf` order and
/// loaded, each checked by the rules in [`crate::health`].
pub(crate) struct Session {
    pub(crate) alpm: Alpm,
    _log: LogCapture,
}

impl Session {
    /// Opens `cfg`'s root and database path, registers every repository and loads it.
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
            let path = cfg.sync_db_path(repo);
            let len = health::check_file(&path)?;
            let name = c_bytes(repo.as_bytes(), &cfg.config, "repository name")?;
            let db = alpm
                .register_syncdb(name, SigLevel::NONE)
                .map_err(|e| Error::Library {
                    library: "libalpm".into(),
                    message: format!("cannot register repository '{repo}': {e}"),
                })?;
            log.start();
            let count = db.pkgs().len();
            let errors = log.finish();
            health::judge_loaded(&path, repo, len, count, &errors)?;
            check_text(db, &path)?;
            tracing::debug!(repository = %repo, packages = count, "loaded sync database");
        }
        let local = cfg.local_db_path();
        log.start();
        let count = alpm.localdb().pkgs().len();
        let errors = log.finish();
        if count == 0 && !errors.is_empty() {
            return Err(health::corrupt(&local, &errors.join("; ")));
        }
        for error in &errors {
            tracing::warn!(path = %local.display(), "local database: {error}");
        }
        tracing::debug!(packages = count, "loaded local database");
        Ok(Session { alpm, _log: log })
    }
}

/// Rule 5 of [`crate::health`]: reads every package's index fields once, so that text the
/// `alpm` crate cannot represent (it panics on non-UTF-8) is reported now, naming the file.
fn check_text(db: &Db, path: &Path) -> Result<()> {
    let pass = panic::catch_unwind(AssertUnwindSafe(|| {
        // Reading each field validates it; nothing is copied.
        db.pkgs()
            .iter()
            .map(|p| {
                p.name().len()
                    + p.version().as_str().len()
                    + p.desc().map_or(0, str::len)
                    + p.arch().map_or(0, str::len)
            })
            .sum::<usize>()
    }));
    match pass {
        Ok(_) => Ok(()),
        Err(_) => Err(health::corrupt(
            path,
            "an entry holds text that is not valid UTF-8",
        )),
    }
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
