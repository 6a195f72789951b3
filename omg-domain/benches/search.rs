//! Index build and cache-missing query latency over a real-sized package list.
//!
//! `OMG_BENCH_PACKAGES=bench/out/packages-all.tsv cargo bench -p omg-domain --bench search`
//! (`name<TAB>version<TAB>description` per line; `bench/search.sh` shows how to make one from
//! the host's apt lists). Queries: a few hundred distinct terms taken from the names and
//! descriptions themselves, so most are cache misses of the kind users type.

use std::time::{Duration, Instant};

use omg_domain::Index;
use omg_ports::{PackageSummary, SearchQuery};

fn main() {
    let Some(path) = std::env::var_os("OMG_BENCH_PACKAGES") else {
        eprintln!("set OMG_BENCH_PACKAGES to a name<TAB>version<TAB>description file");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable package list");
    let packages: Vec<PackageSummary> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            Some(PackageSummary {
                name: f.next()?.to_string(),
                version: f.next()?.to_string(),
                description: f.next().unwrap_or_default().to_string(),
                repository: "main".into(),
                architecture: "amd64".into(),
                installed: None,
            })
        })
        .collect();

    let t = Instant::now();
    let index = Index::new(packages.clone());
    println!("index build: {} packages in {:?}", index.len(), t.elapsed());

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

/// Deterministic spread of terms: name prefixes of 3–6 characters, whole names, description
/// words.
fn terms(packages: &[PackageSummary]) -> Vec<String> {
    let mut out = Vec::new();
    let step = (packages.len() / 100).max(1);
    for (i, p) in packages.iter().step_by(step).enumerate() {
        let len = 3 + i % 4;
        out.push(p.name.chars().take(len).collect());
        out.push(p.name.clone());
        if let Some(word) = p.description.split_whitespace().find(|w| w.len() > 4) {
            out.push(word.to_lowercase());
        }
    }
    out.sort();
    out.dedup();
    out
}
