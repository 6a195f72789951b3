//! The AUR's full records: saved by generation in batches, pruned to the latest load,
//! loaded by name in the order asked, per source, durable across reopening.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use omg_adapters_store::RedbStore;
use omg_ports::{AurPackage, Store};

fn record(name: &str, version: &str) -> AurPackage {
    AurPackage {
        name: name.into(),
        package_base: name.into(),
        version: version.into(),
        description: Some(format!("{name} does things")),
        depends: vec!["glibc".into(), "zlib>=1.3".into()],
        keywords: vec!["tool".into()],
        co_maintainers: vec!["carol".into()],
        ..AurPackage::default()
    }
}

fn names(records: &[AurPackage]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| (r.name.clone(), r.version.clone()))
        .collect()
}

#[tokio::test]
async fn a_new_load_replaces_and_prunes_and_sources_stay_apart() {
    let dir = common::temp();
    let path = dir.path().join("aur.redb");
    let source = "omgd-aur:https://aur.example/packages-meta-ext-v1.json.gz";
    let other = "omgd-aur:https://mirror.example/packages-meta-ext-v1.json.gz";
    let ask = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    {
        let store = RedbStore::open(&path).unwrap();
        assert!(store
            .load_aur_records(source, &ask(&["a"]))
            .await
            .unwrap()
            .is_empty());
        // Load 1, in two batches.
        store
            .save_aur_records(source, 1, &[record("a", "1"), record("b", "1")])
            .await
            .unwrap();
        store
            .save_aur_records(source, 1, &[record("gone", "1")])
            .await
            .unwrap();
        store
            .save_aur_records(other, 7, &[record("a", "mirror")])
            .await
            .unwrap();
        assert_eq!(store.prune_aur_records(source, 1).await.unwrap(), 0);
        // Load 2 no longer has `gone`.
        store
            .save_aur_records(source, 2, &[record("b", "2"), record("a", "2")])
            .await
            .unwrap();
        assert_eq!(store.prune_aur_records(source, 2).await.unwrap(), 1);
    }
    let store = RedbStore::open(&path).unwrap();
    let got = store
        .load_aur_records(source, &ask(&["b", "missing", "gone", "a"]))
        .await
        .unwrap();
    assert_eq!(
        names(&got),
        vec![("b".into(), "2".into()), ("a".into(), "2".into())]
    );
    assert_eq!(got[1], record("a", "2"));
    // The other source kept its own.
    let theirs = store.load_aur_records(other, &ask(&["a"])).await.unwrap();
    assert_eq!(names(&theirs), vec![("a".into(), "mirror".into())]);
}
