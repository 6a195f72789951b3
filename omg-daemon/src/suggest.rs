//! Completion: names starting with a prefix, then other name matches (word starts,
//! substrings, fuzzy). A match in a description only is no completion of a name.
//! [`complete`] is the shell's: exact prefixes only, optionally installed packages only.

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

/// Up to `limit` names that start with `prefix` byte for byte, sorted and without
/// duplicates (a name in several repositories is one completion); of installed packages only
/// when `installed`. What a shell completes: it inserts a candidate as typed, so a fuzzy
/// match or one of another case would replace the user's word.
pub fn complete(index: &Index, prefix: &str, installed: bool, limit: usize) -> Vec<String> {
    let mut names: Vec<&str> = index
        .packages()
        .iter()
        .filter(|p| !installed || p.installed.is_some())
        .map(|p| p.name.as_str())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.truncate(limit);
    names.into_iter().map(str::to_string).collect()
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

    #[test]
    fn completion_is_exact_prefixes_installed_on_request() {
        let mut idx_packages: Vec<PackageSummary> = index(&[
            ("fish", "shell"),
            ("firefox", "browser"),
            ("Firewall", "walls"),
            ("python-fire", "cli"),
            ("fish", "the same name in another repository"),
        ])
        .packages()
        .to_vec();
        idx_packages[0].installed = Some(Box::new(omg_ports::Installed {
            version: "1".into(),
            reason: omg_ports::InstallReason::Explicit,
            date: None,
        }));
        let idx = Index::new(idx_packages);
        assert_eq!(complete(&idx, "fi", false, 10), ["firefox", "fish"]);
        assert_eq!(complete(&idx, "fi", true, 10), ["fish"]);
        assert_eq!(complete(&idx, "fi", false, 1), ["firefox"]);
        assert_eq!(complete(&idx, "", false, 10).len(), 4);
        assert!(complete(&idx, "frfx", false, 10).is_empty());
    }
}
