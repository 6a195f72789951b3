//! Socket activation: omgd serves the listening socket passed as descriptor 3
//! (`LISTEN_PID`/`LISTEN_FDS`), started here by `systemd-socket-activate` as systemd would.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Daemon, Fixture};
use omg_transport_uds::{Request, Response};

const ACTIVATOR: &str = "/usr/bin/systemd-socket-activate";

#[test]
fn serves_the_socket_passed_by_systemd() {
    if !Path::new(ACTIVATOR).exists() {
        // CI installs systemd (scripts/debian-packages.txt).
        return omg_testkit::skip(&format!("{ACTIVATOR} is not installed (package systemd)"));
    }
    let fx = Fixture::new();
    let socket = fx.dir.path().join("activated.sock");
    // --socket names a path that is never bound: an activated omgd must not bind its own.
    let unused = fx.dir.path().join("unused/omgd.sock");
    let log = fx.dir.path().join("omgd-activated.log");
    let child = Command::new(ACTIVATOR)
        .arg("--listen")
        .arg(&socket)
        .arg("-E")
        .arg("RUST_LOG=info")
        .arg(env!("CARGO_BIN_EXE_omgd"))
        .args(["--backend", "alpm", "--audit-secs", "0", "--config"])
        .arg(fx.config())
        .arg("--socket")
        .arg(&unused)
        .arg("--state")
        .arg(fx.state())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .expect("spawn systemd-socket-activate");
    let daemon = Daemon { child, log, socket };
    // The first connection is what starts omgd.
    daemon.wait_ready();
    assert_eq!(daemon.request(Request::Ping), Response::Pong);
    let mut client = daemon.client();
    assert_eq!(client.daemon().backend.name, "alpm");
    assert!(matches!(
        client
            .request(Request::Search(omg::SearchQuery::new("firefox")))
            .unwrap(),
        Response::Search(_)
    ));
    drop(client);
    let text = daemon.log_text();
    assert!(
        text.contains("serving the socket passed by systemd"),
        "{text}"
    );
    assert!(!unused.exists(), "omgd bound its own socket too");
    let status = daemon.terminate();
    assert!(status.success(), "{status:?}");
}
