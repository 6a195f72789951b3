//! Test support: a handler with controllable delays, a server on its own runtime, a raw frame
//! peer, and a fake daemon for client tests.
#![allow(dead_code)]

pub mod fake;
pub mod raw;
pub mod v4_0;

use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use omg_ports::{
    BackendInfo, InstallReason, Package, PackageSummary, SearchResults, Status, VersionScheme,
    WhyReport,
};
use omg_transport_uds::{
    serve, shared_file, DaemonInfo, DaemonStats, Handler, Reply, Request, Response, ServeReport,
    ServerConfig,
};
use tokio::runtime::Runtime;
use tokio::sync::{oneshot, Semaphore};

/// Generous bound on any wait, only so that a broken test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A search for `text` (see [`TestHandler`] for the texts that steer it).
pub fn search(text: &str) -> Request {
    Request::Search(omg_ports::SearchQuery::new(text))
}

/// The `total` of a search answer.
pub fn total(r: &Response) -> usize {
    match r {
        Response::Search(s) => s.total,
        other => panic!("expected a search answer, got {other:?}"),
    }
}

/// Poll `cond` until it holds; panics after [`PATIENCE`].
pub fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn backend() -> BackendInfo {
    BackendInfo {
        name: "test".into(),
        root: "/".into(),
        config: None,
        version_scheme: VersionScheme::Dpkg,
    }
}

/// Answers every request; `Search` texts steer it:
/// - `gate`: waits for a permit of [`TestHandler::gate`] (the test releases it);
/// - `delay:N`: sleeps N ms;
/// - `panic`: panics;
/// - anything else: answers at once.
///
/// `Search` answers `total` = the text's length (`N` for `delay:N`), so answers can be matched
/// to requests.
pub struct TestHandler {
    pub gate: Semaphore,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub handled: AtomicUsize,
    pub list_size: usize,
}

impl Default for TestHandler {
    fn default() -> Self {
        Self {
            gate: Semaphore::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            handled: AtomicUsize::new(0),
            list_size: 3,
        }
    }
}

impl TestHandler {
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn release(&self, n: usize) {
        self.gate.add_permits(n);
    }
}

struct InFlight<'a>(&'a TestHandler);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.handled.fetch_add(1, Ordering::SeqCst);
    }
}

impl Handler for TestHandler {
    fn welcome(&self) -> DaemonInfo {
        DaemonInfo {
            daemon_version: "test-daemon".into(),
            backend: backend(),
            index_generation: 7,
        }
    }

    async fn handle(&self, request: Request) -> Reply {
        if let Request::SearchTextFd { query, .. } = &request {
            return text_with_file(&query.text);
        }
        Arc::new(self.answer(request).await).into()
    }
}

/// The answer to `SearchTextFd` for `text`: `big:N` gives N bytes of stdout in a sealed
/// file; `unsealed:N` the same in a file without seals; `liar:N` announces one byte more
/// than the file has; anything else a short `Text`.
fn text_with_file(text: &str) -> Reply {
    let (kind, n) = text.split_once(':').unwrap_or((text, "0"));
    let n: usize = n.parse().unwrap_or(0);
    let stdout: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
    let file = match kind {
        "big" | "liar" => shared_file::sealed_file("omg-test", &stdout).expect("memfd"),
        "unsealed" => {
            let fd = rustix::fs::memfd_create("omg-test", rustix::fs::MemfdFlags::CLOEXEC)
                .expect("memfd");
            let mut f = std::fs::File::from(fd);
            f.write_all(&stdout).expect("write");
            OwnedFd::from(f)
        }
        _ => {
            return Response::Text {
                stdout: text.to_string(),
                stderr: String::new(),
                code: 0,
            }
            .into()
        }
    };
    let len = n as u64 + u64::from(kind == "liar");
    Reply {
        response: Arc::new(Response::TextFd {
            len,
            stderr: "a note\n".into(),
            code: 3,
        }),
        file: Some(Arc::new(file)),
    }
}

