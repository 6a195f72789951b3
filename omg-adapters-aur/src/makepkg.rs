//! Building an AUR package with makepkg: [`BuildUser`] (makepkg refuses root, so root builds
//! as the user who ran `sudo`) and [`Makepkg`] (paru's sequence of makepkg runs, its output
//! into a log file).
//!
//! ```no_run
//! # fn demo(clone: &std::path::Path, out: &std::path::Path) -> omg_ports::Result<()> {
//! use omg_adapters_aur::makepkg::{BuildUser, Makepkg};
//!
//! let user = BuildUser::for_build()?; // None: not root, build as ourselves
//! let makepkg = Makepkg::new(
//!     user,
//!     out.join("pkg"),
//!     out.join("build"),
//!     out.join("src"),
//!     out.join("logs"),
//! );
//! let packages = makepkg.build(clone, &out.join("logs/yay.log"))?;
//! # let _ = packages;
//! # Ok(()) }
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use omg_ports::{Error, Result};

use crate::dirs::owned_dir;
use crate::escape::escape;
use crate::repo::exit_text;
use crate::run::{run, RunError};
use crate::sys::{self, Passwd};

/// How many lines of the log a failed build's error quotes.
pub const LOG_TAIL_LINES: usize = 20;

/// The most bytes of the end of the log read for [`LOG_TAIL_LINES`].
const LOG_TAIL_BYTES: u64 = 64 << 10;

/// What to do when root has no user to build as.
const ROOT_ADVICE: &str = "makepkg refuses to run as root; run omg with sudo from a normal \
                           user account (sudo omg ...), and omg builds as that user";

/// A non-root user makepkg (and git, for the clones) runs as when omg runs as root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildUser {
    /// The user's name.
    pub name: String,
    /// The user's uid (never 0).
    pub uid: u32,
    /// The user's primary gid.
    pub gid: u32,
    /// The user's home directory (`HOME` of the runs).
    pub home: PathBuf,
}

impl BuildUser {
    /// Makes `cmd` run as this user: their uid and gid, and their `HOME`, `USER` and
    /// `LOGNAME`.
    pub fn run_as(&self, cmd: &mut Command) {
        cmd.uid(self.uid)
            .gid(self.gid)
            .env("HOME", &self.home)
            .env("USER", &self.name)
            .env("LOGNAME", &self.name);
    }

    /// Whom to build as: `None` when this process is not root (it builds as itself); as
    /// root, the user named by `SUDO_USER`.
    ///
    /// # Errors
    ///
    /// [`Error::Library`] (`makepkg`) as root without `SUDO_USER` (or with `SUDO_USER` root),
    /// or when that user has no passwd entry.
    pub fn for_build() -> Result<Option<BuildUser>> {
        let sudo_user = std::env::var("SUDO_USER").ok();
        for_build_with(sys::euid(), sudo_user.as_deref(), sys::getpwnam)
    }

    /// The user `name` from the passwd database (NSS).
    ///
    /// # Errors
    ///
    /// [`Error::Library`] (`makepkg`) when there is no such user or it is root (uid 0).
    pub fn named(name: &str) -> Result<BuildUser> {
        named_with(name, sys::getpwnam)
    }
}

fn for_build_with(
    euid: u32,
    sudo_user: Option<&str>,
    lookup: impl Fn(&str) -> io::Result<Option<Passwd>>,
) -> Result<Option<BuildUser>> {
    if euid != 0 {
        return Ok(None);
    }
    match sudo_user {
        Some(name) if !name.is_empty() => named_with(name, lookup).map(Some),
        _ => Err(makepkg_error(format!(
            "omg runs as root without SUDO_USER, so there is no user to build as; {ROOT_ADVICE}"
        ))),
    }
}

