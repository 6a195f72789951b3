//! SIGTERM is obeyed within a second, whatever omgd is doing: here, a rebuild whose backend
//! never finishes reading (a sync database that became a FIFO no one writes to).

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
    // The database changes (its fingerprint with it) into something that blocks a reader.
    let db = fx.root.sync_db_path("extra");
    std::fs::remove_file(&db).expect("remove extra.db");
    let path = CString::new(db.as_os_str().as_bytes()).expect("path");
    // SAFETY: mkfifo with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
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
    assert!(log.contains("stopping in the middle of a rebuild"), "{log}");
}
