//! Housekeeping every few seconds: the language runtimes in `omg status` are read again (a
//! directory listing and one small file) and a change drops the cached status; and when
//! the backend has not been needed for [`IDLE`] (searches never need it), its library cache
//! is released and freed memory returned, so an idle omgd stays small.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::state::State;

/// How often the runtimes are looked at.
const TICK: Duration = Duration::from_secs(2);

/// How long the backend must go unused before its caches are released.
const IDLE: Duration = Duration::from_secs(30);

/// Run until `stop` turns true.
pub async fn run(state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let mut seen = read().await;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ticker.tick() => {}
        }
        if state.backend_idle_for(IDLE) {
            state.current().engine.backend().release_caches().await;
            crate::refresh::release_free_memory();
            tracing::debug!("backend idle: caches released");
        }
        let now = read().await;
        if now != seen {
            tracing::info!(runtimes = now.len(), "runtimes changed");
            state.forget_status();
            seen = now;
        }
    }
}

async fn read() -> Vec<omg_ports::RuntimeStatus> {
    tokio::task::spawn_blocking(omg::status::runtimes)
        .await
        .unwrap_or_default()
}
