//! The runtimes directory: `<root>/<runtime>/<version>/`, each with an [`InstallRecord`].

use std::path::{Path, PathBuf};

use omg_ports::{Addon, Artifact, Error, InstallLayout, RemoteVersion, Result};
use serde::{Deserialize, Serialize};

/// The lock file in a staging directory, held while its install runs.
pub(crate) const STAGING_LOCK: &str = ".lock";

/// The file in each installed version's directory that describes it.
pub const RECORD_FILE: &str = ".omg-install.json";

/// What omg knows about an installed version: the release (LTS codename, channel), the
/// artifact it came from (URL, verified sha256) and its layout (`PATH` entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallRecord {
    /// The runtime.
    pub runtime: String,
    /// The release.
    pub release: RemoteVersion,
    /// The downloaded archive, with the sha256 it was verified against.
    pub artifact: Artifact,
    /// The layout that was applied.
    pub layout: InstallLayout,
    /// The addons installed into it since (rust's components and targets), each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<Addon>,
}

/// One installed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledRuntime {
    /// Its directory.
    pub path: PathBuf,
    /// Its record.
    pub record: InstallRecord,
}

impl InstalledRuntime {
    /// The version.
    pub fn version(&self) -> &str {
        &self.record.release.version
    }

    /// The directories to put on `PATH`, absolute.
    pub fn bin_dirs(&self) -> Vec<PathBuf> {
        self.record
            .layout
            .bin_dirs
            .iter()
            .map(|d| clean_join(&self.path, d))
            .collect()
    }

    /// The environment variables the layout sets, with absolute values.
    pub fn env(&self) -> Vec<(String, PathBuf)> {
        self.record
            .layout
            .env
            .iter()
            .map(|(k, d)| (k.clone(), clean_join(&self.path, d)))
            .collect()
    }
}

fn clean_join(base: &Path, rel: &str) -> PathBuf {
    if rel.is_empty() || rel == "." {
        base.to_path_buf()
    } else {
        base.join(rel.trim_start_matches("./"))
    }
}

/// The runtimes directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimesHome {
    root: PathBuf,
}

impl RuntimesHome {
    /// Runtimes under `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        RuntimesHome { root: root.into() }
    }

    /// `$XDG_DATA_HOME/omg/runtimes`, else `~/.local/share/omg/runtimes`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when neither `XDG_DATA_HOME` nor `HOME` is set.
    pub fn from_env() -> Result<Self> {
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share"))
            })
            .ok_or_else(|| {
                Error::InvalidRequest(
                    "neither XDG_DATA_HOME nor HOME is set; set one to say where runtimes live"
                        .into(),
                )
            })?;
        Ok(RuntimesHome::at(base.join("omg").join("runtimes")))
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/<runtime>`.
    pub fn runtime_dir(&self, runtime: &str) -> PathBuf {
        self.root.join(runtime)
    }

    /// `<root>/<runtime>/<version>`.
    pub fn version_dir(&self, runtime: &str, version: &str) -> PathBuf {
        self.runtime_dir(runtime).join(version)
    }

    /// One installed version, or `None`.
    pub fn installed_version(&self, runtime: &str, version: &str) -> Option<InstalledRuntime> {
        if !safe_name(version) {
            return None;
        }
        read_installed(&self.version_dir(runtime, version))
    }

    /// The installed versions of `runtime`, newest first (numeric ordering). Directories
    /// without a readable record (a foreign directory, a hidden leftover) are not listed.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the runtime's directory exists but cannot be read.
    pub fn installed(&self, runtime: &str) -> Result<Vec<InstalledRuntime>> {
        let dir = self.runtime_dir(runtime);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::Io { path: dir, source }),
        };
        let mut out: Vec<InstalledRuntime> = entries
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(|e| read_installed(&e.path()))
            .collect();
        out.sort_by(|a, b| omg_ports::runtime_order::compare(b.version(), a.version()));
        Ok(out)
    }

    /// The runtimes that have a directory here, sorted.
    pub fn runtimes(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Removes an installed version: renamed to a hidden name first (so it disappears at
    /// once), then deleted.
    ///
    /// # Errors
    ///
    /// [`Error::NotInstalled`] when it is not installed; [`Error::Io`] when it cannot be
    /// removed.
    pub fn uninstall(&self, runtime: &str, version: &str) -> Result<PathBuf> {
        let Some(installed) = self.installed_version(runtime, version) else {
            return Err(Error::NotInstalled {
                runtime: runtime.into(),
                version: version.into(),
            });
        };
        let trash = self
            .runtime_dir(runtime)
            .join(format!(".trash-{version}-{}", std::process::id()));
        std::fs::rename(&installed.path, &trash).map_err(|source| Error::Io {
            path: installed.path.clone(),
            source,
        })?;
        std::fs::remove_dir_all(&trash).map_err(|source| Error::Io {
            path: trash.clone(),
            source,
        })?;
        Ok(installed.path)
    }

    /// Removes hidden leftovers (`.tmp-*`, `.trash-*`) of interrupted installs and
    /// uninstalls of `runtime`. Errors are logged, not returned.
    pub fn sweep(&self, runtime: &str) {
        let Ok(entries) = std::fs::read_dir(self.runtime_dir(runtime)) else {
            return;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let leftover = name
                .strip_prefix(".tmp-")
                .or_else(|| name.strip_prefix(".trash-"));
            if leftover.is_none() {
                continue;
            }
            // A staging directory whose install still runs holds its lock (whatever the
            // process ids: another machine's omg on a shared home, a reused pid). One without
            // a lock file is an install between making its directory and its lock, unless it
            // is old.
            if name.starts_with(".tmp-") {
                let lock = e.path().join(STAGING_LOCK);
                if crate::lock::held(&lock) || (!lock.exists() && recent(&e.path())) {
                    continue;
                }
            }
            match std::fs::remove_dir_all(e.path()) {
                Ok(()) => {}
                // Another omg's sweep or uninstall removed it first.
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    tracing::warn!("cannot remove leftover {}: {err}", e.path().display());
                }
            }
        }
    }

    /// `.locks/<runtime>-<version>.lock` under the root: held while that version is
    /// installed (kept after: removing a lock file that another omg waits on would let a
    /// third lock a new one at the same time).
    pub fn version_lock_path(&self, runtime: &str, version: &str) -> PathBuf {
        self.root
            .join(".locks")
            .join(format!("{runtime}-{version}.lock"))
    }
}

/// Modified in the last ten minutes.
fn recent(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(600))
}

/// A version string usable as one directory name.
pub(crate) fn safe_name(version: &str) -> bool {
    !version.is_empty()
        && !version.starts_with('.')
        && !version.contains(['/', '\\', '\0'])
        && version != ".."
}

fn read_installed(dir: &Path) -> Option<InstalledRuntime> {
    let text = std::fs::read_to_string(dir.join(RECORD_FILE)).ok()?;
    let record: InstallRecord = serde_json::from_str(&text).ok()?;
    Some(InstalledRuntime {
        path: dir.to_path_buf(),
        record,
    })
}
