//! omgd across crashes and restarts, and the coalescing of `Invalidate`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::time::Duration;

use common::{block_on, eventually, Fixture};
use omg_ports::SearchQuery;
use omg_testkit::alpm::FixturePackage;
use omg_transport_uds::{Request, Response};

/// A fixture whose `big` repository (written by the test) is large enough that saving its
/// index takes tens of milliseconds, so that kills land inside the save.
fn big_fixture() -> Fixture {
    Fixture::new()
}

fn search_count(daemon: &common::Daemon, text: &str) -> u64 {
    match daemon.request(Request::Search(SearchQuery::new(text))) {
        Response::Search(r) => r.total as u64,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn sigkill_at_any_moment_of_persistence_loses_nothing() {
    let mut fx = big_fixture();
    let mut big: Vec<FixturePackage> = Vec::new();
    let mut during_save = 0;
    // Each round changes the repository (so omgd reads it and saves a new index), starts
    // omgd, waits until the index is built (the save starts right after), kills it with
    // SIGKILL after an increasing delay, then starts it again: the store must open and the
    // answers must match the databases.
    const DELAYS_MS: [u64; 9] = [0, 1, 2, 5, 12, 30, 80, 130, 200];
    for (n, delay_ms) in DELAYS_MS.into_iter().enumerate() {
        big.push(
            FixturePackage::new(format!("extra-{n:02}"), "1.0-1").desc("added big repository"),
        );
        let mut packages: Vec<FixturePackage> = (0..20_000)
            .map(|i| {
                FixturePackage::new(format!("pkg-{i:05}"), "1.0-1")
                    .desc(format!("package number {i} of the big repository"))
            })
            .collect();
        packages.extend(big.iter().cloned());
        fx.root.add_sync_db("big", &packages).unwrap();
        let want = 20_000 + big.len() as u64;

        let mut daemon = fx.spawn(n as u32);
        assert!(
            eventually(Duration::from_secs(60), || daemon
                .log_text()
                .contains("index built from the databases")),
            "log:\n{}",
            daemon.log_text()
        );
        std::thread::sleep(Duration::from_millis(delay_ms));
        daemon.child.kill().unwrap();
        daemon.child.wait().unwrap();
        if !daemon.log_text().contains("status saved") {
            during_save += 1;
        }

        let daemon = fx.start(100 + n as u32);
        assert_eq!(
            search_count(&daemon, "big repository"),
            want,
            "after a kill {delay_ms} ms into the save; log:\n{}",
            daemon.log_text()
        );
        let log = daemon.log_text();
        assert!(
            !log.contains("could not") && !log.contains("ERROR"),
            "after a kill {delay_ms} ms into the save; log:\n{log}"
        );
        // Let this one save completely, so the next round starts from a good snapshot.
        assert!(eventually(Duration::from_secs(60), || daemon
            .log_text()
            .contains("status saved")));
        drop(daemon);
    }
    eprintln!(
        "{during_save} of {} kills landed before the save finished",
        DELAYS_MS.len()
    );
    // Unchanged databases after a clean stop: the snapshot is used.
    let daemon = fx.start(999);
    assert!(daemon.terminate().success());
    let daemon = fx.start(1000);
    let log = daemon.log_text();
    assert!(log.contains("index loaded from snapshot"), "log:\n{log}");
    assert_eq!(
        search_count(&daemon, "big repository"),
        20_000 + DELAYS_MS.len() as u64
    );
}

#[test]
fn the_saved_status_answers_the_first_status_after_a_restart() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let Response::Status(first) = daemon.request(Request::Status) else {
        panic!("no status");
    };
    assert!(eventually(Duration::from_secs(10), || daemon
        .log_text()
        .contains("status saved")));
    assert!(daemon.terminate().success());
    let daemon = fx.start(2);
    let log = daemon.log_text();
    assert!(log.contains("status loaded from snapshot"), "log:\n{log}");
    let Response::Status(again) = daemon.request(Request::Status) else {
        panic!("no status");
    };
    assert_eq!(again, first);
    assert_eq!(again, block_on(fx.engine().status()).unwrap());
}

#[test]
fn concurrent_invalidates_share_one_rebuild_and_a_change_is_never_missed() {
    let mut fx = Fixture::new();
    let daemon = fx.start(1);
    let generations: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                s.spawn(|| match daemon.request(Request::Invalidate) {
                    Response::Invalidated { index_generation } => index_generation,
                    other => panic!("unexpected {other:?}"),
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let max = generations.iter().copied().max().unwrap();
    assert!(
        max <= 3,
        "16 invalidations at once caused {} rebuilds: {generations:?}",
        max - 1
    );
    // Right away again, nothing changed: no rebuild.
    let Response::Invalidated { index_generation } = daemon.request(Request::Invalidate) else {
        panic!("not invalidated");
    };
    assert_eq!(index_generation, max);
    // A change followed at once by Invalidate (what omg does after a transaction) is served
    // by the answer's generation, however recent the last rebuild.
    let mut core = common::core_packages();
    core.push(FixturePackage::new("neovim", "0.10-1").desc("Fork of Vim"));
    fx.root.add_sync_db("core", &core).unwrap();
    let Response::Invalidated { index_generation } = daemon.request(Request::Invalidate) else {
        panic!("not invalidated");
    };
    assert!(index_generation > max);
    let Response::Search(r) = daemon.request(Request::Search(SearchQuery::new("neovim"))) else {
        panic!("no search answer");
    };
    assert_eq!(r.hits[0].package.name, "neovim");
}
