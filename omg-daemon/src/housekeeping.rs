//! Housekeeping every few seconds: when the backend has not been needed for [`IDLE`]
//! (searches never need it), its library cache is released and freed memory returned, so an
//! idle omgd stays small. (The language runtimes in `omg status` are read at each status
//! request: see the handler.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::state::State;

/// How often the idle time is looked at.
const TICK: Duration = Duration::from_secs(2);

/// How long the backend must go unused before its caches are released.
const IDLE: Duration = Duration::from_secs(30);

/// Run until `stop` turns true.
pub async fn run(state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let (mut last_requests, mut quiet_since, mut trimmed) = (0, Instant::now(), false);
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ticker.tick() => {}
        }
        // Idle: no request for IDLE since the last trim. Searches leave freed heap behind
        // too, so the trim does not wait for a backend request.
        let requests = state.stats().requests;
        if requests != last_requests {
            last_requests = requests;
            quiet_since = Instant::now();
            trimmed = false;
        }
        let backend_idle = state.backend_idle_for(IDLE);
        if backend_idle {
            state.current().engine.backend().release_caches().await;
            tracing::debug!("backend idle: caches released");
        }
        if backend_idle || (!trimmed && quiet_since.elapsed() >= IDLE) {
            state.settle_cache();
            crate::memory::release_free_memory();
            trimmed = true;
        } else if state.take_large_built() {
            // A large answer was built since the last tick: its hits are freed, and glibc
            // keeps the heap they took (with the AUR, 145 MiB right after a burst of
            // large searches, 115 MiB once trimmed).
            crate::memory::release_free_memory();
        }
    }
}
