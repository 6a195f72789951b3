//! Completion: names starting with a prefix, then other name matches (word starts,
//! substrings, fuzzy). A match in a description only is no completion of a name.

use std::collections::HashSet;

use omg::{Index, SearchQuery};
use omg_ports::MatchKind;

/// Up to `limit` package names for completing `prefix`: the names that start with it
/// (case-insensitively, sorted), then the names the index's ranked search matches by name
/// (word start, substring, fuzzy), best first.
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
                if out.len() >= limit || hit.kind == MatchKind::Description {
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

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::PackageSummary;

    fn index(names: &[(&str, &str)]) -> Index {
        Index::new(
            names
                .iter()
                .map(|(name, desc)| PackageSummary {
                    name: name.to_string(),
                    version: "1".into(),
                    description: desc.to_string(),
                    repository: "core".into(),
                    architecture: "x86_64".into(),
                    installed: None,
                    provides: Vec::new(),
                })
                .collect(),
        )
    }

    #[test]
    fn prefixes_first_then_name_matches_never_descriptions() {
        let idx = index(&[
            ("firefox", "web browser"),
            ("firefox-esr", "web browser, extended support"),
            ("fish", "friendly shell"),
            ("python-fire", "automatic command lines"),
            ("thunderbird", "mail client from the makers of fire things"),
        ]);
        assert_eq!(
            suggest(&idx, "fi", 10),
            ["firefox", "firefox-esr", "fish", "python-fire"]
        );
        assert_eq!(
            suggest(&idx, "FIRE", 10),
            ["firefox", "firefox-esr", "python-fire"]
        );
        assert_eq!(suggest(&idx, "fi", 2), ["firefox", "firefox-esr"]);
        assert_eq!(suggest(&idx, "frfx", 5), ["firefox", "firefox-esr"]);
        assert!(suggest(&idx, "mail", 5).is_empty());
    }
}
