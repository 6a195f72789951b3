//! SO_PEERCRED on a real process of another uid: run as root, the test re-runs this test
//! binary as uid 65534 in a tiny client mode, and the daemon must refuse it.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::Command;

use common::{TestHandler, TestServer};
use omg_transport_uds::socket::current_uid;
use omg_transport_uds::{
    BlockingClient, ClientConfig, ClientError, Request, Response, ServerConfig,
};

/// Set in the child: the socket to connect to.
const CHILD_ENV: &str = "OMG_UDS_TEST_PEERCRED_CONNECT";

/// The child's client mode; does nothing in a normal run.
#[test]
fn child_client_mode() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path: &std::path::Path = path.as_ref();
    // Our client does not even talk to another user's daemon...
    let client = match BlockingClient::connect(path, &ClientConfig::default()) {
        Ok(_) => "accepted".to_string(),
        Err(ClientError::Untrusted { reason, .. }) => format!("untrusted: {reason}"),
        Err(e) => format!("error: {e}"),
    };
    println!("CLIENT {client}");
    // ...and the daemon refuses a peer of another uid that does.
    let mut raw = common::raw::Raw::connect(path);
    raw.send(1, Request::hello("raw"));
    let outcome = match raw.recv().map(|e| e.body) {
        Some(Response::PermissionDenied(m)) => format!("denied: {m}"),
        Some(other) => format!("answered: {}", other.name()),
        None => "closed".to_string(),
    };
    println!("OUTCOME uid={} {outcome}", current_uid());
}

#[test]
fn another_uid_is_refused_and_our_own_accepted() {
    if !omg_testkit::require_root("cannot start a process of another uid") {
        return;
    }
    // The socket must be reachable by uid 65534 so that the daemon, not the file system,
    // refuses it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    let path = dir.path().join("omgd.sock");
    let server = TestServer::start_at(
        dir,
        path.clone(),
        TestHandler::default(),
        ServerConfig::default(),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();

    let exe = std::env::current_exe().unwrap();
    let output = Command::new(&exe)
        .args([
            "--exact",
            "child_client_mode",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .uid(65534)
        .gid(65534)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return omg_testkit::skip(&format!("cannot run {} as uid 65534 ({e})", exe.display()));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout
        .lines()
        .find_map(|l| l.find("OUTCOME").map(|i| &l[i..]))
    else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("Permission denied") {
            return omg_testkit::skip(&format!("uid 65534 cannot run the test binary ({stderr})"));
        }
        panic!("the child printed no outcome: {stdout}\n{stderr}");
    };
    assert!(
        stdout.contains("CLIENT untrusted: its directory"),
        "the client trusted root's socket as uid 65534: {stdout}"
    );
    assert!(line.contains("uid=65534"), "{line}");
    assert!(
        line.contains("denied: uid 65534 may not use this omgd"),
        "{line}"
    );

    // Our own client trusts only a private directory.
    let dir = path.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut ours = BlockingClient::connect(&path, &ClientConfig::default()).unwrap();
    ours.ping().unwrap();
    let report = server.stop();
    assert_eq!(report.refused, 1);
    assert_eq!(report.accepted, 1);
}
