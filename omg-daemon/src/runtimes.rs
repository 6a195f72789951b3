//! The language runtimes in `omg status`, kept fresh: every few seconds the runtimes
//! directory and the global defaults are read again (a directory listing and one small
//! file), and a change drops the cached status so the next answer carries it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::state::State;

/// How often the runtimes are looked at.
const TICK: Duration = Duration::from_secs(2);

/// Run until `stop` turns true.
pub async fn watch(state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let mut seen = read().await;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ticker.tick() => {}
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
