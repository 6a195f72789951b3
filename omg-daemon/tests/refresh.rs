//! The periodic refresh reads the databases again only when they changed.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::Path;
use std::time::Duration;

use common::{eventually, Fixture};

#[test]
fn the_periodic_refresh_does_nothing_when_nothing_changed() {
    let mut fx = Fixture::new();
    let env = [("OMG_DAEMON_REFRESH_SECS", Path::new("1"))];
    let daemon = fx.spawn_with(1, &fx.socket(), Some(&fx.state()), &env);
    daemon.wait_ready();
    // Three periods go by with the databases untouched: no rebuild.
    std::thread::sleep(Duration::from_millis(3_500));
    let log = daemon.log_text();
    assert!(!log.contains("rebuilding the index"), "{log}");
    // A change is still read (by the poll, every 100 ms here).
    fx.root
        .add_sync_db(
            "extra",
            &[omg_testkit::alpm::FixturePackage::new("zsh", "5.9-2")],
        )
        .expect("extra.db");
    assert!(
        eventually(Duration::from_secs(10), || daemon
            .log_text()
            .contains("reason=\"databases changed\" generation=2")),
        "{}",
        daemon.log_text()
    );
}
