//! The blocking client, for the `omg` CLI: std's `UnixStream`, no async runtime.
//!
//! Connecting: std's `UnixStream::connect` has no timeout, and none is needed for a Unix
//! socket. When no daemon runs, the socket file is missing (`ENOENT`) or nobody listens on it
//! (`ECONNREFUSED`), and `connect` fails at once; that is the case that matters for the CLI's
//! fall-back to direct mode. A live daemon accepts immediately (the kernel completes the
//! connection from its backlog). [`ClientConfig::timeout`] then bounds every read and write,
//! the handshake included.

use std::collections::{HashMap, VecDeque};
use std::io::{BufReader, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use crate::client::{check_welcome, ClientConfig, ClientError, Session};
use crate::client_trust::{check_directory, check_peer};
use crate::frame::{append_frame, blocking::read_frame};
use crate::message::{decode_response, encode_request, Envelope, CONNECTION_ID, PROTOCOL_VERSION};
use crate::request::Request;
use crate::response::{DaemonInfo, Response};
use crate::socket::current_uid;

/// A connection to omgd that has completed the handshake.
///
/// Any error other than a typed failure [`Response`] leaves the connection unusable: later
/// calls return [`ClientError::ConnectionLost`]; connect again.
#[derive(Debug)]
pub struct BlockingClient {
    conn: Conn,
    session: Session,
}

/// The connection under a [`BlockingClient`]: frames out, answers in.
#[derive(Debug)]
struct Conn {
    reader: BufReader<FileStream>,
    out: Vec<u8>,
    next_id: u64,
    config: ClientConfig,
    broken: Option<String>,
}

impl BlockingClient {
    /// Connect to the socket at `path` and complete the handshake.
    ///
    /// # Errors
    /// [`ClientError::Connect`] when no daemon listens there; handshake failures
    /// ([`ClientError::Incompatible`], [`ClientError::PermissionDenied`], ...).
    pub fn connect(path: &Path, config: &ClientConfig) -> Result<Self, ClientError> {
        let (client, _) = Self::open(path, config, None)?;
        Ok(client)
    }

    /// Connect, and send `request` right behind `Hello` without waiting for the `Welcome`
    /// (one round trip instead of two); returns the client and the answer to `request`. A
    /// request added after the major's first minor ([`Request::since`]) is sent only after
    /// the `Welcome` says the daemon knows it, unless [`ClientConfig::pipeline_newer`].
    ///
    /// # Errors
    /// As [`BlockingClient::connect`] and [`BlockingClient::request`].
    pub fn connect_and_request(
        path: &Path,
        config: &ClientConfig,
        request: Request,
    ) -> Result<(Self, Response), ClientError> {
        // Every daemon of this major decodes the requests of its first minor.
        let pipelined = config.pipeline_newer || request.since() <= (PROTOCOL_VERSION.0, 0);
        let (mut client, first) = Self::open(path, config, pipelined.then(|| request.clone()))?;
        let response = match first {
            Some(Response::Overloaded { retry_after_ms }) => {
                std::thread::sleep(client.conn.config.retry_wait(retry_after_ms));
                client.conn.request_with_retries(request, 1)?
            }
            Some(r) => r,
            None => client.request(request)?,
        };
        Ok((client, response))
    }

    /// The daemon's protocol version and description, from its `Welcome`.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// What the daemon said about itself in its `Welcome`.
    pub fn daemon(&self) -> &DaemonInfo {
        &self.session.daemon
    }

    /// Send one request and wait for its answer. An `Overloaded` answer is retried after the
    /// wait it suggests (capped), up to [`ClientConfig::overload_retries`] times; if the daemon
    /// is still overloaded then, the `Overloaded` response is returned.
    ///
    /// # Errors
    /// Transport errors; [`ClientError::Unsupported`] (nothing sent) for a request the
    /// daemon's protocol lacks; typed failures come back as [`Response`]s.
    pub fn request(&mut self, request: Request) -> Result<Response, ClientError> {
        self.session.check_supports(&request)?;
        self.conn.request_with_retries(request, 0)
    }

    /// Wait at most `timeout` (`None`: as long as it takes) for each later write and answer,
    /// instead of [`ClientConfig::timeout`]: for a request that takes long by nature (an
    /// audit downloading its feed), after a handshake bounded by the usual timeout.
    ///
    /// # Errors
    /// [`ClientError::ConnectionLost`] when the socket refuses the setting.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ClientError> {
        let timeout = timeout.filter(|d| !d.is_zero());
        let stream = &self.conn.reader.get_ref().stream;
        let set = stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout));
        if let Err(e) = set {
            return Err(self.conn.fail(ClientError::ConnectionLost {
                reason: format!("cannot set the socket's timeout: {e}"),
            }));
        }
        self.conn.config.timeout = timeout;
        Ok(())
    }

    /// The next file received beside an answer, in the order they came: the one of a
    /// [`Response::TextFd`] just read (check it with
    /// [`crate::shared_file::check_file`] before use).
    pub fn take_file(&mut self) -> Option<OwnedFd> {
        self.conn.reader.get_mut().files.pop_front()
    }

    /// One `Ping` round trip: the smallest request, for liveness checks and benchmarks.
    ///
    /// # Errors
    /// As [`BlockingClient::request`], and [`ClientError::UnexpectedResponse`] for an answer
    /// other than `Pong`.
    pub fn ping(&mut self) -> Result<(), ClientError> {
        match self.request(Request::Ping)? {
            Response::Pong => Ok(()),
            other => Err(ClientError::UnexpectedResponse { got: other.name() }),
        }
    }

    /// Send all `requests` pipelined (in windows of [`ClientConfig::pipeline_window`]), then
    /// read all answers, matching them by id; answers come back in the order of `requests`.
    /// Requests answered `Overloaded` are sent again as in [`BlockingClient::request`].
    ///
    /// # Errors
    /// Transport errors, [`ClientError::UnexpectedId`] for an answer to no request sent, and
    /// [`ClientError::Unsupported`] (nothing sent) when one of the requests is one the
    /// daemon's protocol lacks.
    pub fn request_many(&mut self, requests: Vec<Request>) -> Result<Vec<Response>, ClientError> {
        for r in &requests {
            self.session.check_supports(r)?;
        }
        self.conn.request_many(requests)
    }

    fn open(
        path: &Path,
        config: &ClientConfig,
        first: Option<Request>,
    ) -> Result<(Self, Option<Response>), ClientError> {
        let uid = config.trusted_uid.unwrap_or_else(current_uid);
        check_directory(path, uid)?;
        let stream = UnixStream::connect(path).map_err(|source| ClientError::Connect {
            path: path.to_path_buf(),
            source,
        })?;
        check_peer(&stream, path, uid)?;
        let timeout = config.effective_timeout();
        let set = stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout));
        set.map_err(|source| ClientError::Connect {
            path: path.to_path_buf(),
            source,
        })?;
        let mut conn = Conn {
            reader: BufReader::new(FileStream {
                stream,
                files: VecDeque::new(),
            }),
            out: Vec::new(),
            next_id: 1,
            config: config.clone(),
            broken: None,
        };
        let hello_id = conn.queue(Request::hello(config.client_version.clone()))?;
        let first_id = match first {
            Some(r) => Some((conn.queue(r.clone())?, r)),
            None => None,
        };
        conn.flush_out()?;
        let welcome = conn.read_answer()?;
        let session = check_welcome(welcome, hello_id)?;
        tracing::debug!(
            path = %path.display(),
            daemon = %session.daemon.daemon_version,
            protocol = ?session.protocol,
            "connected to omgd"
        );
        let first = match first_id {
            Some((id, request)) => {
                if let Err(unsupported) = session.check_supports(&request) {
                    // Sent by `pipeline_newer` to a daemon of an earlier minor: it answers
                    // that it could not decode the frame; the connection stays usable.
                    match conn.read_answer() {
                        Ok(env) if env.id == CONNECTION_ID || env.id == id => {}
                        Ok(env) => return Err(conn.fail(ClientError::UnexpectedId { id: env.id })),
                        Err(e) => return Err(e),
                    }
                    return Err(unsupported);
                }
                Some(conn.expect_answer(id)?)
            }
            None => None,
        };
        Ok((BlockingClient { conn, session }, first))
    }
}

