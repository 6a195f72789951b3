//! Interrupting a running commit from another thread (the Ctrl-C path).
//!
//! pacman calls `alpm_trans_interrupt` from its SIGINT handler. omg's commit runs on the
//! worker thread that owns the handle, and the interrupt comes from any other thread, so the
//! handle is never touched from that other thread at all: [`Interrupt::request`] only sets an
//! atomic flag. Every libalpm callback (event, progress, download, log) runs on the worker
//! thread inside `alpm_trans_commit`; each one checks the flag and, when it is set, calls
//! `alpm_trans_interrupt` on the handle right there, on the owning thread.
//!
//! # Safety argument
//!
//! - The raw handle pointer is published to the callbacks only between the start and the
//!   return of `alpm_trans_commit` (`Shared::begin_commit` / `Shared::end_commit`), and only on
//!   the worker thread, so the handle and its transaction are alive whenever it is used (the
//!   transaction is released after `end_commit`).
//! - `alpm_trans_interrupt` reads `handle->trans` and writes `trans->state`; it is called
//!   from a callback of the same thread, like pacman's handler interrupting its own thread, so
//!   there is no data race. libalpm checks the state between packages: the package being
//!   installed or removed is finished, the rest are left alone, and `alpm_trans_commit`
//!   returns normally without its `TRANSACTION_DONE` event (which is how omg tells).
//! - Before the transaction is committing (downloads, integrity and conflict checks),
//!   libalpm refuses the interrupt; the request then stays pending and is applied by the
//!   first callback after it starts committing, before the first package is changed.
//!
//! The local database therefore always matches the files on disk: every package is either
//! fully changed or untouched. The transaction is then released, which removes `db.lck`.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The interrupt state of one backend, shared between the caller's threads and the worker.
#[derive(Debug, Default)]
pub(crate) struct Interrupt {
    /// A commit is running.
    running: AtomicBool,
    /// Someone asked to stop it.
    requested: AtomicBool,
    /// While libalpm downloads: the id of the worker thread, whose child process downloads
    /// (see [`Interrupt::stop_download`]); 0 otherwise.
    downloader: AtomicI32,
    /// A download was stopped by an interrupt during this commit.
    stopped_download: AtomicBool,
}

impl Interrupt {
    /// Asks the running commit to stop; false when none is running. A download in progress
    /// is stopped at once.
    pub fn request(&self) -> bool {
        if !self.running.load(Ordering::SeqCst) {
            return false;
        }
        self.requested.store(true, Ordering::SeqCst);
        self.stop_download();
        true
    }

    /// Marks a commit as running (with no request pending) or finished.
    pub fn set_running(&self, running: bool) {
        self.requested.store(false, Ordering::SeqCst);
        self.downloader.store(0, Ordering::SeqCst);
        if running {
            self.stopped_download.store(false, Ordering::SeqCst);
        }
        self.running.store(running, Ordering::SeqCst);
    }

