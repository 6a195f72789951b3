//! omgd as a process: answers, change detection, shutdown, restart from the snapshot, and
//! garbage on the socket.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use common::{block_on, canonical, eventually, Fixture};
use omg::{ListKind, SearchQuery};
use omg_testkit::alpm::FixturePackage;
use omg_transport_uds::{Request, Response};

#[test]
fn answers_like_the_in_process_engine() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let engine = fx.engine();
    let mut client = daemon.client();

    let welcome = client.daemon().clone();
    assert_eq!(welcome.backend.name, "alpm");
    assert_eq!(
        welcome.backend.config.as_deref(),
        Some(canonical(&fx.config()).as_str())
    );
    assert_eq!(welcome.backend, engine.backend_info());

    for query in [
        SearchQuery::new("firefox"),
        SearchQuery::new("shell").with_limit(2),
        SearchQuery::new("gnu").installed(),
        SearchQuery::new("frefox"),
    ] {
        let want = Response::Search(block_on(engine.search(&query)).unwrap());
        // Twice: the miss, then the cache hit.
        for _ in 0..2 {
            assert_eq!(
                client.request(Request::Search(query.clone())).unwrap(),
                want
            );
        }
    }
    let empty = client
        .request(Request::Search(SearchQuery::new("  ")))
        .unwrap();
    assert!(matches!(empty, Response::InvalidRequest(_)), "{empty:?}");

    let names = vec!["bash".to_string(), "fish".to_string()];
    let want = Response::Packages(block_on(engine.info(&names)).unwrap());
    assert_eq!(client.request(Request::Info(names)).unwrap(), want);
    let missing = vec!["fierfox".to_string()];
    let want = Response::from(block_on(engine.info(&missing)).unwrap_err());
    assert!(matches!(&want, Response::NotFound { suggestions, .. } if !suggestions.is_empty()));
    assert_eq!(client.request(Request::Info(missing)).unwrap(), want);

    for kind in [
        ListKind::Installed,
        ListKind::Explicit,
        ListKind::Orphans,
        ListKind::Upgradable,
    ] {
        let want = Response::List(block_on(engine.list(kind)).unwrap());
        assert_eq!(
            client.request(Request::List(kind)).unwrap(),
            want,
            "{kind:?}"
        );
    }
    let want = Response::Status(block_on(engine.status()).unwrap());
    assert_eq!(client.request(Request::Status).unwrap(), want);

    let mut suggest = |prefix: &str, limit| {
        client
            .request(Request::Suggest {
                prefix: prefix.into(),
                limit,
            })
            .unwrap()
    };
    assert_eq!(
        suggest("fi", 10),
        Response::Suggestions(vec![
            "firefox".into(),
            "firefox-i18n-de".into(),
            "fish".into()
        ])
    );
    assert_eq!(
        suggest("fi", 1),
        Response::Suggestions(vec!["firefox".into()])
    );

    let Response::Stats(stats) = client.request(Request::Stats).unwrap() else {
        panic!("no stats");
    };
    let want = block_on(engine.index()).unwrap().len() as u64;
    assert_eq!(stats.packages, want);
    assert_eq!(stats.index_generation, 1);
    assert!(stats.cache_hits >= 4, "{stats:?}");
    assert!(stats.requests >= 10, "{stats:?}");

    let Response::Invalidated { index_generation } = client.request(Request::Invalidate).unwrap()
    else {
        panic!("not invalidated");
    };
    assert_eq!(index_generation, 2);
    assert!(daemon.log_text().contains("index built from the databases"));
}

#[test]
fn a_changed_sync_database_is_served_without_restart() {
    let mut fx = Fixture::new();
    let daemon = fx.start(1);
    let query = SearchQuery::new("neovim");
    let found = |d: &common::Daemon| match d.request(Request::Search(query.clone())) {
        Response::Search(r) => r.hits.iter().any(|h| h.package.name == "neovim"),
        other => panic!("unexpected {other:?}"),
    };
    assert!(!found(&daemon));

    let mut core = common::core_packages();
    core.push(FixturePackage::new("neovim", "0.10-1").desc("Fork of Vim"));
    fx.root.add_sync_db("core", &core).unwrap();
    let t = Instant::now();
    assert!(
        eventually(Duration::from_secs(2), || found(&daemon)),
        "neovim not served after 2 s; log:\n{}",
        daemon.log_text()
    );
    eprintln!("change served after {:?}", t.elapsed());
    let Response::Stats(stats) = daemon.request(Request::Stats) else {
        panic!("no stats");
    };
    assert!(stats.index_generation >= 2);
    let want = block_on(fx.engine().index()).unwrap().len() as u64;
    assert_eq!(stats.packages, want);
}

#[test]
fn sigterm_exits_zero_and_removes_the_socket_then_restart_uses_the_snapshot() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    assert!(daemon.log_text().contains("index built from the databases"));
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert!(!fx.socket().exists(), "socket left behind");

    let daemon = fx.start(2);
    let log = daemon.log_text();
    assert!(log.contains("index loaded from snapshot"), "log:\n{log}");
    let Response::Search(r) = daemon.request(Request::Search(SearchQuery::new("zsh"))) else {
        panic!("no search answer");
    };
    assert_eq!(r.hits[0].package.name, "zsh");
    assert!(daemon.terminate().success());
}

#[test]
fn a_second_omgd_on_the_same_socket_fails_clearly() {
    let fx = Fixture::new();
    let _daemon = fx.start(1);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_omgd"))
        .args(["--backend", "alpm", "--config"])
        .arg(fx.config())
        .arg("--socket")
        .arg(fx.socket())
        .arg("--state")
        .arg(fx.dir.path().join("other.redb"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another omgd is running"), "{err}");
}

#[test]
fn garbage_frames_do_not_stop_omgd_serving_others() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let mut good = daemon.client();

    let mut bad = UnixStream::connect(fx.socket()).unwrap();
    bad.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    bad.write_all(&[0, 0, 0, 5, 0xff, 0xfe, 0xfd, 0xfc, 0xfb])
        .unwrap();
    bad.write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
    let mut answer = Vec::new();
    let _ = bad.read_to_end(&mut answer);
    assert!(!answer.is_empty(), "no error frame for garbage");

    good.ping().unwrap();
    let mut fresh = daemon.client();
    fresh.ping().unwrap();
}

/// Print-only: Ping and cached Search round trips on a kept connection.
#[test]
fn round_trip_latency() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let mut client = daemon.client();
    let mut measure = |request: Request| {
        let mut times: Vec<Duration> = (0..2000)
            .map(|_| {
                let t = Instant::now();
                client.request(request.clone()).unwrap();
                t.elapsed()
            })
            .collect();
        times.sort();
        (times[times.len() / 2], times[times.len() * 99 / 100])
    };
    let ping = measure(Request::Ping);
    let search = measure(Request::Search(SearchQuery::new("fire").with_limit(20)));
    eprintln!(
        "ping p50 {:?} p99 {:?}; cached search p50 {:?} p99 {:?}",
        ping.0, ping.1, search.0, search.1
    );
}