fn named_with(
    name: &str,
    lookup: impl Fn(&str) -> io::Result<Option<Passwd>>,
) -> Result<BuildUser> {
    let entry = lookup(name)
        .map_err(|e| makepkg_error(format!("looking up the user \"{}\": {e}", escape(name))))?
        .ok_or_else(|| {
            makepkg_error(format!(
                "there is no user \"{}\" to build as; {ROOT_ADVICE}",
                escape(name)
            ))
        })?;
    if entry.uid == 0 {
        return Err(makepkg_error(format!(
            "the user \"{}\" is root (uid 0); {ROOT_ADVICE}",
            escape(name)
        )));
    }
    Ok(BuildUser {
        name: entry.name,
        uid: entry.uid,
        gid: entry.gid,
        home: entry.home,
    })
}

fn makepkg_error(message: String) -> Error {
    Error::Library {
        library: "makepkg".into(),
        message,
    }
}

/// How often a running makepkg is checked for a stop.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// makepkg with its directories, run as [`Makepkg::user`] when set.
#[derive(Debug, Clone)]
pub struct Makepkg {
    /// The program (`makepkg` on `PATH` by default).
    pub program: PathBuf,
    /// Whom to run as (`None`: this process's user, who must not be root).
    pub user: Option<BuildUser>,
    /// `PKGDEST`: where the packages are written.
    pub pkgdest: PathBuf,
    /// `BUILDDIR`: where sources are unpacked and built.
    pub builddir: PathBuf,
    /// `SRCDEST`: where downloaded sources are kept.
    pub srcdest: PathBuf,
    /// `LOGDEST`: where makepkg's own logs go.
    pub logdest: PathBuf,
    /// Pass `-d` (`--nodeps`): makepkg checks dependencies against the host's own
    /// database, which is not the one omg installs into when it works on another root.
    pub nodeps: bool,
    /// Set (by a signal handler) to stop the build: makepkg's process group is killed and
    /// [`Error::Interrupted`] returned.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Makepkg {
    /// `makepkg` run as `user` with these four directories.
    pub fn new(
        user: Option<BuildUser>,
        pkgdest: PathBuf,
        builddir: PathBuf,
        srcdest: PathBuf,
        logdest: PathBuf,
    ) -> Makepkg {
        Makepkg {
            program: PathBuf::from("makepkg"),
            user,
            pkgdest,
            builddir,
            srcdest,
            logdest,
            nodeps: false,
            cancel: None,
        }
    }

    /// The same, stopped when `flag` turns true.
    #[must_use]
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Makepkg {
        self.cancel = Some(flag);
        self
    }

    /// The same, with makepkg's dependency check off when `off` (`-d`): for a build whose
    /// dependencies were installed into another root than the host's (`omg --root`).
    #[must_use]
    pub fn without_dependency_check(mut self, off: bool) -> Makepkg {
        self.nodeps = off;
        self
    }

    /// The same with another program than `makepkg`.
    #[must_use]
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Makepkg {
        self.program = program.into();
        self
    }

