//! Protocol 4.1 and 4.2 beside 4.0: a daemon of 4.2 still serves a client of 4.0 (the old
//! messages encode to the same bytes), and a client never sends a daemon of an earlier minor
//! a request it cannot decode (4.1's `Why` and `Audit`, 4.2's `Complete`).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::raw::Raw;
use common::{fake, v4_0, TestServer};
use omg_ports::{
    AuditOutcome, BackendInfo, FeedKind, FeedOrigin, Finding, InstallReason, ListKind, Package,
    PackageSummary, SearchQuery, SearchResults, Severity, Status, VersionScheme, WhyReport,
};
use omg_transport_uds::frame::blocking::read_frame;
use omg_transport_uds::message::{
    decode_request, decode_response, encode_request, encode_response,
};
use omg_transport_uds::{
    AuditRequest, BlockingClient, ClientConfig, ClientError, DaemonStats, Request, Response,
    ServerConfig, DEFAULT_MAX_FRAME, MAGIC, PROTOCOL_VERSION,
};

fn backend() -> BackendInfo {
    BackendInfo {
        name: "alpm".into(),
        root: "/".into(),
        config: Some("/etc/pacman.conf".into()),
        version_scheme: VersionScheme::Alpm,
    }
}

/// Every request of 4.0, as (the 4.0 shape, the same request now).
fn old_requests() -> Vec<(v4_0::Request, Request)> {
    let query = SearchQuery::new("vim").with_limit(3).installed();
    vec![
        (
            v4_0::hello(),
            Request::Hello {
                magic: MAGIC,
                protocol: v4_0::PROTOCOL,
                client_version: "4.0-client".into(),
            },
        ),
        (v4_0::Request::Search(query.clone()), Request::Search(query)),
        (
            v4_0::Request::Info(vec!["bash".into(), "vim".into()]),
            Request::Info(vec!["bash".into(), "vim".into()]),
        ),
        (
            v4_0::Request::List(ListKind::Orphans),
            Request::List(ListKind::Orphans),
        ),
        (v4_0::Request::Status, Request::Status),
        (
            v4_0::Request::Suggest {
                prefix: "fi".into(),
                limit: 5,
            },
            Request::Suggest {
                prefix: "fi".into(),
                limit: 5,
            },
        ),
        (v4_0::Request::Ping, Request::Ping),
        (v4_0::Request::Stats, Request::Stats),
        (v4_0::Request::Invalidate, Request::Invalidate),
    ]
}

/// Every answer of 4.0, as (the 4.0 shape, the same answer now).
fn old_responses() -> Vec<(v4_0::Response, Response)> {
    let results = SearchResults {
        hits: Vec::new(),
        total: 4,
    };
    let package = Package {
        name: "bash".into(),
        version: "5.2-1".into(),
        ..Package::default()
    };
    let summary = PackageSummary {
        name: "bash".into(),
        version: "5.2-1".into(),
        description: "The GNU Bourne Again shell".into(),
        repository: "core".into(),
        architecture: "x86_64".into(),
        installed: None,
        provides: vec!["sh".into()],
    };
    let status = Status {
        backend: "alpm".into(),
        available: 6,
        installed: 3,
        ..Status::default()
    };
    let stats = DaemonStats {
        packages: 6,
        requests: 9,
        ..DaemonStats::default()
    };
    vec![
        (
            v4_0::Response::Welcome {
                protocol: (4, 1),
                daemon_version: "0.1.0".into(),
                backend: backend(),
                index_generation: 2,
            },
            Response::Welcome {
                protocol: (4, 1),
                daemon_version: "0.1.0".into(),
                backend: backend(),
                index_generation: 2,
            },
        ),
        (
            v4_0::Response::Incompatible {
                daemon_protocol: (4, 1),
                reason: "no".into(),
            },
            Response::Incompatible {
                daemon_protocol: (4, 1),
                reason: "no".into(),
            },
        ),
        (
            v4_0::Response::Search(results.clone()),
            Response::Search(results),
        ),
        (
            v4_0::Response::Packages(vec![package.clone()]),
            Response::Packages(vec![package]),
        ),
        (
            v4_0::Response::List(vec![summary.clone()]),
            Response::List(vec![summary]),
        ),
        (
            v4_0::Response::Status(status.clone()),
            Response::Status(status),
        ),
        (
            v4_0::Response::Suggestions(vec!["fish".into()]),
            Response::Suggestions(vec!["fish".into()]),
        ),
        (v4_0::Response::Pong, Response::Pong),
        (v4_0::Response::Stats(stats.clone()), Response::Stats(stats)),
        (
            v4_0::Response::Invalidated {
                index_generation: 3,
            },
            Response::Invalidated {
                index_generation: 3,
            },
        ),
        (
            v4_0::Response::NotFound {
                name: "fierfox".into(),
                suggestions: vec!["firefox".into()],
            },
            Response::NotFound {
                name: "fierfox".into(),
                suggestions: vec!["firefox".into()],
            },
        ),
        (
            v4_0::Response::InvalidRequest("empty".into()),
            Response::InvalidRequest("empty".into()),
        ),
        (
            v4_0::Response::Overloaded { retry_after_ms: 5 },
            Response::Overloaded { retry_after_ms: 5 },
        ),
        (
            v4_0::Response::PermissionDenied("uid".into()),
            Response::PermissionDenied("uid".into()),
        ),
        (
            v4_0::Response::Internal("broken".into()),
            Response::Internal("broken".into()),
        ),
    ]
}

