//! "Did you mean": the existing names closest to a name that was not found.

use strsim::damerau_levenshtein;

/// Up to `n` names from `names` close to `wanted`: names (or their leading word, before the
/// first `-`, `.` or `_`) within an edit distance of about a third of its length, then names
/// that start with it; closest first.
pub fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let max_distance = (wanted.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, usize, &str)> = names
        .filter_map(|name| {
            let len_gap = name.len().abs_diff(wanted.len());
            let lower = name.to_lowercase();
            if lower == wanted {
                return None;
            }
            if len_gap <= max_distance {
                let d = damerau_levenshtein(&wanted, &lower);
                if d <= max_distance {
                    return Some((d, len_gap, name));
                }
            }
            // `firefox` for `firefox-esr`: the name's leading word may be what was meant.
            if let Some((head, _)) = lower.split_once(['-', '.', '_']) {
                if head.len().abs_diff(wanted.len()) <= max_distance {
                    let d = damerau_levenshtein(&wanted, head);
                    if d <= max_distance {
                        return Some((d, len_gap, name));
                    }
                }
            }
            // A longer name beginning with the request ranks after every close typo.
            lower
                .starts_with(&wanted)
                .then_some((max_distance + 1, len_gap, name))
        })
        .collect();
    scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, s)| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_prefixes() {
        let names = ["firefox", "firefox-esr", "fish", "thunderbird", "fire"];
        assert_eq!(
            closest("fierfox", names.iter().copied(), 3),
            vec!["firefox", "firefox-esr"]
        );
        // Longer names that start with the request come after close typos.
        assert_eq!(
            closest("fir", names.iter().copied(), 3),
            vec!["fire", "firefox", "firefox-esr"]
        );
        assert_eq!(
            closest("thunderbrid", names.iter().copied(), 3),
            vec!["thunderbird"]
        );
        assert!(closest("zzzzzz", names.iter().copied(), 3).is_empty());
        // Only firefox-esr exists: its leading word is one transposition away.
        let esr = ["firefox-esr", "firefox-esr-l10n-de", "fish"];
        assert_eq!(
            closest("fierfox", esr.iter().copied(), 3),
            vec!["firefox-esr", "firefox-esr-l10n-de"]
        );
    }
}
