//! Waiting for apt's and dpkg's locks.
//!
//! libapt takes its locks (dpkg's `lock-frontend` and `lock`, the lists' and the archives'
//! `lock`) with `fcntl` and fails at once when another process holds one. [`wait_for`]
//! retries for a while instead, telling the sink once who holds the lock: `fcntl(F_GETLK)`
//! on the file names the holding process. The files themselves stay on disk after every
//! apt and dpkg run, which is normal: an `fcntl` lock dies with its holder, so there is no
//! such thing as a stale apt lock.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use omg_ports::{Error, ProgressEvent, ProgressSink, Result};

use super::progress::Control;
use crate::error::{self, library};

/// How long to sleep between two tries.
const RETRY: Duration = Duration::from_millis(200);

/// Tries without a holder to be found (the holder left between the try and the check)
/// before a failure is taken as another error than a held lock.
const UNHELD_TRIES: u32 = 3;

/// The process holding a write-conflicting `fcntl` lock on `path`: `Some(pid)`; `None`
/// when nobody (or only this process) holds one or the file cannot be opened.
pub(crate) fn holder_pid(path: &Path) -> Option<i32> {
    let file = File::open(path).ok()?;
    // SAFETY: flock is plain data; zeroed is a valid value that is then filled in.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = 0;
    lock.l_len = 0;
    // SAFETY: a valid descriptor and a pointer to a live flock.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    if rc != 0 || lock.l_type == libc::F_UNLCK as libc::c_short {
        return None;
    }
    // An open file description lock has no pid (-1): held, by someone unknown.
    Some(lock.l_pid)
}

/// `pid N (comm)`, or `pid N` when its name cannot be read; `None` for an unknown pid.
pub(crate) fn describe(pid: i32) -> Option<String> {
    if pid <= 0 {
        return None;
    }
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok();
    Some(
        match comm.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()) {
            Some(comm) => format!("pid {pid} ({comm})"),
            None => format!("pid {pid}"),
        },
    )
}

/// Settings of one wait.
pub(crate) struct Wait<'a> {
    /// The lock files the attempt takes, in the order it takes them.
    pub(crate) paths: &'a [PathBuf],
    /// How long to wait for another process.
    pub(crate) timeout: Duration,
    pub(crate) sink: &'a Arc<dyn ProgressSink>,
    pub(crate) control: &'a Control,
}

/// Runs `attempt` until it succeeds (`Ok(Ok(value))`), waiting while another process holds
/// one of `wait.paths`. `attempt` returns `Ok(Err(messages))` with libapt's messages when
/// it could not take a lock.
///
/// # Errors
///
/// [`Error::Locked`] after `wait.timeout`, [`Error::Interrupted`] when interrupted while
/// waiting, [`Error::Library`] with libapt's messages when the attempt failed and no
/// process holds the locks, and whatever `attempt` returns.
pub(crate) fn wait_for<T>(
    wait: &Wait<'_>,
    mut attempt: impl FnMut() -> Result<std::result::Result<T, Vec<String>>>,
) -> Result<T> {
    let started = Instant::now();
    let mut announced = false;
    let mut unheld = 0;
    loop {
        if wait.control.cancelled() {
            error::take_messages();
            return Err(Error::Interrupted(
                "stopped while waiting for the package manager lock; nothing was changed"
                    .to_owned(),
            ));
        }
        let messages = match attempt()? {
            Ok(value) => return Ok(value),
            Err(messages) => messages,
        };
        let held = wait
            .paths
            .iter()
            .find_map(|path| holder_pid(path).map(|pid| (path, pid)));
        let Some((path, pid)) = held else {
            unheld += 1;
            if unheld >= UNHELD_TRIES {
                return Err(library(&messages));
            }
            continue;
        };
        let holder = describe(pid);
        if !announced {
            announced = true;
            let who = holder
                .clone()
                .unwrap_or_else(|| "another process".to_owned());
            wait.sink.event(ProgressEvent::Message {
                level: "info".to_owned(),
                text: format!("waiting for {who} to release {}", path.display()),
            });
            tracing::info!(path = %path.display(), holder = ?holder, "waiting for a package manager lock");
        }
        let waited = started.elapsed();
        if waited >= wait.timeout {
            return Err(Error::Locked {
                path: path.clone(),
                holder,
                waited_secs: waited.as_secs(),
            });
        }
        std::thread::sleep(RETRY.min(wait.timeout - waited));
    }
}
