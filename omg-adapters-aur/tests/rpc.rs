//! AurRpc over the real HttpFetcher against a small aurweb look-alike on 127.0.0.1: search
//! and info by query string, info in chunks, an error answer, HTTP 429, and the gzipped
//! metadata dump with its ETag (304 on If-None-Match) and cut short.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread;

use flate2::write::GzEncoder;
use flate2::Compression;
use omg_adapters_aur::AurRpc;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_ports::{AurSearchBy, AurSource, Error, FetchOutcome, Validators};

/// The packages the server knows: `p0` ... `p399`, the odd ones only (so that info meets
/// names the AUR does not have), `p<n>` built from base `b<n / 2>`.
fn known(name: &str) -> bool {
    name.strip_prefix('p')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n < 400 && n % 2 == 1)
}

fn record(name: &str, full: bool) -> serde_json::Value {
    let n: u32 = name[1..].parse().unwrap();
    let mut r = serde_json::json!({
        "ID": n, "Name": name, "PackageBaseID": n / 2, "PackageBase": format!("b{}", n / 2),
        "Version": format!("1:{n}.0-1"), "Description": format!("package number {n}"),
        "URL": null, "URLPath": format!("/cgit/aur.git/snapshot/{name}.tar.gz"),
        "Maintainer": if n % 3 == 0 { serde_json::Value::Null } else { "maint".into() },
        "NumVotes": n, "Popularity": 0.125, "OutOfDate": null,
        "FirstSubmitted": 1_600_000_000, "LastModified": 1_700_000_000 + i64::from(n),
    });
    if full {
        let o = r.as_object_mut().unwrap();
        o.insert("Submitter".into(), "sub".into());
        o.insert("License".into(), serde_json::json!(["GPL-3.0-or-later"]));
        o.insert("Keywords".into(), serde_json::json!([]));
        o.insert("Depends".into(), serde_json::json!(["glibc", "zlib>=1.3"]));
    }
    r
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// `(path, [(key, value)])` of a request's URL.
fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

const ETAG: &str = "\"dump-1\"";

/// Every request: its URL (path and query) and its If-None-Match.
type Log = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Aur {
    base: String,
    log: Log,
    server: Arc<tiny_http::Server>,
}

impl Drop for Aur {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn answer(kind: &str, results: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "resultcount": results.len(), "results": results, "type": kind, "version": 5
    }))
    .unwrap()
}

fn start() -> Aur {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let log: Log = Arc::default();
    let dump_text = serde_json::to_vec(
        &(0..400)
            .map(|n| format!("p{n}"))
            .filter(|n| known(n))
            .map(|n| record(&n, true))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let dump_gz = gzip(&dump_text);
    let (s, l) = (server.clone(), log.clone());
    thread::spawn(move || {
        for req in s.incoming_requests() {
            let url = req.url().to_owned();
            let inm = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("If-None-Match"))
                .map(|h| h.value.as_str().to_owned());
            l.lock().unwrap().push((url.clone(), inm.clone()));
            let (path, query) = split_url(&url);
            let args: HashMap<&str, Vec<&str>> =
                query.iter().fold(HashMap::new(), |mut m, (k, v)| {
                    m.entry(k.as_str()).or_default().push(v.as_str());
                    m
                });
            let arg = |k: &str| args.get(k).and_then(|v| v.first().copied()).unwrap_or("");
            let (status, body, etag): (u16, Vec<u8>, bool) = match path.as_str() {
                "/rpc/v5/search" if arg("arg") == "limited" => (429, b"slow down".to_vec(), false),
                "/rpc/v5/search" if arg("arg") == "everything" => (
                    200,
                    br#"{"error":"Too many package results.","resultcount":0,"results":[],"type":"error","version":5}"#.to_vec(),
                    false,
                ),
                "/rpc/v5/search" => {
                    let (text, by) = (arg("arg"), arg("by"));
                    let hits = (0..400)
                        .map(|n| format!("p{n}"))
                        .filter(|n| known(n))
                        .filter(|n| match by {
                            "name" | "name-desc" => n.contains(text),
                            "maintainer" => text == "maint",
                            _ => false,
                        })
                        .map(|n| record(&n, false))
                        .collect();
                    (200, answer("search", hits), false)
                }
                "/rpc/v5/info" => {
                    let names = args.get("arg[]").cloned().unwrap_or_default();
                    let hits = names
                        .into_iter()
                        .filter(|n| known(n))
                        .map(|n| record(n, true))
                        .collect();
                    (200, answer("multiinfo", hits), false)
                }
                "/packages-meta-ext-v1.json.gz" if inm.as_deref() == Some(ETAG) => {
                    (304, Vec::new(), true)
                }
                "/packages-meta-ext-v1.json.gz" => (200, dump_gz.clone(), true),
                "/cut.json.gz" => (200, dump_gz[..dump_gz.len() - 3].to_vec(), false),
                _ => (404, b"not found".to_vec(), false),
            };
            let mut response = tiny_http::Response::from_data(body)
                .with_status_code(status)
                .with_chunked_threshold(usize::MAX);
            if etag {
                response.add_header(tiny_http::Header::from_bytes("ETag", ETAG).unwrap());
            }
            let _ = req.respond(response);
        }
    });
    Aur {
        base: format!("http://127.0.0.1:{port}"),
        log,
        server,
    }
}

