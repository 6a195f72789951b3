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

/// Whether `stream` is closed by the other end within `wait`: end of stream, or a reset.
fn closed_within(stream: &UnixStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).expect("timeout");
    let mut s = stream;
    match blocking::read_frame(&mut s, DEFAULT_MAX_FRAME) {
        Ok(None) => true,
        Ok(Some(frame)) => panic!("an idle connection got a frame of {} bytes", frame.len()),
        Err(e) => !e.is_timeout(),
    }
}

/// `[daemon] idle_secs` (here 1 s, by `OMG_DAEMON_IDLE_SECS`; 60 s by default): omgd closes a
/// connection idle that long after its handshake and keeps one that keeps asking.
#[test]
fn an_idle_connection_is_closed_after_the_configured_time() {
    let fx = Fixture::new();
    let daemon = fx.spawn_with(
        1,
        &fx.socket(),
        Some(&fx.state()),
        &[("OMG_DAEMON_IDLE_SECS", std::path::Path::new("1"))],
    );
    daemon.wait_ready();
    let idle = idle_client(&fx.socket());
    let mut busy = daemon.client();
    assert!(
        !closed_within(&idle, Duration::from_millis(200)),
        "closed long before its idle time"
    );
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(2500) {
        busy.ping().expect("a connection in use is kept");
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(
        closed_within(&idle, Duration::from_secs(10)),
        "an idle connection was kept past idle_secs"
    );
    busy.ping().expect("a connection in use is kept");
    assert!(daemon.terminate().success());
}
