//! A libalpm handle configured for transactions, as pacman configures its own.
//!
//! The reading session registers its repositories without servers or signature checking
//! (omg reads the databases pacman verified when it downloaded them). A transaction needs
//! all of `pacman.conf`: servers, signature levels, GPG directory, log file, hook
//! directories, `CheckSpace`, `IgnorePkg`/`IgnoreGroup`, `NoUpgrade`/`NoExtract` and
//! `ParallelDownloads`. So each plan and commit opens a fresh handle with them, on the
//! worker thread, and drops it when done.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use alpm::{Alpm, SigLevel};
use omg_ports::{Error, Result};

use super::callbacks::Shared;
use super::interrupt::Interrupt;
use super::siglevel;
use crate::config::Resolved;

/// pacman's default `GPGDir`.
const GPG_DIR: &str = "/etc/pacman.d/gnupg/";
/// pacman's default `HookDir` (libalpm adds its own system directory first).
const HOOK_DIR: &str = "/etc/pacman.d/hooks/";
/// pacman's default `LogFile`, under the root.
const LOG_FILE: &str = "var/log/pacman.log";

/// A transaction handle and the state its callbacks share.
pub(crate) struct TxHandle {
    /// Declared first: dropped (and released) before `shared`, which its event callback
    /// points at.
    pub alpm: Alpm,
    pub shared: Rc<Shared>,
}

impl TxHandle {
    /// Opens `cfg`'s root for a transaction, with every callback installed.
    pub fn open(cfg: &Resolved, interrupt: Arc<Interrupt>) -> Result<TxHandle> {
        let conf = &cfg.conf;
        let mut alpm = Alpm::new(path_bytes(&cfg.root, cfg)?, path_bytes(&cfg.dbpath, cfg)?)
            .map_err(|e| Error::Library {
                library: "libalpm".into(),
                message: format!(
                    "cannot open root {} with database directory {}: {e}",
                    cfg.root.display(),
                    cfg.dbpath.display()
                ),
            })?;
        let mut download_dirs = cfg.cache_dirs.clone();
        download_dirs.push(cfg.dbpath.join("sync"));
        let download_dirs = download_dirs
            .into_iter()
            .map(|d| std::fs::canonicalize(&d).unwrap_or(d))
            .collect();
        let shared = Shared::install(&alpm, interrupt, download_dirs);
        for arch in &cfg.architectures {
            alpm.add_architecture(arch.as_bytes()).map_err(library)?;
        }
        for dir in &cfg.cache_dirs {
            alpm.add_cachedir(path_bytes(dir, cfg)?).map_err(library)?;
        }
        let gpg_dir = conf
            .gpg_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(GPG_DIR));
        alpm.set_gpgdir(path_bytes(&gpg_dir, cfg)?)
            .map_err(library)?;
        let hook_dirs = if conf.hook_dirs.is_empty() {
            vec![PathBuf::from(HOOK_DIR)]
        } else {
            conf.hook_dirs.clone()
        };
        for dir in &hook_dirs {
            alpm.add_hookdir(path_bytes(dir, cfg)?).map_err(library)?;
        }
        let log_file = conf
            .log_file
            .clone()
            .unwrap_or_else(|| cfg.root.join(LOG_FILE));
        // libalpm complains on every line it cannot log; pacman's default directory may not
        // exist in a fresh root.
        if log_file.parent().is_some_and(Path::is_dir) {
            alpm.set_logfile(path_bytes(&log_file, cfg)?)
                .map_err(library)?;
        }
        alpm.set_check_space(conf.check_space);
        for p in &conf.ignore_pkgs {
            alpm.add_ignorepkg(p.as_bytes()).map_err(library)?;
        }
        for g in &conf.ignore_groups {
            alpm.add_ignoregroup(g.as_bytes()).map_err(library)?;
        }
        for p in &conf.no_upgrade {
            alpm.add_noupgrade(p.as_bytes()).map_err(library)?;
        }
        for p in &conf.no_extract {
            alpm.add_noextract(p.as_bytes()).map_err(library)?;
        }
        if let Some(n) = conf.parallel_downloads {
            alpm.set_parallel_downloads(n);
        }
        // pacman 7's download sandbox: libalpm downloads in a child process that switches to
        // DownloadUser, may only write its download directory and filters system calls.
        if let Some(user) = &conf.download_user {
            if user.contains('\0') {
                return Err(Error::Config {
                    path: cfg.config.clone(),
                    reason: "DownloadUser contains a NUL byte".into(),
                });
            }
            alpm.set_sandbox_user(Some(user.as_bytes()))
                .map_err(library)?;
        }
        alpm.set_disable_sandbox_filesystem(conf.disable_sandbox_filesystem);
        alpm.set_disable_sandbox_syscalls(conf.disable_sandbox_syscalls);
        if conf.download_user.is_none() {
            own_download_process(&mut alpm)?;
        }
        let global = siglevel::apply(siglevel::PACMAN_DEFAULT, &conf.sig_level, &cfg.config)?;
        alpm.set_default_siglevel(global).map_err(library)?;
        for repo in &conf.repos {
            let level: SigLevel = siglevel::apply(global, &repo.sig_level, &cfg.config)?;
            let db = alpm
                .register_syncdb_mut(repo.name.as_bytes(), level)
                .map_err(|e| Error::Library {
                    library: "libalpm".into(),
                    message: format!("cannot register repository '{}': {e}", repo.name),
                })?;
            for server in &repo.servers {
                db.add_server(server.as_bytes()).map_err(library)?;
            }
        }
        Ok(TxHandle { alpm, shared })
    }
}