/// The 4.0 requests are the same bytes in both releases: a 4.1 daemon decodes what a 4.0
/// client sends, and a 4.0 daemon what a 4.1 client sends it (it sends only these).
#[test]
fn the_requests_of_4_0_keep_their_bytes() {
    for (id, (old, new)) in (1..).zip(old_requests()) {
        let old_bytes = v4_0::encode_request(id, old.clone());
        assert_eq!(old_bytes, encode_request(id, new.clone()), "{new:?}");
        let decoded = decode_request(&old_bytes).expect("a 4.1 daemon decodes it");
        assert_eq!((decoded.id, decoded.body), (id, new));
        let back = v4_0::decode_request(&old_bytes).expect("a 4.0 daemon decodes it");
        assert_eq!(back.body, old);
    }
}

/// The 4.0 answers are the same bytes in both releases: a 4.0 client decodes every answer a
/// 4.1 daemon gives to its requests.
#[test]
fn the_answers_of_4_0_keep_their_bytes() {
    for (id, (old, new)) in (1..).zip(old_responses()) {
        let new_bytes = encode_response(id, new.clone());
        assert_eq!(new_bytes, v4_0::encode_response(id, old.clone()), "{new:?}");
        let decoded = v4_0::decode_response(&new_bytes).expect("a 4.0 client decodes it");
        assert_eq!((decoded.id, decoded.body), (id, old));
        assert_eq!(decode_response(&new_bytes).expect("decodes").body, new);
    }
}

/// The requests of 4.1 are not requests to a 4.0 daemon: they must not reach one.
#[test]
fn a_4_0_daemon_cannot_decode_the_new_requests() {
    for request in [
        Request::Why("bash".into()),
        Request::Audit(AuditRequest::default()),
    ] {
        assert_eq!(request.since(), (4, 1));
        let bytes = encode_request(3, request.clone());
        assert!(v4_0::decode_request(&bytes).is_err(), "{request:?}");
        assert_eq!(decode_request(&bytes).expect("decodes").body, request);
    }
    for (_, old) in old_requests() {
        assert_eq!(old.since(), (4, 0), "{old:?}");
    }
}

/// The new answers round-trip. (A variant's index is one byte of a frame's one message,
/// whatever the variant count: `Response`, 15 variants in 4.0, grew to 17.)
#[test]
fn reports_round_trip() {
    let finding = Finding {
        package: "bash".into(),
        installed: "5.1-1".into(),
        source: None,
        compared_version: "5.1-1".into(),
        fixed: Some("5.2-1".into()),
        severity: Severity::High,
        ids: vec!["AVG-1".into(), "CVE-2024-0001".into()],
        unfixed: Vec::new(),
        candidate: Some("5.2-1".into()),
        upgrade_fixes: true,
    };
    let audit = AuditOutcome {
        kind: FeedKind::Arch,
        url: "http://127.0.0.1:1/all.json".into(),
        release: None,
        origin: FeedOrigin::NotModified,
        fetched_at: 1_700_000_000,
        checked_at: 1_700_000_100,
        warning: Some("offline".into()),
        advisory_warnings: vec!["DSA numbers are missing".into()],
        findings: vec![finding],
    };
    let why = WhyReport {
        name: "readline".into(),
        version: "8.2-1".into(),
        reason: InstallReason::Dependency,
        required_by: vec!["bash".into()],
        optional_for: Vec::new(),
        chains: vec![vec!["bash".into(), "readline".into()]],
        needed_by_explicit: 1,
    };
    for answer in [Response::Audit(audit), Response::Why(why)] {
        let bytes = encode_response(9, answer.clone());
        assert_eq!(decode_response(&bytes).expect("decodes").body, answer);
        assert!(!answer.is_failure());
    }
}

