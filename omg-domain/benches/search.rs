//! Index build and cache-missing query latency over a real-sized package list.
//!
//! `OMG_BENCH_PACKAGES=bench/out/packages-all.tsv cargo bench -p omg-domain --bench search`
//! (`name<TAB>version<TAB>description` per line; `bench/search.sh` shows how to make one from
//! the host's apt lists). Queries: a few hundred distinct terms taken from the names and
//! descriptions themselves, so most are cache misses of the kind users type.

use std::time::{Duration, Instant};

use omg_domain::Index;
use omg_ports::SearchQuery;

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

    for limit in [Some(50), None] {
        let mut times: Vec<Duration> = terms(&packages)
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
        let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
        println!(
            "{} distinct queries, limit {:?}: p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
            times.len(),
            limit,
            pct(50),
            pct(90),
            pct(99),
            times[times.len() - 1]
        );
    }
}