    /// Builds the package base in `dir` (a reviewed clone, readable by the user) the way
    /// paru does: `makepkg -ofA` (fetches and verifies the sources, extracts them, runs
    /// prepare(); pkgver() may bump the version), `makepkg --packagelist`, `makepkg -feA
    /// --noconfirm --noprepare --holdver`. paru first runs `makepkg --verifysource -Af`
    /// for every base before building any; run right before `-ofA`, which verifies the
    /// same sources, it would only cost another makepkg start (a second of shell here).
    /// The four directories are created (and given to the user); makepkg's output goes to
    /// the end of `log_file`, never to the terminal. Returns the package files of the
    /// package list that now exist in `PKGDEST`.
    ///
    /// `dir` and the directories above it, and those above the four directories, must be
    /// reachable by the user.
    ///
    /// # Errors
    ///
    /// [`Error::Library`] (`makepkg`) when running as root without a user, or when a run
    /// fails: naming the package base, the run, its exit code, the log and its last
    /// [`LOG_TAIL_LINES`] lines (escaped); [`Error::Io`] when a directory or the log cannot
    /// be made.
    pub fn build(&self, dir: &Path, log_file: &Path) -> Result<Vec<PathBuf>> {
        let pkgbase = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        if self.user.is_none() && sys::euid() == 0 {
            return Err(makepkg_error(format!(
                "not building {}: {ROOT_ADVICE}",
                escape(&pkgbase)
            )));
        }
        for d in [&self.pkgdest, &self.builddir, &self.srcdest, &self.logdest] {
            owned_dir(d, self.user.as_ref(), None, "makepkg's directory")?;
        }
        let pkgdest = self.pkgdest.canonicalize().map_err(|source| Error::Io {
            path: self.pkgdest.clone(),
            source,
        })?;
        let mut log = open_log(log_file)?;
        let fail = |args: &[&str], why: String, log: &mut File| {
            let _ = writeln!(log, "==> omg: makepkg {} {why}", args.join(" "));
            makepkg_error(format!(
                "building {} failed: `makepkg {}` {why}; the full log is {}. Its last lines:\n{}",
                escape(&pkgbase),
                args.join(" "),
                log_file.display(),
                log_tail(log_file)
            ))
        };

        let nodeps: &[&str] = if self.nodeps { &["-d"] } else { &[] };
        let fetch: Vec<&str> = ["-ofA"].iter().chain(nodeps).copied().collect();
        self.step(dir, &pkgdest, &fetch, &mut log, log_file, &fail)?;

        let list_args = ["--packagelist"];
        let cmd = self.command(dir, &pkgdest, &list_args);
        let _ = writeln!(log, "==> omg: makepkg --packagelist");
        let ran = match run(cmd, 1 << 20, None) {
            Ok(r) => r,
            Err(RunError::Io(e)) => return Err(self.spawn_error(&e)),
            Err(RunError::TimedOut(_)) => {
                return Err(fail(&list_args, "timed out".into(), &mut log))
            }
        };
        let _ = log.write_all(&ran.stdout);
        let _ = log.write_all(&ran.stderr);
        if !ran.status.success() {
            let why = format!("exited with {}", exit_text(ran.status));
            return Err(fail(&list_args, why, &mut log));
        }
        let listed = String::from_utf8_lossy(&ran.stdout).into_owned();

        let final_args: Vec<&str> = ["-feA", "--noconfirm", "--noprepare", "--holdver"]
            .iter()
            .chain(nodeps)
            .copied()
            .collect();
        self.step(dir, &pkgdest, &final_args, &mut log, log_file, &fail)?;

        let mut built = Vec::new();
        for line in listed.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let path = PathBuf::from(line);
            let in_pkgdest = path.parent() == Some(pkgdest.as_path());
            let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if in_pkgdest && regular && !built.contains(&path) {
                built.push(path);
            } else {
                tracing::debug!(path = %escape(line), "listed by makepkg but not built in PKGDEST");
            }
        }
        tracing::info!(pkgbase = %escape(&pkgbase), packages = built.len(), "built");
        Ok(built)
    }

    /// One makepkg run with stdout and stderr appended to the log.
    fn step(
        &self,
        dir: &Path,
        pkgdest: &Path,
        args: &[&str],
        log: &mut File,
        log_file: &Path,
        fail: &dyn Fn(&[&str], String, &mut File) -> Error,
    ) -> Result<()> {
        let _ = writeln!(log, "==> omg: makepkg {}", args.join(" "));
        let io_err = |source: io::Error| Error::Io {
            path: log_file.to_path_buf(),
            source,
        };
        let out = log.try_clone().map_err(io_err)?;
        let err = log.try_clone().map_err(io_err)?;
        let mut cmd = self.command(dir, pkgdest, args);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        tracing::debug!(dir = %dir.display(), ?args, "makepkg");
        // In a process group of its own, so that a stop ends makepkg and everything the
        // PKGBUILD started, not only makepkg.
        cmd.process_group(0);
        let mut child = cmd.spawn().map_err(|e| self.spawn_error(&e))?;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| self.spawn_error(&e))? {
                break status;
            }
            if self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
            {
                crate::sys::kill_group(child.id());
                let _ = child.wait();
                let _ = writeln!(log, "==> omg: stopped by a signal");
                return Err(Error::Interrupted(format!(
                    "stopped by a signal while makepkg ran (makepkg {}); its log is {}",
                    args.join(" "),
                    log_file.display()
                )));
            }
            std::thread::sleep(CANCEL_POLL);
        };
        if status.success() {
            Ok(())
        } else {
            Err(fail(
                args,
                format!("exited with {}", exit_text(status)),
                log,
            ))
        }
    }

    fn command(&self, dir: &Path, pkgdest: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(args)
            .current_dir(dir)
            .env("PKGDEST", pkgdest)
            .env("BUILDDIR", &self.builddir)
            .env("SRCDEST", &self.srcdest)
            .env("LOGDEST", &self.logdest)
            .env("GIT_TERMINAL_PROMPT", "0");
        if let Some(user) = &self.user {
            user.run_as(&mut cmd);
        }
        cmd
    }

    fn spawn_error(&self, e: &io::Error) -> Error {
        makepkg_error(format!(
            "{} could not be run ({e}); is pacman's makepkg installed?",
            self.program.display()
        ))
    }
}

