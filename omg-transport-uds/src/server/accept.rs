//! The accept loop: admission (peer uid, connection bound), and graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::linger::close_with;
use super::{connection, Handler, ServerConfig, Shared};
use crate::message::CONNECTION_ID;
use crate::response::Response;
use crate::socket::{current_uid, peer_uid};

/// Pause after a failed `accept` (for instance out of file descriptors), so the loop does not
/// spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// What [`serve`] did, for the daemon's log and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServeReport {
    /// Connections admitted.
    pub accepted: u64,
    /// Connections refused (peer uid not allowed, or too many connections).
    pub refused: u64,
    /// Connections still busy when the shutdown grace ran out, and cut off.
    pub aborted: usize,
}

/// Serve `listener` with `handler` until `shutdown` completes.
///
/// Then: stop accepting (the listener is dropped), stop reading requests, let in-flight
/// requests finish and their answers be written for up to [`ServerConfig::shutdown_grace`],
/// cut off what is left, and return. Removing the socket file is the caller's business (the
/// [`crate::socket::SocketGuard`] does it when dropped).
///
/// Every accepted connection's peer uid is read with SO_PEERCRED; a peer that
/// [`ServerConfig::allows`] does not allow is answered `PermissionDenied` (id 0) and closed.
pub async fn serve<H: Handler>(
    listener: UnixListener,
    handler: Arc<H>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> ServeReport {
    let grace = config.shutdown_grace;
    let shared = Arc::new(Shared {
        handler,
        global: Arc::new(Semaphore::new(config.global_in_flight.max(1))),
        spinning: std::sync::atomic::AtomicBool::new(false),
        open: std::sync::atomic::AtomicUsize::new(0),
        idle: super::idle::IdleList::default(),
        config,
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut conns = JoinSet::new();
    let mut report = ServeReport::default();
    let mut next_conn = 0u64;
    tokio::pin!(shutdown);
    tracing::info!(
        global_in_flight = shared.config.global_in_flight,
        per_connection_in_flight = shared.config.per_connection_in_flight,
        "serving"
    );
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(done) = conns.join_next() => {
                if let Err(e) = done {
                    if e.is_panic() {
                        tracing::error!("a connection task panicked; other connections go on");
                    }
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    next_conn += 1;
                    if admit(stream, &shared, &stop_rx, &mut conns, next_conn) {
                        report.accepted += 1;
                    } else {
                        report.refused += 1;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    drop(listener);
    stop_tx.send_replace(true);
    tracing::info!(
        connections = conns.len(),
        "shutting down: finishing in-flight requests"
    );
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drain).await.is_err() {
        report.aborted = conns.len();
        tracing::warn!(
            connections = conns.len(),
            "shutdown grace ran out; cutting connections off"
        );
        conns.shutdown().await;
    }
    tracing::info!(?report, "stopped serving");
    report
}

/// Start serving `stream`, or refuse it; true when admitted.
fn admit<H: Handler>(
    stream: UnixStream,
    shared: &Arc<Shared<H>>,
    stop: &watch::Receiver<bool>,
    conns: &mut JoinSet<()>,
    conn: u64,
) -> bool {
    let config = &shared.config;
    let max_frame = config.max_frame;
    let refusal = match peer_uid(&stream) {
        Ok(uid) if config.allows(uid) => {
            if conns.len() >= config.max_connections {
                if let Some(idle) = shared.idle.evict_oldest() {
                    tracing::info!(
                        conn,
                        idle,
                        "every connection slot taken; closing the one idle longest"
                    );
                    None
                } else {
                    tracing::warn!(
                        conn,
                        limit = config.max_connections,
                        "too many connections; refusing"
                    );
                    Some(Response::Overloaded {
                        retry_after_ms: config.overload_retry_after_ms,
                    })
                }
            } else {
                None
            }
        }
        Ok(uid) => {
            tracing::warn!(conn, uid, "refusing a peer of another user");
            Some(Response::PermissionDenied(denied_message(uid, config)))
        }
        Err(e) => {
            tracing::warn!(conn, error = %e, "cannot read the peer's credentials; refusing");
            Some(Response::PermissionDenied(format!(
                "omgd could not check who you are ({e})"
            )))
        }
    };
    match refusal {
        Some(answer) => {
            conns.spawn(close_with(stream, CONNECTION_ID, answer, max_frame));
            false
        }
        None => {
            conns.spawn(connection::run(
                stream,
                Arc::clone(shared),
                stop.clone(),
                conn,
            ));
            true
        }
    }
}

fn denied_message(uid: u32, config: &ServerConfig) -> String {
    format!(
        "uid {uid} may not use this omgd (it serves uid {:?}{}, and runs as uid {}); \
         start your own omgd, or use omg without the daemon",
        config.allowed_uids,
        if config.allow_root { " and root" } else { "" },
        current_uid()
    )
}
