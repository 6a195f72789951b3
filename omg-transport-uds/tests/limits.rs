//! What one client can cost omgd: answers it does not read (bounded memory), a connection it
//! leaves idle (closed after a while), and every connection slot taken by idle clients (the
//! longest idle gives way to a new client).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::raw::Raw;
use common::{search, TestHandler, TestServer};
use omg_ports::ListKind;
use omg_transport_uds::{
    BlockingClient, ClientConfig, ClientError, Request, Response, ServerConfig,
};

/// A client pipelines many requests with large answers and reads none: omgd stops reading
/// its requests once the unsent answers pass `max_unsent`, instead of answering them all
/// into memory; when the client reads, every answer arrives.
#[test]
fn unread_answers_stop_the_reading_of_requests() {
    const REQUESTS: u64 = 600;
    let handler = TestHandler {
        // About 100 KB an answer: all of them would be some 60 MB.
        list_size: 1_500,
        ..TestHandler::default()
    };
    let config = ServerConfig {
        max_unsent: 1024 * 1024,
        write_timeout: Duration::from_secs(60),
        ..ServerConfig::default()
    };
    let server = TestServer::start_with(handler, config);
    let mut raw = Raw::handshake(&server.path);
    let mut sender = Raw {
        stream: raw.stream.try_clone().expect("clone"),
    };
    // Blocks once omgd stops reading: on its own thread.
    let sending = std::thread::spawn(move || {
        for id in 2..2 + REQUESTS {
            sender.send(id, Request::List(ListKind::Installed));
        }
    });
    // Wait until omgd stops answering.
    let handled = || server.handler.handled.load(Ordering::SeqCst);
    let mut last = (handled(), Instant::now());
    while last.1.elapsed() < Duration::from_millis(500) {
        std::thread::sleep(Duration::from_millis(20));
        if handled() != last.0 {
            last = (handled(), Instant::now());
        }
    }
    // 1 MiB of unsent answers, plus what the kernel's socket buffers hold, plus the
    // requests in flight: far below the 600 asked.
    assert!(
        last.0 < 100,
        "omgd answered {} requests nobody read (bound: about 1 MiB of answers)",
        last.0
    );
    let mut seen = 0;
    while seen < REQUESTS {
        let answer = raw.recv().expect("an answer");
        assert!(
            matches!(answer.body, Response::List(ref l) if l.len() == 1_500),
            "{:?}",
            answer.body.name()
        );
        seen += 1;
    }
    sending.join().expect("sender");
}

/// A connection with nothing to do is closed after `idle_timeout`; a busy one is not.
#[test]
fn an_idle_connection_is_closed() {
    let config = ServerConfig {
        idle_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut busy = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    // A request running longer than the idle timeout keeps its connection.
    let answer = busy.request(search("delay:500")).unwrap();
    assert!(matches!(answer, Response::Search(_)), "{answer:?}");
    let mut idle = Raw::handshake(&server.path);
    let start = Instant::now();
    assert!(idle.closed(), "omgd kept an idle connection");
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "closed after {waited:?}"
    );
}

/// With every slot taken by idle clients, a new client is served and the longest idle
/// connection closed; with every slot busy, the new client is told `Overloaded`.
#[test]
fn a_new_client_takes_the_place_of_the_longest_idle() {
    let config = ServerConfig {
        max_connections: 2,
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut oldest = Raw::handshake(&server.path);
    std::thread::sleep(Duration::from_millis(20));
    let mut younger = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    let mut newcomer = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    newcomer.ping().unwrap();
    assert!(oldest.closed(), "the longest idle connection stays open");
    younger.ping().unwrap();

    // Both slots busy (a request each held at the gate): no one gives way.
    let mut first = Raw::handshake(&server.path);
    // The newcomer's and younger's connections: one of them is closed to admit `first`.
    first.send(2, search("gate"));
    let mut second = Raw::handshake(&server.path);
    second.send(2, search("gate"));
    common::wait_until("both requests in flight", || {
        server.handler.in_flight() == 2
    });
    let err = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Rejected {
                kind: "overloaded",
                ..
            }
        ),
        "{err:?}"
    );
    server.handler.release(2);
    assert_eq!(first.recv().expect("answer").id, 2);
    assert_eq!(second.recv().expect("answer").id, 2);
}
