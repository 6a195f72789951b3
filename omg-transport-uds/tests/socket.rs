//! bind_secure: directory checks, stale and live sockets, the instance lock, cleanup.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;

use omg_transport_uds::socket::lock_path_for;
use omg_transport_uds::{
    bind_secure, serve, BlockingClient, ClientConfig, ServerConfig, SocketError,
};

/// A 0700 directory for a socket (tempfile's own directories may be 0755).
fn private_dir(root: &tempfile::TempDir) -> std::path::PathBuf {
    use std::os::unix::fs::DirBuilderExt;
    let dir = root.path().join("omg");
    std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
    dir
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o777
}

#[test]
fn creates_a_private_directory_and_socket() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("a/omg");
    let path = dir.join("omgd.sock");
    let bound = bind_secure(&path).unwrap();
    assert_eq!(bound.path(), path);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path) & 0o077, 0, "socket mode {:o}", mode(&path));
    assert!(lock_path_for(&path).exists());
    drop(bound);
    assert!(!path.exists(), "the guard removes the socket");
}

#[test]
fn refuses_a_directory_others_can_reach() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("omg");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = bind_secure(&dir.join("omgd.sock")).unwrap_err();
    assert!(matches!(err, SocketError::UnsafeDir { .. }), "{err:?}");
    assert!(err.to_string().contains("chmod 700"), "{err}");
}

#[test]
fn refuses_a_symlinked_directory() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    let link = root.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let err = bind_secure(&link.join("omgd.sock")).unwrap_err();
    assert!(
        matches!(err, SocketError::UnsafeDir { ref reason, .. } if reason.contains("symbolic link")),
        "{err:?}"
    );
}

#[test]
fn refuses_a_directory_owned_by_someone_else() {
    if !omg_testkit::require_root("cannot make a directory owned by another uid") {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("omg");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    let err = bind_secure(&dir.join("omgd.sock")).unwrap_err();
    assert!(
        matches!(err, SocketError::UnsafeDir { ref reason, .. } if reason.contains("owned by uid 65534")),
        "{err:?}"
    );
}

#[test]
fn replaces_a_stale_socket() {
    let root = tempfile::tempdir().unwrap();
    let path = private_dir(&root).join("omgd.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let bound = bind_secure(&path).unwrap();
    let (listener, _guard) = bound.into_parts();
    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    listener.accept().unwrap();
}

#[test]
fn refuses_a_live_socket() {
    let root = tempfile::tempdir().unwrap();
    let path = private_dir(&root).join("omgd.sock");
    let _live = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let err = bind_secure(&path).unwrap_err();
    assert!(
        matches!(err, SocketError::AlreadyRunning { ref evidence } if evidence.contains("answers")),
        "{err:?}"
    );
    assert!(path.exists(), "the live socket is left alone");
}

#[test]
fn the_lock_allows_one_instance() {
    let root = tempfile::tempdir().unwrap();
    let path = private_dir(&root).join("omgd.sock");
    let first = bind_secure(&path).unwrap();
    let err = bind_secure(&path).unwrap_err();
    assert!(
        matches!(err, SocketError::AlreadyRunning { ref evidence } if evidence.contains("lock")),
        "{err:?}"
    );
    assert!(err.to_string().contains("another omgd is running"));
    drop(first);
    let again = bind_secure(&path).unwrap();
    drop(again);
}

#[test]
fn refuses_to_replace_a_non_socket() {
    let root = tempfile::tempdir().unwrap();
    let path = private_dir(&root).join("omgd.sock");
    std::fs::write(&path, b"not a socket").unwrap();
    let err = bind_secure(&path).unwrap_err();
    assert!(matches!(err, SocketError::NotASocket { .. }), "{err:?}");
}

#[test]
fn serves_on_a_securely_bound_socket() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("run/omgd.sock");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let bound = bind_secure(&path).unwrap();
    let (listener, guard) = {
        let _enter = rt.enter();
        bound.into_tokio().unwrap()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handler = Arc::new(common::TestHandler::default());
    let server = rt.spawn(serve(listener, handler, ServerConfig::default(), async {
        let _ = stopped.await;
    }));
    let mut client = BlockingClient::connect(&path, &ClientConfig::default()).unwrap();
    client.ping().unwrap();
    drop(client);
    stop.send(()).unwrap();
    let report = rt.block_on(server).unwrap();
    assert_eq!(report.accepted, 1);
    drop(guard);
    assert!(!path.exists());
}
