//! IPC benchmark against a running omgd: round trips on one kept connection, pipelined
//! throughput, and 1,000 concurrent clients. Prints a markdown summary.
//!
//! Usage: `ipc_bench --socket PATH [--secs N] [--query TERM]`
//! (`--secs`: duration of each pipelined-throughput run, default 3).
//! `ipc_bench --socket PATH --stats` prints omgd's counters (`requests hits misses`) and exits.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use omg::SearchQuery;
use omg_transport_uds::{AsyncClient, BlockingClient, ClientConfig, Request, Response};

const ROUND_TRIPS: usize = 20_000;
const WARMUP: usize = 2_000;
const BATCH: usize = 64;
const CLIENTS: usize = 1_000;
const PER_CLIENT: usize = 100;
/// Our own retries of `Overloaded` (the client's are switched off so they can be counted).
const OVERLOAD_RETRIES: u32 = 100;

struct Opts {
    socket: PathBuf,
    secs: u64,
    query: String,
    stats: bool,
}

fn parse() -> Result<Opts, String> {
    let mut socket = None;
    let mut secs = 3;
    let mut query = "python".to_string();
    let mut stats = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--socket" => socket = Some(PathBuf::from(value()?)),
            "--secs" => secs = value()?.parse().map_err(|e| format!("--secs: {e}"))?,
            "--query" => query = value()?,
            "--stats" => stats = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Opts {
        socket: socket.ok_or("--socket PATH is required")?,
        secs: secs.max(1),
        query,
        stats,
    })
}

fn main() -> ExitCode {
    let opts = match parse() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("ipc_bench: {e}");
            }
            eprintln!("usage: ipc_bench --socket PATH [--secs N] [--query TERM] [--stats]");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ipc_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn search(term: &str) -> Request {
    Request::Search(SearchQuery::new(term).with_limit(20))
}

fn expected(r: &Response) -> bool {
    matches!(r, Response::Pong | Response::Search(_))
}

