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
//! the sum of their totals, so two builds can be checked to agree.

use omg_domain::Index;
use omg_ports::SearchQuery;

#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn main() {
    let Some(packages) = corpus::packages_from_env() else {
        return;
    };
    let mut queries = corpus::terms(&packages);
    queries.extend(
        [
            "gtk theme",
            "python test",
            "lib dev",
            "x",
            "qt",
            "ab",
            "rust crate",
        ]
        .into_iter()
        .map(String::from),
    );
    let index = Index::new(packages);
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
