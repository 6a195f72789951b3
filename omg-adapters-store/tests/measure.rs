//! Timings of a realistic index (63,000 packages), printed, not asserted. Run with
//! `cargo test --release -p omg-adapters-store --test measure -- --ignored --nocapture`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::time::Instant;

use common::{apt, fingerprint, packages};
use omg_adapters_store::RedbStore;
use omg_ports::{Result, Store};

const PACKAGES: usize = 63_000;

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn file_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "prints timings; run it in release"]
async fn index_of_63000_packages() -> Result<()> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("state.redb");
    let index = packages(PACKAGES, 1);
    let raw: usize = index
        .iter()
        .map(|p| p.name.len() + p.version.len() + p.description.len())
        .sum();
    eprintln!(
        "{PACKAGES} packages, name+version+description {:.1} B on average",
        raw as f64 / PACKAGES as f64
    );

    let store = RedbStore::open(&path)?;
    let encoded = Instant::now();
    let bytes = bitcode::encode(&index);
    eprintln!(
        "bitcode encode alone: {:?}, {:.2} MB",
        encoded.elapsed(),
        megabytes(bytes.len() as u64)
    );
    for generation in 1..=5 {
        let index = packages(PACKAGES, generation);
        let saving = Instant::now();
        store
            .save_index(&apt(), &fingerprint(generation), &index)
            .await?;
        eprintln!(
            "save #{generation} (encode + durable commit): {:?}, file {:.2} MB",
            saving.elapsed(),
            megabytes(file_len(&path))
        );
    }
    let last = packages(PACKAGES, 5);
    for attempt in 1..=3 {
        let loading = Instant::now();
        let loaded = store.load_index(&apt(), &fingerprint(5)).await?;
        eprintln!("load (same process) #{attempt}: {:?}", loading.elapsed());
        assert_eq!(loaded.as_ref(), Some(&last));
    }
    let rejecting = Instant::now();
    assert_eq!(store.load_index(&apt(), &fingerprint(4)).await?, None);
    eprintln!(
        "load with another fingerprint (rejected): {:?}",
        rejecting.elapsed()
    );

    // The file as a SIGKILL would leave it: copied while the store has it open.
    let crashed = dir.path().join("crashed.redb");
    std::fs::copy(&path, &crashed).expect("copy");
    drop(store);

    for (what, path) in [("cleanly closed", &path), ("left by a crash", &crashed)] {
        let restart = Instant::now();
        let store = RedbStore::open(path)?;
        let opened = restart.elapsed();
        let loaded = store.load_index(&apt(), &fingerprint(5)).await?;
        eprintln!(
            "restart, file {what}: open {opened:?} + load {:?} = {:?}",
            restart.elapsed() - opened,
            restart.elapsed()
        );
        assert_eq!(loaded.as_ref(), Some(&last));
    }
    Ok(())
}
