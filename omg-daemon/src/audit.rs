//! The security audit in the background: the feed is refreshed (a conditional request) when
//! omgd starts and then every `--audit-secs` (default a day), and the installed packages are
//! matched again from the cached feed whenever the index is rebuilt (after a transaction, the
//! counts change without a download). Each run saves the summary that `omg status` shows, and
//! the cached status answers are dropped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::state::State;

/// How often the loop looks at the generation (and the clock).
const TICK: Duration = Duration::from_secs(2);

/// Run until `stop` turns true. `every` zero disables the audit.
pub async fn run(state: Arc<State>, every: Duration, mut stop: watch::Receiver<bool>) {
    if every.is_zero() {
        return;
    }
    let mut last_online: Option<Instant> = None;
    let mut audited_generation = 0;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ticker.tick() => {}
        }
        let generation = state.current().generation;
        let online = last_online.is_none_or(|t| t.elapsed() >= every);
        if !online && generation == audited_generation {
            continue;
        }
        let options = match omg_config::Config::load().and_then(|config| {
            omg::audit::AuditOptions::configured(|s, k| config.string(s, k), !online)
        }) {
            Ok(o) => o,
            Err(e) => {
                tracing::warn!(error = %e, "no security audit: its configuration is unusable");
                last_online = Some(Instant::now());
                audited_generation = generation;
                continue;
            }
        };
        let engine = state.current().engine.clone();
        let one_at_a_time = state.audit_lock().await;
        let outcome = omg::audit::audit(&engine, &options).await;
        drop(one_at_a_time);
        match outcome {
            Ok(audit) => {
                tracing::info!(
                    vulnerable = audit.summary.vulnerable,
                    feed = %audit.summary.feed,
                    online,
                    "security audit done"
                );
                if let Some(w) = audit.outcome.warning {
                    tracing::warn!(warning = %w, "security feed: using the cached copy");
                }
                state.forget_status();
            }
            Err(e) => tracing::warn!(error = %e, online, "security audit failed"),
        }
        if online {
            last_online = Some(Instant::now());
        }
        audited_generation = generation;
    }
}
