//! What the blocking and the async client share: configuration, errors, the handshake's
//! answer, and the Overloaded back-off.

use std::path::PathBuf;
use std::time::Duration;

use crate::frame::{FrameError, DEFAULT_MAX_FRAME};
use crate::message::{DecodeError, Envelope, ProtocolVersion, CONNECTION_ID, PROTOCOL_VERSION};
use crate::request::Request;
use crate::response::{DaemonInfo, Response};

/// Settings of a client connection.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Longest wait for the daemon to accept a write or send an answer; `None` waits forever.
    /// Default 5 s. (The connect itself is immediate on a Unix socket: see the client docs.)
    pub timeout: Option<Duration>,
    /// Largest frame sent or accepted, in payload bytes. Default 16 MiB.
    pub max_frame: u32,
    /// How many times a request answered `Overloaded` is sent again. Default 5.
    pub overload_retries: u32,
    /// Cap on the wait before a retry, whatever the daemon suggests. Default 1 s.
    pub max_retry_wait: Duration,
    /// This client's release, sent in `Hello`. Default: this crate's version.
    pub client_version: String,
    /// The blocking client's `request_many` sends at most this many requests before reading
    /// their answers, so neither side can block writing into a full socket. Default 64.
    pub pipeline_window: usize,
    /// The blocking client polls for an answer this long before it sleeps in `read`. Waking
    /// a sleeping thread costs tens of microseconds on a virtual machine whose CPUs halt when
    /// idle, more than omgd takes to answer a cached request; polling for the answer costs
    /// one `recv` per ~microsecond, and only while waiting. Zero: sleep at once. Default 200 µs.
    pub spin: Duration,
    /// Whose daemon to trust: the socket's directory must belong to this uid with mode 0700,
    /// and the listening process must run as this uid or as root. `None` (the default): this
    /// process's effective uid. (Run through sudo, omg tells the invoking user's daemon about
    /// a change: that user's uid.)
    pub trusted_uid: Option<u32>,
    /// `connect_and_request` sends its request behind the `Hello` even when it is newer
    /// than the protocol's first minor, saving a round trip (a fifth of a cached search's
    /// time) where the daemon is current. A daemon of an earlier minor cannot decode it: it
    /// answers on the connection's id, which the client reads and reports as
    /// [`ClientError::Unsupported`], as it would without sending. Default `false`: a daemon
    /// is never sent a request it cannot decode.
    pub pipeline_newer: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(5)),
            max_frame: DEFAULT_MAX_FRAME,
            overload_retries: 5,
            max_retry_wait: Duration::from_secs(1),
            client_version: env!("CARGO_PKG_VERSION").to_string(),
            pipeline_window: 64,
            spin: Duration::from_micros(200),
            trusted_uid: None,
            pipeline_newer: false,
        }
    }
}

impl ClientConfig {
    /// The default configuration with `timeout` for reads and writes.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The wait before retrying after `Overloaded { retry_after_ms }`, capped by
    /// [`ClientConfig::max_retry_wait`].
    pub fn retry_wait(&self, retry_after_ms: u32) -> Duration {
        Duration::from_millis(u64::from(retry_after_ms)).min(self.max_retry_wait)
    }

    /// The configured timeout, with zero read as "none".
    pub(crate) fn effective_timeout(&self) -> Option<Duration> {
        self.timeout.filter(|d| !d.is_zero())
    }
}

/// Errors of the clients. Typed failures from the daemon (`NotFound`, ...) are not errors
/// here but [`Response`]s; see [`Response::into_result`].
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The socket could not be connected.
    #[error(
        "could not connect to omgd at {}: {source}; start it (`omgd`), or work without the \
         daemon", .path.display()
    )]
    Connect {
        /// The socket path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Reading or writing a frame failed.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The daemon did not answer in time.
    #[error(
        "omgd did not answer within {0:?}; it may be overloaded or stuck: retry, or restart omgd"
    )]
    Timeout(Duration),
    /// A frame from the daemon did not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The daemon speaks an incompatible protocol.
    #[error(
        "omgd speaks protocol {}.{} and this client {}.{}: {reason}",
        .daemon_protocol.0, .daemon_protocol.1, PROTOCOL_VERSION.0, PROTOCOL_VERSION.1
    )]
    Incompatible {
        /// The daemon's version.
        daemon_protocol: ProtocolVersion,
        /// The daemon's explanation (or the client's).
        reason: String,
    },
    /// The socket is not one this user's own daemon made: its directory is not private to
    /// the user, or the process listening there runs as another user. Nothing was sent.
    #[error(
        "ignoring the omgd socket {}: {reason}; reading the databases directly (if this is your \
         own omgd, restart it: `omg daemon stop`, `omg daemon start`)", .path.display()
    )]
    Untrusted {
        /// The socket path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The daemon refused this user.
    #[error("omgd refused this connection: {0}")]
    PermissionDenied(String),
    /// The daemon rejected the connection for another reason (a frame it could not decode, or
    /// too many connections).
    #[error("omgd rejected the connection ({kind}): {message}")]
    Rejected {
        /// The response's kind (`invalid-request`, `overloaded`, ...).
        kind: &'static str,
        /// Its message.
        message: String,
    },
    /// An answer carried an id this client has no request for.
    #[error(
        "omgd answered request id {id}, which this client is not waiting for; the connection is \
         out of step: reconnect"
    )]
    UnexpectedId {
        /// The id received.
        id: u64,
    },
    /// The handshake was answered with something other than `Welcome`.
    #[error("omgd answered the handshake with '{got}' instead of 'welcome'; upgrade omg and omgd together")]
    UnexpectedResponse {
        /// The kind of response received.
        got: &'static str,
    },
    /// The daemon speaks an earlier minor version of the protocol that lacks this request;
    /// nothing was sent, and the connection can still be used for other requests.
    #[error(
        "omgd speaks protocol {}.{}, which has no '{request}' request (it came with {}.{}); \
         restart omgd after upgrading it, or work without the daemon",
        .daemon_protocol.0, .daemon_protocol.1, .since.0, .since.1
    )]
    Unsupported {
        /// The request's name.
        request: &'static str,
        /// The protocol version that introduced it.
        since: ProtocolVersion,
        /// The daemon's version.
        daemon_protocol: ProtocolVersion,
    },
    /// The connection ended or broke; the client cannot be used any more.
    #[error("lost the connection to omgd ({reason}); reconnect, and restart omgd if it persists")]
    ConnectionLost {
        /// What happened.
        reason: String,
    },
}

