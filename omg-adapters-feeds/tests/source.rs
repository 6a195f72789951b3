//! TrackerSource over the real HTTP fetcher, a real server on 127.0.0.1 and the real redb
//! feed cache: conditional refresh, malformed feeds keep the good copy, offline use.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_testkit::http as common;

use std::sync::Arc;

use common::Server;
use omg_adapters_feeds::TrackerSource;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_store::RedbStore;
use omg_ports::{Advisories, AdvisorySource, Error, FeedKind, FeedOrigin, FeedRequest};

const V1: &str = r#"[{"name": "AVG-1", "packages": ["openssl"], "status": "Fixed", "severity": "High",
  "type": "denial of service", "affected": "3.0.7-1", "fixed": "3.0.8-1", "ticket": null,
  "issues": ["CVE-2023-0286"], "advisories": ["ASA-202302-1"]}]"#;

fn groups(a: &Advisories) -> Vec<String> {
    match a {
        Advisories::Arch(g) => g.iter().map(|g| g.name.clone()).collect(),
        other => panic!("{other:?}"),
    }
}

struct World {
    _dir: tempfile::TempDir,
    server: Server,
    source: TrackerSource,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(RedbStore::open(&dir.path().join("feeds.redb")).unwrap());
    let fetcher = Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap());
    World {
        _dir: dir,
        server: Server::start(),
        source: TrackerSource::new(fetcher, store),
    }
}

fn request(w: &World, offline: bool) -> FeedRequest {
    FeedRequest {
        kind: FeedKind::Arch,
        url: w.server.url("/all.json"),
        release: None,
        offline,
    }
}

#[tokio::test]
async fn offline_without_a_cache_names_the_feed() {
    let w = world();
    let e = w.source.advisories(&request(&w, true)).await.unwrap_err();
    assert!(
        matches!(e, Error::NoCachedFeed { ref feed, .. } if feed == "arch"),
        "{e:?}"
    );
    assert!(
        w.server.hits().is_empty(),
        "offline must not touch the network"
    );
}

#[tokio::test]
async fn refresh_304_malformed_and_offline() {
    let w = world();
    w.server.put("/all.json", V1, Some("\"v1\""), None);
    let first = w.source.advisories(&request(&w, false)).await.unwrap();
    assert_eq!(first.origin, FeedOrigin::Downloaded);
    assert_eq!(groups(&first.advisories), ["AVG-1"]);

    // Unchanged: a conditional request, answered 304, served from the cache.
    let second = w.source.advisories(&request(&w, false)).await.unwrap();
    assert_eq!(second.origin, FeedOrigin::NotModified);
    assert_eq!(second.fetched_at, first.fetched_at);
    assert_eq!(groups(&second.advisories), ["AVG-1"]);
    let hits = w.server.hits();
    assert_eq!(hits[1].status, 304);
    assert_eq!(hits[1].if_none_match.as_deref(), Some("\"v1\""));

    // A truncated new copy: the good one is kept and used, with a warning naming the feed.
    w.server
        .put("/all.json", &V1[..V1.len() / 2], Some("\"v2\""), None);
    let third = w.source.advisories(&request(&w, false)).await.unwrap();
    assert_eq!(third.origin, FeedOrigin::Cache);
    assert_eq!(groups(&third.advisories), ["AVG-1"]);
    let warning = third.warning.unwrap();
    assert!(warning.starts_with("arch ("), "{warning}");
    assert!(warning.contains("is malformed"), "{warning}");
    // ... and the cache still has v1's validators: the next request is conditional on v1.
    let _ = w.source.advisories(&request(&w, false)).await.unwrap();
    assert_eq!(w.server.hits()[3].if_none_match.as_deref(), Some("\"v1\""));

    // The server goes away: the cache, with a warning; offline: the cache, silently.
    w.server.put("/all.json", "", None, None);
    let offline = w.source.advisories(&request(&w, true)).await.unwrap();
    assert_eq!(offline.origin, FeedOrigin::Cache);
    assert_eq!(offline.warning, None);
    assert_eq!(groups(&offline.advisories), ["AVG-1"]);
}

#[tokio::test]
async fn download_failure_without_cache_is_the_download_error() {
    let w = world();
    let e = w.source.advisories(&request(&w, false)).await.unwrap_err();
    assert!(matches!(e, Error::Download { .. }), "{e:?}");
}
