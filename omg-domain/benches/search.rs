//! Index build and cache-missing query latency over a real-sized package list.
//!
//! `OMG_BENCH_PACKAGES=bench/out/packages-all.tsv cargo bench -p omg-domain --bench search`
//! (`name<TAB>version<TAB>description` per line; `bench/search.sh` shows how to make one from
//! the host's apt lists). Queries: a few hundred distinct terms taken from the names and
//! descriptions themselves, so most are cache misses of the kind users type.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::{Duration, Instant};

use omg_domain::Index;
use omg_ports::{PackageSummary, SearchQuery};

mod corpus;
use corpus::terms;

fn main() {
    let Some(packages) = corpus::packages_from_env() else {
        return;
    };

    let t = Instant::now();
    let index = Index::new(packages.clone());
    let built = t.elapsed();
    println!(
        "index build: {} packages in {built:?}; search structures {} bytes",
        index.len(),
        index.search_bytes()
    );

    let terms = terms(&packages);
    for limit in [Some(50), None] {
        report("distinct queries", &measure(&index, &terms, limit), limit);
    }
    // What users type most (issue 12's budget: p50 under 200 µs, p99 under 1 ms): the
    // first 3 to 6 characters of real names, a page of 20.
    report(
        "name prefixes of 3-6 characters",
        &measure(&index, &prefixes(&packages), Some(20)),
        Some(20),
    );
    // Other kinds of query, for orientation: one and two bytes (no trigram applies), and
    // two words (every word must occur in the name or the description).
    report(
        "short queries",
        &measure(&index, &short_terms(&packages), Some(50)),
        Some(50),
    );
    report(
        "two-word queries",
        &measure(&index, &two_words(&packages), Some(50)),
        Some(50),
    );
}

/// Each query's time, ascending.
fn measure(index: &Index, terms: &[String], limit: Option<usize>) -> Vec<Duration> {
    let mut times: Vec<Duration> = terms
        .iter()
        .map(|term| {
            let q = SearchQuery {
                text: term.clone(),
                limit,
                installed_only: false,
            };
            let t = Instant::now();
            let r = index.search(&q).expect("search");
            let elapsed = t.elapsed();
            std::hint::black_box(r);
            elapsed
        })
        .collect();
    times.sort();
    times
}

fn report(what: &str, times: &[Duration], limit: Option<usize>) {
    let Some(&max) = times.last() else {
        return;
    };
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "{} {what}, limit {:?}: p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        times.len(),
        limit,
        pct(50),
        pct(90),
        pct(99),
        max
    );
}

/// The first 3 to 6 characters of a spread of 2,000 names (a pseudo-random spread: every
/// n-th name, the length cycling), each once.
fn prefixes(packages: &[PackageSummary]) -> Vec<String> {
    let step = (packages.len() / 2000).max(1);
    let mut out: Vec<String> = packages
        .iter()
        .step_by(step)
        .enumerate()
        .map(|(i, p)| p.name.chars().take(3 + (i * 7) % 4).collect::<String>())
        .filter(|t| t.chars().count() >= 3)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The first one and two characters of a spread of names.
fn short_terms(packages: &[PackageSummary]) -> Vec<String> {
    let step = (packages.len() / 100).max(1);
    let mut out: Vec<String> = packages
        .iter()
        .step_by(step)
        .flat_map(|p| [1, 2].map(|n| p.name.chars().take(n).collect::<String>()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The first two words of a spread of descriptions.
fn two_words(packages: &[PackageSummary]) -> Vec<String> {
    let step = (packages.len() / 100).max(1);
    let mut out: Vec<String> = packages
        .iter()
        .step_by(step)
        .filter_map(|p| {
            let mut words = p.description.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?).to_lowercase())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
