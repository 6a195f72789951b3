//! A fixed query set over a real package list, for instruction counts under callgrind:
//!
//! ```text
//! cargo build --release -p omg-domain --example search_queries
//! OMG_BENCH_PACKAGES=/tmp/packages-all.tsv valgrind --tool=callgrind \
//!     --callgrind-out-file=/tmp/cg.out target/release/examples/search_queries
//! callgrind_annotate --inclusive=yes /tmp/cg.out | grep -E 'Index::(new|search)'
//! ```
//!
//! The queries are the bench's (`benches/search.rs`: name prefixes, whole names, description
//! words) with limit 50, plus a few two-word and short ones. Prints the number of queries and
//! the sum of their totals, so two builds can be checked to agree. With `OMG_PER_QUERY=1`
//! it prints instead each query's median time over 15 runs (`query<TAB>µs<TAB>total`), to
//! find which queries a change helps or hurts. `OMG_QUERIES=a,b,c` replaces the query set.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_domain::Index;
use omg_ports::SearchQuery;

#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn main() {
    let Some(packages) = corpus::packages_from_env() else {
        return;
    };
    let queries: Vec<String> = match std::env::var_os("OMG_QUERIES") {
        Some(only) => only
            .to_string_lossy()
            .split(',')
            .map(String::from)
            .collect(),
        None => {
            let extra = [
                "gtk theme",
                "python test",
                "lib dev",
                "x",
                "qt",
                "ab",
                "rust crate",
            ];
            let mut queries = corpus::terms(&packages);
            queries.extend(extra.into_iter().map(String::from));
            queries
        }
    };
    let index = Index::new(packages);
    if std::env::var_os("OMG_PER_QUERY").is_some() {
        per_query(&index, &queries);
        return;
    }
    let mut total = 0usize;
    for text in &queries {
        let query = SearchQuery {
            text: text.clone(),
            limit: Some(50),
            installed_only: false,
        };
        match index.search(&query) {
            Ok(results) => total += results.total,
            Err(e) => eprintln!("{text}: {e}"),
        }
    }
    println!("{} queries, {total} matches in all", queries.len());
}

fn per_query(index: &Index, queries: &[String]) {
    for text in queries {
        let query = SearchQuery {
            text: text.clone(),
            limit: Some(50),
            installed_only: false,
        };
        let mut total = 0;
        let mut times: Vec<std::time::Duration> = (0..15)
            .map(|_| {
                let t = std::time::Instant::now();
                total = index.search(&query).map_or(0, |r| r.total);
                t.elapsed()
            })
            .collect();
        times.sort();
        println!("{text}\t{:.1}\t{total}", times[7].as_secs_f64() * 1e6);
    }
}
