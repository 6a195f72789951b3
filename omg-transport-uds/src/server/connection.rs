//! One client connection: handshake, then concurrent dispatch with per-connection and global
//! bounds, answers written as they complete.

use std::collections::HashMap;
use std::future::Future;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use tokio::io::AsyncWriteExt;
use tokio::net::unix::WriteHalf;
use tokio::net::UnixStream;
use tokio::sync::{watch, Notify};
use tokio::task::{JoinError, JoinSet};

use super::linger::close_with;
use super::{Handler, Reply, Shared};
use crate::frame::{append_frame, FrameBuffer, FrameError};
use crate::message::{
    check_hello, decode_request, encode_response, Envelope, CONNECTION_ID, PROTOCOL_VERSION,
};
use crate::request::Request;
use crate::response::Response;

/// Capacity of the output buffer kept between flushes.
const KEEP_OUT_CAPACITY: usize = 256 * 1024;

/// Serve `stream` (already admitted) until the client leaves, a fatal error, or `stop`.
pub(crate) async fn run<H: Handler>(
    mut stream: UnixStream,
    shared: Arc<Shared<H>>,
    mut stop: watch::Receiver<bool>,
    conn: u64,
) {
    let config = &shared.config;
    let mut frames = FrameBuffer::new(config.max_frame);
    let handshake = tokio::select! {
        outcome = tokio::time::timeout(config.handshake_timeout, handshake(&mut frames, &mut stream, conn)) => outcome,
        _ = stop.changed() => return,
    };
    let id = match handshake {
        Ok(Ok(id)) => id,
        Ok(Err(Some((id, answer)))) => {
            close_with(stream, id, answer, config.max_frame).await;
            return;
        }
        Ok(Err(None)) => return,
        Err(_) => {
            tracing::debug!(conn, "no Hello in time; closing");
            let msg = format!("no Hello within {:?}", config.handshake_timeout);
            let answer = Response::InvalidRequest(msg);
            close_with(stream, CONNECTION_ID, answer, config.max_frame).await;
            return;
        }
    };

    let open = super::spin::Open::count_in(&shared.open);
    let mut session = Session {
        shared: Arc::clone(&shared),
        inflight: JoinSet::new(),
        ids: HashMap::new(),
        out: Vec::new(),
        files: Vec::new(),
        conn,
    };
    session.push(id, Response::welcome(shared.handler.welcome()));
    let (mut read, mut write) = stream.split();
    let limit = config.per_connection_in_flight.max(1);
    let mut accepting = !*stop.borrow();
    let mut eof = false;
    let evict = Arc::new(Notify::new());
    loop {
        if accepting {
            if let Err(e) = session.dispatch_buffered(&mut frames, limit) {
                tracing::info!(conn, error = %e, "closing connection after a bad frame");
                session.push(CONNECTION_ID, Response::InvalidRequest(e.to_string()));
                accepting = false;
            }
        }
        if !session.out.is_empty() && session.flush(&mut write).await.is_err() {
            return;
        }
        if session.inflight.is_empty() && (eof || !accepting) {
            break;
        }
        // Requests already buffered (dispatching stopped at the unsent-answers bound): answer
        // them before reading more.
        if accepting && session.inflight.len() < limit && frames.has_frame() {
            continue;
        }
        let idle = accepting && !eof && session.inflight.is_empty();
        let _idle_guard = idle.then(|| shared.idle.enter(conn, &evict));
        // The only client, with nothing in flight: wait for its next request awake for a
        // moment (see spin.rs); the read below then finds it without a wake-up.
        let alone = open.count() == 1;
        if accepting && !eof && session.inflight.is_empty() && alone {
            super::spin::poll_briefly(&shared.spinning, read.as_ref(), config.spin);
        }
        tokio::select! {
            biased;
            Some(done) = session.inflight.join_next_with_id() => {
                session.finished(done);
                while let Some(done) = session.inflight.try_join_next_with_id() {
                    session.finished(done);
                }
            }
            _ = stop.changed(), if accepting => {
                tracing::debug!(conn, in_flight = session.inflight.len(), "shutting down: finishing in-flight requests");
                accepting = false;
            }
            filled = frames.fill(&mut read), if accepting && !eof && session.inflight.len() < limit => {
                eof = !took_bytes(filled, &frames, conn);
            }
            () = tokio::time::sleep(config.idle_timeout), if idle => {
                tracing::debug!(conn, timeout = ?config.idle_timeout, "idle connection; closing");
                break;
            }
            () = evict.notified(), if idle => {
                tracing::debug!(conn, "a new client takes this idle connection's place; closing");
                break;
            }
        }
    }
    // Nothing more to say; the client sees the end of the stream.
    let _ = write.shutdown().await;
    tracing::debug!(conn, "connection closed");
}

