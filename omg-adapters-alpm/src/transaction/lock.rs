//! libalpm's database lock, `<dbpath>/db.lck`.
//!
//! libalpm creates the file with `O_CREAT | O_EXCL` when a transaction starts (or a database
//! update) and keeps it open until it ends; it is not an `fcntl` lock, so a crashed process
//! leaves it behind. When the lock is taken, omg looks for the process holding it: one with
//! an open descriptor on the file (`/proc/*/fd`), or, when some processes' descriptors cannot
//! be read, a running `pacman` or `omg-backend`. With a holder, omg waits up to the configured
//! timeout (telling the user once whom it waits for) and then fails with
//! [`Error::Locked`]; without one, the lock is stale and omg fails at once with
//! [`Error::StaleLock`], whose message gives the remedy. omg never deletes a lock file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use omg_ports::{Error, ProgressEvent, Result};

/// How often the lock is tried again while waiting.
const POLL: Duration = Duration::from_millis(100);

/// Process names that take libalpm's lock, looked for when descriptors cannot be read.
const LOCKERS: &[&str] = &["pacman", "omg-backend"];

/// Runs `attempt` (which takes the lock) until it does not fail with libalpm's lock error,
/// waiting for a live holder up to `timeout`; `message` receives the waiting notice.
pub(crate) fn with_lock<T>(
    lock: &Path,
    timeout: Duration,
    mut message: impl FnMut(ProgressEvent),
    mut attempt: impl FnMut() -> std::result::Result<T, alpm::Error>,
    mut failed: impl FnMut(alpm::Error) -> Error,
) -> Result<T> {
    let start = Instant::now();
    let mut told = false;
    loop {
        match attempt() {
            Ok(value) => return Ok(value),
            Err(alpm::Error::HandleLock) => {}
            Err(e) => return Err(failed(e)),
        }
        if !lock.exists() {
            // libalpm could not create it for another reason than its existence.
            return Err(Error::Library {
                library: "libalpm".into(),
                message: format!(
                    "cannot create the lock file {}: {}; run as root",
                    lock.display(),
                    io::Error::last_os_error()
                ),
            });
        }
        let Some(holder) = holder(lock) else {
            // The holder may have finished between our attempt and the scan.
            if !lock.exists() {
                continue;
            }
            return Err(Error::StaleLock {
                path: lock.to_path_buf(),
            });
        };
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(Error::Locked {
                path: lock.to_path_buf(),
                holder: Some(holder.to_string()),
                waited_secs: waited.as_secs(),
            });
        }
        if !told {
            told = true;
            message(ProgressEvent::Message {
                level: "info".into(),
                text: format!("waiting for {holder} to release {}", lock.display()),
            });
            tracing::info!(lock = %lock.display(), "waiting for {holder}");
        }
        thread::sleep(POLL.min(timeout - waited));
    }
}

/// A process holding the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub pid: u32,
    pub comm: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {} ({})", self.pid, self.comm)
    }
}

/// The process with `lock` open; else, when some descriptors could not be read, a running
/// pacman or omg-backend other than this process; else `None`.
pub(crate) fn holder(lock: &Path) -> Option<Holder> {
    let target = fs::canonicalize(lock).unwrap_or_else(|_| lock.to_path_buf());
    let mut unreadable = false;
    let mut lockers = Vec::new();
    let own = std::process::id();
    for pid in pids() {
        match holds(pid, &target) {
            Ok(true) => return Some(holder_of(pid)),
            Ok(false) => {}
            Err(_) => unreadable = true,
        }
        if pid != own {
            let h = holder_of(pid);
            if LOCKERS.contains(&h.comm.as_str()) {
                lockers.push(h);
            }
        }
    }
    if unreadable {
        lockers.into_iter().next()
    } else {
        None
    }
}

fn pids() -> Vec<u32> {
    fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `pid` has `target` open. A process that ended meanwhile holds nothing.
fn holds(pid: u32, target: &Path) -> io::Result<bool> {
    let fds = match fs::read_dir(format!("/proc/{pid}/fd")) {
        Ok(fds) => fds,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    Ok(fds
        .filter_map(|fd| fs::read_link(fd.ok()?.path()).ok())
        .any(|link: PathBuf| link == target))
}

fn holder_of(pid: u32) -> Holder {
    let comm = fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|c| c.trim_end().to_string())
        .unwrap_or_else(|_| "unknown".into());
    Holder { pid, comm }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_found_holding_an_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("db.lck");
        let file = fs::File::create(&lock).unwrap();
        let h = holder(&lock).unwrap();
        assert_eq!(h.pid, std::process::id());
        assert_eq!(h.to_string(), format!("pid {} ({})", h.pid, h.comm));
        drop(file);
        assert_eq!(holder(&lock), None);
    }
}
