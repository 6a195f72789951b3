//! Numeric ordering of runtime versions (`20.9.0 < 20.10.0`, `1.22rc1 < 1.22.0`).
//!
//! A version is split into runs of digits (compared as numbers) and runs of letters
//! (compared as text); `.`, `-`, `+` and `_` only separate. A run of letters where the other
//! version has ended marks a pre-release, so it sorts before the end (`1.22rc1 < 1.22`); a
//! number where the other has ended sorts after it (`1.22 < 1.22.0`).
//!
//! Pure functions over version strings, here so that both the domain (selecting a version)
//! and the runtime adapters (sorting what a source or the disk has, suggesting versions for
//! an unknown one) order versions the same way; `omg_domain::runtime` re-exports them.

use std::cmp::Ordering;

use crate::RemoteVersion;

/// One run of a version string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Num(u64),
    Alpha(&'a str),
}

fn tokens(version: &str) -> Vec<Token<'_>> {
    let v = version.strip_prefix('v').unwrap_or(version);
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // A run longer than u64 saturates: still ordered above every shorter number.
            out.push(Token::Num(v[start..i].parse().unwrap_or(u64::MAX)));
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Token::Alpha(&v[start..i]));
        } else {
            i += 1;
        }
    }
    out
}

/// Compares two versions numerically (see the module documentation).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (tokens(a), tokens(b));
    let mut i = 0;
    loop {
        match (ta.get(i), tb.get(i)) {
            (None, None) => return Ordering::Equal,
            (Some(Token::Alpha(_)), None) => return Ordering::Less,
            (None, Some(Token::Alpha(_))) => return Ordering::Greater,
            (Some(Token::Num(_)), None) => return Ordering::Greater,
            (None, Some(Token::Num(_))) => return Ordering::Less,
            (Some(x), Some(y)) => {
                let o = match (x, y) {
                    (Token::Num(p), Token::Num(q)) => p.cmp(q),
                    (Token::Alpha(p), Token::Alpha(q)) => p.cmp(q),
                    // A pre-release tag sorts before a further number: 1.0rc1 < 1.0.1.
                    (Token::Alpha(_), Token::Num(_)) => Ordering::Less,
                    (Token::Num(_), Token::Alpha(_)) => Ordering::Greater,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
        i += 1;
    }
}

/// The numeric components of a version up to its first non-numeric run
/// (`20.11.1` -> `[20, 11, 1]`, `1.22rc1` -> `[1, 22]`).
pub fn numeric_prefix(version: &str) -> Vec<u64> {
    tokens(version)
        .into_iter()
        .map_while(|t| match t {
            Token::Num(n) => Some(n),
            Token::Alpha(_) => None,
        })
        .collect()
}

/// Up to `n` of `versions` closest to the numeric components `wanted` (a
/// [`numeric_prefix`]), for an "unknown version" message: pre-releases left out, the
/// versions sharing the longest leading components with `wanted` first, then the smallest
/// difference in the first component that differs, then the newest. With nothing wanted
/// (`[]`), the newest releases.
pub fn nearest(wanted: &[u64], versions: &[RemoteVersion], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, u64, &str)> = versions
        .iter()
        .filter(|r| !r.prerelease)
        .map(|r| {
            let have = numeric_prefix(&r.version);
            let common = wanted.iter().zip(&have).take_while(|(a, b)| a == b).count();
            let gap = match (wanted.get(common), have.get(common)) {
                (Some(a), Some(b)) => a.abs_diff(*b),
                _ => 0,
            };
            (common, gap, r.version.as_str())
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| compare(b.2, a.2))
    });
    scored
        .into_iter()
        .take(n)
        .map(|s| s.2.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_not_textual() {
        let cases = [
            ("20.9.0", "20.10.0", Ordering::Less),
            ("9.0.0", "10.0.0", Ordering::Less),
            ("v20.11.1", "20.11.1", Ordering::Equal),
            ("1.22rc1", "1.22", Ordering::Less),
            ("1.22rc1", "1.22rc2", Ordering::Less),
            ("1.22beta1", "1.22rc1", Ordering::Less),
            ("1.22", "1.22.0", Ordering::Less),
            ("1.22rc1", "1.22.0", Ordering::Less),
            ("21.0.2+13", "21.0.2+9", Ordering::Greater),
            ("3.12.10", "3.12.9", Ordering::Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn numeric_prefixes() {
        assert_eq!(numeric_prefix("20.11.1"), vec![20, 11, 1]);
        assert_eq!(numeric_prefix("1.22rc1"), vec![1, 22]);
        assert_eq!(numeric_prefix("nightly"), Vec::<u64>::new());
    }

    #[test]
    fn nearest_shares_the_longest_prefix_then_the_smallest_gap() {
        let versions: Vec<RemoteVersion> = ["3.13.0", "3.12.7", "3.12.6", "3.11.10", "3.14.0a1"]
            .map(RemoteVersion::new)
            .into_iter()
            .map(|mut r| {
                r.prerelease = r.version.contains('a');
                r
            })
            .collect();
        assert_eq!(nearest(&[3, 12, 99], &versions, 2), ["3.12.7", "3.12.6"]);
        assert_eq!(
            nearest(&[3, 10], &versions, 3),
            ["3.11.10", "3.12.7", "3.12.6"]
        );
        // Nothing wanted: the newest, pre-releases left out.
        assert_eq!(nearest(&[], &versions, 2), ["3.13.0", "3.12.7"]);
        assert!(nearest(&[3], &versions, 0).is_empty());
    }
}
