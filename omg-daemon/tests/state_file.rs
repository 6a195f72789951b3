//! omgd's state file: one per daemon (several omgd of one user run at once), a cache that a
//! damaged file does not stop, and a path that must be a regular file.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::time::Duration;

use common::{eventually, Fixture};

/// Two omgd of one user, for two configurations on two sockets, with the default state
/// location: each gets its own state file and both serve.
#[test]
fn two_daemons_of_one_user_run_at_once() {
    let (a, b) = (Fixture::new(), Fixture::new());
    let states = tempfile::tempdir().expect("tempdir");
    let env = [("XDG_STATE_HOME", states.path())];
    let first = a.spawn_with(1, &a.socket(), None, &env);
    first.wait_ready();
    let second = b.spawn_with(1, &b.socket(), None, &env);
    second.wait_ready();
    first.client().ping().expect("the first still serves");
    let mut files: Vec<String> = std::fs::read_dir(states.path().join("omg"))
        .expect("state dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".redb"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| f.starts_with("omgd-")), "{files:?}");
    assert!(first.terminate().success());
    assert!(second.terminate().success());
}

/// A damaged state file is moved aside with a warning, and omgd serves from a new one.
#[test]
fn a_damaged_state_file_is_replaced() {
    let fx = Fixture::new();
    std::fs::write(fx.state(), vec![0x5Au8; 32 * 1024]).expect("garbage");
    let daemon = fx.start(1);
    daemon.client().ping().expect("serves");
    let aside = fx.dir.path().join("state.redb.damaged");
    assert!(aside.is_file(), "the damaged file was not kept aside");
    assert!(
        eventually(Duration::from_secs(5), || daemon
            .log_text()
            .contains("moved it aside")),
        "{}",
        daemon.log_text()
    );
    assert!(daemon.terminate().success());
}

/// A state path that is a dangling symbolic link is refused, and nothing is created where
/// it points.
#[test]
fn a_dangling_state_link_is_refused() {
    let fx = Fixture::new();
    let target = fx.dir.path().join("nowhere/state.redb");
    std::os::unix::fs::symlink(&target, fx.state()).expect("symlink");
    let mut daemon = fx.spawn(1);
    let status = daemon.child.wait().expect("omgd exits");
    assert!(!status.success());
    let log = daemon.log_text();
    assert!(log.contains("dangling"), "{log}");
    assert!(!target.exists());
}
