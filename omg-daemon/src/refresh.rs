//! Building the index (from the redb snapshot or the databases), and keeping it fresh: a
//! background task polls the backend's fingerprint and rebuilds off the request path.
//!
//! A rebuild opens a *new* backend: the alpm backend reads its sync databases once, when it
//! is opened, so an existing one never sees a changed database file.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use omg::{Engine, Index};
use omg_adapters_store::RedbStore;
use omg_ports::{Fingerprint, StatusSnapshot, Store};
use tokio::sync::{watch, Mutex};

use crate::args::BackendSpec;
use omg_transport_uds::Response;

use crate::state::{CacheKey, Snapshot, State};

/// Builds snapshots and swaps them into the [`State`]. Rebuilds (and the persistence that
/// follows each) run one at a time.
pub struct Refresher {
    spec: BackendSpec,
    store: Arc<RedbStore>,
    lock: Arc<Mutex<()>>,
    /// When the last rebuild began reading the databases.
    last_started: std::sync::Mutex<Option<Instant>>,
}

/// An `Invalidate` within this long of the last rebuild, with the databases unchanged since,
/// is answered with the current index: a client looping on it cannot keep omgd rebuilding.
const INVALIDATE_MIN_INTERVAL: Duration = Duration::from_secs(2);

impl Refresher {
    pub fn new(spec: BackendSpec, store: Arc<RedbStore>) -> Refresher {
        Refresher {
            spec,
            store,
            lock: Arc::new(Mutex::new(())),
            last_started: std::sync::Mutex::new(None),
        }
    }

    /// The state file, for the other tasks that keep things in it.
    pub fn store(&self) -> Arc<RedbStore> {
        Arc::clone(&self.store)
    }

    /// The first snapshot: the index saved in redb if the databases did not change since,
    /// else read from the backend; with whether it came from the store.
    pub async fn startup(&self) -> anyhow::Result<(Snapshot, bool)> {
        let started = Instant::now();
        let engine = self.open_engine().await?;
        let open_ms = started.elapsed().as_millis() as u64;
        let info = engine.backend_info();
        let fingerprint = engine.backend().fingerprint().await?;
        let saved = match self.store.load_index(&info, &fingerprint).await {
            Ok(saved) => saved,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the index snapshot; reading the databases");
                None
            }
        };
        let from_store = saved.is_some();
        let snapshot = match saved {
            Some(packages) => {
                let index = build_index(packages).await?;
                tracing::info!(
                    packages = index.len(),
                    open_ms,
                    total_ms = started.elapsed().as_millis() as u64,
                    "index loaded from snapshot"
                );
                Snapshot {
                    engine,
                    index,
                    generation: 1,
                    fingerprint,
                }
            }
            None => {
                let snapshot = read_snapshot(engine, fingerprint, 1).await?;
                tracing::info!(
                    packages = snapshot.index.len(),
                    open_ms,
                    total_ms = started.elapsed().as_millis() as u64,
                    "index built from the databases"
                );
                snapshot
            }
        };
        Ok((snapshot, from_store))
    }

    /// Save `state`'s current index and status in the background. The save holds the
    /// rebuild lock from now on, so [`Refresher::quiesce`] waits for it.
    pub async fn persist_in_background(&self, state: &Arc<State>, index_too: bool) {
        let guard = Arc::clone(&self.lock).lock_owned().await;
        let (state, store) = (Arc::clone(state), Arc::clone(&self.store));
        tokio::spawn(async move {
            let _guard = guard;
            persist(&state, store.as_ref(), index_too).await;
        });
    }

    /// Put the last saved status in the cache of the first generation, so that the first
    /// `omg status` after a restart with unchanged databases is answered at once. Only when
    /// the index came from the store too (the status was saved with it).
    pub async fn seed_status(&self, state: &State) {
        match self.store.load_status(state.backend()).await {
            Ok(Some(saved)) => {
                let generation = state.current().generation;
                state.remember(
                    CacheKey::Status { generation },
                    Arc::new(Response::Status(saved.status)),
                );
                tracing::info!(taken_at = saved.taken_at, "status loaded from snapshot");
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the saved status"),
        }
    }

    /// The `Invalidate` request: a rebuild that reads the databases after this call began.
    /// Requests that arrive while a rebuild runs share the next one; one that comes within
    /// [`INVALIDATE_MIN_INTERVAL`] of the last rebuild while the fingerprint is unchanged
    /// gets the current generation.
    pub async fn invalidate(&self, state: &Arc<State>) -> anyhow::Result<u64> {
        let asked = Instant::now();
        let guard = Arc::clone(&self.lock).lock_owned().await;
        let last = self.last_started.lock().ok().and_then(|t| *t);
        if last.is_some_and(|t| t >= asked) {
            return Ok(state.current().generation);
        }
        if last.is_some_and(|t| t.elapsed() < INVALIDATE_MIN_INTERVAL) {
            let current = state.current();
            if let Ok(now) = current.engine.backend().fingerprint().await {
                if now == current.fingerprint {
                    return Ok(current.generation);
                }
            }
        }
        self.rebuild_locked(guard, state, "invalidate").await
    }

    /// Open a fresh backend, read it, swap the new index in; answers the new generation.
    pub async fn rebuild(&self, state: &Arc<State>, reason: &str) -> anyhow::Result<u64> {
        let guard = Arc::clone(&self.lock).lock_owned().await;
        self.rebuild_locked(guard, state, reason).await
    }

    async fn rebuild_locked(
        &self,
        guard: tokio::sync::OwnedMutexGuard<()>,
        state: &Arc<State>,
        reason: &str,
    ) -> anyhow::Result<u64> {
        let started = Instant::now();
        if let Ok(mut last) = self.last_started.lock() {
            *last = Some(started);
        }
        tracing::info!(reason, "rebuilding the index");
        let engine = self.open_engine().await?;
        // Taken before reading: a change during the read shows up at the next poll.
        let fingerprint = engine.backend().fingerprint().await?;
        let generation = state.current().generation + 1;
        let snapshot = read_snapshot(engine, fingerprint, generation).await?;
        let packages = snapshot.index.len();
        state.swap(snapshot);
        tracing::info!(
            reason,
            generation,
            packages,
            ms = started.elapsed().as_millis() as u64,
            "index rebuilt"
        );
        let (state, store) = (Arc::clone(state), Arc::clone(&self.store));
        tokio::spawn(async move {
            let _guard = guard;
            persist(&state, store.as_ref(), true).await;
        });
        Ok(generation)
    }

    /// Poll the fingerprint every `poll`; rebuild on a change, or every `refresh`, until
    /// `stop` turns true.
    pub async fn run(
        &self,
        state: Arc<State>,
        poll: Duration,
        refresh: Duration,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut ticker = tokio::time::interval(poll);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_build = Instant::now();
        let mut failed_at: Option<Fingerprint> = None;
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                _ = ticker.tick() => {}
            }
            let current = state.current();
            let now = match current.engine.backend().fingerprint().await {
                Ok(fp) => fp,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read the databases' fingerprint");
                    continue;
                }
            };
            let unchanged = now == current.fingerprint;
            let changed = !unchanged && failed_at.as_ref() != Some(&now);
            let due = last_build.elapsed() >= refresh;
            if due && unchanged {
                // The periodic refresh: nothing changed since the index was read, so there is
                // nothing to read again (a rebuild costs opening the backend anew).
                tracing::debug!("periodic refresh: the databases did not change");
                last_build = Instant::now();
                continue;
            }
            if !changed && !due {
                continue;
            }
            let reason = if changed {
                "databases changed"
            } else {
                "periodic, after a failed rebuild"
            };
            // A rebuild can take seconds (libapt rebuilding its cache after the lists
            // changed): a stop does not wait for it. Its blocking part is left to finish on
            // its own thread, and nothing of it is saved.
            let rebuilt = tokio::select! {
                _ = stop.changed() => {
                    tracing::info!(reason, "stopping in the middle of a rebuild");
                    break;
                }
                rebuilt = self.rebuild(&state, reason) => rebuilt,
            };
            match rebuilt {
                Ok(_) => failed_at = None,
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "rebuild failed; serving the previous index"
                    );
                    failed_at = Some(now);
                }
            }
            last_build = Instant::now();
        }
    }

    /// Wait for the running rebuild or save to finish, up to `patience`: a save stuck on
    /// the databases (reading a status from a file that never ends) does not hold omgd up,
    /// and redb's commits are atomic, so stopping in the middle of one loses nothing saved
    /// before.
    pub async fn quiesce(&self, patience: Duration) {
        if tokio::time::timeout(patience, self.lock.lock())
            .await
            .is_err()
        {
            tracing::warn!(?patience, "a save is still running; not waiting for it");
        }
    }

    async fn open_engine(&self) -> anyhow::Result<Engine> {
        let spec = self.spec.clone();
        let engine = tokio::task::spawn_blocking(move || spec.open())
            .await
            .context("the backend's opening task failed")?
            .context("could not open the package backend")?;
        Ok(engine)
    }
}

