//! Names one slip away from a popular package's (typosquatting).
//!
//! A name is suspicious next to a popular one when it is not popular itself and
//! - it is within a Damerau-Levenshtein distance of 1 (names of 4+ characters) or 2 (10+
//!   characters) of it, unless the two differ only in digits standing for versions
//!   (`qt5-base`, `qt6-base`);
//! - or, with a conventional variant suffix (`-bin`, `-git`...) taken off both, the stems
//!   are that close (`google-chrone-bin` next to `google-chrome`), while equal stems are
//!   the usual variants (`firefox-bin` next to `firefox`), not squatting;
//! - or it spells the same letters with other separators or look-alike digits
//!   (`visualstudio-code` for `visual-studio-code`, `f1refox` for `firefox`).

use std::collections::HashSet;

use strsim::damerau_levenshtein;

/// Conventional suffixes of AUR variants of one package.
const VARIANTS: &[&str] = &[
    "-bin",
    "-git",
    "-hg",
    "-svn",
    "-bzr",
    "-appimage",
    "-nightly",
    "-beta",
    "-stable",
    "-latest",
];

/// An AUR package at least this popular (the AUR's decayed vote count) has a name that
/// squatters imitate: its name is protected like a repository package's.
pub const POPULAR_AT: f64 = 1.0;

/// Longer names are not compared (no package name is this long).
const MAX_NAME: usize = 128;

fn stem(name: &str) -> &str {
    VARIANTS
        .iter()
        .find_map(|v| name.strip_suffix(v))
        .unwrap_or(name)
}

/// Letters only, separators dropped, look-alike digits read as letters.
fn skeleton(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| match c {
            '0' => 'o',
            '1' => 'l',
            'i' => 'l',
            other => other,
        })
        .collect()
}

/// Whether `a` and `b` (same length) differ only where both have digits.
fn differ_only_in_digits(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

fn close(a: &str, b: &str) -> Option<usize> {
    let shorter = a.chars().count().min(b.chars().count());
    let limit = match shorter {
        0..=3 => return None,
        4..=9 => 1,
        _ => 2,
    };
    if a.len().abs_diff(b.len()) > limit || differ_only_in_digits(a, b) {
        return None;
    }
    let d = damerau_levenshtein(a, b);
    (d >= 1 && d <= limit).then_some(d)
}

/// The popular name `name` is suspiciously close to, if any (closest first, then
/// alphabetical). `popular` holds the names to protect.
pub(crate) fn closest<'p>(name: &str, popular: &HashSet<&'p str>) -> Option<&'p str> {
    if name.len() > MAX_NAME || popular.contains(name) {
        return None;
    }
    let name_lower = name.to_ascii_lowercase();
    let name_stem = stem(&name_lower);
    let name_skeleton = skeleton(&name_lower);
    let mut best: Option<(usize, &str)> = None;
    for p in popular {
        if p.len() > MAX_NAME {
            continue;
        }
        let lower = p.to_ascii_lowercase();
        if lower == name_lower {
            continue;
        }
        let p_stem = stem(&lower);
        let score = if let Some(d) = close(&name_lower, &lower) {
            Some(d)
        } else if name_stem == p_stem {
            None
        } else if let Some(d) = close(name_stem, p_stem) {
            Some(d + 1)
        } else if name_skeleton == skeleton(&lower) && !name_skeleton.is_empty() {
            Some(1)
        } else {
            None
        };
        if let Some(s) = score {
            let better = match best {
                None => true,
                Some((bs, bp)) => (s, *p) < (bs, bp),
            };
            if better {
                best = Some((s, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(names: &[&'a str]) -> HashSet<&'a str> {
        names.iter().copied().collect()
    }

    #[test]
    fn near_misses() {
        let popular = set(&[
            "google-chrome",
            "visual-studio-code-bin",
            "firefox",
            "yay",
            "paru-bin",
            "spotify",
            "qt5-base",
        ]);
        assert_eq!(closest("goggle-chrome", &popular), Some("google-chrome"));
        assert_eq!(
            closest("google-chrone-bin", &popular),
            Some("google-chrome")
        );
        assert_eq!(
            closest("visual-studio-cod-bin", &popular),
            Some("visual-studio-code-bin")
        );
        assert_eq!(closest("spotfy", &popular), Some("spotify"));
        assert_eq!(closest("sptoify", &popular), Some("spotify"));
        assert_eq!(closest("f1refox", &popular), Some("firefox"));
        assert_eq!(closest("paru-bn", &popular), Some("paru-bin"));
        assert_eq!(
            closest("visualstudio-code-bin", &popular),
            Some("visual-studio-code-bin")
        );
    }

    #[test]
    fn not_squatting() {
        let popular = set(&["google-chrome", "firefox", "yay", "qt5-base", "spotify"]);
        // Itself popular, the usual variants, versions, short names, unrelated names.
        assert_eq!(closest("firefox", &popular), None);
        assert_eq!(closest("firefox-bin", &popular), None);
        assert_eq!(closest("google-chrome-git", &popular), None);
        assert_eq!(closest("qt6-base", &popular), None);
        assert_eq!(closest("yaz", &popular), None);
        assert_eq!(closest("neovim", &popular), None);
        assert_eq!(closest("firefox-patch-bin", &popular), None);
    }
}
