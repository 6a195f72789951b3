//! SIGTERM is obeyed within a second, whatever omgd is doing: here, a rebuild whose backend
//! never finishes reading (an installed package's `desc` in the local database that became a
//! FIFO no one writes to: libalpm opens it and waits; sync databases that are not regular
//! files are refused unread, so they cannot serve as the blocker).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

use common::{eventually, Fixture};

#[test]
fn sigterm_during_a_rebuild_is_obeyed_within_a_second() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    // After the first save: the change below is then read by a rebuild.
    assert!(
        eventually(Duration::from_secs(10), || daemon
            .log_text()
            .contains("status saved")),
        "{}",
        daemon.log_text()
    );
    // The local database changes (its fingerprint with it) into something that blocks a
    // reader: the installed bash's desc becomes a FIFO, and an entry made and removed in the
    // local database's directory changes that directory's time.
    let local = fx.root.local_db_path();
    let desc = local.join("bash-5.1-1").join("desc");
    std::fs::remove_file(&desc).expect("remove bash's desc");
    let path = CString::new(desc.as_os_str().as_bytes()).expect("path");
    // SAFETY: mkfifo with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
    std::fs::create_dir(local.join("touched")).expect("touch the local database");
    std::fs::remove_dir(local.join("touched")).expect("touch the local database");
    // The poll (every 100 ms here) sees the change and starts a rebuild that cannot end.
    assert!(
        eventually(Duration::from_secs(10), || daemon
            .log_text()
            .contains("rebuilding the index")),
        "{}",
        daemon.log_text()
    );
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    let status = daemon.terminate();
    let took = sent.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(1), "omgd took {took:?} to stop");
    let log = std::fs::read_to_string(fx.dir.path().join("omgd-1.log")).expect("log");
    // libalpm waits in open(2) on the runtime's thread: the stop deadline ends the process.
    assert!(
        log.contains("stopping in the middle of a rebuild") || log.contains("at the deadline"),
        "{log}"
    );
}
