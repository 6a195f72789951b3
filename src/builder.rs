//! Choosing and opening a backend.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use omg_domain::family::{family_from_os_release, Family};
use omg_domain::Engine;
use omg_ports::{Error, PackageBackend, Result};

/// Which package backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// Decide from the host's os-release ([`os_release_path`]).
    #[default]
    Auto,
    /// libalpm (Arch Linux and derivatives).
    Alpm,
    /// libapt-pkg (Debian, Ubuntu and derivatives).
    Apt,
}

/// Entry point of the SDK.
pub struct Omg;

impl Omg {
    /// A builder for an [`Engine`] over the host's package manager.
    pub fn builder() -> OmgBuilder {
        OmgBuilder::default()
    }
}

/// Options for opening a backend; every option has a default that reads the host as is.
#[derive(Debug, Clone, Default)]
pub struct OmgBuilder {
    backend: BackendChoice,
    config: Option<PathBuf>,
    root: Option<PathBuf>,
    os_release: Option<PathBuf>,
    lock_timeout: Option<Duration>,
    allow_damaged: bool,
}

impl OmgBuilder {
    /// Use this backend instead of detecting one.
    pub fn backend(mut self, choice: BackendChoice) -> Self {
        self.backend = choice;
        self
    }

    /// The backend's configuration file: pacman.conf for alpm, an apt.conf for apt.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// Operate on another root directory (pacman's `--root`, apt's `Dir`).
    pub fn root(mut self, path: impl Into<PathBuf>) -> Self {
        self.root = Some(path.into());
        self
    }

    /// How long a transaction waits for another package manager's lock before failing with
    /// [`Error::Locked`] (default: the backend's, 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = Some(timeout);
        self
    }

    /// Open even when a package database is missing or damaged, for a refresh that repairs
    /// it (`omg sync`): everything but [`omg_ports::Transaction::Refresh`] then fails with
    /// that database's error until the refresh has run. See
    /// the alpm adapter's `AlpmConfig`; apt opens without its lists anyway.
    pub fn allow_damaged_databases(mut self, allow: bool) -> Self {
        self.allow_damaged = allow;
        self
    }

    /// Read the distribution from this file instead of the host's os-release
    /// ([`os_release_path`]).
    pub fn os_release(mut self, path: impl Into<PathBuf>) -> Self {
        self.os_release = Some(path.into());
        self
    }

    /// Open the backend.
    pub fn open_backend(self) -> Result<Arc<dyn PackageBackend>> {
        let choice = match self.backend {
            BackendChoice::Auto => detect_backend(
                &self
                    .os_release
                    .clone()
                    .unwrap_or_else(|| os_release_path(Path::new("/"))),
            )?,
            other => other,
        };
        match choice {
            BackendChoice::Alpm => self.open_alpm(),
            BackendChoice::Apt | BackendChoice::Auto => self.open_apt(),
        }
    }

    #[cfg(feature = "alpm")]
    fn open_alpm(self) -> Result<Arc<dyn PackageBackend>> {
        use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
        let mut config = AlpmConfig::default();
        if let Some(c) = self.config {
            config.config = c;
        }
        config.root = self.root;
        config.allow_damaged = self.allow_damaged;
        if let Some(t) = self.lock_timeout {
            config = config.with_lock_timeout(t);
        }
        Ok(Arc::new(AlpmBackend::open(config)?))
    }

    #[cfg(not(feature = "alpm"))]
    fn open_alpm(self) -> Result<Arc<dyn PackageBackend>> {
        Err(Error::BackendNotBuilt {
            backend: "alpm".into(),
        })
    }

    #[cfg(feature = "apt")]
    fn open_apt(self) -> Result<Arc<dyn PackageBackend>> {
        use omg_adapters_apt::{AptBackend, AptConfig};
        let backend = AptBackend::open(AptConfig {
            config: self.config,
            root: self.root,
        })?;
        Ok(Arc::new(match self.lock_timeout {
            Some(t) => backend.with_lock_timeout(t),
            None => backend,
        }))
    }

    #[cfg(not(feature = "apt"))]
    fn open_apt(self) -> Result<Arc<dyn PackageBackend>> {
        Err(Error::BackendNotBuilt {
            backend: "apt".into(),
        })
    }

    /// Open the backend and wrap it in an [`Engine`].
    pub fn build(self) -> Result<Engine> {
        Ok(Engine::new(self.open_backend()?))
    }
}

/// The os-release file of the system under `root`: `etc/os-release`, or
/// `usr/lib/os-release` when only that exists (os-release(5)); the former when neither does,
/// so that an error names the usual file.
pub fn os_release_path(root: &Path) -> PathBuf {
    omg_domain::family::OS_RELEASE_FILES
        .iter()
        .map(|f| root.join(f))
        .find(|p| p.exists())
        .unwrap_or_else(|| root.join(omg_domain::family::OS_RELEASE_FILES[0]))
}

/// The backend for the distribution described by an os-release file.
pub fn detect_backend(os_release: &Path) -> Result<BackendChoice> {
    let text = std::fs::read_to_string(os_release).map_err(|source| Error::Io {
        path: os_release.to_path_buf(),
        source,
    })?;
    match family_from_os_release(&text) {
        Some(Family::Arch) => Ok(BackendChoice::Alpm),
        Some(Family::Debian) => Ok(BackendChoice::Apt),
        None => Err(Error::Config {
            path: os_release.to_path_buf(),
            reason: "this distribution is neither Arch- nor Debian-like; choose the backend \
                     (alpm or apt) explicitly"
                .into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_is_found_where_os_release_5_says() {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc/os-release");
        let lib = root.path().join("usr/lib/os-release");
        // Neither: the usual file, for the error to name.
        assert_eq!(os_release_path(root.path()), etc);
        let err = detect_backend(&os_release_path(root.path())).unwrap_err();
        assert!(err.to_string().contains("etc/os-release"), "{err}");
        // Only the fallback (a system whose /etc has no copy): it is read.
        std::fs::create_dir_all(lib.parent().unwrap()).unwrap();
        std::fs::write(&lib, "ID=arch\n").unwrap();
        assert_eq!(os_release_path(root.path()), lib);
        assert_eq!(
            detect_backend(&os_release_path(root.path())).unwrap(),
            BackendChoice::Alpm
        );
        // Both: /etc wins.
        std::fs::create_dir_all(etc.parent().unwrap()).unwrap();
        std::fs::write(&etc, "ID=debian\n").unwrap();
        assert_eq!(os_release_path(root.path()), etc);
        assert_eq!(
            detect_backend(&os_release_path(root.path())).unwrap(),
            BackendChoice::Apt
        );
    }
}
