//! Idle clients cannot lock the others out: with more idle connections than omgd serves at
//! once (1,024) and than the usual open-file limit allows, a new client is still served.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::Fixture;
use omg_transport_uds::frame::{append_frame, blocking};
use omg_transport_uds::message::{decode_response, encode_request};
use omg_transport_uds::{Request, Response, DEFAULT_MAX_FRAME};

/// Raises this process's soft open-file limit to its hard limit.
fn raise_nofile() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the struct passed.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    lim.rlim_cur
}

/// A connection that completed the handshake and then says nothing.
fn idle_client(socket: &std::path::Path) -> UnixStream {
    let mut stream = UnixStream::connect(socket).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut frame = Vec::new();
    append_frame(
        &mut frame,
        &encode_request(1, Request::hello("idle")),
        DEFAULT_MAX_FRAME,
    )
    .expect("frame");
    stream.write_all(&frame).expect("hello");
    let payload = blocking::read_frame(&mut stream, DEFAULT_MAX_FRAME)
        .expect("read")
        .expect("welcome");
    let welcome = decode_response(&payload).expect("decode");
    assert!(
        matches!(welcome.body, Response::Welcome { .. }),
        "{:?}",
        welcome.body.name()
    );
    stream
}

#[test]
fn idle_connections_give_way_to_a_new_client() {
    const IDLE: usize = 1_100;
    let limit = raise_nofile();
    assert!(
        limit > IDLE as u64 + 64,
        "this test needs an open-file limit above {IDLE} (hard limit {limit})"
    );
    let fx = Fixture::new();
    let daemon = fx.start(1);
    let idle: Vec<UnixStream> = (0..IDLE).map(|_| idle_client(&fx.socket())).collect();
    // A new client is served...
    daemon.client().ping().expect("a new client is served");
    // ...because the longest idle connections were closed to make room: the first ones.
    let evicted = IDLE + 1 - 1024;
    let closed = idle
        .iter()
        .take(evicted)
        .filter(|s| {
            s.set_read_timeout(Some(Duration::from_millis(200))).ok();
            let mut s = *s;
            matches!(
                blocking::read_frame(&mut s, DEFAULT_MAX_FRAME),
                Ok(None) | Err(_)
            )
        })
        .count();
    assert!(
        closed >= IDLE - 1024,
        "only {closed} idle connections closed"
    );
    assert!(daemon.terminate().success());
}
