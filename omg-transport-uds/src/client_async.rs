//! The async client, for programs that embed omg and already run tokio.
//!
//! One connection carries concurrent requests from many tasks: each request gets an id and a
//! oneshot channel; a writer task sends frames (batching those queued together into one
//! write), and a reader task hands each answer to the waiting request by id. Cloning the
//! client shares the connection. When the connection breaks, every waiting and later request
//! fails with [`ClientError::ConnectionLost`]; connect again.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::client::{check_welcome, ClientConfig, ClientError, Session};
use crate::client_trust::{check_directory, check_peer};
use crate::frame::{append_frame, nonblocking};
use crate::message::{decode_response, encode_request, CONNECTION_ID};
use crate::request::Request;
use crate::response::{DaemonInfo, Response};
use crate::socket::current_uid;

/// Frames queued for the writer task before senders wait.
const WRITE_QUEUE: usize = 1024;

/// Largest batch of queued frames written with one system call.
const WRITE_BATCH: usize = 256 * 1024;

type Reply = oneshot::Sender<Result<Response, ClientError>>;

/// A connection to omgd shared by many tasks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AsyncClient {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    frames: mpsc::Sender<Vec<u8>>,
    waiting: Arc<Mutex<Waiting>>,
    next_id: AtomicU64,
    config: ClientConfig,
    session: Session,
    reader: JoinHandle<()>,
}

/// Requests awaiting answers, or why none can come any more.
#[derive(Debug, Default)]
struct Waiting {
    replies: HashMap<u64, Reply>,
    /// Requests whose callers stopped waiting (timed out or dropped) before the answer came:
    /// their late answers are expected and dropped.
    abandoned: HashSet<u64>,
    lost: Option<String>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl AsyncClient {
    /// Connect to the socket at `path` and complete the handshake. Must run inside a tokio
    /// runtime (it spawns the reader and writer tasks).
    ///
    /// # Errors
    /// [`ClientError::Connect`] when no daemon listens there; handshake failures
    /// ([`ClientError::Incompatible`], [`ClientError::PermissionDenied`], ...).
    pub async fn connect(path: &Path, config: &ClientConfig) -> Result<Self, ClientError> {
        let uid = config.trusted_uid.unwrap_or_else(current_uid);
        check_directory(path, uid)?;
        let stream = UnixStream::connect(path)
            .await
            .map_err(|source| ClientError::Connect {
                path: path.to_path_buf(),
                source,
            })?;
        check_peer(&stream, path, uid)?;
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let timeout = config.effective_timeout();
        let hello_id = 1;
        let mut frame = Vec::new();
        let hello = encode_request(hello_id, Request::hello(config.client_version.clone()));
        append_frame(&mut frame, &hello, config.max_frame)?;
        let handshake = async {
            write.write_all(&frame).await?;
            nonblocking::read_frame(&mut read, config.max_frame).await
        };
        let answer = match timeout {
            Some(t) => tokio::time::timeout(t, handshake)
                .await
                .map_err(|_| ClientError::Timeout(t))?,
            None => handshake.await,
        };
        let payload = match answer {
            Ok(Some(p)) => p,
            Ok(None) => {
                return Err(ClientError::ConnectionLost {
                    reason: "omgd closed the connection during the handshake".to_string(),
                })
            }
            Err(e) => return Err(ClientError::from_frame(e, timeout)),
        };
        let session = check_welcome(decode_response(&payload)?, hello_id)?;
        tracing::debug!(path = %path.display(), daemon = %session.daemon.daemon_version, "connected to omgd");

        let waiting = Arc::new(Mutex::new(Waiting::default()));
        let (frames, queue) = mpsc::channel(WRITE_QUEUE);
        tokio::spawn(write_loop(write, queue, Arc::clone(&waiting)));
        let reader = tokio::spawn(read_loop(read, config.max_frame, Arc::clone(&waiting)));
        Ok(AsyncClient {
            shared: Arc::new(Shared {
                frames,
                waiting,
                next_id: AtomicU64::new(hello_id + 1),
                config: config.clone(),
                session,
                reader,
            }),
        })
    }

    /// The daemon's protocol version and description, from its `Welcome`.
    pub fn session(&self) -> &Session {
        &self.shared.session
    }

    /// What the daemon said about itself in its `Welcome`.
    pub fn daemon(&self) -> &DaemonInfo {
        &self.shared.session.daemon
    }

    /// Send one request and wait for its answer; many tasks may call this at once on clones of
    /// one client. `Overloaded` is retried as by the blocking client: after the wait it
    /// suggests (capped), up to [`ClientConfig::overload_retries`] times, then returned.
    ///
    /// # Errors
    /// Transport errors and [`ClientError::Timeout`]; [`ClientError::Unsupported`] (nothing
    /// sent) for a request the daemon's protocol lacks; typed failures come back as
    /// [`Response`]s.
    pub async fn request(&self, request: Request) -> Result<Response, ClientError> {
        self.shared.session.check_supports(&request)?;
        let mut attempt = 0;
        loop {
            match self.send_once(request.clone()).await? {
                Response::Overloaded { retry_after_ms }
                    if attempt < self.shared.config.overload_retries =>
                {
                    attempt += 1;
                    tracing::debug!(retry_after_ms, attempt, "omgd overloaded; retrying");
                    tokio::time::sleep(self.shared.config.retry_wait(retry_after_ms)).await;
                }
                other => return Ok(other),
            }
        }
    }

    async fn send_once(&self, request: Request) -> Result<Response, ClientError> {
        let shared = &self.shared;
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        let payload = encode_request(id, request);
        let mut frame = Vec::with_capacity(payload.len() + crate::frame::HEADER_LEN);
        append_frame(&mut frame, &payload, shared.config.max_frame)?;
        let (reply, answer) = oneshot::channel();
        {
            let mut waiting = lock(&shared.waiting);
            if let Some(reason) = &waiting.lost {
                return Err(ClientError::ConnectionLost {
                    reason: reason.clone(),
                });
            }
            waiting.replies.insert(id, reply);
        }
        let _forget = Forget {
            waiting: &shared.waiting,
            id,
        };
        if shared.frames.send(frame).await.is_err() {
            return Err(lost("the writer stopped"));
        }
        let answer = async { answer.await.unwrap_or_else(|_| Err(lost("no answer came"))) };
        match shared.config.effective_timeout() {
            Some(t) => tokio::time::timeout(t, answer)
                .await
                .map_err(|_| ClientError::Timeout(t))?,
            None => answer.await,
        }
    }
}

/// Removes a request's entry when its caller stops waiting (answered, timed out or dropped).
struct Forget<'a> {
    waiting: &'a Mutex<Waiting>,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        let mut waiting = lock(self.waiting);
        if waiting.replies.remove(&self.id).is_some() && waiting.lost.is_none() {
            waiting.abandoned.insert(self.id);
        }
    }
}

