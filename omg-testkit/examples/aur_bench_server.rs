//! A synthetic AUR for benchmarks (bench/aur.sh): omg-testkit's [`AurServer`] on
//! 127.0.0.1 with N generated records, serving the RPC v5 and the gzipped metadata dumps
//! until killed.
//!
//! The records are derived from a list of real package names (one per line, optionally
//! `name<TAB>version<TAB>description` as bench/fixture.sh writes them): each name with a
//! variant suffix (`-git`, `-bin`, ...; never the bare name, so none shadows a repository
//! package of the fixture), its description, a version in Arch form, and votes,
//! popularity, maintainers, licences and dependencies spread the way the AUR's are (most
//! packages with few votes, a few with thousands; some orphaned or out of date).
//!
//! ```text
//! cargo run --release -p omg-testkit --example aur_bench_server -- NAMES_FILE [N]
//! ```
//!
//! Prints one line, the base URL (`http://127.0.0.1:<port>`), once every record is in;
//! `--check` instead fetches the dump once, checks it is gzip holding N records, prints its
//! sizes and exits; `--tsv` prints the records as `name<TAB>version<TAB>description` lines
//! and exits (for in-process benchmarks such as omg-domain's `aur_search` example).

#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;

use omg_testkit::aur::{http_get, AurRecord, AurServer};

/// Variant suffixes, in the order rounds over the name list use them.
const SUFFIXES: &[&str] = &[
    "-git",
    "-bin",
    "-nightly",
    "-appimage",
    "-devel",
    "-lts",
    "-beta",
    "-static",
];

/// Licences, picked by index.
const LICENSES: &[&str] = &[
    "GPL-3.0-or-later",
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "custom",
];

/// One line of the names file.
struct Source {
    name: String,
    version: String,
    description: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let tsv = args.iter().any(|a| a == "--tsv");
    let plain: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(file) = plain.first() else {
        eprintln!("usage: aur_bench_server NAMES_FILE [N] [--check | --tsv]");
        return ExitCode::from(2);
    };
    let n: usize = match plain.get(1).map(|s| s.parse()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("aur_bench_server: N: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("aur_bench_server: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let sources = parse(&text);
    if sources.is_empty() {
        eprintln!("aur_bench_server: {file} names no package");
        return ExitCode::from(2);
    }
    if tsv {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut written = Ok(());
        generate(&sources, n, |r| {
            let description = r.description.as_deref().unwrap_or_default();
            if written.is_ok() {
                written = writeln!(out, "{}\t{}\t{description}", r.name, r.version);
            }
        });
        return match written.and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("aur_bench_server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let server = AurServer::start();
    let names = generate(&sources, n, |r| {
        server.put(r);
    });
    if check {
        return check_dump(&server, names);
    }
    println!("{}", server.base);
    loop {
        std::thread::park();
    }
}

fn parse(text: &str) -> Vec<Source> {
    text.lines()
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let name = cols.next()?.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return None;
            }
            Some(Source {
                name: name.to_ascii_lowercase(),
                version: cols.next().unwrap_or("1.0").to_owned(),
                description: cols.next().unwrap_or("").trim().to_owned(),
            })
        })
        .collect()
}

/// A small deterministic generator (SplitMix64), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Debian's `[epoch:]upstream[-revision]` as Arch's `[epoch:]pkgver-pkgrel`.
fn arch_version(debian: &str, rel: u64) -> String {
    let (epoch, rest) = match debian.split_once(':') {
        Some((e, r)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (Some(e), r),
        _ => (None, debian),
    };
    let upstream = rest.rsplit_once('-').map_or(rest, |(u, _)| u);
    let pkgver: String = upstream
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '.'
            }
        })
        .collect();
    let pkgver = if pkgver.is_empty() {
        "1".to_owned()
    } else {
        pkgver
    };
    match epoch {
        Some(e) => format!("{e}:{pkgver}-{rel}"),
        None => format!("{pkgver}-{rel}"),
    }
}

/// Gives `n` records to `put`; returns how many there are (names are unique).
fn generate(sources: &[Source], n: usize, mut put: impl FnMut(AurRecord)) -> usize {
    let mut rng = Rng(0x6f6d_6721);
    let mut made = 0;
    for i in 0..n {
        let src = &sources[i % sources.len()];
        let round = i / sources.len();
        let suffix = SUFFIXES[round % SUFFIXES.len()];
        let extra = round / SUFFIXES.len();
        let name = if extra == 0 {
            format!("{}{suffix}", src.name)
        } else {
            format!("{}{suffix}{extra}", src.name)
        };
        let mut r = AurRecord::new(&name, &arch_version(&src.version, 1 + rng.next() % 3));
        r.description = Some(if src.description.is_empty() {
            format!("{} ({} build)", src.name, &suffix[1..])
        } else {
            format!("{} ({} build)", src.description, &suffix[1..])
        });
        r.url = Some(format!("https://example.org/{}", src.name));
        // Votes: most packages a handful, a long tail up to a few thousand.
        let u = rng.unit();
        r.num_votes = (u.powi(6) * 3000.0) as u64;
        r.popularity = if r.num_votes == 0 {
            0.0
        } else {
            u.powi(8) * 40.0 + rng.unit() * 0.01
        };
        let who = rng.next();
        r.maintainer = (who % 12 != 0).then(|| format!("packager{}", who % 5000));
        r.submitter = Some(format!("packager{}", (who >> 16) % 5000));
        r.out_of_date = (rng.next() % 15 == 0).then_some(1_750_000_000 + (i as i64 % 9_000_000));
        r.first_submitted = 1_300_000_000 + (rng.next() % 450_000_000) as i64;
        r.last_modified = r.first_submitted + (rng.next() % 50_000_000) as i64;
        r.license = vec![LICENSES[i % LICENSES.len()].to_owned()];
        // Dependencies: repository-style names of other lines.
        for _ in 0..rng.next() % 5 {
            let dep = &sources[(rng.next() % sources.len() as u64) as usize].name;
            r.depends.push(dep.clone());
        }
        if suffix == "-git" {
            r.make_depends.push("git".to_owned());
            r.provides.push(src.name.clone());
            r.conflicts.push(src.name.clone());
        }
        put(r);
        made += 1;
    }
    made
}

/// Fetches the extended dump once: gzip, and as many records as were put.
fn check_dump(server: &AurServer, n: usize) -> ExitCode {
    let t0 = std::time::Instant::now();
    let answer = http_get(&server.url("/packages-meta-ext-v1.json.gz"));
    let took = t0.elapsed();
    if answer.status != 200 {
        eprintln!("the dump answered {}", answer.status);
        return ExitCode::FAILURE;
    }
    let gzip = answer.body.starts_with(&[0x1f, 0x8b]);
    let mut json = Vec::new();
    if let Err(e) = flate2::read::GzDecoder::new(answer.body.as_slice()).read_to_end(&mut json) {
        eprintln!("the dump is not gzip: {e}");
        return ExitCode::FAILURE;
    }
    let records = match serde_json::from_slice::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Array(a)) => a.len(),
        _ => {
            eprintln!("the dump is not a JSON array");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "dump: gzip magic {gzip}, {} bytes gzipped, {} bytes of JSON, {records} records (put {n}), served in {:.2} s",
        answer.body.len(),
        json.len(),
        took.as_secs_f64()
    );
    if gzip && records == n {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