/// Without `DownloadUser`, pacman downloads inside its own process, where nothing can stop a
/// transfer before it ends (libalpm's download callback cannot abort it). As root, omg
/// instead has libalpm download in a child process that stays root, without the sandbox's
/// file-system restriction: the same download, but one an interrupt can end at once
/// ([`super::interrupt::Interrupt`]). Without root libalpm cannot fork its downloader, and
/// downloads run in this process as pacman's do.
fn own_download_process(alpm: &mut Alpm) -> Result<()> {
    // SAFETY: geteuid and getuid have no preconditions.
    if unsafe { libc::geteuid() != 0 || libc::getuid() != 0 } {
        return Ok(());
    }
    // getpwuid_r: libalpm reads the shared record of getpwnam on other threads.
    let mut record = std::mem::MaybeUninit::<libc::passwd>::zeroed();
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to storage that lives across the call, `buf.len()` is
    // its size; on success `found` points at `record`, whose strings point into `buf`.
    let name = unsafe {
        let rc = libc::getpwuid_r(
            0,
            record.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        );
        if rc != 0 || found.is_null() || (*found).pw_name.is_null() {
            return Ok(());
        }
        std::ffi::CStr::from_ptr((*found).pw_name)
            .to_bytes()
            .to_vec()
    };
    alpm.set_sandbox_user(Some(name)).map_err(library)?;
    // libalpm forks only with a restriction on: the system-call filter (pacman's own list
    // of calls a downloader never needs) is the one that cannot get in the way of writing
    // where the download goes.
    alpm.set_disable_sandbox_filesystem(true);
    alpm.set_disable_sandbox_syscalls(false);
    Ok(())
}

fn path_bytes(path: &Path, cfg: &Resolved) -> Result<Vec<u8>> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.contains(&0) {
        return Err(Error::Config {
            path: cfg.config.clone(),
            reason: format!("the path {} contains a NUL character", path.display()),
        });
    }
    Ok(bytes.to_vec())
}

pub(crate) fn library(e: alpm::Error) -> Error {
    Error::Library {
        library: "libalpm".into(),
        message: e.to_string(),
    }
}
