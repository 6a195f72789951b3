//! The command line, and the settings resolved from it (canonical paths, defaults).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Parser, ValueEnum};
use omg::{BackendChoice, Engine, Omg};

/// omgd: the per-user daemon serving a hot package index over omg's socket.
#[derive(Debug, Parser)]
#[command(name = "omgd", version, about)]
pub struct Args {
    /// Which package backend to serve.
    #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
    /// The backend's configuration file (pacman.conf for alpm, an apt.conf for apt).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Operate on another root directory.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The socket to serve (default: $XDG_RUNTIME_DIR/omg/omgd.sock, else /tmp/omg-$UID/omgd.sock).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// The state file (default: $XDG_STATE_HOME/omg/omgd.redb, else
    /// ~/.local/state/omg/omgd.redb; with another --socket, omgd-<hash of the socket>.redb
    /// there, so that several omgd of one user each have their own).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Check the databases at least this often, in seconds, however slowly they are polled
    /// (the index is read again only when they changed). Default: `[daemon] refresh_secs`
    /// of config.toml (`OMG_DAEMON_REFRESH_SECS`), else 300.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub refresh_secs: Option<u64>,
    /// Refresh the security feed this often, in seconds (0: no background audit). Default:
    /// `[audit] refresh_secs` (`OMG_AUDIT_REFRESH_SECS`), else 86400.
    #[arg(long)]
    pub audit_secs: Option<u64>,
    /// Check the databases for changes this often, in milliseconds.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub poll_ms: u64,
    /// Close a client's connection after this many seconds without a request. Default:
    /// `[daemon] idle_secs` (`OMG_DAEMON_IDLE_SECS`), else 60.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_secs: Option<u64>,
    /// More logging (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Write the manual page omgd.8 into DIR and exit (for `make install`).
    #[arg(long, value_name = "DIR", hide = true)]
    pub print_man: Option<PathBuf>,
}

/// `--backend` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Decide from /etc/os-release (or /usr/lib/os-release).
    Auto,
    /// libalpm.
    Alpm,
    /// libapt-pkg.
    Apt,
}

/// How to open the backend; kept so that a rebuild can open a fresh one.
#[derive(Debug, Clone)]
pub struct BackendSpec {
    choice: BackendChoice,
    config: Option<PathBuf>,
    root: Option<PathBuf>,
}

impl BackendSpec {
    /// Open the backend (blocking: it reads the databases) and wrap it in an [`Engine`].
    pub fn open(&self) -> omg::Result<Engine> {
        let mut builder = Omg::builder().backend(self.choice);
        if let Some(c) = &self.config {
            builder = builder.config(c);
        }
        if let Some(r) = &self.root {
            builder = builder.root(r);
        }
        builder.build()
    }
}

/// Everything omgd needs from its command line, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub backend: BackendSpec,
    pub socket: PathBuf,
    pub state: PathBuf,
    pub refresh: Duration,
    pub poll: Duration,
    pub audit: Duration,
    pub idle: Duration,
}

