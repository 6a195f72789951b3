//! omgd's state file is a cache: `RedbStore::open_replacing_damaged` moves a damaged one
//! aside and starts anew, but never takes a file another process uses, and never follows a
//! path that is not a regular file.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::Path;

use common::{apt, status, temp};
use omg_adapters_store::RedbStore;
use omg_ports::{Error, Store};

fn storage_message<T: std::fmt::Debug>(result: omg_ports::Result<T>) -> String {
    match result {
        Err(e @ Error::Storage { .. }) => e.to_string(),
        other => panic!("expected a storage error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_damaged_file_is_moved_aside_and_replaced() {
    let dir = temp();
    let path = dir.path().join("omgd.redb");
    let garbage = vec![0xA5u8; 64 * 1024];
    std::fs::write(&path, &garbage).unwrap();
    // The plain open refuses it...
    storage_message(RedbStore::open(&path));
    // ...the cache's open replaces it, keeping the old bytes for a post-mortem.
    let (store, aside) = RedbStore::open_replacing_damaged(&path).unwrap();
    let aside = aside.expect("moved aside");
    assert_eq!(aside, dir.path().join("omgd.redb.damaged"));
    assert_eq!(std::fs::read(&aside).unwrap(), garbage);
    store
        .save_status(&apt(), &status(42, 1_700_000_000))
        .await
        .unwrap();
    assert_eq!(
        store.load_status(&apt()).await.unwrap().unwrap(),
        status(42, 1_700_000_000)
    );
}

#[tokio::test]
async fn a_good_file_is_kept() {
    let dir = temp();
    let path = dir.path().join("omgd.redb");
    {
        let store = RedbStore::open(&path).unwrap();
        store
            .save_status(&apt(), &status(7, 1_700_000_000))
            .await
            .unwrap();
    }
    let (store, aside) = RedbStore::open_replacing_damaged(&path).unwrap();
    assert_eq!(aside, None);
    assert_eq!(
        store.load_status(&apt()).await.unwrap().unwrap(),
        status(7, 1_700_000_000)
    );
}

#[test]
fn a_file_in_use_is_not_taken() {
    let dir = temp();
    let path = dir.path().join("omgd.redb");
    let _holder = RedbStore::open(&path).unwrap();
    let message = storage_message(RedbStore::open_replacing_damaged(&path));
    assert!(message.contains("in use"), "{message}");
    assert!(!dir.path().join("omgd.redb.damaged").exists());
}

#[test]
fn paths_that_are_not_regular_files_are_refused() {
    let dir = temp();
    let dangling = dir.path().join("dangling.redb");
    let target = dir.path().join("elsewhere/state.redb");
    std::os::unix::fs::symlink(&target, &dangling).unwrap();
    let message = storage_message(RedbStore::open_replacing_damaged(&dangling));
    assert!(message.contains("dangling"), "{message}");
    assert!(!target.exists() && !Path::new(&target).parent().unwrap().exists());

    let directory = dir.path().join("a-directory");
    std::fs::create_dir(&directory).unwrap();
    let message = storage_message(RedbStore::open_replacing_damaged(&directory));
    assert!(message.contains("not a regular file"), "{message}");

    // A link to a real file is the user's choice, and is used.
    let real = dir.path().join("real.redb");
    drop(RedbStore::open(&real).unwrap());
    let link = dir.path().join("link.redb");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    RedbStore::open_replacing_damaged(&link).unwrap();
}
