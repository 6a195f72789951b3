//! The async server: accepts connections, checks the peer's uid, runs the handshake, and
//! answers pipelined requests concurrently through a [`Handler`].
//!
//! Per connection: the first frame must be `Hello` (wrong magic or another major version gets
//! `Incompatible`, anything else `InvalidRequest`, then the connection is closed). Requests
//! are then dispatched concurrently, at most [`ServerConfig::per_connection_in_flight`] at a
//! time: past that the server stops reading the connection, so a client that pipelines too
//! much is slowed down by its own socket buffer. Across connections at most
//! [`ServerConfig::global_in_flight`] requests run; past that a request is answered
//! `Overloaded` at once. Answers are written as they complete, each with its request's id, so
//! they may come out of order. A frame that does not decode is answered `InvalidRequest` (id
//! 0: bitcode gives no way to recover the id of a frame that does not decode) and the
//! connection goes on; an over-limit frame length is answered the same way and the connection
//! is closed, since the stream can no longer be followed.

mod accept;
mod connection;
mod idle;
mod linger;
mod spin;

use std::future::Future;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use crate::frame::DEFAULT_MAX_FRAME;
use crate::request::Request;
use crate::response::{DaemonInfo, Response};
use crate::socket::current_uid;

pub use accept::{serve, ServeReport};

/// What the server asks of the daemon: its description for `Welcome`, and answers.
///
/// The server calls [`Handler::handle`] concurrently from many tasks, for every request
/// except `Hello`, which it answers itself from [`Handler::welcome`]. The returned future must
/// be `Send`; it may borrow `self`.
///
/// The server polls the returned future once on the connection's own task, so that answers
/// that are ready at once (cache hits) cost no extra task; a future that is not ready is
/// spawned. Long CPU work should therefore yield or move to `spawn_blocking`, or it delays
/// the other requests of the same connection (never other connections).
///
/// The trait uses `impl Future` in return position, so it is not object-safe: `serve` is
/// generic over the handler. An embedder that needs dynamic dispatch can implement `Handler`
/// once for a type that holds `Box<dyn ...>` of its own boxed-future trait.
pub trait Handler: Send + Sync + 'static {
    /// The daemon's release, backend and current index generation, sent in `Welcome`.
    fn welcome(&self) -> DaemonInfo;

    /// The answer to `request` (never `Hello`). Failures are answered as typed failure
    /// responses; `Response::from(omg_ports::Error)` converts a backend's error.
    ///
    /// Shared, so that an answer kept in a cache is encoded from there instead of being
    /// copied first (`Arc::new(response).into()`, or `response.into()`, for one made now).
    /// A [`Reply`] may carry a file to send beside the answer ([`Response::TextFd`]).
    fn handle(&self, request: Request) -> impl Future<Output = Reply> + Send;
}

/// An answer, and the file sent beside its frame (`SCM_RIGHTS` on the frame's first byte)
/// when the answer announces one ([`Response::TextFd`]).
#[derive(Debug, Clone)]
pub struct Reply {
    /// The answer.
    pub response: Arc<Response>,
    /// The file that comes with it (a sealed memory file: [`crate::shared_file`]).
    pub file: Option<Arc<OwnedFd>>,
}

impl From<Arc<Response>> for Reply {
    fn from(response: Arc<Response>) -> Self {
        Reply {
            response,
            file: None,
        }
    }
}

impl From<Response> for Reply {
    fn from(response: Response) -> Self {
        Arc::new(response).into()
    }
}

/// Limits and policies of [`serve`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest frame accepted or sent, in payload bytes. Default 16 MiB.
    pub max_frame: u32,
    /// Requests of one connection handled at once; past it the connection is not read.
    /// Default 32.
    pub per_connection_in_flight: usize,
    /// Requests handled at once across all connections; past it requests are answered
    /// `Overloaded`. Default 1024.
    pub global_in_flight: usize,
    /// The wait suggested in `Overloaded` answers, in milliseconds. Default 5.
    pub overload_retry_after_ms: u32,
    /// Connections served at once. Past it a new client takes the place of the connection
    /// idle longest; when none is idle, it is answered `Overloaded` (id 0) and closed.
    /// Default 1024.
    pub max_connections: usize,
    /// Peers whose uid is in this list are served. Default: this process's uid.
    pub allowed_uids: Vec<u32>,
    /// Also serve root (uid 0). Default false.
    pub allow_root: bool,
    /// Time a new connection has to send its `Hello`. Default 5 s.
    pub handshake_timeout: Duration,
    /// On shutdown, how long in-flight requests get to finish. Default 5 s.
    pub shutdown_grace: Duration,
    /// How long a write to a client may block (a client that stops reading) before the
    /// connection is dropped. Default 30 s.
    pub write_timeout: Duration,
    /// After answering, the only open connection, with nothing in flight, polls for its next
    /// request this long before its task sleeps, so a client that keeps its
    /// connection does not pay for waking a parked worker thread, which on a virtual machine
    /// with halting CPUs costs more than the answer. Zero: never poll. Default 50 µs.
    pub spin: Duration,
    /// Encoded answers of one connection waiting to be written, in bytes, past which its
    /// requests are not read: a client that sends without reading costs omgd at most this
    /// much (plus one answer; the buffer's capacity may double that). Default 1 MiB.
    pub max_unsent: usize,
    /// A connection with nothing in flight that sends no request for this long is closed.
    /// Default 60 s.
    pub idle_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_frame: DEFAULT_MAX_FRAME,
            per_connection_in_flight: 32,
            global_in_flight: 1024,
            overload_retry_after_ms: 5,
            max_connections: 1024,
            allowed_uids: vec![current_uid()],
            allow_root: false,
            handshake_timeout: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(5),
            write_timeout: Duration::from_secs(30),
            spin: Duration::from_micros(50),
            max_unsent: 1024 * 1024,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

impl ServerConfig {
    /// Whether a peer with `uid` may be served.
    pub fn allows(&self, uid: u32) -> bool {
        (self.allow_root && uid == 0) || self.allowed_uids.contains(&uid)
    }
}

/// State shared by the accept loop and the connections.
pub(crate) struct Shared<H> {
    pub(crate) handler: Arc<H>,
    pub(crate) config: ServerConfig,
    pub(crate) global: Arc<tokio::sync::Semaphore>,
    /// Set while one connection polls (see [`ServerConfig::spin`]).
    pub(crate) spinning: std::sync::atomic::AtomicBool,
    /// Connections past their handshake, being served now.
    pub(crate) open: std::sync::atomic::AtomicUsize,
    /// Connections waiting for their client, for eviction when every slot is taken.
    pub(crate) idle: idle::IdleList,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_allowed_only_when_configured() {
        let mut c = ServerConfig {
            allowed_uids: vec![1000],
            ..ServerConfig::default()
        };
        assert!(c.allows(1000));
        assert!(!c.allows(0));
        assert!(!c.allows(1001));
        c.allow_root = true;
        assert!(c.allows(0));
    }
}
