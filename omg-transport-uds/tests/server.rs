//! The server over real sockets: handshake, pipelining, malformed input, bounds.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::raw::Raw;
use common::{search, total, wait_until, TestHandler, TestServer};
use omg_ports::ListKind;
use omg_transport_uds::{
    BlockingClient, ClientConfig, ClientError, Request, Response, ServerConfig, CONNECTION_ID,
    MAGIC, PROTOCOL_VERSION,
};

#[test]
fn handshake_succeeds_and_reports_the_daemon() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    assert_eq!(client.session().protocol, PROTOCOL_VERSION);
    assert_eq!(client.daemon().daemon_version, "test-daemon");
    assert_eq!(client.daemon().index_generation, 7);
    client.ping().unwrap();
}

#[test]
fn unknown_major_is_incompatible_and_closed() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::connect(&server.path);
    raw.send(
        1,
        Request::Hello {
            magic: MAGIC,
            protocol: (PROTOCOL_VERSION.0 + 1, 0),
            client_version: "future".into(),
        },
    );
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, 1);
    match answer.body {
        Response::Incompatible {
            daemon_protocol,
            reason,
        } => {
            assert_eq!(daemon_protocol, PROTOCOL_VERSION);
            assert!(reason.contains("upgrade"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(raw.closed());
}

#[test]
fn wrong_magic_is_incompatible_and_closed() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::connect(&server.path);
    raw.send(
        9,
        Request::Hello {
            magic: 0xdead_beef,
            protocol: PROTOCOL_VERSION,
            client_version: "x".into(),
        },
    );
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, 9);
    assert!(
        matches!(answer.body, Response::Incompatible { ref reason, .. } if reason.contains("magic"))
    );
    assert!(raw.closed());
}

#[test]
fn a_request_before_hello_is_refused_and_closed() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::connect(&server.path);
    raw.send(3, Request::Ping);
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, 3);
    assert!(matches!(answer.body, Response::InvalidRequest(ref m) if m.contains("Hello")));
    assert!(raw.closed());
}

#[test]
fn garbage_instead_of_hello_is_refused_and_closed() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::connect(&server.path);
    raw.send_payload(&[0xff; 7]);
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, CONNECTION_ID);
    assert!(matches!(answer.body, Response::InvalidRequest(_)));
    assert!(raw.closed());
}

#[test]
fn hello_twice_is_an_invalid_request() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send(2, Request::hello("again"));
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, 2);
    assert!(matches!(answer.body, Response::InvalidRequest(_)));
    raw.send(3, Request::Ping);
    assert_eq!(raw.recv().unwrap().body, Response::Pong);
}

#[test]
fn first_request_pipelined_behind_hello() {
    let server = TestServer::start(ServerConfig::default());
    let (mut client, first) =
        BlockingClient::connect_and_request(&server.path, &ClientConfig::default(), search("abc"))
            .unwrap();
    assert_eq!(total(&first), 3);
    assert_eq!(client.daemon().daemon_version, "test-daemon");
    let info = client
        .request(Request::Info(vec!["missing-x".into()]))
        .unwrap();
    assert!(matches!(info, Response::NotFound { ref name, .. } if name == "missing-x"));
    let err = info.into_result().unwrap_err();
    assert!(matches!(err, omg_ports::Error::NotFound { .. }));
}

#[test]
fn every_request_kind_is_answered() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let answers = client
        .request_many(vec![
            search("hello"),
            Request::Info(vec!["a".into(), "b".into()]),
            Request::List(ListKind::Explicit),
            Request::Status,
            Request::Suggest {
                prefix: "fi".into(),
                limit: 2,
            },
            Request::Ping,
            Request::Stats,
            Request::Invalidate,
        ])
        .unwrap();
    assert_eq!(total(&answers[0]), 5);
    assert!(matches!(&answers[1], Response::Packages(p) if p.len() == 2 && p[1].name == "b"));
    assert!(matches!(&answers[2], Response::List(l) if l.len() == 3));
    assert!(matches!(&answers[3], Response::Status(_)));
    assert_eq!(
        answers[4],
        Response::Suggestions(vec!["fi".into(), "fi".into()])
    );
    assert_eq!(answers[5], Response::Pong);
    assert!(matches!(&answers[6], Response::Stats(_)));
    assert_eq!(
        answers[7],
        Response::Invalidated {
            index_generation: 8
        }
    );
}

#[test]
fn pipelined_answers_come_out_of_order_with_their_ids() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send(2, search("gate"));
    raw.send(3, Request::Ping);
    raw.send(4, search("four"));
    // Request 2 cannot finish before the gate opens, so 3 and 4 overtake it.
    let mut early = [raw.recv().unwrap(), raw.recv().unwrap()];
    early.sort_by_key(|e| e.id);
    assert_eq!(early[0].id, 3);
    assert_eq!(early[0].body, Response::Pong);
    assert_eq!(early[1].id, 4);
    assert_eq!(total(&early[1].body), 4);
    server.handler.release(1);
    let late = raw.recv().unwrap();
    assert_eq!(late.id, 2);
    assert_eq!(total(&late.body), 4);
}

#[test]
fn request_many_matches_out_of_order_answers() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let delays = [60u64, 0, 30, 5, 45, 0, 15];
    let requests = delays
        .iter()
        .map(|d| search(&format!("delay:{d}")))
        .collect();
    let answers = client.request_many(requests).unwrap();
    let totals: Vec<usize> = answers.iter().map(total).collect();
    assert_eq!(
        totals,
        delays.iter().map(|&d| d as usize).collect::<Vec<_>>()
    );
}

