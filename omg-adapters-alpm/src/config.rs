//! Which pacman configuration to read, and the paths it resolves to.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::pacman_conf::PacmanConf;
use omg_ports::Result;

/// What the alpm backend reads: a `pacman.conf`, optionally overridden like pacman's
/// `--root` and `--dbpath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlpmConfig {
    /// The pacman configuration file. Default `/etc/pacman.conf`.
    pub config: PathBuf,
    /// Like `pacman --root`: overrides `RootDir`. When given and neither `dbpath` nor the
    /// file sets `DBPath`, the databases are read from `<root>/var/lib/pacman/`.
    pub root: Option<PathBuf>,
    /// Like `pacman --dbpath`: overrides `DBPath`.
    pub dbpath: Option<PathBuf>,
    /// How long a transaction waits for another process to release the database lock
    /// (`db.lck`) before failing with [`omg_ports::Error::Locked`]. Default 60 s.
    pub lock_timeout: Duration,
    /// Open even when a sync database is missing or damaged (what `omg sync` needs: the
    /// command that repairs the databases cannot require them). Every query, plan and commit
    /// then fails with that database's error, except [`omg_ports::Transaction::Refresh`],
    /// which downloads the missing and damaged ones (a damaged file is deleted first, so
    /// that its date cannot make it look up to date); after it the backend reads the
    /// repaired databases. Default `false`.
    pub allow_damaged: bool,
}

/// The default of [`AlpmConfig::lock_timeout`].
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for AlpmConfig {
    fn default() -> Self {
        AlpmConfig {
            config: PathBuf::from("/etc/pacman.conf"),
            root: None,
            dbpath: None,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            allow_damaged: false,
        }
    }
}

impl AlpmConfig {
    /// The configuration in `config` with no overrides.
    pub fn new(config: impl Into<PathBuf>) -> Self {
        AlpmConfig {
            config: config.into(),
            ..AlpmConfig::default()
        }
    }

    /// Sets how long a transaction waits for another process's database lock.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }
}

/// The effective settings: `pacman.conf` with the overrides and pacman's defaults applied.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The configuration file read.
    pub config: PathBuf,
    /// Root directory packages are installed into.
    pub root: PathBuf,
    /// Database directory (holds `local/` and `sync/`).
    pub dbpath: PathBuf,
    /// Package cache directories.
    pub cache_dirs: Vec<PathBuf>,
    /// Architectures, `auto` resolved.
    pub architectures: Vec<String>,
    /// Repository names in configuration order.
    pub repos: Vec<String>,
    /// The whole parsed file (servers, signature levels and options for transactions).
    pub conf: PacmanConf,
    /// How long a transaction waits for the database lock.
    pub lock_timeout: Duration,
    /// Open despite missing or damaged sync databases ([`AlpmConfig::allow_damaged`]).
    pub allow_damaged: bool,
}

impl Resolved {
    /// Reads `config.config` and applies pacman's rules for root and database path.
    pub fn load(config: &AlpmConfig) -> Result<Resolved> {
        let conf = PacmanConf::load(&config.config)?;
        Ok(Self::from_conf(config, conf))
    }

    pub(crate) fn from_conf(config: &AlpmConfig, conf: PacmanConf) -> Resolved {
        let root = config.root.clone().or(conf.root_dir.clone());
        let dbpath = config
            .dbpath
            .clone()
            .or(conf.db_path.clone())
            .unwrap_or_else(|| match &root {
                Some(root) => root.join("var/lib/pacman/"),
                None => PathBuf::from("/var/lib/pacman/"),
            });
        let root = root.unwrap_or_else(|| PathBuf::from("/"));
        Resolved {
            config: config.config.clone(),
            root,
            dbpath,
            cache_dirs: conf.cache_dirs.clone(),
            architectures: conf.architectures.clone(),
            repos: conf.repos.iter().map(|r| r.name.clone()).collect(),
            conf,
            lock_timeout: config.lock_timeout,
            allow_damaged: config.allow_damaged,
        }
    }

    /// `<dbpath>/sync/<repo>.db`.
    pub fn sync_db_path(&self, repo: &str) -> PathBuf {
        sync_db_path(&self.dbpath, repo)
    }

    /// `<dbpath>/local/`.
    pub fn local_db_path(&self) -> PathBuf {
        self.dbpath.join("local")
    }

    /// `<dbpath>/db.lck`: libalpm's lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.dbpath.join("db.lck")
    }
}

/// `<dbpath>/sync/<repo>.db`: where libalpm reads a repository's database.
pub(crate) fn sync_db_path(dbpath: &Path, repo: &str) -> PathBuf {
    dbpath.join("sync").join(format!("{repo}.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(root: Option<&str>, db: Option<&str>) -> PacmanConf {
        PacmanConf {
            root_dir: root.map(PathBuf::from),
            db_path: db.map(PathBuf::from),
            ..PacmanConf::default()
        }
    }

    fn resolve(cli_root: Option<&str>, cli_db: Option<&str>, c: PacmanConf) -> (PathBuf, PathBuf) {
        let cfg = AlpmConfig {
            root: cli_root.map(PathBuf::from),
            dbpath: cli_db.map(PathBuf::from),
            ..AlpmConfig::default()
        };
        let r = Resolved::from_conf(&cfg, c);
        (r.root, r.dbpath)
    }

    #[test]
    fn defaults_are_pacmans() {
        assert_eq!(
            resolve(None, None, conf(None, None)),
            ("/".into(), "/var/lib/pacman/".into())
        );
    }

    #[test]
    fn root_moves_the_default_dbpath() {
        assert_eq!(
            resolve(Some("/mnt"), None, conf(None, None)),
            ("/mnt".into(), "/mnt/var/lib/pacman/".into())
        );
        assert_eq!(
            resolve(None, None, conf(Some("/r"), None)),
            ("/r".into(), "/r/var/lib/pacman/".into())
        );
    }

    #[test]
    fn command_line_overrides_the_file() {
        assert_eq!(
            resolve(Some("/mnt"), None, conf(Some("/r"), Some("/db"))),
            ("/mnt".into(), "/db".into())
        );
        assert_eq!(
            resolve(Some("/mnt"), Some("/cli-db"), conf(Some("/r"), Some("/db"))),
            ("/mnt".into(), "/cli-db".into())
        );
    }

    #[test]
    fn default_config_is_etc_pacman_conf() {
        assert_eq!(
            AlpmConfig::default().config,
            PathBuf::from("/etc/pacman.conf")
        );
    }
}