impl Conn {
    fn request_many(&mut self, requests: Vec<Request>) -> Result<Vec<Response>, ClientError> {
        let mut answers: Vec<Option<Response>> = vec![None; requests.len()];
        let mut todo: Vec<usize> = (0..requests.len()).collect();
        let mut attempt = 0;
        loop {
            let window = self.config.pipeline_window.max(1);
            for chunk in todo.chunks(window) {
                self.exchange(chunk, &requests, &mut answers)?;
            }
            let overloaded: Vec<(usize, u32)> = todo
                .iter()
                .filter_map(|&i| match answers.get(i) {
                    Some(Some(Response::Overloaded { retry_after_ms })) => {
                        Some((i, *retry_after_ms))
                    }
                    _ => None,
                })
                .collect();
            if overloaded.is_empty() || attempt >= self.config.overload_retries {
                break;
            }
            attempt += 1;
            let wait = overloaded.iter().map(|&(_, ms)| ms).max().unwrap_or(0);
            tracing::debug!(
                count = overloaded.len(),
                wait_ms = wait,
                attempt,
                "omgd overloaded; retrying"
            );
            std::thread::sleep(self.config.retry_wait(wait));
            todo = overloaded.into_iter().map(|(i, _)| i).collect();
        }
        answers
            .into_iter()
            .map(|a| {
                a.ok_or_else(|| ClientError::ConnectionLost {
                    reason: "an answer went missing".to_string(),
                })
            })
            .collect()
    }

    fn request_with_retries(
        &mut self,
        request: Request,
        mut attempt: u32,
    ) -> Result<Response, ClientError> {
        loop {
            let id = self.queue(request.clone())?;
            self.flush_out()?;
            let answer = self.expect_answer(id)?;
            match answer {
                Response::Overloaded { retry_after_ms }
                    if attempt < self.config.overload_retries =>
                {
                    attempt += 1;
                    tracing::debug!(retry_after_ms, attempt, "omgd overloaded; retrying");
                    std::thread::sleep(self.config.retry_wait(retry_after_ms));
                }
                other => return Ok(other),
            }
        }
    }

