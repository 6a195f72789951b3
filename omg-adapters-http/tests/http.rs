//! HttpFetcher against a real HTTP server on 127.0.0.1.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_testkit::http as common;

use std::sync::{Arc, Mutex};

use common::{Hit, Server};
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, ProgressEvent, ProgressSink, Validators,
};

fn fetcher() -> HttpFetcher {
    HttpFetcher::new(&HttpConfig::default()).unwrap()
}

#[derive(Default)]
struct Events(Mutex<Vec<ProgressEvent>>);

impl ProgressSink for Events {
    fn event(&self, event: ProgressEvent) {
        self.0.lock().unwrap().push(event);
    }
}

#[tokio::test]
async fn downloads_with_validators_then_gets_304() {
    let server = Server::start();
    let body = vec![b'x'; 100_000];
    server.put(
        "/feed",
        body.clone(),
        Some("\"v1\""),
        Some("Tue, 01 Oct 2024 10:00:00 GMT"),
    );
    let f = fetcher();
    let events = Arc::new(Events::default());
    let req = FetchRequest::new(server.url("/feed"), 1 << 20).labelled("arch");
    let got = f.fetch(&req, Some(events.clone())).await.unwrap();
    let validators = Validators {
        etag: Some("\"v1\"".into()),
        last_modified: Some("Tue, 01 Oct 2024 10:00:00 GMT".into()),
    };
    assert_eq!(
        got,
        FetchOutcome::Fetched {
            body,
            validators: validators.clone()
        }
    );
    let events = events.0.lock().unwrap().clone();
    assert!(!events.is_empty());
    assert_eq!(
        events.last(),
        Some(&ProgressEvent::Download {
            item: "arch".into(),
            done: 100_000,
            total: Some(100_000)
        })
    );
    let again = f
        .fetch(&req.clone().if_changed(validators), None)
        .await
        .unwrap();
    assert_eq!(again, FetchOutcome::NotModified);
    assert_eq!(
        server.hits(),
        vec![
            Hit {
                path: "/feed".into(),
                status: 200,
                if_none_match: None
            },
            Hit {
                path: "/feed".into(),
                status: 304,
                if_none_match: Some("\"v1\"".into())
            },
        ]
    );
}

#[tokio::test]
async fn if_modified_since_alone_gets_304() {
    let server = Server::start();
    server.put("/f", "body", None, Some("Tue, 01 Oct 2024 10:00:00 GMT"));
    let req = FetchRequest::new(server.url("/f"), 100).if_changed(Validators {
        etag: None,
        last_modified: Some("Tue, 01 Oct 2024 10:00:00 GMT".into()),
    });
    assert_eq!(
        fetcher().fetch(&req, None).await.unwrap(),
        FetchOutcome::NotModified
    );
}

#[tokio::test]
async fn a_changed_document_is_downloaded_again() {
    let server = Server::start();
    server.put("/f", "new", Some("\"v2\""), None);
    let req = FetchRequest::new(server.url("/f"), 100).if_changed(Validators {
        etag: Some("\"v1\"".into()),
        last_modified: None,
    });
    let got = fetcher().fetch(&req, None).await.unwrap();
    assert!(
        matches!(got, FetchOutcome::Fetched { ref body, .. } if body == b"new"),
        "{got:?}"
    );
}

#[tokio::test]
async fn size_limit_and_http_errors_name_the_url() {
    let server = Server::start();
    server.put("/big", vec![0u8; 5000], None, None);
    let f = fetcher();
    let e = f
        .fetch(&FetchRequest::new(server.url("/big"), 4999), None)
        .await
        .unwrap_err();
    match &e {
        Error::Download { url, reason } => {
            assert_eq!(url, &server.url("/big"));
            assert!(
                reason.contains("larger than the limit of 4999 bytes"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    let e = f
        .fetch(&FetchRequest::new(server.url("/missing"), 100), None)
        .await
        .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "download of {} failed: the server answered HTTP 404 Not Found",
            server.url("/missing")
        )),
        "{e}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_download_error() {
    // Bind and drop to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/x");
    let e = fetcher()
        .fetch(&FetchRequest::new(&url, 100), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Download { url: u, reason } if *u == url && reason.starts_with("cannot connect")),
        "{e:?}"
    );
}

#[tokio::test]
async fn streams_to_a_file_and_leaves_it_alone_on_304_or_failure() {
    let server = Server::start();
    let body: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.put("/node.tar.xz", body.clone(), Some("\"t1\""), None);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("node.tar.xz");
    let f = fetcher();
    let req = FetchRequest::new(server.url("/node.tar.xz"), 1 << 20);
    let got = f.fetch_to_file(&req, &dest, None).await.unwrap();
    assert_eq!(
        got,
        FetchOutcome::Fetched {
            body: 300_000,
            validators: Validators {
                etag: Some("\"t1\"".into()),
                last_modified: None
            }
        }
    );
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let cond = req.clone().if_changed(Validators {
        etag: Some("\"t1\"".into()),
        last_modified: None,
    });
    assert_eq!(
        f.fetch_to_file(&cond, &dest, None).await.unwrap(),
        FetchOutcome::NotModified
    );
    // Over the limit: the error, the old file intact, no partial file left.
    server.put("/node.tar.xz", vec![1u8; 2 << 20], Some("\"t2\""), None);
    assert!(f.fetch_to_file(&req, &dest, None).await.is_err());
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("node.tar.xz")]);
}
