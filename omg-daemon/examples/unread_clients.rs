//! What clients that never read cost a running omgd: `CLIENTS` connections each pipeline
//! `REQUESTS` searches and read no answer; omgd's resident size (VmRSS, found through the
//! socket's SO_PEERCRED pid) is sampled meanwhile. Prints the peak, then closes everything.
//!
//! Usage: `unread_clients --socket PATH [--clients 8] [--requests 10000] [--query lib]`

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use omg::SearchQuery;
use omg_transport_uds::frame::append_frame;
use omg_transport_uds::message::encode_request;
use omg_transport_uds::socket::peer_pid;
use omg_transport_uds::{Request, DEFAULT_MAX_FRAME};

fn main() -> ExitCode {
    let mut socket = None;
    let (mut clients, mut requests, mut query) = (8usize, 10_000u64, "lib".to_string());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--socket" => socket = Some(PathBuf::from(value)),
            "--clients" => clients = value.parse().unwrap_or(clients),
            "--requests" => requests = value.parse().unwrap_or(requests),
            "--query" => query = value,
            _ => {
                eprintln!(
                    "usage: unread_clients --socket PATH [--clients N] [--requests N] [--query Q]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(socket) = socket else {
        eprintln!("unread_clients: --socket PATH is required");
        return ExitCode::from(2);
    };
    let probe = UnixStream::connect(&socket).expect("connect");
    let pid = peer_pid(&probe).expect("omgd's pid");
    let before = rss_kib(pid);
    let senders: Vec<_> = (0..clients)
        .map(|c| {
            let (socket, query) = (socket.clone(), query.clone());
            std::thread::spawn(move || send_unread(&socket, &query, requests, c))
        })
        .collect();
    let started = Instant::now();
    let mut peak = before;
    while started.elapsed() < Duration::from_secs(10) {
        peak = peak.max(rss_kib(pid));
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "omgd pid {pid}: VmRSS {} MiB before, peak {} MiB with {clients} clients x {requests} \
         unread searches for {query:?}",
        before / 1024,
        peak / 1024
    );
    // The senders are blocked on full sockets (omgd stopped reading): ending the process
    // closes their connections.
    drop((probe, senders));
    ExitCode::SUCCESS
}

/// Connects, says Hello, and writes `requests` searches without reading anything.
fn send_unread(socket: &Path, query: &str, requests: u64, client: usize) {
    let mut stream = UnixStream::connect(socket).expect("connect");
    let mut frame = Vec::new();
    let hello = encode_request(1, Request::hello(format!("unread-{client}")));
    append_frame(&mut frame, &hello, DEFAULT_MAX_FRAME).expect("frame");
    for id in 2..2 + requests {
        let search = Request::Search(SearchQuery::new(query));
        append_frame(&mut frame, &encode_request(id, search), DEFAULT_MAX_FRAME).expect("frame");
    }
    // One write; it blocks once omgd stops reading, until the process ends.
    let _ = stream.write_all(&frame);
}

/// VmRSS of `pid` in KiB (0 when it cannot be read).
fn rss_kib(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