fn run(opts: &Opts) -> Result<bool, Box<dyn std::error::Error>> {
    let config = ClientConfig::default().with_timeout(Duration::from_secs(30));
    let mut client = BlockingClient::connect(&opts.socket, &config)?;
    if opts.stats {
        return match client.request(Request::Stats)? {
            Response::Stats(s) => {
                println!("{} {} {}", s.requests, s.cache_hits, s.cache_misses);
                Ok(true)
            }
            other => Err(format!("unexpected answer: {}", other.name()).into()),
        };
    }
    let daemon = client.daemon().clone();
    let packages = match client.request(Request::Stats)? {
        Response::Stats(s) => s.packages,
        _ => 0,
    };
    println!(
        "## omgd IPC benchmark\n\nomgd {} · backend {} · {packages} packages · search `{}` (limit 20)\n",
        daemon.daemon_version, daemon.backend.name, opts.query
    );

    // (a) Round trips on one kept connection.
    println!("### Round trip, one kept connection ({ROUND_TRIPS} each, after {WARMUP} warm-up)\n");
    println!("| request | p50 µs | p90 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|");
    for (label, request) in [
        ("Ping", Request::Ping),
        ("Search (cached)", search(&opts.query)),
    ] {
        for _ in 0..WARMUP {
            check(client.request(request.clone())?)?;
        }
        let mut lat = Vec::with_capacity(ROUND_TRIPS);
        for _ in 0..ROUND_TRIPS {
            let t = Instant::now();
            let r = client.request(request.clone())?;
            lat.push(t.elapsed().as_nanos() as u64);
            check(r)?;
        }
        lat.sort_unstable();
        println!(
            "| {label} | {:.1} | {:.1} | {:.1} | {:.1} |",
            us(pct(&lat, 50.0)),
            us(pct(&lat, 90.0)),
            us(pct(&lat, 99.0)),
            us(*lat.last().unwrap_or(&0))
        );
    }

    // (b) Pipelined throughput.
    println!(
        "\n### Pipelined throughput, one connection (request_many batches of {BATCH}, {} s each)\n",
        opts.secs
    );
    println!("| request | requests/s |\n|---|---:|");
    for (label, request) in [
        ("Ping", Request::Ping),
        ("Search (cached)", search(&opts.query)),
    ] {
        let batch = vec![request; BATCH];
        let until = Duration::from_secs(opts.secs);
        let start = Instant::now();
        let mut done = 0u64;
        while start.elapsed() < until {
            for r in client.request_many(batch.clone())? {
                check(r)?;
            }
            done += BATCH as u64;
        }
        println!(
            "| {label} | {:.0} |",
            done as f64 / start.elapsed().as_secs_f64()
        );
    }
    drop(client);

    // (c) Many concurrent clients.
    let limit = raise_nofile(CLIENTS as u64 + 256);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(concurrent(opts.socket.clone(), opts.query.clone()));
    println!(
        "\n### {CLIENTS} concurrent clients × {PER_CLIENT} requests (alternating Ping / cached Search; AsyncClient, multi-thread runtime, {} workers)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("open-files soft limit: {limit}\n");
    println!(
        "| requests | errors | Overloaded (retried) | p50 µs | p99 µs | max µs | total s | requests/s |\n|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut lat = outcome.latencies;
    lat.sort_unstable();
    println!(
        "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.3} | {:.0} |",
        lat.len(),
        outcome.errors,
        outcome.overloaded,
        us(pct(&lat, 50.0)),
        us(pct(&lat, 99.0)),
        us(*lat.last().unwrap_or(&0)),
        outcome.total.as_secs_f64(),
        lat.len() as f64 / outcome.total.as_secs_f64()
    );
    if let Some(e) = &outcome.first_error {
        println!("\nfirst error: {e}");
    }
    Ok(outcome.errors == 0)
}

fn check(r: Response) -> Result<(), String> {
    if expected(&r) {
        Ok(())
    } else {
        Err(format!("unexpected answer: {}", r.name()))
    }
}

struct Outcome {
    latencies: Vec<u64>,
    errors: u64,
    overloaded: u64,
    total: Duration,
    first_error: Option<String>,
}

struct ClientOutcome {
    latencies: Vec<u64>,
    errors: u64,
    overloaded: u64,
    first_error: Option<String>,
}

async fn concurrent(socket: PathBuf, query: String) -> Outcome {
    let config = ClientConfig {
        overload_retries: 0,
        ..ClientConfig::default().with_timeout(Duration::from_secs(60))
    };
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let (socket, config, query) = (socket.clone(), config.clone(), query.clone());
        tasks.push(tokio::spawn(async move {
            one_client(&socket, &config, &query).await
        }));
    }
    let mut out = Outcome {
        latencies: Vec::with_capacity(CLIENTS * PER_CLIENT),
        errors: 0,
        overloaded: 0,
        total: Duration::ZERO,
        first_error: None,
    };
    for t in tasks {
        match t.await {
            Ok(c) => {
                out.latencies.extend(c.latencies);
                out.errors += c.errors;
                out.overloaded += c.overloaded;
                if out.first_error.is_none() {
                    out.first_error = c.first_error;
                }
            }
            Err(e) => {
                out.errors += PER_CLIENT as u64;
                out.first_error.get_or_insert(format!("task failed: {e}"));
            }
        }
    }
    out.total = start.elapsed();
    out
}

async fn one_client(socket: &std::path::Path, config: &ClientConfig, query: &str) -> ClientOutcome {
    let mut out = ClientOutcome {
        latencies: Vec::with_capacity(PER_CLIENT),
        errors: 0,
        overloaded: 0,
        first_error: None,
    };
    let client = match AsyncClient::connect(socket, config).await {
        Ok(c) => c,
        Err(e) => {
            out.errors = PER_CLIENT as u64;
            out.first_error = Some(format!("connect: {e}"));
            return out;
        }
    };
    for i in 0..PER_CLIENT {
        let request = if i % 2 == 0 {
            Request::Ping
        } else {
            search(query)
        };
        let t = Instant::now();
        let mut attempt = 0;
        let result = loop {
            match client.request(request.clone()).await {
                Ok(Response::Overloaded { retry_after_ms }) if attempt < OVERLOAD_RETRIES => {
                    attempt += 1;
                    out.overloaded += 1;
                    tokio::time::sleep(config.retry_wait(retry_after_ms)).await;
                }
                other => break other,
            }
        };
        out.latencies.push(t.elapsed().as_nanos() as u64);
        match result {
            Ok(r) if expected(&r) => {}
            Ok(r) => {
                out.errors += 1;
                out.first_error
                    .get_or_insert(format!("answer {}", r.name()));
            }
            Err(e) => {
                out.errors += 1;
                out.first_error.get_or_insert(e.to_string());
            }
        }
    }
    out
}

/// Raise the soft RLIMIT_NOFILE to at least `want` (capped by the hard limit); returns the
/// soft limit in effect.
fn raise_nofile(want: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read or write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        if lim.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want.min(lim.rlim_max),
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
    }
    lim.rlim_cur
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(ns: u64) -> f64 {
    ns as f64 / 1000.0
}