/// A real server answers a client that announces 4.0, in the bytes of 4.0.
#[test]
fn a_4_1_server_serves_a_4_0_client() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::connect(&server.path);
    let requests: Vec<v4_0::Request> = old_requests().into_iter().map(|(old, _)| old).collect();
    for (id, request) in (1..).zip(requests) {
        raw.send_payload(&v4_0::encode_request(id, request.clone()));
        let payload = read_frame(&mut raw.stream, DEFAULT_MAX_FRAME)
            .expect("read")
            .expect("an answer");
        let answer = v4_0::decode_response(&payload).expect("a 4.0 client decodes the answer");
        assert_eq!(answer.id, id);
        match (&request, &answer.body) {
            (v4_0::Request::Hello { .. }, v4_0::Response::Welcome { protocol, .. }) => {
                assert_eq!(*protocol, PROTOCOL_VERSION)
            }
            (v4_0::Request::Search(_), v4_0::Response::Search(r)) => assert_eq!(r.total, 3),
            (v4_0::Request::Info(_), v4_0::Response::Packages(p)) => assert_eq!(p.len(), 2),
            (v4_0::Request::List(_), v4_0::Response::List(l)) => assert_eq!(l.len(), 3),
            (v4_0::Request::Status, v4_0::Response::Status(_))
            | (v4_0::Request::Suggest { .. }, v4_0::Response::Suggestions(_))
            | (v4_0::Request::Ping, v4_0::Response::Pong)
            | (v4_0::Request::Stats, v4_0::Response::Stats(_))
            | (v4_0::Request::Invalidate, v4_0::Response::Invalidated { .. }) => {}
            other => panic!("unexpected answer: {other:?}"),
        }
    }
}

/// A 4.1 client and a daemon that says 4.0: the new requests are not sent (the client says
/// why, and its caller answers without the daemon); the old ones still are.
#[test]
fn a_4_1_client_sends_a_4_0_daemon_only_what_it_knows() {
    let daemon = fake::start_speaking(
        v4_0::PROTOCOL,
        Box::new(|env| match env.body {
            Request::Ping => Some(vec![(env.id, Response::Pong)]),
            other => panic!("a 4.0 daemon was sent {other:?}"),
        }),
    );
    let config = ClientConfig::default();
    let err =
        BlockingClient::connect_and_request(&daemon.path, &config, Request::Why("bash".into()))
            .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Unsupported {
                request: "why",
                since: (4, 1),
                daemon_protocol: (4, 0)
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no 'why' request"), "{err}");
    // The fake serves one connection: take it with a client that asks in several steps.
    let daemon = restart(daemon);
    let mut client = BlockingClient::connect(&daemon.path, &config).expect("connect");
    assert!(!client
        .session()
        .supports(&Request::Audit(AuditRequest::default())));
    let err = client
        .request(Request::Audit(AuditRequest::default()))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Unsupported {
                request: "audit",
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .request_many(vec![Request::Ping, Request::Why("x".into())])
        .unwrap_err();
    assert!(matches!(err, ClientError::Unsupported { .. }), "{err:?}");
    // Nothing was sent, and the connection still serves.
    client.ping().expect("ping");
    drop(client);
    let seen = daemon.thread.join().expect("fake");
    let names: Vec<&str> = seen.iter().map(|e| e.body.name()).collect();
    assert_eq!(names, ["hello", "ping"]);
}

/// The first fake (one connection, already used) ends; another takes its place.
fn restart(old: fake::Fake) -> fake::Fake {
    let seen = old.thread.join().expect("fake");
    let names: Vec<&str> = seen.iter().map(|e| e.body.name()).collect();
    assert_eq!(
        names,
        ["hello"],
        "only the handshake reached the 4.0 daemon"
    );
    fake::start_speaking(
        v4_0::PROTOCOL,
        Box::new(|env| match env.body {
            Request::Ping => Some(vec![(env.id, Response::Pong)]),
            other => panic!("a 4.0 daemon was sent {other:?}"),
        }),
    )
}

/// A 4.1 daemon is asked the new requests, after its `Welcome` (not pipelined behind the
/// `Hello`: the client cannot know the daemon's version before).
#[test]
fn a_4_1_client_asks_a_4_1_daemon_after_the_welcome() {
    let server = TestServer::start(ServerConfig::default());
    let (client, answer) = BlockingClient::connect_and_request(
        &server.path,
        &ClientConfig::default(),
        Request::Why("readline".into()),
    )
    .expect("why");
    assert!(client.session().supports(&Request::Why(String::new())));
    match answer {
        Response::Why(r) => assert_eq!(r.name, "readline"),
        other => panic!("{other:?}"),
    }
}

fn complete(prefix: &str) -> Request {
    Request::Complete {
        prefix: prefix.into(),
        installed: true,
        limit: 10,
    }
}

/// 4.2's `Complete`: a 4.0 daemon could not decode it, a 4.1 daemon is never sent it (the
/// client answers `Unsupported` and sends nothing), a 4.2 daemon is asked after its
/// `Welcome` and answers with 4.0's `Suggestions`.
#[test]
fn complete_reaches_only_a_4_2_daemon() {
    let request = complete("fi");
    assert_eq!(request.since(), (4, 2));
    let bytes = encode_request(3, request.clone());
    assert!(v4_0::decode_request(&bytes).is_err());
    assert_eq!(decode_request(&bytes).expect("decodes").body, request);

    let daemon = fake::start_speaking(
        (4, 1),
        Box::new(|env| match env.body {
            Request::Ping => Some(vec![(env.id, Response::Pong)]),
            other => panic!("a 4.1 daemon was sent {other:?}"),
        }),
    );
    let config = ClientConfig::default();
    let mut client = BlockingClient::connect(&daemon.path, &config).expect("connect");
    assert!(client.session().supports(&Request::Why(String::new())));
    assert!(!client.session().supports(&request));
    let err = client.request(request.clone()).unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Unsupported {
                request: "complete",
                since: (4, 2),
                daemon_protocol: (4, 1)
            }
        ),
        "{err:?}"
    );
    client.ping().expect("ping");
    drop(client);
    let seen = daemon.thread.join().expect("fake");
    let names: Vec<&str> = seen.iter().map(|e| e.body.name()).collect();
    assert_eq!(names, ["hello", "ping"]);

    let server = TestServer::start(ServerConfig::default());
    let (client, answer) =
        BlockingClient::connect_and_request(&server.path, &config, complete("fo"))
            .expect("complete");
    assert_eq!(client.session().protocol, PROTOCOL_VERSION);
    assert_eq!(answer, Response::Suggestions(vec!["fo".to_string(); 10]));
}

