//! Graceful shutdown: in-flight requests finish, then serve returns; past the grace they are
//! cut off.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::time::Duration;

use common::raw::Raw;
use common::{wait_until, TestServer};
use omg_ports::SearchQuery;
use omg_transport_uds::{BlockingClient, ClientConfig, Request, Response, ServerConfig};

#[test]
fn shutdown_finishes_an_in_flight_request() {
    let mut server = TestServer::start(ServerConfig::default());
    let mut raw = Raw::handshake(&server.path);
    raw.send(2, Request::Search(SearchQuery::new("gate")));
    wait_until("the request in flight", || server.handler.in_flight() == 1);
    server.begin_shutdown();
    // New connections are refused once the listener is gone.
    let path = server.path.clone();
    wait_until("the listener to close", || {
        BlockingClient::connect(&path, &ClientConfig::default()).is_err()
    });
    server.handler.release(1);
    let answer = raw.recv().unwrap();
    assert_eq!(answer.id, 2);
    assert!(matches!(answer.body, Response::Search(ref s) if s.total == 4));
    assert!(raw.closed());
    let report = server.stop();
    assert_eq!(report.aborted, 0);
}

#[test]
fn shutdown_cuts_off_requests_past_the_grace() {
    let config = ServerConfig {
        shutdown_grace: Duration::from_millis(100),
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let mut raw = Raw::handshake(&server.path);
    raw.send(2, Request::Search(SearchQuery::new("gate")));
    wait_until("the request in flight", || server.handler.in_flight() == 1);
    let report = server.stop();
    assert_eq!(report.aborted, 1);
    assert!(raw.closed());
}

#[test]
fn idle_connections_close_at_shutdown() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    client.ping().unwrap();
    let mut raw = Raw::handshake(&server.path);
    let report = server.stop();
    assert_eq!(report.aborted, 0);
    assert!(raw.closed());
    assert!(client.ping().is_err());
}