    /// Requests an interrupt from the worker thread itself (see
    /// `Shared::verify_checked`): applied before the first package is changed.
    pub(crate) fn force(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    pub(crate) fn clear_request(&self) {
        self.requested.store(false, Ordering::SeqCst);
    }

    /// Called on the worker thread when libalpm starts (`true`) or ends (`false`) a batch of
    /// downloads.
    pub(crate) fn set_downloading(&self, downloading: bool) {
        let tid = if downloading {
            // SAFETY: gettid has no preconditions.
            unsafe { libc::gettid() }
        } else {
            0
        };
        self.downloader.store(tid, Ordering::SeqCst);
    }

    /// True when an interrupt stopped a download of the running (or last) commit.
    pub(crate) fn stopped_download(&self) -> bool {
        self.stopped_download.load(Ordering::SeqCst)
    }

    /// With a request pending during a download, stops it (from libalpm's download
    /// callback, for a request made before the download process existed).
    pub(crate) fn poll_download(&self) {
        if self.is_requested() {
            self.stop_download();
        }
    }

    /// Ends the downloads libalpm runs in this process (without root it cannot fork a
    /// download process; see `handle.rs`), once an interrupt is requested. libalpm offers
    /// no way to stop them: its download callback returns nothing, and the flag its own
    /// progress callback would abort on is private to it. So the downloads lose their
    /// files: each `.part` file open in one of `dirs` (where libalpm downloads: the cache
    /// directories, the sync database directory) is deleted, and its descriptor made to
    /// point at `/dev/full`. libcurl's next write fails; libalpm tries the next server,
    /// finds no partial file to resume and cannot reset the one it has, and gives the file
    /// up, and then the whole download ("failed to retrieve some files"), which the commit
    /// reports as the interrupt. Nothing partial is left behind. A transfer that receives
    /// nothing at all ends at libalpm's own limit (under 1 byte/s for 10 s).
    ///
    /// Runs on the worker thread, inside a libalpm callback: libalpm and libcurl run on
    /// that thread, so the descriptors they hold cannot be closed or reused meanwhile.
    pub(crate) fn stop_in_process(&self, dirs: &[std::path::PathBuf]) {
        use std::os::unix::io::AsRawFd;
        if !self.is_requested() || self.downloader.load(Ordering::SeqCst) == 0 {
            return;
        }
        let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
            return;
        };
        let mut full: Option<std::fs::File> = None;
        for entry in entries.flatten() {
            let Some(fd) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok())
            else {
                continue;
            };
            let Ok(target) = std::fs::read_link(entry.path()) else {
                continue;
            };
            let partial = target.extension() == Some(std::ffi::OsStr::new("part"))
                && target
                    .parent()
                    .is_some_and(|parent| dirs.iter().any(|d| d == parent));
            if !partial {
                continue;
            }
            if full.is_none() {
                full = std::fs::File::options().write(true).open("/dev/full").ok();
            }
            let Some(full) = &full else {
                return;
            };
            let _ = std::fs::remove_file(&target);
            // SAFETY: `fd` is a descriptor libalpm holds open for this download, and cannot
            // close meanwhile (see above); dup2 atomically makes it refer to /dev/full.
            if unsafe { libc::dup2(full.as_raw_fd(), fd) } >= 0 {
                self.stopped_download.store(true, Ordering::SeqCst);
                tracing::info!(file = %target.display(), "stopped libalpm's download");
            }
        }
    }

    /// Ends the download processes of the worker thread, if it is downloading.
    ///
    /// libalpm downloads in a child process of the worker thread (its sandbox; see
    /// `handle.rs`), and its callbacks only run when that process reports, so a stalled
    /// server would hold an interrupt until the download ends. Killing the child makes
    /// libalpm's download fail at once ("failed to retrieve some files"), which the commit
    /// reports as the interrupt. The signal is `SIGPIPE`: libalpm sends the child's signal
    /// on to this process, and Rust programs ignore `SIGPIPE`.
    fn stop_download(&self) {
        let tid = self.downloader.load(Ordering::SeqCst);
        if tid == 0 {
            return;
        }
        let path = format!("/proc/self/task/{tid}/children");
        let Ok(children) = std::fs::read_to_string(&path) else {
            return;
        };
        for pid in children
            .split_ascii_whitespace()
            .filter_map(|p| p.parse::<i32>().ok())
        {
            // SAFETY: kill has no memory-safety preconditions; `pid` is a child of this
            // process's worker thread, forked by libalpm for the download under way.
            if unsafe { libc::kill(pid, libc::SIGPIPE) } == 0 {
                self.stopped_download.store(true, Ordering::SeqCst);
                tracing::info!(pid, "stopped libalpm's download process");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_a_running_commit() {
        let i = Interrupt::default();
        assert!(!i.request());
        assert!(!i.is_requested());
        i.set_running(true);
        assert!(i.request());
        assert!(i.is_requested());
        i.set_running(false);
        assert!(!i.is_requested());
        assert!(!i.request());
    }
}
