//! How long `packages()` takes on the host (printed, not asserted): run it by hand with
//! `cargo test -p omg-adapters-apt --release --test timing -- --nocapture`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::Instant;

use omg_adapters_apt::{AptBackend, AptConfig};
use omg_ports::PackageBackend;

#[tokio::test]
async fn packages_time_is_reported() {
    let apt = AptBackend::open(AptConfig::host()).unwrap();
    let started = Instant::now();
    let first = apt.packages().await.unwrap();
    let cold = started.elapsed();
    let started = Instant::now();
    let second = apt.packages().await.unwrap();
    let warm = started.elapsed();
    assert_eq!(first, second);
    eprintln!(
        "packages(): {} packages; first call (opens the cache) {:.0} ms, second call {:.0} ms ({} build)",
        first.len(),
        cold.as_secs_f64() * 1000.0,
        warm.as_secs_f64() * 1000.0,
        if cfg!(debug_assertions) { "debug" } else { "release" },
    );
}