impl ClientError {
    /// The error for a frame error, turning socket timeouts into [`ClientError::Timeout`].
    pub(crate) fn from_frame(e: FrameError, timeout: Option<Duration>) -> Self {
        match timeout {
            Some(t) if e.is_timeout() => ClientError::Timeout(t),
            _ => ClientError::Frame(e),
        }
    }

    /// The error for an answer with id [`CONNECTION_ID`]: the daemon speaking about the whole
    /// connection (a refusal, or a frame it could not decode).
    pub(crate) fn from_connection_message(body: Response) -> Self {
        match body {
            Response::PermissionDenied(m) => ClientError::PermissionDenied(m),
            Response::Incompatible {
                daemon_protocol,
                reason,
            } => ClientError::Incompatible {
                daemon_protocol,
                reason,
            },
            other => {
                let kind = other.name();
                let message = match other {
                    Response::InvalidRequest(m) | Response::Internal(m) => m,
                    Response::Overloaded { retry_after_ms } => {
                        format!("too many connections; retry in {retry_after_ms} ms")
                    }
                    _ => String::new(),
                };
                ClientError::Rejected { kind, message }
            }
        }
    }
}

impl From<ClientError> for omg_ports::Error {
    /// Transport errors become [`omg_ports::Error::Library`] with library `omgd` and the
    /// message, which says what to do.
    fn from(e: ClientError) -> Self {
        omg_ports::Error::Library {
            library: crate::convert::DAEMON_LIBRARY.to_string(),
            message: e.to_string(),
        }
    }
}

/// The result of a successful handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The daemon's protocol version.
    pub protocol: ProtocolVersion,
    /// What the daemon said about itself.
    pub daemon: DaemonInfo,
}

impl Session {
    /// Whether the daemon understands `request`: its protocol is the request's
    /// [`Request::since`] or a later minor of the same major.
    pub fn supports(&self, request: &Request) -> bool {
        let since = request.since();
        self.protocol.0 == since.0 && self.protocol.1 >= since.1
    }

    /// `Ok` when the daemon understands `request`, else [`ClientError::Unsupported`].
    pub(crate) fn check_supports(&self, request: &Request) -> Result<(), ClientError> {
        if self.supports(request) {
            return Ok(());
        }
        Err(ClientError::Unsupported {
            request: request.name(),
            since: request.since(),
            daemon_protocol: self.protocol,
        })
    }
}

/// Judge the answer to `Hello` (sent with id `hello_id`).
pub(crate) fn check_welcome(
    env: Envelope<Response>,
    hello_id: u64,
) -> Result<Session, ClientError> {
    if env.id == CONNECTION_ID {
        return Err(ClientError::from_connection_message(env.body));
    }
    if env.id != hello_id {
        return Err(ClientError::UnexpectedId { id: env.id });
    }
    match env.body {
        Response::Welcome {
            protocol,
            daemon_version,
            backend,
            index_generation,
        } => {
            if protocol.0 != PROTOCOL_VERSION.0 {
                return Err(ClientError::Incompatible {
                    daemon_protocol: protocol,
                    reason: "different major versions: upgrade omg and omgd to the same release"
                        .to_string(),
                });
            }
            Ok(Session {
                protocol,
                daemon: DaemonInfo {
                    daemon_version,
                    backend,
                    index_generation,
                },
            })
        }
        Response::Incompatible {
            daemon_protocol,
            reason,
        } => Err(ClientError::Incompatible {
            daemon_protocol,
            reason,
        }),
        other if other.is_failure() => Err(ClientError::from_connection_message(other)),
        other => Err(ClientError::UnexpectedResponse { got: other.name() }),
    }
}
