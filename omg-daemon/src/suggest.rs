//! Completion: names starting with a prefix, then fuzzy matches.

use std::collections::HashSet;

use omg::{Index, SearchQuery};

/// Up to `limit` package names for completing `prefix`: the names that start with it
/// (case-insensitively, sorted), then the names the index's ranked search finds for it.
pub fn suggest(index: &Index, prefix: &str, limit: usize) -> Vec<String> {
    let wanted = prefix.to_lowercase();
    let mut names: Vec<&str> = index
        .packages()
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| n.to_lowercase().starts_with(&wanted))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.truncate(limit);
    let mut out: Vec<String> = names.into_iter().map(str::to_string).collect();
    let mut seen: HashSet<String> = out.iter().cloned().collect();
    if out.len() < limit && !wanted.trim().is_empty() {
        if let Ok(results) = index.search(&SearchQuery::new(prefix).with_limit(limit * 2)) {
            for hit in results.hits {
                if out.len() >= limit {
                    break;
                }
                if seen.insert(hit.package.name.clone()) {
                    out.push(hit.package.name);
                }
            }
        }
    }
    out
}
