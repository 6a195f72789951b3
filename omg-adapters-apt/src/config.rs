//! Which apt configuration a backend reads, and loading it into libapt.
//!
//! libapt's configuration is one process-wide tree. [`apply`] replaces it and runs only on
//! the worker thread (see [`crate::worker`]), so backends with different configurations
//! take turns instead of overwriting each other's settings.

use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};
use rust_apt::raw::config as apt;

use crate::binary_cache::CacheFiles;
use crate::error;

/// Which apt settings a backend reads. The default reads the host's, exactly as `apt` would
/// (including an `APT_CONFIG` environment variable, which libapt itself honours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AptConfig {
    /// An apt.conf to read, like `APT_CONFIG`: it is read before `apt.conf.d`, so it can
    /// point `Dir::Etc::parts` elsewhere to leave the host's settings out. `apt.conf.d`
    /// (wherever it then is) is read after it, and `#clear` in it works as in any apt.conf.
    /// Unlike `APT_CONFIG`, the main `Dir::Etc::main` file is not read as well.
    pub config: Option<PathBuf>,
    /// Sets apt's `Dir`: every other apt path (lists, dpkg status, `etc/apt`) is looked up
    /// under it, including the configuration in `<root>/etc/apt/apt.conf.d`.
    pub root: Option<PathBuf>,
}

impl AptConfig {
    /// The host's settings.
    pub fn host() -> Self {
        Self::default()
    }

    /// The same settings, also reading the apt.conf at `path`.
    pub fn with_config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// The same settings under the root directory `root`.
    pub fn with_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.root = Some(root.into());
        self
    }

    /// The root as `BackendInfo` shows it: `/` unless a root was given.
    pub(crate) fn root_display(&self) -> String {
        self.root
            .as_ref()
            .map_or_else(|| "/".to_owned(), |r| r.display().to_string())
    }
}

/// The files libapt reads under a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paths {
    /// dpkg's status database (`Dir::State::status`).
    pub(crate) status: PathBuf,
    /// apt's auto-installed marks (`Dir::State::extended_states`).
    pub(crate) extended_states: PathBuf,
    /// The directory of downloaded lists (`Dir::State::lists`).
    pub(crate) lists: PathBuf,
    /// `sources.list` (`Dir::Etc::sourcelist`).
    pub(crate) sourcelist: PathBuf,
    /// `sources.list.d` (`Dir::Etc::sourceparts`).
    pub(crate) sourceparts: PathBuf,
    /// `preferences` (`Dir::Etc::preferences`).
    pub(crate) preferences: PathBuf,
    /// `preferences.d` (`Dir::Etc::preferencesparts`).
    pub(crate) preferencesparts: PathBuf,
    /// The native architecture (`APT::Architecture`).
    pub(crate) architecture: String,
    /// The architectures the configuration lists (`APT::Architectures`), if it does.
    pub(crate) architectures: Vec<String>,
    /// `Dir::Cache::pkgcache` as the configuration sets it (empty: no file).
    pub(crate) pkgcache: String,
    /// `Dir::Cache::srcpkgcache` as the configuration sets it (empty: no file).
    pub(crate) srcpkgcache: String,
    /// The configuration's own `pkgcache.bin`, as a whole path (empty: none), which apt
    /// keeps current as root; omg seeds its own file from it (see `binary_cache::seed`).
    pub(crate) system_pkgcache: PathBuf,
    /// The configuration's own `srcpkgcache.bin`, as a whole path (empty: none).
    pub(crate) system_srcpkgcache: PathBuf,
}

/// A value for `Dir::Etc::parts` no configuration uses: tells whether the file set it.
const UNSET_PARTS: &str = "/nonexistent/omg-apt-parts-unset/";