fn search_aur() -> Request {
    Request::SearchAur {
        query: SearchQuery::new("vim").with_limit(3),
        aur_only: false,
    }
}

/// `pipeline_newer`: 4.3's `SearchAur` goes behind the `Hello` in one write. A current
/// daemon answers it in that round trip; a 4.2 daemon, which cannot decode it, answers on
/// the connection's id (as omgd does with a frame it cannot decode), and the client says
/// `Unsupported`, as without the option (where the 4.2 daemon is never sent it).
#[test]
fn pipeline_newer_sends_a_newer_request_behind_the_hello_and_an_older_daemon_refuses_it() {
    let config = ClientConfig {
        pipeline_newer: true,
        ..ClientConfig::default()
    };
    let daemon = fake::start_speaking(
        (4, 2),
        Box::new(|env| match env.body {
            Request::SearchAur { .. } => Some(vec![(
                0,
                Response::InvalidRequest("the frame does not decode".into()),
            )]),
            other => panic!("unexpected {other:?}"),
        }),
    );
    let err = BlockingClient::connect_and_request(&daemon.path, &config, search_aur())
        .map(|(_, answer)| answer)
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Unsupported {
                request: "search-aur",
                since: (4, 3),
                daemon_protocol: (4, 2)
            }
        ),
        "{err:?}"
    );
    let seen = daemon.thread.join().expect("fake");
    let names: Vec<&str> = seen.iter().map(|e| e.body.name()).collect();
    assert_eq!(names, ["hello", "search-aur"]);

    // Without the option the 4.2 daemon is never sent it.
    let daemon = fake::start_speaking(
        (4, 2),
        Box::new(|env| panic!("a 4.2 daemon was sent {:?}", env.body)),
    );
    let err =
        BlockingClient::connect_and_request(&daemon.path, &ClientConfig::default(), search_aur())
            .map(|(_, answer)| answer)
            .unwrap_err();
    assert!(matches!(err, ClientError::Unsupported { .. }), "{err:?}");
    drop(err);
    let seen = daemon.thread.join().expect("fake");
    let names: Vec<&str> = seen.iter().map(|e| e.body.name()).collect();
    assert_eq!(names, ["hello"]);

    // A current daemon answers it.
    let daemon = fake::start(Box::new(|env| match env.body {
        Request::SearchAur { .. } => Some(vec![(
            env.id,
            Response::SearchAur {
                results: SearchResults::default(),
                aur: Vec::new(),
            },
        )]),
        other => panic!("unexpected {other:?}"),
    }));
    let (_, answer) =
        BlockingClient::connect_and_request(&daemon.path, &config, search_aur()).expect("answer");
    assert_eq!(
        answer,
        Response::SearchAur {
            results: SearchResults::default(),
            aur: Vec::new(),
        }
    );
}
