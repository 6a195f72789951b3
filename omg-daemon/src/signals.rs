//! The shutdown signal: SIGTERM or SIGINT.

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use tokio::signal::unix::{signal, SignalKind};

/// How long a stop may take at most: past it the process exits where it stands.
/// (The orderly stop takes at most 600 ms: 500 for requests in flight, 100 for the runtime.)
const STOP_DEADLINE: Duration = Duration::from_millis(800);

/// A future that completes at the first SIGTERM or SIGINT. The handlers are installed now,
/// so a signal arriving before the future is polled is not lost.
///
/// The signal also starts a deadline: a library call that never returns (libalpm opening a
/// FIFO in the local database, a hung file system) holds the thread that must release it,
/// and the orderly stop would wait for it forever. Everything worth keeping is saved as it
/// changes, so the process then exits without finishing the stop.
pub fn shutdown() -> anyhow::Result<impl Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate()).context("could not handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("could not handle SIGINT")?;
    Ok(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "shutting down");
        let deadline = std::thread::Builder::new()
            .name("omgd-stop-deadline".into())
            .spawn(|| {
                std::thread::sleep(STOP_DEADLINE);
                tracing::warn!(
                    deadline_ms = STOP_DEADLINE.as_millis() as u64,
                    "still stopping at the deadline (a read of the databases does not \
                     return); exiting now"
                );
                std::process::exit(0);
            });
        if let Err(e) = deadline {
            tracing::warn!(error = %e, "no thread for the stop deadline");
        }
    })
}