/// `path` opened for appending (created 0644 with its directory; a link is refused).
fn open_log(path: &Path) -> Result<File> {
    let io_err = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_err)?;
    }
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the build log is not a regular file; refused",
        )));
    }
    Ok(file)
}

/// The last [`LOG_TAIL_LINES`] lines of the log, escaped, indented.
fn log_tail(path: &Path) -> String {
    let mut bytes = Vec::new();
    if let Ok(mut file) = File::open(path) {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let start = len.saturating_sub(LOG_TAIL_BYTES);
        if file.seek(SeekFrom::Start(start)).is_ok() {
            let _ = file.take(LOG_TAIL_BYTES).read_to_end(&mut bytes);
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(LOG_TAIL_LINES);
    lines[from..]
        .iter()
        .map(|l| format!("  {}", escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(name: &str) -> io::Result<Option<Passwd>> {
        Ok(match name {
            "alice" => Some(Passwd {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into(),
            }),
            "root" => Some(Passwd {
                name: "root".into(),
                uid: 0,
                gid: 0,
                home: "/root".into(),
            }),
            _ => None,
        })
    }

    #[test]
    fn not_root_builds_as_itself() {
        assert_eq!(for_build_with(1000, Some("alice"), users).unwrap(), None);
        assert_eq!(for_build_with(1000, None, users).unwrap(), None);
    }

    #[test]
    fn root_builds_as_the_sudo_user() {
        let user = for_build_with(0, Some("alice"), users).unwrap().unwrap();
        assert_eq!(user.uid, 1000);
        assert_eq!(user.home, PathBuf::from("/home/alice"));
    }

    #[test]
    fn root_without_a_user_is_refused() {
        for sudo in [None, Some(""), Some("root"), Some("nobody-here")] {
            let e = for_build_with(0, sudo, users).unwrap_err().to_string();
            assert!(e.starts_with("makepkg: "), "{e}");
            assert!(e.contains("makepkg refuses to run as root"), "{e}");
            assert!(e.contains("sudo"), "{e}");
        }
    }

    #[test]
    fn the_tail_is_escaped_and_short() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!("line {i}\n"));
        }
        text.push_str("evil \x1b[2J end\n");
        fs::write(&log, text).unwrap();
        let tail = log_tail(&log);
        assert_eq!(tail.lines().count(), LOG_TAIL_LINES);
        assert!(tail.contains("evil \\u{1b}[2J end"), "{tail}");
        assert!(!tail.contains("line 30\n"));
        assert!(tail.contains("line 31"));
    }
}
