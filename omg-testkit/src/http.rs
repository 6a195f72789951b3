//! A real HTTP server on 127.0.0.1 (tiny_http) serving documents with ETag and
//! Last-Modified, answering 304 to matching conditional requests, and logging what it got.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

/// One document the server serves.
#[derive(Clone)]
pub struct Doc {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What the server answered to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub path: String,
    pub status: u16,
    pub if_none_match: Option<String>,
}

pub struct Server {
    pub base: String,
    docs: Arc<Mutex<HashMap<String, Doc>>>,
    log: Arc<Mutex<Vec<Hit>>>,
    server: Arc<tiny_http::Server>,
}

impl Server {
    pub fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let docs: Arc<Mutex<HashMap<String, Doc>>> = Arc::default();
        let log: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let (s, d, l) = (server.clone(), docs.clone(), log.clone());
        thread::spawn(move || {
            for req in s.incoming_requests() {
                let path = req.url().to_owned();
                let header = |name: &str| {
                    req.headers()
                        .iter()
                        .find(|h| h.field.to_string().eq_ignore_ascii_case(name))
                        .map(|h| h.value.as_str().to_owned())
                };
                let if_none_match = header("If-None-Match");
                let if_modified_since = header("If-Modified-Since");
                let doc = d.lock().unwrap().get(&path).cloned();
                let (status, response) = match doc {
                    None => (
                        404,
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
                    ),
                    Some(doc) => {
                        let etag_matches = if_none_match.is_some() && if_none_match == doc.etag;
                        let date_matches = if_none_match.is_none()
                            && if_modified_since.is_some()
                            && if_modified_since == doc.last_modified;
                        let status = if etag_matches || date_matches {
                            304
                        } else {
                            200
                        };
                        let body = if status == 304 { Vec::new() } else { doc.body };
                        let mut r = tiny_http::Response::from_data(body)
                            .with_status_code(status)
                            .with_chunked_threshold(usize::MAX);
                        if let Some(e) = &doc.etag {
                            r.add_header(
                                tiny_http::Header::from_bytes("ETag", e.as_bytes()).unwrap(),
                            );
                        }
                        if let Some(m) = &doc.last_modified {
                            r.add_header(
                                tiny_http::Header::from_bytes("Last-Modified", m.as_bytes())
                                    .unwrap(),
                            );
                        }
                        (status, r)
                    }
                };
                l.lock().unwrap().push(Hit {
                    path,
                    status,
                    if_none_match,
                });
                let _ = req.respond(response);
            }
        });
        Server {
            base: format!("http://127.0.0.1:{port}"),
            docs,
            log,
            server,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn put(
        &self,
        path: &str,
        body: impl Into<Vec<u8>>,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) {
        self.docs.lock().unwrap().insert(
            path.to_owned(),
            Doc {
                body: body.into(),
                etag: etag.map(str::to_owned),
                last_modified: last_modified.map(str::to_owned),
            },
        );
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}
