//! omg's socket transport: how the `omg` CLI (and embedders) talk to the per-user daemon
//! `omgd` over a Unix socket.
//!
//! - [`frame`]: 4-byte big-endian length + payload, with a size limit checked before
//!   allocation; blocking and async readers/writers.
//! - [`message`]: the protocol version, [`Envelope`] `{ id, body }`, bitcode encoding of
//!   [`Request`] and [`Response`]; failures convert to and from `omg_ports::Error`.
//! - [`socket`]: the default socket path, [`bind_secure`] (private directory, umask 077,
//!   single-instance lock, stale-socket replacement) and [`peer_uid`] (SO_PEERCRED).
//! - [`BlockingClient`]: for the CLI, std only, no runtime; pipelining and `Overloaded` retry.
//! - [`AsyncClient`]: tokio, many concurrent requests on one connection.
//! - [`serve`]: the async server with handshake, pipelining, backpressure, peer checks and
//!   graceful shutdown, answering through a [`Handler`] with a [`Reply`] (an answer, and a
//!   file to send beside it).
//! - [`shared_file`]: a large text answer as a sealed memory file sent beside its frame
//!   (protocol 4.6), and the checks a client makes before using one.
//!
//! Only this crate knows bytes on the wire.

#![warn(missing_docs)]

mod client;
mod client_async;
mod client_blocking;
mod client_trust;
mod convert;
pub mod frame;
pub mod message;
mod poll;
mod request;
mod response;
mod server;
pub mod shared_file;
pub mod socket;

pub use client::{ClientConfig, ClientError, Session};
pub use client_async::AsyncClient;
pub use client_blocking::BlockingClient;
pub use convert::DAEMON_LIBRARY;
pub use frame::{FrameError, DEFAULT_MAX_FRAME};
pub use message::{DecodeError, Envelope, ProtocolVersion, CONNECTION_ID, MAGIC, PROTOCOL_VERSION};
pub use request::{AuditRequest, Request, TextOutput};
pub use response::{DaemonInfo, DaemonStats, InfoEntry, Response};
pub use server::{serve, Handler, Reply, ServeReport, ServerConfig};
pub use socket::{
    bind_secure, default_socket_path, peer_uid, socket_path_for, BoundSocket, SocketError,
    SocketGuard,
};
