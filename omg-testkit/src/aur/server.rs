//! [`AurServer`]: a test AUR on 127.0.0.1 (tiny_http) — RPC v5, the metadata dumps and
//! the package repositories over git's smart HTTP protocol.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::git_http;
use super::query::Url;
use super::record::AurRecord;
use super::rpc::Rpc;

/// aurweb's cap on results: more is an error.
pub const DEFAULT_MAX_RESULTS: usize = 5000;

/// Bodies of POST requests are read up to this size.
const MAX_BODY: u64 = 1 << 20;

/// Bodies of git's requests (its wants and haves) are read up to this size.
const MAX_GIT_BODY: u64 = 16 << 20;

/// What the server answered to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AurHit {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent (path and query).
    pub url: String,
    /// The status answered.
    pub status: u16,
    /// The request's `If-None-Match`.
    pub if_none_match: Option<String>,
}

#[derive(Default)]
struct State {
    records: BTreeMap<String, AurRecord>,
    next_id: u64,
    base_ids: HashMap<String, u64>,
    rate_limited: bool,
    truncated_dump: bool,
    max_results: usize,
    git_root: Option<PathBuf>,
}

/// A test AUR on `127.0.0.1:<free port>`, stopped on drop.
///
/// - `GET /rpc/v5/search?arg=..&by=..`, `/rpc/v5/search/{arg}`, `/rpc/v5/info?arg[]=..`,
///   `/rpc/v5/info/{name}`, `/rpc/v5/suggest/{arg}`, `POST /rpc/v5/info` (`{"arg": [..]}`)
///   and the legacy `/rpc?v=5&type=..`: aurweb's answers and errors, an ETag on each, 304
///   to a matching `If-None-Match`;
/// - `/packages-meta-v1.json.gz`, `/packages-meta-ext-v1.json.gz`, `/packages.gz`,
///   `/pkgbase.gz`: gzip, ETag, 304;
/// - `/<name>.git/...`: the bare repositories in the directory given to
///   [`AurServer::serve_git_from`], over git's smart HTTP protocol (`git http-backend`),
///   each request on a thread of its own.
///
/// Switches: [`AurServer::set_rate_limited`] (429 to RPC requests),
/// [`AurServer::set_truncated_dump`], [`AurServer::set_max_results`], and the package set
/// changes at run time with [`AurServer::put`], [`AurServer::update`], [`AurServer::remove`].
pub struct AurServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    state: Arc<Mutex<State>>,
    log: Arc<Mutex<Vec<AurHit>>>,
    server: Arc<tiny_http::Server>,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    etag: Option<String>,
}

impl Answer {
    fn json(v: &Value) -> Answer {
        let body = serde_json::to_vec(v).expect("JSON");
        Answer::tagged(body, "application/json")
    }

    fn tagged(body: Vec<u8>, content_type: &'static str) -> Answer {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", hex(&digest[..12]));
        Answer {
            status: 200,
            body,
            content_type,
            etag: Some(etag),
        }
    }

    fn plain(status: u16, text: &str) -> Answer {
        Answer {
            status,
            body: text.as_bytes().to_vec(),
            content_type: "text/plain",
            etag: None,
        }
    }
}

