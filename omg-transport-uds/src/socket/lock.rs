//! The single-instance lock: an exclusive `flock` on a file beside the socket, held as long as
//! the file stays open.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::SocketError;

/// Open (creating it 0600) and exclusively lock `path` without waiting.
pub(crate) fn acquire(path: &Path) -> Result<File, SocketError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|source| SocketError::Lock {
            path: path.to_path_buf(),
            source,
        })?;
    // SAFETY: the fd is open for the duration of the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(file);
    }
    let err = io::Error::last_os_error();
    if err.kind() == io::ErrorKind::WouldBlock {
        return Err(SocketError::AlreadyRunning {
            evidence: format!("another process holds the lock {}", path.display()),
        });
    }
    Err(SocketError::Lock {
        path: path.to_path_buf(),
        source: err,
    })
}