/// Judge a read from the client: true when bytes came in, false at the end of the stream
/// or after a failed read (logged).
fn took_bytes(filled: Result<bool, FrameError>, frames: &FrameBuffer, conn: u64) -> bool {
    match filled {
        Ok(true) => true,
        Ok(false) => {
            if frames.has_partial() {
                tracing::debug!(conn, "client closed in the middle of a frame");
            }
            false
        }
        Err(e) => {
            tracing::debug!(conn, error = %e, "reading from client failed");
            false
        }
    }
}

/// Read and judge the first frame: `Ok(id)` of an acceptable `Hello`; otherwise the last
/// answer to send before closing (`None`: close without one).
async fn handshake(
    frames: &mut FrameBuffer,
    stream: &mut UnixStream,
    conn: u64,
) -> Result<u64, Option<(u64, Response)>> {
    // Decoding inside the loop keeps the buffer's borrow within one iteration.
    let decoded = loop {
        match frames.next_frame() {
            Ok(Some(payload)) => break decode_request(payload),
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(conn, error = %e, "first frame refused; closing");
                return Err(Some((
                    CONNECTION_ID,
                    Response::InvalidRequest(e.to_string()),
                )));
            }
        }
        match frames.fill(stream).await {
            Ok(true) => {}
            Ok(false) => return Err(None),
            Err(e) => {
                tracing::debug!(conn, error = %e, "reading the first frame failed");
                return Err(None);
            }
        }
    };
    let Envelope { id, body } = match decoded {
        Ok(env) => env,
        Err(e) => {
            tracing::debug!(conn, error = %e, "first frame does not decode; closing");
            return Err(Some((
                CONNECTION_ID,
                Response::InvalidRequest(e.to_string()),
            )));
        }
    };
    match body {
        Request::Hello {
            magic,
            protocol,
            client_version,
        } => match check_hello(magic, protocol) {
            Ok(()) => {
                tracing::debug!(conn, %client_version, ?protocol, "client connected");
                Ok(id)
            }
            Err(reason) => {
                tracing::info!(conn, %reason, "incompatible client");
                let daemon_protocol = PROTOCOL_VERSION;
                Err(Some((
                    id,
                    Response::Incompatible {
                        daemon_protocol,
                        reason,
                    },
                )))
            }
        },
        other => {
            tracing::debug!(
                conn,
                request = other.name(),
                "request before Hello; closing"
            );
            let msg = format!(
                "the first message must be Hello, not {}; use omg's client library",
                other.name()
            );
            Err(Some((id, Response::InvalidRequest(msg))))
        }
    }
}

/// The state of a connection past its handshake.
struct Session<H> {
    shared: Arc<Shared<H>>,
    inflight: JoinSet<Reply>,
    /// Request id of each running task.
    ids: HashMap<tokio::task::Id, u64>,
    /// Encoded answers not yet written.
    out: Vec<u8>,
    /// Files to send beside answers in `out`: where each answer's frame starts.
    files: Vec<(usize, Arc<OwnedFd>)>,
    conn: u64,
}

impl<H: Handler> Session<H> {
    /// Start the buffered requests, up to `limit` in flight and while the unsent answers stay
    /// under [`super::ServerConfig::max_unsent`].
    fn dispatch_buffered(
        &mut self,
        frames: &mut FrameBuffer,
        limit: usize,
    ) -> Result<(), FrameError> {
        while self.inflight.len() < limit && self.out.len() < self.shared.config.max_unsent {
            let Some(payload) = frames.next_frame()? else {
                return Ok(());
            };
            match decode_request(payload) {
                Ok(env) => self.dispatch(env),
                Err(e) => {
                    tracing::debug!(conn = self.conn, error = %e, "frame does not decode");
                    self.push(CONNECTION_ID, Response::InvalidRequest(e.to_string()));
                }
            }
        }
        Ok(())
    }

    fn dispatch(&mut self, Envelope { id, body }: Envelope<Request>) {
        if id == CONNECTION_ID {
            let msg = format!("request id {CONNECTION_ID} is reserved; number requests from 1");
            self.push(CONNECTION_ID, Response::InvalidRequest(msg));
            return;
        }
        if let Request::Hello { .. } = body {
            let msg = "Hello was already received; send it once per connection".to_string();
            self.push(id, Response::InvalidRequest(msg));
            return;
        }
        let Ok(permit) = Arc::clone(&self.shared.global).try_acquire_owned() else {
            tracing::debug!(
                conn = self.conn,
                id,
                "global in-flight bound reached: overloaded"
            );
            let retry_after_ms = self.shared.config.overload_retry_after_ms;
            self.push(id, Response::Overloaded { retry_after_ms });
            return;
        };
        let handler = Arc::clone(&self.shared.handler);
        let mut answer = Box::pin(async move {
            let _permit = permit;
            handler.handle(body).await
        });
        // Most answers (cache hits, pings) are ready at once: poll once here and skip a task
        // and its cross-thread wake-ups. A pending future is then spawned, and its first poll
        // there registers the task's real waker (futures must honour the latest waker).
        let mut cx = Context::from_waker(Waker::noop());
        match catch_unwind(AssertUnwindSafe(|| answer.as_mut().poll(&mut cx))) {
            Ok(Poll::Ready(response)) => self.push(id, response),
            Ok(Poll::Pending) => {
                let task = self.inflight.spawn(answer);
                self.ids.insert(task.id(), id);
            }
            Err(_) => self.handler_panicked(Some(id)),
        }
    }