fn lock(m: &Mutex<Waiting>) -> MutexGuard<'_, Waiting> {
    // Nothing panics while holding this lock; recover the data if something ever did.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lost(reason: &str) -> ClientError {
    ClientError::ConnectionLost {
        reason: reason.to_string(),
    }
}

/// Fail every waiting request with `error_for(..)`, and all later ones with `reason`.
fn give_up(waiting: &Mutex<Waiting>, reason: String, error_for: impl Fn() -> ClientError) {
    let replies: Vec<Reply> = {
        let mut w = lock(waiting);
        if w.lost.is_none() {
            w.lost = Some(reason);
        }
        w.abandoned.clear();
        w.replies.drain().map(|(_, r)| r).collect()
    };
    for reply in replies {
        // The caller may have stopped waiting; nothing to do then.
        let _ = reply.send(Err(error_for()));
    }
}

async fn write_loop(
    mut write: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Vec<u8>>,
    waiting: Arc<Mutex<Waiting>>,
) {
    let mut batch = Vec::new();
    while let Some(first) = queue.recv().await {
        batch.clear();
        batch.extend_from_slice(&first);
        while batch.len() < WRITE_BATCH {
            match queue.try_recv() {
                Ok(more) => batch.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        if let Err(e) = write.write_all(&batch).await {
            tracing::debug!(error = %e, "writing to omgd failed");
            let reason = format!("writing to omgd failed: {e}");
            give_up(&waiting, reason.clone(), || lost(&reason));
            return;
        }
    }
}

async fn read_loop(
    mut read: BufReader<OwnedReadHalf>,
    max_frame: u32,
    waiting: Arc<Mutex<Waiting>>,
) {
    loop {
        let payload = match nonblocking::read_frame(&mut read, max_frame).await {
            Ok(Some(p)) => p,
            Ok(None) => {
                give_up(&waiting, "omgd closed the connection".into(), || {
                    lost("omgd closed the connection")
                });
                return;
            }
            Err(e) => {
                let reason = format!("reading from omgd failed: {e}");
                give_up(&waiting, reason.clone(), || lost(&reason));
                return;
            }
        };
        let env = match decode_response(&payload) {
            Ok(env) => env,
            Err(e) => {
                let reason = e.to_string();
                give_up(&waiting, reason.clone(), || lost(&reason));
                return;
            }
        };
        if env.id == CONNECTION_ID {
            let body = env.body;
            let reason = ClientError::from_connection_message(body.clone()).to_string();
            give_up(&waiting, reason, || {
                ClientError::from_connection_message(body.clone())
            });
            return;
        }
        let (reply, abandoned) = {
            let mut w = lock(&waiting);
            let reply = w.replies.remove(&env.id);
            let abandoned = reply.is_none() && w.abandoned.remove(&env.id);
            (reply, abandoned)
        };
        match reply {
            Some(reply) => {
                // The caller may have stopped waiting just now; nothing to do then.
                let _ = reply.send(Ok(env.body));
            }
            None if abandoned => {
                tracing::debug!(id = env.id, "late answer to an abandoned request dropped");
            }
            None => {
                let id = env.id;
                tracing::warn!(
                    id,
                    "omgd answered an id nobody waits for; closing the connection"
                );
                give_up(
                    &waiting,
                    ClientError::UnexpectedId { id }.to_string(),
                    || ClientError::UnexpectedId { id },
                );
                return;
            }
        }
    }
}