    /// Send the requests at `indices` and store their answers.
    fn exchange(
        &mut self,
        indices: &[usize],
        requests: &[Request],
        answers: &mut [Option<Response>],
    ) -> Result<(), ClientError> {
        let mut pending = HashMap::with_capacity(indices.len());
        for &i in indices {
            if let Some(r) = requests.get(i) {
                pending.insert(self.queue(r.clone())?, i);
            }
        }
        self.flush_out()?;
        while !pending.is_empty() {
            let env = self.read_answer()?;
            if env.id == CONNECTION_ID {
                return Err(self.fail(ClientError::from_connection_message(env.body)));
            }
            let Some(i) = pending.remove(&env.id) else {
                return Err(self.fail(ClientError::UnexpectedId { id: env.id }));
            };
            if let Some(slot) = answers.get_mut(i) {
                *slot = Some(env.body);
            }
        }
        Ok(())
    }

    /// Read the next answer, which must be the one for `id`.
    fn expect_answer(&mut self, id: u64) -> Result<Response, ClientError> {
        let env = self.read_answer()?;
        if env.id == id {
            return Ok(env.body);
        }
        let e = if env.id == CONNECTION_ID {
            ClientError::from_connection_message(env.body)
        } else {
            ClientError::UnexpectedId { id: env.id }
        };
        Err(self.fail(e))
    }

    /// Encode `request` with a fresh id into the output buffer.
    fn queue(&mut self, request: Request) -> Result<u64, ClientError> {
        self.check_usable()?;
        let id = self.next_id;
        self.next_id += 1;
        let payload = encode_request(id, request);
        append_frame(&mut self.out, &payload, self.config.max_frame)?;
        Ok(id)
    }

    /// Write the output buffer in one go.
    fn flush_out(&mut self) -> Result<(), ClientError> {
        let result = (&self.reader.get_ref().stream).write_all(&self.out);
        self.out.clear();
        if let Err(e) = result {
            // A refused peer is told why before the daemon closes; when the daemon has closed
            // (broken pipe, reset), prefer that explanation if it is there to read.
            let closed = matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            );
            if closed {
                if let Ok(env) = self.read_answer() {
                    if env.id == CONNECTION_ID {
                        return Err(self.fail(ClientError::from_connection_message(env.body)));
                    }
                }
            }
            let e = ClientError::from_frame(e.into(), self.config.effective_timeout());
            return Err(self.fail(e));
        }
        Ok(())
    }

    fn read_answer(&mut self) -> Result<Envelope<Response>, ClientError> {
        self.check_usable()?;
        if self.reader.buffer().is_empty() {
            let fd = self.reader.get_ref().stream.as_raw_fd();
            crate::poll::spin_until_readable(fd, self.config.spin);
        }
        let payload = match read_frame(&mut self.reader, self.config.max_frame) {
            Ok(Some(p)) => p,
            Ok(None) => {
                return Err(self.fail(ClientError::ConnectionLost {
                    reason: "omgd closed the connection".to_string(),
                }))
            }
            Err(e) => {
                let e = ClientError::from_frame(e, self.config.effective_timeout());
                return Err(self.fail(e));
            }
        };
        decode_response(&payload).map_err(|e| self.fail(e.into()))
    }

    fn check_usable(&self) -> Result<(), ClientError> {
        match &self.broken {
            Some(reason) => Err(ClientError::ConnectionLost {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Mark the connection unusable after `e`, and return `e`.
    fn fail(&mut self, e: ClientError) -> ClientError {
        if self.broken.is_none() {
            self.broken = Some(format!("an earlier error: {e}"));
        }
        e
    }
}

/// Files a daemon may send ahead of their answers before omg stops keeping them.
const MAX_PENDING_FILES: usize = 4;

/// The socket, read with `recvmsg` so that files sent beside answers (`SCM_RIGHTS`) are
/// kept, in order, instead of being dropped by a plain `read`.
#[derive(Debug)]
struct FileStream {
    stream: UnixStream,
    files: VecDeque<OwnedFd>,
}

impl Read for FileStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use rustix::net::{recvmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags};
        let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
        let mut control = RecvAncillaryBuffer::new(&mut space);
        let mut iov = [std::io::IoSliceMut::new(buf)];
        let got = recvmsg(
            &self.stream,
            &mut iov,
            &mut control,
            RecvFlags::CMSG_CLOEXEC,
        )
        .map_err(std::io::Error::from)?;
        for message in control.drain() {
            if let RecvAncillaryMessage::ScmRights(fds) = message {
                for fd in fds {
                    // More than a well-behaved daemon sends: closed (dropped) at once.
                    if self.files.len() < MAX_PENDING_FILES {
                        self.files.push_back(fd);
                    }
                }
            }
        }
        Ok(got.bytes)
    }
}
