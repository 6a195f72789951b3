//! The local database's file lists and install reasons: `omg files` (`pacman -Ql`),
//! `omg owns` (`pacman -Qo`) and `omg mark` (`pacman -D --asexplicit/--asdeps`).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use alpm::{PackageReason, TransFlag};
use omg_ports::{Error, InstallReason, Owner, PackageFiles, ReasonChange, Result};

use crate::convert;
use crate::session::Session;
use crate::transaction::lock;

impl Session {
    /// The files of the installed package `name`, each as the absolute path on this machine
    /// (the root joined with the entry, as `pacman -Ql` prints it), in the database's order.
    pub fn files(&self, name: &str) -> Option<PackageFiles> {
        let pkg = self.alpm.localdb().pkg(name).ok()?;
        let root = root_text(&self.cfg.root);
        Some(PackageFiles {
            name: pkg.name().to_string(),
            version: pkg.version().as_str().to_string(),
            files: pkg
                .files()
                .files()
                .iter()
                .map(|f| format!("{root}{}", String::from_utf8_lossy(f.name())))
                .collect(),
        })
    }

    /// The installed packages whose file list has `path`, found as `pacman -Qo` finds it:
    /// the path must exist; its parent directory is resolved (symbolic links, `..`) but not
    /// the file itself; a directory matches the entry ending in `/`; a path outside the root
    /// is owned by nothing.
    pub fn owners(&self, path: &str) -> Result<Vec<Owner>> {
        let given = Path::new(path);
        let meta = std::fs::symlink_metadata(given).map_err(|source| Error::Io {
            path: given.to_path_buf(),
            source,
        })?;
        let Some(resolved) = resolve_parent(given) else {
            return Ok(Vec::new());
        };
        let root = std::fs::canonicalize(&self.cfg.root).unwrap_or_else(|_| self.cfg.root.clone());
        let Ok(relative) = resolved.strip_prefix(&root) else {
            return Ok(Vec::new());
        };
        let mut entry = relative.as_os_str().as_bytes().to_vec();
        if meta.is_dir() && !entry.is_empty() {
            entry.push(b'/');
        }
        if entry.is_empty() {
            return Ok(Vec::new());
        }
        let shown = format!("{}{}", root_text(&root), String::from_utf8_lossy(&entry));
        Ok(self
            .alpm
            .localdb()
            .pkgs()
            .iter()
            .filter(|pkg| pkg.files().contains(entry.clone()).is_some())
            .map(|pkg| Owner {
                path: shown.clone(),
                name: pkg.name().to_string(),
                version: pkg.version().as_str().to_string(),
            })
            .collect())
    }

    /// Records `reason` for each installed package of `names`, all or none, in one
    /// transaction holding the database lock (as `pacman -D` does). With `dry_run`, nothing
    /// is locked or written.
    pub fn set_reason(
        &mut self,
        names: &[String],
        reason: InstallReason,
        dry_run: bool,
    ) -> Result<Vec<ReasonChange>> {
        let mut changes = Vec::with_capacity(names.len());
        for name in names {
            let pkg = self
                .alpm
                .localdb()
                .pkg(name.as_str())
                .map_err(|_| Error::NotFound {
                    name: name.clone(),
                    suggestions: Vec::new(),
                })?;
            changes.push(ReasonChange {
                name: pkg.name().to_string(),
                from: convert::installed(pkg).reason,
                to: reason,
            });
        }
        if dry_run || changes.iter().all(|c| c.from == c.to) {
            return Ok(changes);
        }
        if !writable(&self.cfg.dbpath) {
            return Err(Error::NeedsRoot {
                operation: "changing install reasons".into(),
            });
        }
        let alpm = &self.alpm;
        lock::with_lock(
            &self.cfg.lock_path(),
            self.cfg.lock_timeout,
            |_| {},
            || alpm.trans_init(TransFlag::NONE),
            library,
        )?;
        let wanted = match reason {
            InstallReason::Explicit => PackageReason::Explicit,
            InstallReason::Dependency => PackageReason::Depend,
        };
        let mut result = Ok(());
        for change in changes.iter().filter(|c| c.from != c.to) {
            let set = self
                .alpm
                .localdb()
                .pkg(change.name.as_str())
                .and_then(|pkg| pkg.set_reason(wanted));
            if let Err(e) = set {
                result = Err(library(e));
                break;
            }
        }
        let released = self.alpm.trans_release().map_err(library);
        result.and(released)?;
        Ok(changes)
    }
}

/// `path` with its parent directory resolved, as pacman resolves it (`realpath(dirname)` +
/// `/` + basename); `None` when the parent cannot be resolved.
fn resolve_parent(path: &Path) -> Option<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => Some(std::fs::canonicalize(parent).ok()?.join(name)),
        // `/`, or a path ending in `..`: resolve it whole.
        _ => std::fs::canonicalize(&absolute).ok(),
    }
}

/// The root as a prefix of the entries (which never start with `/`): ends with one `/`.
fn root_text(root: &Path) -> String {
    let mut text = root.display().to_string();
    if !text.ends_with('/') {
        text.push('/');
    }
    text
}

/// `access(path, W_OK)`: whether this process may write the database.
fn writable(path: &Path) -> bool {
    let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

fn library(e: alpm::Error) -> Error {
    Error::Library {
        library: "libalpm".into(),
        message: e.to_string(),
    }
}