impl Settings {
    /// Canonicalize the backend's paths and fill in the defaults (config.toml's, see
    /// [`omg_config::Settings`]).
    ///
    /// # Errors
    /// A missing `--config` or `--root`, no home directory for the default state file, an
    /// unusable config.toml or a zero interval.
    pub fn resolve(args: &Args) -> anyhow::Result<Settings> {
        let config = omg_config::Settings::load()?;
        let at_least_one = |flag: Option<u64>, configured: u64, key: &str| {
            let secs = flag.unwrap_or(configured);
            if secs == 0 {
                bail!("{key} is 0; give at least one second");
            }
            Ok(secs)
        };
        let refresh = at_least_one(
            args.refresh_secs,
            config.daemon_refresh_secs()?,
            "[daemon] refresh_secs",
        )?;
        let idle = at_least_one(
            args.idle_secs,
            config.daemon_idle_secs()?,
            "[daemon] idle_secs",
        )?;
        let audit = match args.audit_secs {
            Some(secs) => secs,
            None => config.audit_refresh_secs()?,
        };
        let choice = match args.backend {
            BackendArg::Auto => BackendChoice::Auto,
            BackendArg::Alpm => BackendChoice::Alpm,
            BackendArg::Apt => BackendChoice::Apt,
        };
        let socket = args
            .socket
            .clone()
            .unwrap_or_else(omg_transport_uds::default_socket_path);
        let state = match &args.state {
            Some(p) => p.clone(),
            None => default_state_path(&socket)?,
        };
        Ok(Settings {
            backend: BackendSpec {
                choice,
                config: args
                    .config
                    .as_deref()
                    .map(|p| canonical(p, "--config"))
                    .transpose()?,
                root: args
                    .root
                    .as_deref()
                    .map(|p| canonical(p, "--root"))
                    .transpose()?,
            },
            socket,
            state,
            refresh: Duration::from_secs(refresh),
            poll: Duration::from_millis(args.poll_ms),
            audit: Duration::from_secs(audit),
            idle: Duration::from_secs(idle),
        })
    }
}

fn canonical(path: &Path, flag: &str) -> anyhow::Result<PathBuf> {
    std::fs::canonicalize(path)
        .with_context(|| format!("{flag} {}: cannot resolve the path", path.display()))
}

/// `$XDG_STATE_HOME/omg/omgd.redb`, else `~/.local/state/omg/omgd.redb`, for the default
/// socket; `omgd-<hash>.redb` there for another one (one state file per daemon: redb lets
/// one process at a time open a file).
fn default_state_path(socket: &Path) -> anyhow::Result<PathBuf> {
    let dir = state_dir_for(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )?;
    Ok(dir.join(state_file_name(
        socket,
        &omg_transport_uds::default_socket_path(),
    )))
}

fn state_dir_for(xdg: Option<PathBuf>, home: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let base = match (xdg, home) {
        (Some(x), _) if x.is_absolute() => x,
        (_, Some(h)) if h.is_absolute() => h.join(".local/state"),
        _ => bail!("neither XDG_STATE_HOME nor HOME is set to an absolute path; give --state FILE"),
    };
    Ok(base.join("omg"))
}

/// `omgd.redb` for the default socket, else `omgd-<FNV-1a of the socket path>.redb` (stable
/// across releases, unlike std's hasher).
fn state_file_name(socket: &Path, default_socket: &Path) -> String {
    if socket == default_socket {
        return "omgd.redb".to_string();
    }
    let hash = socket
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("omgd-{hash:016x}.redb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_prefers_xdg() {
        let p = state_dir_for(Some("/x".into()), Some("/home/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/x/omg"));
        let p = state_dir_for(Some("rel".into()), Some("/home/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/home/u/.local/state/omg"));
        assert!(state_dir_for(None, None).is_err());
    }

    #[test]
    fn each_socket_has_its_own_state_file() {
        let default = Path::new("/run/user/1000/omg/omgd.sock");
        assert_eq!(state_file_name(default, default), "omgd.redb");
        let a = state_file_name(Path::new("/tmp/a/omgd.sock"), default);
        let b = state_file_name(Path::new("/tmp/b/omgd.sock"), default);
        assert_ne!(a, b);
        assert!(a.starts_with("omgd-") && a.ends_with(".redb"), "{a}");
        // Stable: the same socket finds its state again after an upgrade of omg.
        assert_eq!(a, state_file_name(Path::new("/tmp/a/omgd.sock"), default));
        // FNV-1a's published test vector for "a".
        assert_eq!(
            state_file_name(Path::new("a"), default),
            "omgd-af63dc4c8601ec8c.redb"
        );
    }

    #[test]
    fn missing_config_is_a_clear_error() {
        let args = Args::parse_from([
            "omgd",
            "--config",
            "/nonexistent/pacman.conf",
            "--state",
            "/s",
        ]);
        let e = Settings::resolve(&args).unwrap_err();
        assert!(format!("{e:#}").contains("--config /nonexistent/pacman.conf"));
    }
}