/// Checks `config`'s files exist and loads it into libapt's global configuration.
///
/// Worker thread only.
pub(crate) fn apply(config: &AptConfig) -> Result<Paths> {
    let file = config.config.as_deref().map(absolute).transpose()?;
    if let Some(file) = &file {
        if !file.is_file() {
            return Err(Error::Config {
                path: file.clone(),
                reason: "the file does not exist; give an existing apt.conf, or none for the host's settings"
                    .to_owned(),
            });
        }
    }
    let root = config.root.as_deref().map(absolute).transpose()?;
    if let Some(root) = &root {
        if !root.is_dir() {
            return Err(Error::Config {
                path: root.clone(),
                reason: "the root directory does not exist".to_owned(),
            });
        }
    }
    // Whatever an earlier request left on libapt's message stack is not ours.
    error::take_messages();

    apt::clear_all();
    if let Some(root) = &root {
        apt::set("Dir".to_owned(), dir_value(root));
    }
    match &file {
        None => apt::init_config(),
        Some(file) => {
            // pkgInitConfig reads Dir::Etc::parts, then the file in Dir::Etc::main. A first
            // pass reads the file alone, to learn where it puts `Dir` and the parts; the
            // second reads the parts from there and then the file, so it wins over them.
            apt::set("Dir::Etc::parts".to_owned(), UNSET_PARTS.to_owned());
            apt::set("Dir::Etc::main".to_owned(), path_value(file));
            apt::init_config();
            let errors = error::take_messages_except(Some(UNSET_PARTS.trim_end_matches('/')));
            if !errors.is_empty() {
                return Err(config_error(file, &errors));
            }
            let dir = find("Dir");
            let etc = find("Dir::Etc");
            let parts = find("Dir::Etc::parts");
            apt::clear_all();
            apt::set("Dir".to_owned(), dir);
            apt::set("Dir::Etc".to_owned(), etc);
            if parts != UNSET_PARTS {
                apt::set("Dir::Etc::parts".to_owned(), parts);
            }
            apt::set("Dir::Etc::main".to_owned(), path_value(file));
            apt::init_config();
        }
    }
    apt::init_system();
    crate::refresh::refresh();
    let errors = error::take_messages();
    if !errors.is_empty() {
        let path = file.unwrap_or_else(|| {
            PathBuf::from(apt::find_file("Dir::Etc::main".to_owned(), String::new()))
        });
        return Err(config_error(&path, &errors));
    }
    let paths = Paths {
        status: find_file("Dir::State::status"),
        extended_states: find_file("Dir::State::extended_states"),
        lists: PathBuf::from(apt::find_dir("Dir::State::lists".to_owned(), String::new())),
        sourcelist: find_file("Dir::Etc::sourcelist"),
        sourceparts: PathBuf::from(apt::find_dir(
            "Dir::Etc::sourceparts".to_owned(),
            String::new(),
        )),
        preferences: find_file("Dir::Etc::preferences"),
        preferencesparts: PathBuf::from(apt::find_dir(
            "Dir::Etc::preferencesparts".to_owned(),
            String::new(),
        )),
        architecture: find("APT::Architecture"),
        architectures: apt::find_vector("APT::Architectures".to_owned()),
        pkgcache: find(PKGCACHE),
        srcpkgcache: find(SRCPKGCACHE),
        system_pkgcache: find_file(PKGCACHE),
        system_srcpkgcache: find_file(SRCPKGCACHE),
    };
    tracing::debug!(?config, ?paths, "loaded apt configuration");
    Ok(paths)
}

const PKGCACHE: &str = "Dir::Cache::pkgcache";
const SRCPKGCACHE: &str = "Dir::Cache::srcpkgcache";

/// Points libapt's binary caches at `files`, or back at the configuration's own files.
///
/// Worker thread only, with the configuration of `paths` loaded.
pub(crate) fn use_binary_caches(paths: &Paths, files: Option<&CacheFiles>) {
    let (pkgcache, srcpkgcache) = match files {
        Some(f) => (path_value(&f.pkgcache), path_value(&f.srcpkgcache)),
        None => (paths.pkgcache.clone(), paths.srcpkgcache.clone()),
    };
    apt::set(PKGCACHE.to_owned(), pkgcache);
    apt::set(SRCPKGCACHE.to_owned(), srcpkgcache);
}

/// Has libapt build the cache of the lists and dpkg's status in memory on the next open,
/// leaving `Dir::Cache::pkgcache` (omg's or the system's) untouched.
pub(crate) fn build_pkgcache_in_memory() {
    apt::set(PKGCACHE.to_owned(), String::new());
}

fn config_error(path: &Path, errors: &[String]) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        reason: format!("libapt-pkg: {}", errors.join("; ")),
    }
}

fn find(key: &str) -> String {
    apt::find(key.to_owned(), String::new())
}

fn find_file(key: &str) -> PathBuf {
    PathBuf::from(apt::find_file(key.to_owned(), String::new()))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn path_value(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A directory as apt's `Dir*` values are written: with a trailing slash.
fn dir_value(path: &Path) -> String {
    let mut s = path_value(path);
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_shown_as_given_or_slash() {
        assert_eq!(AptConfig::host().root_display(), "/");
        assert_eq!(
            AptConfig::host().with_root("/tmp/r").root_display(),
            "/tmp/r"
        );
    }

    #[test]
    fn dirs_get_a_trailing_slash() {
        assert_eq!(dir_value(Path::new("/tmp/r")), "/tmp/r/");
        assert_eq!(dir_value(Path::new("/tmp/r/")), "/tmp/r/");
    }
}
