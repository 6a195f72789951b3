//! The feed cache: bodies and metadata by URL, durable across reopening.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use omg_ports::{FeedMeta, Store, Validators};

fn meta(url: &str, etag: &str, at: i64, len: u64) -> FeedMeta {
    FeedMeta {
        url: url.into(),
        validators: Validators {
            etag: Some(etag.into()),
            last_modified: Some("Tue, 01 Oct 2024 10:00:00 GMT".into()),
        },
        fetched_at: at,
        checked_at: at,
        len,
    }
}

#[tokio::test]
async fn feeds_round_trip_and_meta_updates_keep_the_body() {
    let dir = common::temp();
    let path = dir.path().join("feeds.redb");
    let store = omg_adapters_store::RedbStore::open(&path).unwrap();
    let url = "https://security.archlinux.org/all.json";
    assert_eq!(store.load_feed(url).await.unwrap(), None);
    // Metadata alone is not stored without a body.
    store
        .save_feed_meta(&meta(url, "\"x\"", 1, 0))
        .await
        .unwrap();
    assert_eq!(store.load_feed(url).await.unwrap(), None);

    store
        .save_feed(&meta(url, "\"v1\"", 100, 4), b"[{}]")
        .await
        .unwrap();
    let mut checked = meta(url, "\"v1\"", 100, 4);
    checked.checked_at = 200;
    store.save_feed_meta(&checked).await.unwrap();
    let other = "https://mirror.example/all.json";
    store
        .save_feed(&meta(other, "\"o\"", 5, 2), b"[]")
        .await
        .unwrap();
    drop(store);

    let store = omg_adapters_store::RedbStore::open(&path).unwrap();
    let cached = store.load_feed(url).await.unwrap().unwrap();
    assert_eq!(cached.meta, checked);
    assert_eq!(cached.body, b"[{}]");
    assert_eq!(store.load_feed(other).await.unwrap().unwrap().body, b"[]");
}

#[tokio::test]
async fn the_audit_summary_is_kept_per_backend() {
    use omg_ports::{BackendInfo, SecuritySummary, VersionScheme};
    let dir = common::temp();
    let path = dir.path().join("feeds.redb");
    let backend = |name: &str| BackendInfo {
        name: name.into(),
        root: "/".into(),
        config: None,
        version_scheme: VersionScheme::Dpkg,
    };
    let summary = SecuritySummary {
        feed: "the Debian security feed for bookworm".into(),
        vulnerable: 4,
        critical: 0,
        high: 1,
        fixable: 3,
        fetched_at: 100,
        audited_at: 200,
    };
    let store = omg_adapters_store::RedbStore::open(&path).unwrap();
    assert_eq!(store.load_security(&backend("apt")).await.unwrap(), None);
    store
        .save_security(&backend("apt"), &summary)
        .await
        .unwrap();
    drop(store);
    let store = omg_adapters_store::RedbStore::open(&path).unwrap();
    assert_eq!(
        store.load_security(&backend("apt")).await.unwrap(),
        Some(summary.clone())
    );
    assert_eq!(store.load_security(&backend("alpm")).await.unwrap(), None);
    drop(store);
    // The quick reader (no whole-file check) sees the same; a missing file is an error.
    let quick = omg_adapters_store::RedbStore::open_for_reading(&path).unwrap();
    assert_eq!(
        quick.load_security(&backend("apt")).await.unwrap(),
        Some(summary)
    );
    drop(quick);
    assert!(
        omg_adapters_store::RedbStore::open_for_reading(&dir.path().join("none.redb")).is_err()
    );
}
