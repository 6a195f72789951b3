//! Cache-missing searches against a running omgd, timed inside one kept connection: each
//! term of a file is searched once (limit 20), so every answer is computed, not cached. The
//! round trip of a `Ping` on the same connection is the floor (framing, two wake-ups); what
//! a miss costs above it is omgd's own time for the search.
//!
//! Usage: `miss_bench --socket PATH --terms FILE [--limit N] [--ask search|text|aur]` (one
//! term per line). `--ask` is what is sent: `Search` (the hits; the default), `SearchText`
//! (the text, as `omg search` asks since protocol 4.5), or `SearchText` with the AUR (as
//! `omg search` on Arch asks). Prints a markdown table and checks with omgd's counters that
//! every search was a miss.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use omg::SearchQuery;
use omg_transport_uds::{BlockingClient, ClientConfig, Request, Response, TextOutput};

const PINGS: usize = 2_000;

struct Opts {
    socket: PathBuf,
    terms: PathBuf,
    limit: usize,
    ask: Ask,
}

/// What a search sends.
#[derive(Clone, Copy)]
enum Ask {
    Search,
    Text,
    Aur,
}

impl Ask {
    fn request(self, query: SearchQuery) -> Request {
        match self {
            Ask::Search => Request::Search(query),
            Ask::Text | Ask::Aur => Request::SearchText {
                query,
                aur: matches!(self, Ask::Aur).then_some(false),
                output: TextOutput::default(),
            },
        }
    }
}

fn parse() -> Result<Opts, String> {
    let (mut socket, mut terms, mut limit, mut ask) = (None, None, 20, Ask::Search);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--socket" => socket = Some(PathBuf::from(value()?)),
            "--terms" => terms = Some(PathBuf::from(value()?)),
            "--limit" => limit = value()?.parse().map_err(|e| format!("--limit: {e}"))?,
            "--ask" => {
                ask = match value()?.as_str() {
                    "search" => Ask::Search,
                    "text" => Ask::Text,
                    "aur" => Ask::Aur,
                    other => return Err(format!("--ask: search, text or aur, not {other}")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Opts {
        socket: socket.ok_or("--socket PATH is required")?,
        terms: terms.ok_or("--terms FILE is required")?,
        limit,
        ask,
    })
}

fn main() -> ExitCode {
    match parse().and_then(|o| run(&o).map_err(|e| e.to_string())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("miss_bench: {e}");
            eprintln!("usage: miss_bench --socket PATH --terms FILE [--limit N]");
            ExitCode::FAILURE
        }
    }
}

fn run(opts: &Opts) -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(&opts.terms)?;
    let terms: Vec<&str> = text.lines().filter(|t| !t.trim().is_empty()).collect();
    let config = ClientConfig::default().with_timeout(Duration::from_secs(30));
    let mut client = BlockingClient::connect(&opts.socket, &config)?;
    let before = counters(&mut client)?;

    let mut pings = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        let t = Instant::now();
        let r = client.request(Request::Ping)?;
        pings.push(t.elapsed());
        if !matches!(r, Response::Pong) {
            return Err(format!("unexpected answer to Ping: {}", r.name()).into());
        }
    }
    let mut misses = Vec::with_capacity(terms.len());
    let mut hits = 0u64;
    for term in &terms {
        let q = opts
            .ask
            .request(SearchQuery::new(*term).with_limit(opts.limit));
        let t = Instant::now();
        let r = client.request(q)?;
        misses.push(t.elapsed());
        match r {
            Response::Search(found) => hits += found.hits.len() as u64,
            // Two lines per package in a pipe, as pacman -Ss prints.
            Response::Text { stdout, .. } => hits += stdout.lines().count() as u64 / 2,
            Response::InvalidRequest(_) => {}
            other => return Err(format!("unexpected answer: {}", other.name()).into()),
        }
    }
    let cached = counters(&mut client)? - before;
    if cached != 0 {
        return Err(format!("{cached} of the searches were answered from the cache: use terms not asked before (a fresh omgd)").into());
    }
    pings.sort_unstable();
    misses.sort_unstable();
    println!(
        "{} distinct terms, limit {}, {hits} hits shown in all\n",
        terms.len(),
        opts.limit
    );
    println!("| round trip | p50 µs | p90 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|");
    for (label, times) in [("Ping", &pings), ("Search (miss)", &misses)] {
        println!(
            "| {label} | {:.1} | {:.1} | {:.1} | {:.1} |",
            us(pct(times, 50.0)),
            us(pct(times, 90.0)),
            us(pct(times, 99.0)),
            us(times.last().copied().unwrap_or_default())
        );
    }
    Ok(())
}

/// omgd's count of answers served from its cache.
fn counters(client: &mut BlockingClient) -> Result<u64, Box<dyn std::error::Error>> {
    match client.request(Request::Stats)? {
        Response::Stats(s) => Ok(s.cache_hits),
        other => Err(format!("unexpected answer to Stats: {}", other.name()).into()),
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
