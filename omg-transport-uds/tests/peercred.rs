//! SO_PEERCRED on a real process of another uid: run as root, the test re-runs this test
//! binary as uid 65534 in a tiny client mode, and the daemon must refuse it.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::Command;

use common::{TestHandler, TestServer};
use omg_transport_uds::socket::current_uid;
use omg_transport_uds::{BlockingClient, ClientConfig, ClientError, ServerConfig};

/// Set in the child: the socket to connect to.
const CHILD_ENV: &str = "OMG_UDS_TEST_PEERCRED_CONNECT";

/// The child's client mode; does nothing in a normal run.
#[test]
fn child_client_mode() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let outcome = match BlockingClient::connect(path.as_ref(), &ClientConfig::default()) {
        Ok(_) => "accepted".to_string(),
        Err(ClientError::PermissionDenied(m)) => format!("denied: {m}"),
        Err(e) => format!("error: {e}"),
    };
    println!("OUTCOME uid={} {outcome}", current_uid());
}

#[test]
fn another_uid_is_refused_and_our_own_accepted() {
    if current_uid() != 0 {
        eprintln!("note: not running as root, cannot start a process of another uid; skipped");
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
            eprintln!(
                "note: cannot run {} as uid 65534 ({e}); skipped",
                exe.display()
            );
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout
        .lines()
        .find_map(|l| l.find("OUTCOME").map(|i| &l[i..]))
    else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("Permission denied") {
            eprintln!("note: uid 65534 cannot run the test binary; skipped ({stderr})");
            return;
        }
        panic!("the child printed no outcome: {stdout}\n{stderr}");
    };
    assert!(line.contains("uid=65534"), "{line}");
    assert!(
        line.contains("denied: uid 65534 may not use this omgd"),
        "{line}"
    );

    let mut ours = BlockingClient::connect(&path, &ClientConfig::default()).unwrap();
    ours.ping().unwrap();
    let report = server.stop();
    assert_eq!(report.refused, 1);
    assert_eq!(report.accepted, 1);
}