async fn read_snapshot(
    engine: Engine,
    fingerprint: Fingerprint,
    generation: u64,
) -> anyhow::Result<Snapshot> {
    let packages = engine
        .backend()
        .packages()
        .await
        .context("could not read the packages")?;
    Ok(Snapshot {
        engine,
        index: build_index(packages).await?,
        generation,
        fingerprint,
    })
}

async fn build_index(packages: Vec<omg::PackageSummary>) -> anyhow::Result<Index> {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let index = Index::new(packages);
        tracing::info!(
            packages = index.len(),
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        index
    })
    .await
    .context("the index building task failed")
}

async fn persist(state: &State, store: &RedbStore, index_too: bool) {
    let snap = state.current();
    let info = state.backend();
    if index_too {
        match store
            .save_index(info, &snap.fingerprint, snap.index.packages())
            .await
        {
            Ok(()) => tracing::info!(generation = snap.generation, "index snapshot saved"),
            Err(e) => tracing::warn!(error = %e, "could not save the index snapshot"),
        }
    }
    match omg::status::status_of(&snap.engine, snap.index.packages()).await {
        Ok(status) => {
            // The next `omg status` of this generation is answered from memory.
            state.remember(
                CacheKey::Status {
                    generation: snap.generation,
                },
                Arc::new(Response::Status(status.clone())),
            );
            let taken_at = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            match store
                .save_status(info, &StatusSnapshot { status, taken_at })
                .await
            {
                Ok(()) => tracing::info!(generation = snap.generation, "status saved"),
                Err(e) => tracing::warn!(error = %e, "could not save the status"),
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not compute the status"),
    }
    // Idle from here until the next request or rebuild: the index answers searches; the
    // library's cache is reopened for the first request that needs it.
    snap.engine.backend().release_caches().await;
    crate::memory::release_free_memory();
}
