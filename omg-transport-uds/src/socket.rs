//! The daemon's socket: where it lives, binding it securely, single-instance locking, and the
//! peer's uid.
//!
//! Layout: `$XDG_RUNTIME_DIR/omg/omgd.sock`, else `/tmp/omg-$UID/omgd.sock`, with the lock file
//! `omgd.lock` beside it. See [`bind_secure`] for the guarantees.

mod bind;
mod dir;
mod ids;
mod lock;
mod umask;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

pub use bind::{bind_secure, BoundSocket, SocketGuard};
pub use ids::{current_uid, peer_pid, peer_uid};

/// File name of the socket inside its directory.
pub const SOCKET_NAME: &str = "omgd.sock";

/// The default socket path for this user: `$XDG_RUNTIME_DIR/omg/omgd.sock` when
/// `XDG_RUNTIME_DIR` is set to an absolute path, else `/tmp/omg-$UID/omgd.sock`.
pub fn default_socket_path() -> PathBuf {
    socket_path_for(
        std::env::var_os("XDG_RUNTIME_DIR").as_deref(),
        current_uid(),
    )
}

/// The socket path for a given `XDG_RUNTIME_DIR` value and uid (the pure part of
/// [`default_socket_path`]).
pub fn socket_path_for(xdg_runtime_dir: Option<&OsStr>, uid: u32) -> PathBuf {
    match xdg_runtime_dir.map(Path::new) {
        Some(dir) if dir.is_absolute() => dir.join("omg").join(SOCKET_NAME),
        _ => PathBuf::from(format!("/tmp/omg-{uid}")).join(SOCKET_NAME),
    }
}

/// The lock file that goes with a socket path: the same name with the extension `lock`
/// (`omgd.sock` -> `omgd.lock`).
pub fn lock_path_for(socket: &Path) -> PathBuf {
    socket.with_extension("lock")
}

/// Errors setting up the daemon's socket. Each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    /// The socket path has no directory part.
    #[error("socket path {} has no parent directory; give a path such as /run/user/1000/omg/omgd.sock", .path.display())]
    NoParent {
        /// The path given.
        path: PathBuf,
    },
    /// The directory could not be created or examined.
    #[error("could not create or examine {}: {source}; check that its parent exists and is writable", .dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The directory exists but others could reach into it.
    #[error("refusing to put omgd's socket in {}: {reason}", .dir.display())]
    UnsafeDir {
        /// The directory.
        dir: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The lock file could not be opened or locked.
    #[error("could not lock {}: {source}; check the directory's permissions", .path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Another omgd is serving this socket.
    #[error("another omgd is running ({evidence}); stop it first (`omg daemon stop`) or use it")]
    AlreadyRunning {
        /// How it was detected.
        evidence: String,
    },
    /// Something other than a socket is in the way.
    #[error("{} exists and is not a socket; remove it and start omgd again", .path.display())]
    NotASocket {
        /// The path.
        path: PathBuf,
    },
    /// Binding, probing or removing the socket failed.
    #[error("could not {action} socket {}: {source}", .path.display())]
    Io {
        /// What was being done (`bind`, `probe`, `remove the stale`, ...).
        action: &'static str,
        /// The socket path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_prefers_runtime_dir() {
        assert_eq!(
            socket_path_for(Some(OsStr::new("/run/user/1000")), 1000),
            PathBuf::from("/run/user/1000/omg/omgd.sock")
        );
        assert_eq!(
            socket_path_for(None, 1000),
            PathBuf::from("/tmp/omg-1000/omgd.sock")
        );
        assert_eq!(
            socket_path_for(Some(OsStr::new("relative")), 7),
            PathBuf::from("/tmp/omg-7/omgd.sock")
        );
        assert_eq!(
            lock_path_for(Path::new("/x/omgd.sock")),
            PathBuf::from("/x/omgd.lock")
        );
    }
}
