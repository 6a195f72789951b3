//! Searches with the AUR in process, as omgd answers them: the repositories' index and the
//! AUR's, merged by [`search_indexes_with_aur`] (only the shown hits built), against
//! [`search_with_aur`] over every match of both (what omgd did before, and direct mode
//! does with the RPC's answer). Both must agree on every query.
//!
//! ```text
//! cargo build --release -p omg-domain --example aur_search
//! OMG_BENCH_PACKAGES=bench/out/aur/packages.tsv OMG_BENCH_AUR=bench/out/aur/aur-records.tsv \
//!     OMG_QUERIES_FILE=bench/out/aur/miss-inside.txt target/release/examples/aur_search
//! ```
//!
//! `OMG_BENCH_AUR` holds the AUR's records as `aur_bench_server NAMES N --tsv` prints them
//! (bench/aur.sh writes `bench/out/aur/aur-records.tsv`). Each query (limit 20) runs once
//! per pass, three passes; prints p50/p90/p99/max per way in µs. `OMG_SLOWEST=1` lists the
//! slowest queries on stderr; `OMG_ONLY_SHOWN=1` times (and checks) nothing but the first
//! way, for profiling it.

// A measurement: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::{Duration, Instant};

use omg_domain::search::{aur_summary, search_indexes_with_aur, search_with_aur};
use omg_domain::Index;
use omg_ports::{AurPackage, SearchQuery};

#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

/// The AUR's records from `OMG_BENCH_AUR` (the bench server's `--tsv` lines), sorted by
/// name.
fn aur_records() -> Vec<AurPackage> {
    let path = std::env::var_os("OMG_BENCH_AUR").expect("OMG_BENCH_AUR set");
    let mut out: Vec<AurPackage> = corpus::packages_from(&path)
        .expect("OMG_BENCH_AUR readable")
        .into_iter()
        .map(|p| AurPackage {
            package_base: p.name.clone(),
            description: (!p.description.is_empty()).then_some(p.description),
            version: p.version,
            name: p.name,
            ..AurPackage::default()
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

fn quantiles(mut times: Vec<Duration>) -> String {
    if times.is_empty() {
        return "- | - | - | -".into();
    }
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 * q) as usize).min(times.len() - 1);
        times[i].as_secs_f64() * 1e6
    };
    format!(
        "{:.1} | {:.1} | {:.1} | {:.1}",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    )
}

fn main() {
    let Some(official) = corpus::packages_from_env() else {
        return;
    };
    let queries: Vec<String> =
        std::fs::read_to_string(std::env::var("OMG_QUERIES_FILE").expect("OMG_QUERIES_FILE set"))
            .expect("OMG_QUERIES_FILE readable")
            .lines()
            .map(str::to_string)
            .collect();
    let records = aur_records();
    let official = Index::new(official);
    let aur = Index::new(records.iter().map(aur_summary).collect());
    let position = |name: &str| records.binary_search_by(|p| p.name.as_str().cmp(name)).ok();
    let record = |name: &str| position(name).map(|i| records[i].clone());
    let query = |text: &String| SearchQuery {
        text: text.clone(),
        limit: Some(20),
        installed_only: false,
    };
    let shown_way = |query: &SearchQuery| {
        search_indexes_with_aur(Some(&official), &aur, position, record, query).unwrap()
    };
    let every_way = |query: &SearchQuery| {
        let all = SearchQuery {
            limit: None,
            ..query.clone()
        };
        let mut found = aur.search_literal(&all).unwrap();
        for hit in &mut found.hits {
            hit.package.repository = "aur".into();
        }
        search_with_aur(official.search(&all).unwrap(), found, record, query)
    };
    for text in queries
        .iter()
        .filter(|_| std::env::var_os("OMG_ONLY_SHOWN").is_none())
    {
        assert_eq!(shown_way(&query(text)), every_way(&query(text)), "{text}");
    }
    let (mut shown, mut every) = (Vec::new(), Vec::new());
    let mut slowest = Vec::new();
    for _pass in 0..3 {
        for text in &queries {
            let t = Instant::now();
            std::hint::black_box(shown_way(&query(text)));
            shown.push(t.elapsed());
            slowest.push((t.elapsed(), text));
        }
        for text in queries
            .iter()
            .filter(|_| std::env::var_os("OMG_ONLY_SHOWN").is_none())
        {
            let t = Instant::now();
            std::hint::black_box(every_way(&query(text)));
            every.push(t.elapsed());
        }
    }
    slowest.sort();
    if std::env::var_os("OMG_SLOWEST").is_some() {
        for (t, text) in slowest.iter().rev().take(30) {
            eprintln!("{text}\t{:.1}", t.as_secs_f64() * 1e6);
        }
    }
    println!(
        "{} queries x 3, {} official packages, {} AUR records, limit 20",
        queries.len(),
        official.len(),
        aur.len()
    );
    println!("| way | p50 µs | p90 µs | p99 µs | max µs |");
    println!("|---|---:|---:|---:|---:|");
    println!("| only the shown hits built | {} |", quantiles(shown));
    println!("| every match built, then merged | {} |", quantiles(every));
}
