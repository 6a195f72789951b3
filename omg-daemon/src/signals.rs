//! The shutdown signal: SIGTERM or SIGINT.

use std::future::Future;

use anyhow::Context;
use tokio::signal::unix::{signal, SignalKind};

/// A future that completes at the first SIGTERM or SIGINT. The handlers are installed now,
/// so a signal arriving before the future is polled is not lost.
pub fn shutdown() -> anyhow::Result<impl Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate()).context("could not handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("could not handle SIGINT")?;
    Ok(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "shutting down");
    })
}
