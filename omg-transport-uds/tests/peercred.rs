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

/// This test binary, run as uid 65534 in the child mode `test` (one of the tests below that
/// does nothing in a normal run), with `env` set.
fn as_nobody(test: &str, env: (&str, &std::ffi::OsStr)) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(env.0, env.1)
        .uid(65534)
        .gid(65534);
    cmd
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

    let output = as_nobody("child_client_mode", (CHILD_ENV, path.as_os_str())).output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return omg_testkit::skip(&format!("cannot run this test binary as uid 65534 ({e})"));
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

/// Set in the child: listen on fd 3 (a socket the parent bound) and wait for stdin to close.
const LISTEN_ENV: &str = "OMG_UDS_TEST_PEERCRED_LISTEN";

/// The child's daemon mode; does nothing in a normal run.
#[test]
fn child_daemon_mode() {
    if std::env::var_os(LISTEN_ENV).is_none() {
        return;
    }
    // SAFETY: fd 3 is the socket the parent bound and passed; listen touches no memory.
    let listened = unsafe { libc::listen(3, 8) };
    assert_eq!(listened, 0, "{}", std::io::Error::last_os_error());
    println!("LISTENING uid={}", current_uid());
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// A daemon of another uid listening in a directory of ours (0700) is still not ours: the
/// client reads the listening process's uid with SO_PEERCRED and sends it nothing.
#[test]
fn a_daemon_of_another_uid_is_not_trusted_even_in_our_directory() {
    use std::io::{BufRead, BufReader};
    use std::os::fd::AsRawFd;
    if !omg_testkit::require_root("cannot start a process of another uid") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.path().join("omgd.sock");
    // Bound here, where uid 65534 may not create files; listened on by the child, whose
    // credentials the kernel records at listen(2).
    let socket = rustix::net::socket(
        rustix::net::AddressFamily::UNIX,
        rustix::net::SocketType::STREAM,
        None,
    )
    .unwrap();
    rustix::net::bind(&socket, &rustix::net::SocketAddrUnix::new(&path).unwrap()).unwrap();
    let fd = socket.as_raw_fd();

    let mut cmd = as_nobody("child_daemon_mode", (LISTEN_ENV, "1".as_ref()));
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    // SAFETY: dup2 is async-signal-safe; the closure touches nothing else.
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(fd, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            return omg_testkit::skip(&format!("cannot run this test binary as uid 65534 ({e})"));
        }
    };
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = stdout
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("LISTENING"));
    assert_eq!(
        listening
            .as_deref()
            .and_then(|l| l.split("LISTENING ").nth(1)),
        Some("uid=65534"),
        "the child did not listen"
    );

    let outcome = BlockingClient::connect(&path, &ClientConfig::default());
    drop(child.stdin.take());
    // The rest of what the child prints, so that it does not write into a closed pipe.
    stdout.for_each(drop);
    child.wait().unwrap();
    match outcome {
        Err(ClientError::Untrusted { reason, .. }) => {
            assert!(reason.contains("runs as uid 65534"), "{reason}")
        }
        Err(e) => panic!("expected an untrusted daemon, got {e}"),
        Ok(_) => panic!("the client trusted a daemon of uid 65534"),
    }
}