impl AurServer {
    /// Starts serving an empty AUR.
    pub fn start() -> AurServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let state = Arc::new(Mutex::new(State {
            next_id: 1,
            max_results: DEFAULT_MAX_RESULTS,
            ..State::default()
        }));
        let log: Arc<Mutex<Vec<AurHit>>> = Arc::default();
        let (s, st, l) = (server.clone(), state.clone(), log.clone());
        thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let method = req.method().as_str().to_owned();
                let url = req.url().to_owned();
                let parsed = Url::parse(&url);
                let git_root = st.lock().unwrap().git_root.clone();
                if let Some(root) = git_root.filter(|_| git_http::is_repo_path(&parsed.path)) {
                    // Each git request on a thread of its own: a slow clone holds up no other.
                    let (l, path) = (l.clone(), parsed.path);
                    thread::spawn(move || serve_git(req, &root, [method, url, path], &l));
                    continue;
                }
                let if_none_match = req
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("If-None-Match"))
                    .map(|h| h.value.as_str().to_owned());
                let mut body = Vec::new();
                let _ = req.as_reader().take(MAX_BODY).read_to_end(&mut body);
                let mut answer = answer(&st.lock().unwrap(), &method, &url, &body);
                if answer.status == 200
                    && answer.etag.is_some()
                    && if_none_match.is_some()
                    && if_none_match == answer.etag
                {
                    answer.status = 304;
                    answer.body.clear();
                }
                l.lock().unwrap().push(AurHit {
                    method,
                    url,
                    status: answer.status,
                    if_none_match,
                });
                let mut r = tiny_http::Response::from_data(answer.body)
                    .with_status_code(answer.status)
                    .with_chunked_threshold(usize::MAX)
                    .with_header(header("Content-Type", answer.content_type));
                if let Some(e) = &answer.etag {
                    r.add_header(header("ETag", e));
                }
                let _ = req.respond(r);
            }
        });
        AurServer {
            base: format!("http://127.0.0.1:{port}"),
            state,
            log,
            server,
        }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port")
    }

    /// Adds `record` or replaces the record of the same name (keeping its `ID`). An `id` or
    /// `package_base_id` of 0 is assigned (the base's ID is shared by its packages).
    /// Returns the record as stored.
    pub fn put(&self, mut record: AurRecord) -> AurRecord {
        let mut st = self.lock();
        if record.id == 0 {
            record.id = match st.records.get(&record.name) {
                Some(old) => old.id,
                None => {
                    st.next_id += 1;
                    st.next_id - 1
                }
            };
        }
        if record.package_base_id == 0 {
            let next = st.next_id;
            let id = *st
                .base_ids
                .entry(record.package_base.clone())
                .or_insert(next);
            if id == next {
                st.next_id += 1;
            }
            record.package_base_id = id;
        }
        st.records.insert(record.name.clone(), record.clone());
        record
    }

    /// Changes the record named `name` with `change` (a new version, maintainer...);
    /// false when there is none.
    pub fn update(&self, name: &str, change: impl FnOnce(&mut AurRecord)) -> bool {
        match self.lock().records.get_mut(name) {
            Some(r) => {
                change(r);
                true
            }
            None => false,
        }
    }

    /// Removes the record named `name` (the package was deleted), returning it.
    pub fn remove(&self, name: &str) -> Option<AurRecord> {
        self.lock().records.remove(name)
    }

    /// The record named `name`.
    pub fn record(&self, name: &str) -> Option<AurRecord> {
        self.lock().records.get(name).cloned()
    }

    /// Every record, by name.
    pub fn records(&self) -> Vec<AurRecord> {
        self.lock().records.values().cloned().collect()
    }

    /// While `on`, every RPC request is answered with HTTP 429 (rate limited).
    pub fn set_rate_limited(&self, on: bool) {
        self.lock().rate_limited = on;
    }

    /// While `on`, the dumps are cut in the middle of their gzip stream.
    pub fn set_truncated_dump(&self, on: bool) {
        self.lock().truncated_dump = on;
    }

    /// More results than `max` make a search or info request an error ("Too many package
    /// results."); [`DEFAULT_MAX_RESULTS`] unless set.
    pub fn set_max_results(&self, max: usize) {
        self.lock().max_results = max;
    }

    /// Serves `/<name>.git/<file>` from `<dir>/<name>.git/<file>` (bare repositories).
    pub fn serve_git_from(&self, dir: &Path) {
        self.lock().git_root = Some(dir.to_path_buf());
    }

    /// The requests answered so far, in order.
    pub fn hits(&self) -> Vec<AurHit> {
        self.log.lock().unwrap().clone()
    }

    /// Forgets the requests logged so far.
    pub fn clear_hits(&self) {
        self.log.lock().unwrap().clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

impl Drop for AurServer {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn answer(st: &State, method: &str, url: &str, body: &[u8]) -> Answer {
    let parsed = Url::parse(url);
    let rpc = Rpc {
        records: &st.records,
        max_results: st.max_results,
    };
    let raw = parsed.raw_path.as_str();
    if raw == "/rpc" || raw == "/rpc/" || raw.starts_with("/rpc/") {
        if st.rate_limited {
            return Answer::plain(429, "Too Many Requests");
        }
        return match raw.strip_prefix("/rpc/v5/") {
            Some(rest) => Answer::json(&rpc.v5(method, rest, &parsed, body)),
            None if raw == "/rpc" || raw == "/rpc/" => Answer::json(&rpc.legacy(&parsed)),
            None => Answer::plain(404, "not found"),
        };
    }
    let dump = |records: Vec<Value>| {
        let json = serde_json::to_vec(&Value::Array(records)).expect("JSON");
        gzip_answer(&json, st.truncated_dump)
    };
    let names = |of_base: bool| {
        let mut names: Vec<&str> = st
            .records
            .values()
            .map(|r| if of_base { &r.package_base } else { &r.name })
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut text = names.join("\n");
        text.push('\n');
        gzip_answer(text.as_bytes(), st.truncated_dump)
    };
    match raw {
        "/packages-meta-v1.json.gz" => {
            dump(st.records.values().map(AurRecord::dump_json).collect())
        }
        "/packages-meta-ext-v1.json.gz" => {
            dump(st.records.values().map(AurRecord::dump_ext_json).collect())
        }
        "/packages.gz" => names(false),
        "/pkgbase.gz" => names(true),
        _ => Answer::plain(404, "not found"),
    }
}

/// Answers a request under `/<name>.git/` with `git http-backend` and logs it.
fn serve_git(
    mut req: tiny_http::Request,
    root: &Path,
    [method, url, path]: [String; 3],
    log: &Mutex<Vec<AurHit>>,
) {
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let _ = req.as_reader().take(MAX_GIT_BODY).read_to_end(&mut body);
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let answer = git_http::answer(root, &method, &path, query, &headers, body);
    log.lock().unwrap().push(AurHit {
        method,
        url,
        status: answer.status,
        if_none_match: None,
    });
    let r = tiny_http::Response::from_data(answer.body)
        .with_status_code(answer.status)
        .with_chunked_threshold(usize::MAX)
        .with_header(header("Content-Type", &answer.content_type));
    let _ = req.respond(r);
}

fn gzip_answer(bytes: &[u8], truncated: bool) -> Answer {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip to memory");
    let mut body = gz.finish().expect("gzip to memory");
    if truncated {
        body.truncate(body.len() / 2);
    }
    Answer::tagged(body, "application/gzip")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
