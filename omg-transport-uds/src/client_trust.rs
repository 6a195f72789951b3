//! Which daemon a client talks to: only one its own user (or root) runs, behind a socket in a
//! directory nobody else controls. Another user who can create the socket's directory first
//! (`/tmp/omg-$UID` is guessable) could otherwise answer every `omg search` with whatever they
//! like.

use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::client::ClientError;
use crate::socket::peer_uid;

/// Checks, before anything is sent, that `socket`'s directory is a real directory owned by
/// `uid` with no permissions for group or others (omgd creates it 0700).
pub(crate) fn check_directory(socket: &Path, uid: u32) -> Result<(), ClientError> {
    let untrusted = |reason: String| ClientError::Untrusted {
        path: socket.to_path_buf(),
        reason,
    };
    let dir = match socket.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        // No directory, no daemon: the caller's ordinary "not running" case.
        Err(source) => {
            return Err(ClientError::Connect {
                path: socket.to_path_buf(),
                source,
            })
        }
    };
    if !meta.is_dir() {
        return Err(untrusted(format!(
            "{} is not a directory (a symbolic link or another file)",
            dir.display()
        )));
    }
    if meta.uid() != uid {
        return Err(untrusted(format!(
            "its directory {} belongs to uid {}, not to uid {uid}",
            dir.display(),
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(untrusted(format!(
            "its directory {} has mode {mode:03o}, so other users could replace the socket \
             (omgd makes it 700)",
            dir.display()
        )));
    }
    Ok(())
}

/// Checks that the process listening on `stream` runs as `uid` or as root (SO_PEERCRED: the
/// kernel's record, which the peer cannot forge).
pub(crate) fn check_peer(stream: &impl AsFd, socket: &Path, uid: u32) -> Result<(), ClientError> {
    let peer = peer_uid(stream).map_err(|source| ClientError::Connect {
        path: socket.to_path_buf(),
        source,
    })?;
    if peer != uid && peer != 0 {
        return Err(ClientError::Untrusted {
            path: socket.to_path_buf(),
            reason: format!("the daemon listening there runs as uid {peer}, not as uid {uid}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use std::os::unix::net::UnixStream;

    use super::*;
    use crate::socket::current_uid as me;

    fn dir_with_mode(mode: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        dir
    }

    #[test]
    fn a_private_directory_of_ours_is_trusted() {
        let dir = dir_with_mode(0o700);
        check_directory(&dir.path().join("omgd.sock"), me()).unwrap();
    }

    #[test]
    fn a_directory_others_may_enter_is_not() {
        for mode in [0o755, 0o770, 0o701, 0o1777] {
            let dir = dir_with_mode(mode);
            let err = check_directory(&dir.path().join("omgd.sock"), me()).unwrap_err();
            assert!(
                matches!(err, ClientError::Untrusted { .. }),
                "{mode:o}: {err}"
            );
        }
    }

    #[test]
    fn a_directory_of_another_uid_is_not() {
        let dir = dir_with_mode(0o700);
        let err = check_directory(&dir.path().join("omgd.sock"), me() + 1).unwrap_err();
        assert!(err.to_string().contains("belongs to uid"), "{err}");
    }

    #[test]
    fn a_symlinked_directory_is_not() {
        let dir = dir_with_mode(0o700);
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = check_directory(&link.join("omgd.sock"), me()).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
    }

    #[test]
    fn a_missing_directory_is_no_daemon() {
        let err = check_directory(Path::new("/nonexistent/omg/omgd.sock"), me()).unwrap_err();
        assert!(matches!(err, ClientError::Connect { .. }), "{err}");
    }

    #[test]
    fn a_peer_of_our_own_uid_is_trusted_and_another_is_not() {
        let (a, _b) = UnixStream::pair().unwrap();
        check_peer(&a, Path::new("x"), me()).unwrap();
        if me() != 0 {
            // Root is always trusted; as another uid we are not.
            let err = check_peer(&a, Path::new("x"), me() + 1).unwrap_err();
            assert!(err.to_string().contains("runs as uid"), "{err}");
        }
    }
}
