//! An omgd that answers `Overloaded`: `omg` reads the databases itself (the same answer as
//! `--no-daemon`), and says why only with `-v`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use common::omg;
use omg_ports::{BackendInfo, VersionScheme};
use omg_transport_uds::{serve, DaemonInfo, Handler, Reply, Request, Response, ServerConfig};

/// A daemon of the host's apt configuration that answers every request `Overloaded`.
struct Overloaded;

impl Handler for Overloaded {
    fn welcome(&self) -> DaemonInfo {
        DaemonInfo {
            daemon_version: "0.0.0-test".into(),
            backend: BackendInfo {
                name: "apt".into(),
                root: "/".into(),
                config: None,
                version_scheme: VersionScheme::Dpkg,
            },
            index_generation: 1,
        }
    }

    async fn handle(&self, _request: Request) -> Reply {
        Response::Overloaded { retry_after_ms: 7 }.into()
    }
}

/// Serves [`Overloaded`] on `socket` until the returned sender is dropped.
fn serve_overloaded(
    socket: &Path,
) -> (
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<u64>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let socket = socket.to_path_buf();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::UnixListener::bind(&socket).unwrap();
            ready_tx.send(()).unwrap();
            let shutdown = async {
                let _ = stopped.await;
            };
            serve(
                listener,
                Arc::new(Overloaded),
                ServerConfig::default(),
                shutdown,
            )
            .await
            .accepted
        })
    });
    ready_rx.recv().unwrap();
    (stop, server)
}

#[test]
fn an_overloaded_daemon_is_left_for_direct_mode_and_said_so_with_v() {
    let run = tempfile::tempdir().unwrap();
    std::fs::set_permissions(run.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let socket = run.path().join("omgd.sock");
    let (stop, server) = serve_overloaded(&socket);
    let socket_env = [("OMG_SOCKET", socket.to_str().unwrap())];
    let search = ["--backend", "apt", "search", "bash", "--limit", "3"];

    let direct = omg(&[&["--no-daemon"][..], &search].concat(), &[]);
    direct.expect_code(0);
    assert!(direct.stdout.contains("bash"), "{}", direct.stdout);

    let quiet = omg(&search, &socket_env);
    quiet.expect_code(0);
    assert_eq!(quiet.stdout, direct.stdout);
    assert_eq!(quiet.stderr, "");

    let verbose = omg(&[&["-v"][..], &search].concat(), &socket_env);
    verbose.expect_code(0);
    assert_eq!(verbose.stdout, direct.stdout);
    assert!(
        verbose.stderr.contains(
            "omg: note: omgd is overloaded (it asked to retry in 7 ms); reading the databases directly"
        ),
        "{}",
        verbose.stderr
    );

    drop(stop);
    // Both runs asked the daemon: it was really in the way, not skipped.
    assert_eq!(server.join().unwrap(), 2);
}
