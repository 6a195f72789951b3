//! Many tasks saving and loading at once through one `RedbStore`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::Arc;

use common::{alpm, fingerprint, generation_of, packages, status};
use omg_adapters_store::RedbStore;
use omg_ports::{Result, Store};

const TASKS: u64 = 16;
const ROUNDS: u64 = 12;

fn count(generation: u64) -> usize {
    100 + (generation % 5) as usize * 150
}

/// Half the tasks share one backend (their saves race; every load must see one whole
/// save), the others each have their own (they must see exactly their own last save).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_save_and_load_at_once() -> Result<()> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Arc::new(RedbStore::open(&dir.path().join("state.redb"))?);
    let shared = alpm("/etc/pacman.conf");
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store = Arc::clone(&store);
        let shared = shared.clone();
        tasks.spawn(async move {
            let own = alpm(&format!("/etc/pacman-{task}.conf"));
            let backend = if task % 2 == 0 { shared } else { own };
            for round in 0..ROUNDS {
                let generation = task * 1_000 + round;
                let index = packages(count(generation), generation);
                store
                    .save_index(&backend, &fingerprint(generation), &index)
                    .await?;
                store
                    .save_status(&backend, &status(index.len(), generation as i64))
                    .await?;
                if let Some(loaded) = store.load_index(&backend, &fingerprint(generation)).await? {
                    assert_eq!(generation_of(&loaded, count), Some(generation));
                } else {
                    assert_eq!(task % 2, 0, "only a shared backend may be overwritten");
                }
                let snapshot = store.load_status(&backend).await?.expect("a status");
                assert_eq!(snapshot.status.available, count(snapshot.taken_at as u64));
            }
            Ok::<_, omg_ports::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("the task ran")?;
    }
    for task in (1..TASKS).step_by(2) {
        let own = alpm(&format!("/etc/pacman-{task}.conf"));
        let last = task * 1_000 + ROUNDS - 1;
        let loaded = store.load_index(&own, &fingerprint(last)).await?;
        assert_eq!(loaded, Some(packages(count(last), last)));
    }
    Ok(())
}
