//! The read side added in protocol 4.1 (`Why`, `Audit`), the runtimes in `Status` read at
//! each request, and a client of protocol 4.0 still served.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::Path;

use common::{block_on, Fixture};
use omg::SearchQuery;
use omg_transport_uds::{AuditRequest, Request, Response, MAGIC, PROTOCOL_VERSION};

#[test]
fn why_answers_like_the_in_process_engine() {
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let engine = fx.engine();
    let mut client = daemon.client();
    for name in ["bash", "readline", "oldlib"] {
        let want = Response::Why(block_on(engine.why(name)).unwrap());
        // Twice: the miss, then the cache hit.
        for _ in 0..2 {
            assert_eq!(client.request(Request::Why(name.into())).unwrap(), want);
        }
    }
    let Response::Why(readline) = client.request(Request::Why("readline".into())).unwrap() else {
        panic!("no why answer");
    };
    // The fixture's bash declares no dependencies: readline is an orphan.
    assert!(readline.is_orphan(), "{readline:?}");
    // Not installed (fish is only in a repository) or unknown: the engine's NotFound, with
    // the closest installed names.
    for name in ["fish", "bsh"] {
        let want = Response::from(block_on(engine.why(name)).unwrap_err());
        assert!(matches!(want, Response::NotFound { .. }), "{want:?}");
        assert_eq!(client.request(Request::Why(name.into())).unwrap(), want);
    }
}

/// Offline without a cached feed omgd cannot audit: it says so, naming the feed (and the
/// client audits directly). Its feed cache is its own XDG cache, here a temporary one.
#[test]
fn an_audit_without_a_cached_feed_is_declined() {
    let fx = Fixture::new();
    let cache = fx.dir.path().join("cache");
    let daemon = fx.spawn_with(
        1,
        &fx.socket(),
        Some(&fx.state()),
        &[("XDG_CACHE_HOME", cache.as_path())],
    );
    daemon.wait_ready();
    let answer = daemon.request(Request::Audit(AuditRequest {
        offline: true,
        settings: vec![(
            "arch_feed".into(),
            "http://127.0.0.1:9/never-asked.json".into(),
        )],
    }));
    match answer {
        Response::Internal(m) => {
            assert!(m.contains("no cached copy of the arch feed"), "{m}");
            assert!(m.contains("never-asked.json"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // Still serving.
    daemon.client().ping().unwrap();
}

/// `omg runtimes install` and `omg use` never tell omgd: its status reads the runtimes at
/// each request, so the next status after a change shows it.
#[test]
fn status_reads_the_runtimes_at_each_request() {
    let fx = Fixture::new();
    let config = fx.dir.path().join("config");
    let data = fx.dir.path().join("data");
    let daemon = fx.spawn_with(
        1,
        &fx.socket(),
        Some(&fx.state()),
        &[
            ("XDG_CONFIG_HOME", config.as_path()),
            ("XDG_DATA_HOME", data.as_path()),
        ],
    );
    daemon.wait_ready();
    let runtimes = || match daemon.request(Request::Status) {
        Response::Status(s) => s.runtimes,
        other => panic!("{other:?}"),
    };
    assert!(runtimes().is_empty());
    write(
        &config.join("omg/runtimes.toml"),
        "[global]\nnode = \"20\"\n",
    );
    let now = runtimes();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(now[0].name, "node");
    assert_eq!(now[0].default_spec.as_deref(), Some("20"));
    write(&config.join("omg/runtimes.toml"), "");
    assert!(runtimes().is_empty());
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A client announcing protocol 4.0 is welcomed and served (the bytes of the 4.0 messages
/// are checked in the transport's tests/compat.rs).
#[test]
fn a_client_of_protocol_4_0_is_served() {
    use omg_transport_uds::frame::{append_frame, blocking::read_frame};
    use omg_transport_uds::message::{decode_response, encode_request};
    use std::io::Write;

    let fx = Fixture::new();
    let daemon = fx.start(1);
    let mut stream = std::os::unix::net::UnixStream::connect(fx.socket()).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut ask = |id: u64, request: Request| {
        let mut frame = Vec::new();
        append_frame(&mut frame, &encode_request(id, request), 1 << 20).unwrap();
        stream.write_all(&frame).unwrap();
        let payload = read_frame(&mut stream, 1 << 24).unwrap().unwrap();
        let answer = decode_response(&payload).unwrap();
        assert_eq!(answer.id, id);
        answer.body
    };
    let hello = Request::Hello {
        magic: MAGIC,
        protocol: (4, 0),
        client_version: "0.0.40".into(),
    };
    match ask(1, hello) {
        Response::Welcome { protocol, .. } => assert_eq!(protocol, PROTOCOL_VERSION),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ask(2, Request::Search(SearchQuery::new("zsh"))),
        Response::Search(r) if r.hits[0].package.name == "zsh"
    ));
    assert!(matches!(ask(3, Request::Status), Response::Status(_)));
    assert!(
        matches!(ask(4, Request::Info(vec!["bash".into()])), Response::Packages(p) if p.len() == 1)
    );
    drop(daemon);
}