impl Aur {
    fn rpc(&self, dump_path: &str) -> AurRpc {
        let fetcher = Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap());
        AurRpc::with_urls(
            fetcher,
            format!("{}/rpc", self.base),
            format!("{}{dump_path}", self.base),
        )
    }

    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.log.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn search_sends_arg_and_by_in_the_query_string() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    let hits = rpc.search("p11", AurSearchBy::Name).await.unwrap();
    let names: Vec<&str> = hits.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["p11", "p111", "p113", "p115", "p117", "p119"]);
    assert_eq!(hits[0].package_base, "b5");
    assert_eq!(hits[0].version, "1:11.0-1");
    assert!(hits[0].depends.is_empty(), "search answers carry no lists");
    let orphans_or_not = rpc.search("maint", AurSearchBy::Maintainer).await.unwrap();
    assert_eq!(orphans_or_not.len(), 200);
    assert_eq!(
        aur.requests()
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>(),
        [
            "/rpc/v5/search?arg=p11&by=name",
            "/rpc/v5/search?arg=maint&by=maintainer"
        ]
    );
}

#[tokio::test]
async fn a_short_query_is_refused_without_a_request() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    let e = rpc.search("y", AurSearchBy::NameDesc).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
    assert!(e.to_string().contains("2 or more characters"), "{e}");
    assert!(aur.requests().is_empty());
}

#[tokio::test]
async fn info_asks_in_chunks_of_150_and_concatenates() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    assert!(rpc.info(&[]).await.unwrap().is_empty());
    assert!(aur.requests().is_empty(), "no names, no request");

    let names: Vec<String> = (0..320).map(|n| format!("p{n}")).collect();
    let pkgs = rpc.info(&names).await.unwrap();
    let requests = aur.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    let counts: Vec<usize> = requests
        .iter()
        .map(|(u, _)| {
            assert!(u.starts_with("/rpc/v5/info?arg[]=p"), "{u}");
            split_url(u).1.len()
        })
        .collect();
    assert_eq!(counts, [150, 150, 20]);
    // The odd names, in order, absent ones simply missing.
    let got: Vec<&str> = pkgs.iter().map(|p| p.name.as_str()).collect();
    let want: Vec<String> = (0..320)
        .filter(|n| n % 2 == 1)
        .map(|n| format!("p{n}"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(pkgs[0].depends, ["glibc", "zlib>=1.3"]);
    assert_eq!(pkgs[0].license, ["GPL-3.0-or-later"]);
    assert_eq!(pkgs[0].submitter.as_deref(), Some("sub"));
}

#[tokio::test]
async fn an_error_answer_is_malformed_and_quoted() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    let e = rpc
        .search("everything", AurSearchBy::NameDesc)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::AurAnswer { .. }), "{e}");
    assert!(
        e.to_string().contains("\"Too many package results.\""),
        "{e}"
    );
}

#[tokio::test]
async fn http_429_says_the_aur_limits_the_rate() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    let e = rpc.search("limited", AurSearchBy::Name).await.unwrap_err();
    assert!(matches!(e, Error::Download { .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains("the AUR limits the rate"), "{text}");
    assert!(
        text.contains("omgd's copy of the AUR's metadata dump"),
        "{text}"
    );
}

#[tokio::test]
async fn the_dump_is_fetched_conditionally() {
    let aur = start();
    let rpc = aur.rpc("/packages-meta-ext-v1.json.gz");
    let FetchOutcome::Fetched { body, validators } =
        rpc.dump(&Validators::default()).await.unwrap()
    else {
        panic!("an unconditional request was answered 304");
    };
    assert_eq!(body.len(), 200);
    assert_eq!(body[0].name, "p1");
    assert_eq!(body[199].name, "p399");
    assert_eq!(body[199].depends, ["glibc", "zlib>=1.3"]);
    assert_eq!(validators.etag.as_deref(), Some(ETAG));

    let again = rpc.dump(&validators).await.unwrap();
    assert_eq!(again, FetchOutcome::NotModified);
    let requests = aur.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].1, None);
    assert_eq!(requests[1].1.as_deref(), Some(ETAG));
}

#[tokio::test]
async fn a_cut_dump_is_malformed() {
    let aur = start();
    let rpc = aur.rpc("/cut.json.gz");
    let e = rpc.dump(&Validators::default()).await.unwrap_err();
    assert!(matches!(e, Error::AurAnswer { .. }), "{e}");
    assert!(e.to_string().contains("/cut.json.gz"), "{e}");
}
