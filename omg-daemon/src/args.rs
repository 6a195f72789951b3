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
    /// The state file (default: $XDG_STATE_HOME/omg/omgd.redb, else ~/.local/state/omg/omgd.redb).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Rebuild the index at least this often, in seconds, even without database changes.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub refresh_secs: u64,
    /// Refresh the security feed this often, in seconds (0: no background audit).
    #[arg(long, env = "OMG_AUDIT_REFRESH_SECS", default_value_t = 86_400)]
    pub audit_secs: u64,
    /// Check the databases for changes this often, in milliseconds.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub poll_ms: u64,
    /// More logging (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
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
}

impl Settings {
    /// Canonicalize the backend's paths and fill in the defaults.
    ///
    /// # Errors
    /// A missing `--config` or `--root`, or no home directory for the default state file.
    pub fn resolve(args: &Args) -> anyhow::Result<Settings> {
        let choice = match args.backend {
            BackendArg::Auto => BackendChoice::Auto,
            BackendArg::Alpm => BackendChoice::Alpm,
            BackendArg::Apt => BackendChoice::Apt,
        };
        let state = match &args.state {
            Some(p) => p.clone(),
            None => default_state_path()?,
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
            socket: args
                .socket
                .clone()
                .unwrap_or_else(omg_transport_uds::default_socket_path),
            state,
            refresh: Duration::from_secs(args.refresh_secs),
            poll: Duration::from_millis(args.poll_ms),
            audit: Duration::from_secs(args.audit_secs),
        })
    }
}

fn canonical(path: &Path, flag: &str) -> anyhow::Result<PathBuf> {
    std::fs::canonicalize(path)
        .with_context(|| format!("{flag} {}: cannot resolve the path", path.display()))
}

/// `$XDG_STATE_HOME/omg/omgd.redb`, else `~/.local/state/omg/omgd.redb`.
fn default_state_path() -> anyhow::Result<PathBuf> {
    state_path_for(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn state_path_for(xdg: Option<PathBuf>, home: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let base = match (xdg, home) {
        (Some(x), _) if x.is_absolute() => x,
        (_, Some(h)) if h.is_absolute() => h.join(".local/state"),
        _ => bail!("neither XDG_STATE_HOME nor HOME is set to an absolute path; give --state FILE"),
    };
    Ok(base.join("omg").join("omgd.redb"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_path_prefers_xdg() {
        let p = state_path_for(Some("/x".into()), Some("/home/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/x/omg/omgd.redb"));
        let p = state_path_for(Some("rel".into()), Some("/home/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/home/u/.local/state/omg/omgd.redb"));
        assert!(state_path_for(None, None).is_err());
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