#[test]
fn request_many_in_small_windows() {
    let server = TestServer::start(ServerConfig::default());
    let config = ClientConfig {
        pipeline_window: 3,
        ..ClientConfig::default()
    };
    let mut client = BlockingClient::connect(&server.path, &config).unwrap();
    let requests = (0..20).map(|i| search(&"x".repeat(i))).collect();
    let answers = client.request_many(requests).unwrap();
    assert_eq!(
        answers.iter().map(total).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
}

#[test]
fn malformed_frame_gets_invalid_request_and_the_connection_goes_on() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send_payload(b"this is not bitcode");
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, CONNECTION_ID);
    assert!(matches!(answer.body, Response::InvalidRequest(ref m) if m.contains("decode")));
    raw.send_payload(&[]);
    assert!(matches!(
        raw.recv().unwrap().body,
        Response::InvalidRequest(_)
    ));
    raw.send(5, Request::Ping);
    let answer = raw.recv().unwrap();
    assert_eq!((answer.id, answer.body), (5, Response::Pong));
}

#[test]
fn reserved_id_zero_is_refused() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send(CONNECTION_ID, Request::Ping);
    assert!(
        matches!(raw.recv().unwrap().body, Response::InvalidRequest(ref m) if m.contains("reserved"))
    );
}

#[test]
fn oversized_length_gets_an_error_frame_then_close() {
    let config = ServerConfig {
        max_frame: 1024,
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut raw = Raw::handshake(&server.path);
    raw.send_bytes(&[0xff, 0xff, 0xff, 0xff]);
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, CONNECTION_ID);
    assert!(matches!(answer.body, Response::InvalidRequest(ref m) if m.contains("exceeds")));
    assert!(raw.closed());
}

#[test]
fn other_clients_are_unaffected_by_a_bad_one() {
    let server = TestServer::start(ServerConfig::default());
    let mut good = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let mut bad = Raw::handshake(&server.path);
    for i in 0..50u8 {
        bad.send_payload(&[i; 13]);
        good.ping().unwrap();
    }
    bad.send_bytes(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    let mut half = Raw::connect(&server.path);
    half.send_bytes(&[0, 0, 0, 50, 1, 2]);
    drop(half);
    for _ in 0..10 {
        good.ping().unwrap();
    }
    let mut another = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    another.ping().unwrap();
}

#[test]
fn a_panicking_handler_answers_internal_and_the_connection_goes_on() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let answer = client.request(search("panic")).unwrap();
    assert!(
        matches!(answer, Response::Internal(ref m) if m.contains("bug")),
        "{answer:?}"
    );
    client.ping().unwrap();
}

#[test]
fn answers_above_the_frame_limit_become_internal_errors() {
    let handler = TestHandler {
        list_size: 1000,
        ..TestHandler::default()
    };
    let config = ServerConfig {
        max_frame: 4096,
        ..ServerConfig::default()
    };
    let server = TestServer::start_with(handler, config);
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let answer = client.request(Request::List(ListKind::Installed)).unwrap();
    assert!(
        matches!(answer, Response::Internal(ref m) if m.contains("frame limit")),
        "{answer:?}"
    );
    client.ping().unwrap();
}

#[test]
fn a_half_closed_client_gets_its_answers() {
    let server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send(2, search("delay:20"));
    raw.send(3, Request::Ping);
    raw.stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut ids = vec![raw.recv().unwrap().id, raw.recv().unwrap().id];
    ids.sort();
    assert_eq!(ids, vec![2, 3]);
    assert!(raw.closed());
}

#[test]
fn per_connection_bound_stops_reading() {
    let config = ServerConfig {
        per_connection_in_flight: 2,
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut raw = Raw::handshake(&server.path);
    for id in 2..8 {
        raw.send(id, search("gate"));
    }
    wait_until("two requests in flight", || server.handler.in_flight() == 2);
    let mut ids = Vec::new();
    for _ in 2..8 {
        server.handler.release(1);
        ids.push(raw.recv().unwrap().id);
    }
    ids.sort();
    assert_eq!(ids, (2..8).collect::<Vec<_>>());
    assert_eq!(server.handler.max_in_flight.load(Ordering::SeqCst), 2);
}

#[test]
fn global_bound_answers_overloaded_and_clients_retry() {
    let config = ServerConfig {
        global_in_flight: 1,
        overload_retry_after_ms: 10,
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut holder = Raw::handshake(&server.path);
    holder.send(2, search("gate"));
    wait_until("the gated request in flight", || {
        server.handler.in_flight() == 1
    });

    let mut other = Raw::handshake(&server.path);
    other.send(2, Request::Ping);
    let answer = other.recv().unwrap();
    assert_eq!(answer.id, 2);
    assert_eq!(answer.body, Response::Overloaded { retry_after_ms: 10 });

    // A client that retries gets through once the gate opens.
    let path = server.path.clone();
    let retrying = std::thread::spawn(move || {
        let config = ClientConfig {
            overload_retries: 1000,
            max_retry_wait: Duration::from_millis(10),
            ..ClientConfig::default()
        };
        let mut client = BlockingClient::connect(&path, &config).unwrap();
        client.request(search("after")).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    server.handler.release(1);
    assert_eq!(total(&holder.recv().unwrap().body), 4);
    assert_eq!(total(&retrying.join().unwrap()), 5);
}

#[test]
fn a_disallowed_uid_is_refused_with_permission_denied() {
    let config = ServerConfig {
        allowed_uids: vec![4_000_000],
        allow_root: false,
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let err = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap_err();
    match err {
        ClientError::PermissionDenied(m) => assert!(m.contains("may not use"), "{m}"),
        other => panic!("{other:?}"),
    }
    let err =
        BlockingClient::connect_and_request(&server.path, &ClientConfig::default(), Request::Ping)
            .unwrap_err();
    assert!(matches!(err, ClientError::PermissionDenied(_)), "{err:?}");
}
