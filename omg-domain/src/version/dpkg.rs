//! dpkg version ordering (`[epoch:]upstream[-revision]`, `~` sorting before everything),
//! written after libapt-pkg's `debVersioningSystem::DoCmpVersion`.

use std::cmp::Ordering;

use super::at;

/// Compare two Debian versions exactly as libapt-pkg does (`apt-cache policy`, `dpkg
/// --compare-versions` agree on valid versions).
///
/// ```
/// use std::cmp::Ordering;
/// use omg_domain::version::dpkg_compare;
/// assert_eq!(dpkg_compare("1.0~rc1", "1.0"), Ordering::Less);
/// assert_eq!(dpkg_compare("1:1.0", "2.0"), Ordering::Greater);
/// assert_eq!(dpkg_compare("2.36-9+deb12u4", "2.36-9"), Ordering::Greater);
/// ```
pub fn dpkg_compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (a_start, a_colon) = epoch_bounds(a);
    let (b_start, b_colon) = epoch_bounds(b);

    let res = cmp_fragment(&a[a_start..a_colon], &b[b_start..b_colon]);
    if res != Ordering::Equal {
        return res;
    }
    // Skip the ':' when there is a (non-zero) epoch.
    let a_up = if a_colon != a_start {
        a_colon + 1
    } else {
        a_colon
    };
    let b_up = if b_colon != b_start {
        b_colon + 1
    } else {
        b_colon
    };

    let a_dash = last_dash(a, a_up);
    let b_dash = last_dash(b, b_up);
    let res = cmp_fragment(&a[a_up..a_dash], &b[b_up..b_dash]);
    if res != Ordering::Equal {
        return res;
    }
    // A missing revision compares like "0".
    let a_rev = revision(a, a_up, a_dash);
    let b_rev = revision(b, b_up, b_dash);
    match (a_rev, b_rev) {
        (Some(ar), Some(br)) => cmp_fragment(ar, br),
        (Some(ar), None) => cmp_fragment(ar, b"0"),
        (None, Some(br)) => cmp_fragment(b"0", br),
        (None, None) => Ordering::Equal,
    }
}

/// Where the epoch starts and ends (at the first ':'). An all-zero epoch is dropped: both
/// bounds move past the ':', as libapt does, so `0:1.0` equals `1.0`.
fn epoch_bounds(s: &[u8]) -> (usize, usize) {
    // A ':' in first position is not an epoch separator for libapt: it stays in the upstream.
    let Some(colon) = s.iter().position(|&c| c == b':').filter(|&c| c > 0) else {
        return (0, 0);
    };
    let mut start = 0;
    while at(s, start) == b'0' {
        start += 1;
    }
    if start == colon {
        (colon + 1, colon + 1)
    } else {
        (start, colon)
    }
}

/// Position of the last '-' at or after `from`, or the end of the string.
fn last_dash(s: &[u8], from: usize) -> usize {
    s[from..]
        .iter()
        .rposition(|&c| c == b'-')
        .map_or(s.len(), |p| p + from)
}

/// The revision after the last dash. libapt only counts a dash that does not start the
/// upstream part (its pointer arithmetic skips the dash only when `dash != upstream start`).
fn revision(s: &[u8], up: usize, dash: usize) -> Option<&[u8]> {
    if dash == s.len() || dash == up {
        None
    } else {
        Some(&s[dash + 1..])
    }
}

/// Sort weight of a non-digit character: `~` first, then end of string, letters, the rest.
fn order(c: u8) -> i32 {
    if c == b'~' {
        -1
    } else if c.is_ascii_digit() || c == 0 {
        0
    } else if c.is_ascii_alphabetic() {
        i32::from(c)
    } else {
        i32::from(c) + 256
    }
}

/// libapt's `CmpFragment`: alternating non-digit and digit runs.
fn cmp_fragment(a: &[u8], b: &[u8]) -> Ordering {
    let (mut l, mut r) = (0usize, 0usize);
    while l < a.len() && r < b.len() {
        let mut first_diff = 0i32;
        while l < a.len() && r < b.len() && (!a[l].is_ascii_digit() || !b[r].is_ascii_digit()) {
            let (vc, rc) = (order(a[l]), order(b[r]));
            if vc != rc {
                return vc.cmp(&rc);
            }
            l += 1;
            r += 1;
        }
        while at(a, l) == b'0' {
            l += 1;
        }
        while at(b, r) == b'0' {
            r += 1;
        }
        while at(a, l).is_ascii_digit() && at(b, r).is_ascii_digit() {
            if first_diff == 0 {
                first_diff = i32::from(a[l]) - i32::from(b[r]);
            }
            l += 1;
            r += 1;
        }
        if at(a, l).is_ascii_digit() {
            return Ordering::Greater;
        }
        if at(b, r).is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    match (l >= a.len(), r >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if b[r] == b'~' {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (false, true) => {
            if a[l] == b'~' {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, false) => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn debian_policy_examples() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1.0", "1.0a", Less),
            ("1.0", "1.0.1", Less),
            ("1:1.0", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0-1", "1.0", Greater),
            ("1.0-0", "1.0", Equal),
            ("1.10-1", "1.9-1", Greater),
            ("2.36-9+deb12u4", "2.36-9", Greater),
            ("1.2.3-1ubuntu1", "1.2.3-1", Greater),
            ("1.0+dfsg-1", "1.0-1", Greater),
            ("9.1p1-3", "9.10p1-1", Less),
            ("1.001", "1.1", Equal),
            ("0:1.0-1", "00:1.0-1", Equal),
            // Found by the oracle test: a leading ':' belongs to the upstream version.
            (":a", " ", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(dpkg_compare(a, b), want, "{a} vs {b}");
            assert_eq!(dpkg_compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
