//! Numeric ordering of runtime versions (`20.9.0 < 20.10.0`, `1.22rc1 < 1.22.0`).
//!
//! A version is split into runs of digits (compared as numbers) and runs of letters
//! (compared as text); `.`, `-`, `+` and `_` only separate. A run of letters where the other
//! version has ended marks a pre-release, so it sorts before the end (`1.22rc1 < 1.22`); a
//! number where the other has ended sorts after it (`1.22 < 1.22.0`).

use std::cmp::Ordering;

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
}