    fn handler_panicked(&mut self, id: Option<u64>) {
        tracing::error!(conn = self.conn, ?id, "request handler panicked");
        if let Some(id) = id {
            let msg = "omgd failed while answering this request; this is a bug: see omgd's log \
                       and report it";
            self.push(id, Response::Internal(msg.to_string()));
        }
    }

    /// Queue the answer of a finished task.
    fn finished(&mut self, done: Result<(tokio::task::Id, Reply), JoinError>) {
        match done {
            Ok((task, response)) => {
                if let Some(id) = self.ids.remove(&task) {
                    self.push(id, response);
                }
            }
            Err(e) => {
                let id = self.ids.remove(&e.id());
                if e.is_panic() {
                    self.handler_panicked(id);
                }
            }
        }
    }

    /// Encode an answer into the output buffer (and note its file).
    fn push(&mut self, id: u64, reply: impl Into<Reply>) {
        let Reply { response, file } = reply.into();
        let max = self.shared.config.max_frame;
        let payload = encode_response(id, response);
        let start = self.out.len();
        if append_frame(&mut self.out, &payload, max).is_ok() {
            if let Some(file) = file {
                self.files.push((start, file));
            }
        } else {
            tracing::warn!(
                conn = self.conn,
                id,
                len = payload.len(),
                max,
                "answer exceeds the frame limit"
            );
            let msg = format!(
                "the answer is {} bytes, above the frame limit of {max} bytes; ask for less \
                 (for instance a search limit)",
                payload.len()
            );
            let payload = encode_response(id, Response::Internal(msg));
            if append_frame(&mut self.out, &payload, max).is_err() {
                tracing::error!(
                    conn = self.conn,
                    id,
                    "even the error answer exceeds the frame limit"
                );
            }
        }
    }

    /// Write the output buffer, each file with the first byte of its answer's frame.
    async fn flush(&mut self, write: &mut WriteHalf<'_>) -> Result<(), ()> {
        let limit = self.shared.config.write_timeout;
        let files = std::mem::take(&mut self.files);
        let result = tokio::time::timeout(limit, write_out(write, &self.out, &files)).await;
        self.out.clear();
        // A burst of large answers leaves a large buffer behind: give it back rather than
        // keep it for the connection's lifetime.
        if self.out.capacity() > KEEP_OUT_CAPACITY {
            self.out.shrink_to(KEEP_OUT_CAPACITY);
        }
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::debug!(conn = self.conn, error = %e, "writing to client failed");
                Err(())
            }
            Err(_) => {
                tracing::info!(
                    conn = self.conn,
                    "client stopped reading its answers; closing"
                );
                Err(())
            }
        }
    }
}

/// Write `out`, sending each file of `files` with the first bytes of the frame starting at
/// its offset.
async fn write_out(
    write: &mut WriteHalf<'_>,
    out: &[u8],
    files: &[(usize, Arc<OwnedFd>)],
) -> std::io::Result<()> {
    let mut at = 0;
    for (i, (start, file)) in files.iter().enumerate() {
        let end = files.get(i + 1).map_or(out.len(), |(next, _)| *next);
        let (Some(before), Some(frame)) = (out.get(at..*start), out.get(*start..end)) else {
            continue;
        };
        write.write_all(before).await?;
        let sent = send_with_file(write.as_ref(), frame, file).await?;
        at = start + sent;
    }
    write.write_all(out.get(at..).unwrap_or_default()).await
}

/// Send the first bytes of `frame` (at least one) with `file` as `SCM_RIGHTS`; returns how
/// many were sent.
async fn send_with_file(
    stream: &UnixStream,
    frame: &[u8],
    file: &OwnedFd,
) -> std::io::Result<usize> {
    use rustix::net::{sendmsg, SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
    loop {
        stream.writable().await?;
        let sent = stream.try_io(tokio::io::Interest::WRITABLE, || {
            let fds = [file.as_fd()];
            let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
            let mut control = SendAncillaryBuffer::new(&mut space);
            if !control.push(SendAncillaryMessage::ScmRights(&fds)) {
                return Err(std::io::Error::other("no room for the file descriptor"));
            }
            let iov = [std::io::IoSlice::new(frame)];
            sendmsg(stream, &iov, &mut control, SendFlags::NOSIGNAL).map_err(std::io::Error::from)
        });
        match sent {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}
