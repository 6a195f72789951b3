//! Keeping `--json` output parseable while a package library's children write to stdout.
//!
//! dpkg, run by libapt, and pacman's scriptlets print to the process's stdout. With `--json`
//! stdout must carry only JSON lines, so while a transaction runs fd 1 points at stderr and
//! the JSON events go to a duplicate of the real stdout.

use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, RawFd};

/// While alive, fd 1 is stderr; [`StdoutToStderr::json_out`] writes to the real stdout.
pub struct StdoutToStderr {
    saved: RawFd,
}

impl StdoutToStderr {
    /// Points fd 1 at stderr, keeping the real stdout; `None` when the descriptors cannot
    /// be duplicated (then nothing changed).
    pub fn new() -> Option<Self> {
        let _ = std::io::stdout().flush();
        // SAFETY: dup and dup2 on the standard descriptors have no memory-safety
        // preconditions; failures are checked.
        unsafe {
            let saved = libc::dup(1);
            if saved < 0 {
                return None;
            }
            if libc::dup2(2, 1) < 0 {
                libc::close(saved);
                return None;
            }
            Some(Self { saved })
        }
    }

    /// A handle on the real stdout, for the JSON lines.
    pub fn json_out(&self) -> Option<File> {
        // SAFETY: `saved` is an open descriptor owned by self; the duplicate is a new
        // descriptor that the returned File owns.
        let fd = unsafe { libc::dup(self.saved) };
        // SAFETY: `fd` was just returned by dup and is owned by nobody else.
        (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
    }
}

impl Drop for StdoutToStderr {
    fn drop(&mut self) {
        let _ = std::io::stdout().flush();
        // SAFETY: restores fd 1 from the descriptor saved in `new` and closes that one.
        unsafe {
            libc::dup2(self.saved, 1);
            libc::close(self.saved);
        }
    }
}