impl TestHandler {
    async fn answer(&self, request: Request) -> Response {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let _done = InFlight(self);
        match request {
            Request::Ping => Response::Pong,
            Request::Search(q) => {
                let total = if q.text == "gate" {
                    if let Ok(p) = self.gate.acquire().await {
                        p.forget();
                    }
                    4
                } else if let Some(ms) = q.text.strip_prefix("delay:") {
                    let ms: u64 = ms.parse().unwrap_or(0);
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    ms as usize
                } else if q.text == "panic" {
                    panic!("test handler asked to panic");
                } else {
                    q.text.len()
                };
                Response::Search(SearchResults {
                    hits: vec![],
                    total,
                })
            }
            Request::InfoAur { .. } | Request::SearchText { .. } => {
                Response::InvalidRequest("no AUR here".into())
            }
            Request::Info(names) => match names.iter().find(|n| n.starts_with("missing")) {
                Some(n) => Response::NotFound {
                    name: n.clone(),
                    suggestions: vec!["found".into()],
                },
                None => Response::Packages(
                    names
                        .into_iter()
                        .map(|name| Package {
                            name,
                            ..Package::default()
                        })
                        .collect(),
                ),
            },
            Request::List(_) => Response::List(
                (0..self.list_size)
                    .map(|i| PackageSummary {
                        name: format!("package-{i}"),
                        version: "1.0".into(),
                        description: "a package with a description".into(),
                        repository: "main".into(),
                        architecture: "amd64".into(),
                        installed: None,
                        provides: Vec::new(),
                    })
                    .collect(),
            ),
            Request::Status => Response::Status(Status::default()),
            Request::Suggest { prefix, limit } | Request::Complete { prefix, limit, .. } => {
                Response::Suggestions(vec![prefix; limit as usize])
            }
            Request::Stats => Response::Stats(DaemonStats {
                requests: self.handled.load(Ordering::SeqCst) as u64,
                ..DaemonStats::default()
            }),
            Request::Invalidate => Response::Invalidated {
                index_generation: 8,
            },
            Request::Why(name) => Response::Why(WhyReport {
                name,
                version: "1.0-1".into(),
                reason: InstallReason::Explicit,
                required_by: Vec::new(),
                optional_for: Vec::new(),
                chains: Vec::new(),
                needed_by_explicit: 0,
            }),
            Request::Audit(_) => Response::Internal("the test handler audits nothing".into()),
            Request::SearchAur { query, .. } => Response::SearchAur {
                results: SearchResults {
                    hits: vec![],
                    total: query.text.len(),
                },
                aur: Vec::new(),
            },
            Request::Hello { .. } => Response::InvalidRequest("hello reached the handler".into()),
            Request::SearchTextFd { .. } => Response::InvalidRequest("answered by handle".into()),
        }
    }
}

/// A server on its own runtime, listening in a private temporary directory.
pub struct TestServer {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub handler: Arc<TestHandler>,
    pub rt: Runtime,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<ServeReport>>,
}

impl TestServer {
    pub fn start(config: ServerConfig) -> Self {
        Self::start_with(TestHandler::default(), config)
    }

    pub fn start_with(handler: TestHandler, config: ServerConfig) -> Self {
        let dir = private_tempdir();
        let path = dir.path().join("omgd.sock");
        Self::start_at(dir, path, handler, config)
    }

    pub fn start_at(
        dir: tempfile::TempDir,
        path: PathBuf,
        handler: TestHandler,
        config: ServerConfig,
    ) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handler = Arc::new(handler);
        let (stop, stopped) = oneshot::channel::<()>();
        let listener = {
            let _guard = rt.enter();
            tokio::net::UnixListener::bind(&path).expect("bind")
        };
        let done = rt.spawn(serve(listener, Arc::clone(&handler), config, async {
            let _ = stopped.await;
        }));
        TestServer {
            dir,
            path,
            handler,
            rt,
            stop: Some(stop),
            done: Some(done),
        }
    }

    /// Ask the server to shut down (returns at once).
    pub fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Shut down and wait for `serve` to return.
    pub fn stop(mut self) -> ServeReport {
        self.begin_shutdown();
        let done = self.done.take().expect("running");
        self.rt
            .block_on(async { tokio::time::timeout(PATIENCE, done).await })
            .expect("serve returns")
            .expect("serve does not panic")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.begin_shutdown();
    }
}

/// A temporary directory with mode 0700, as omgd makes its socket's: clients trust no other.
pub fn private_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    dir
}
