//! Binding the daemon's socket: private directory, single-instance lock, stale-socket
//! replacement, and creation under umask 077.

use std::fs::File;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use super::{dir, lock, lock_path_for, umask::with_umask, SocketError};

/// A socket bound by [`bind_secure`], with the guard that keeps the instance lock.
#[derive(Debug)]
pub struct BoundSocket {
    listener: UnixListener,
    guard: SocketGuard,
}

/// Holds the single-instance lock and removes the socket file when dropped.
///
/// Keep it alive as long as the listener serves; dropping it removes the socket (if it is
/// still the one that was bound) and then releases the lock. The lock file itself stays:
/// removing it would let two starting instances lock two different files.
#[derive(Debug)]
pub struct SocketGuard {
    path: PathBuf,
    /// (device, inode) of the socket file that was bound.
    identity: (u64, u64),
    _lock: File,
}

impl BoundSocket {
    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.guard.path
    }

    /// The std listener and the guard, to be kept alive together.
    pub fn into_parts(self) -> (UnixListener, SocketGuard) {
        (self.listener, self.guard)
    }

    /// A tokio listener and the guard. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// When the socket cannot be switched to non-blocking mode or registered with tokio.
    pub fn into_tokio(self) -> io::Result<(tokio::net::UnixListener, SocketGuard)> {
        self.listener.set_nonblocking(true)?;
        let listener = tokio::net::UnixListener::from_std(self.listener)?;
        Ok((listener, self.guard))
    }
}

impl SocketGuard {
    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        match std::fs::symlink_metadata(&self.path) {
            Ok(m) if (m.dev(), m.ino()) == self.identity => {
                if let Err(e) = std::fs::remove_file(&self.path) {
                    tracing::warn!(path = %self.path.display(), error = %e, "could not remove socket");
                } else {
                    tracing::debug!(path = %self.path.display(), "removed socket");
                }
            }
            _ => tracing::debug!(path = %self.path.display(), "socket already gone or replaced"),
        }
    }
}

/// Bind omgd's listening socket at `path` securely.
///
/// 1. The directory is created with mode 0700, or, when it exists, refused unless it is a
///    real directory owned by this uid without group or other permissions.
/// 2. The lock file beside the socket ([`super::lock_path_for`]) is locked with `flock`; if
///    another process holds it, another omgd is running. The lock is held by the returned
///    [`SocketGuard`].
/// 3. An existing socket file is probed: if a connection succeeds, another omgd answers and
///    binding is refused; if it is refused (`ECONNREFUSED`), the socket is stale and removed.
/// 4. The socket is bound with the umask set to 077, so it never exists with wider
///    permissions (no chmod-after-bind window). The umask is process-wide: see the `umask`
///    module notes — other threads creating files during the `bind` call get the stricter
///    mask too.
///
/// # Errors
/// [`SocketError`] saying what is wrong and what to do.
pub fn bind_secure(path: &Path) -> Result<BoundSocket, SocketError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => {
            return Err(SocketError::NoParent {
                path: path.to_path_buf(),
            })
        }
    };
    dir::ensure_private(parent)?;
    let lock = lock::acquire(&lock_path_for(path))?;
    remove_stale(path)?;
    let listener =
        with_umask(0o077, || UnixListener::bind(path)).map_err(|source| SocketError::Io {
            action: "bind",
            path: path.to_path_buf(),
            source,
        })?;
    let meta = std::fs::symlink_metadata(path).map_err(|source| SocketError::Io {
        action: "examine the new",
        path: path.to_path_buf(),
        source,
    })?;
    tracing::info!(path = %path.display(), "omgd socket bound");
    Ok(BoundSocket {
        listener,
        guard: SocketGuard {
            path: path.to_path_buf(),
            identity: (meta.dev(), meta.ino()),
            _lock: lock,
        },
    })
}

/// Remove a socket nobody answers on; refuse a live one or a non-socket.
fn remove_stale(path: &Path) -> Result<(), SocketError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(SocketError::Io {
                action: "examine the existing",
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if !meta.file_type().is_socket() {
        return Err(SocketError::NotASocket {
            path: path.to_path_buf(),
        });
    }
    match UnixStream::connect(path) {
        Ok(_) => Err(SocketError::AlreadyRunning {
            evidence: format!("a process answers on {}", path.display()),
        }),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            tracing::info!(path = %path.display(), "replacing stale socket");
            std::fs::remove_file(path).map_err(|source| SocketError::Io {
                action: "remove the stale",
                path: path.to_path_buf(),
                source,
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SocketError::Io {
            action: "probe the existing",
            path: path.to_path_buf(),
            source,
        }),
    }
}
