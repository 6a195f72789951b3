//! pacman's `vercmp`: `[epoch:]pkgver[-pkgrel]`, compared segment by segment (rpmvercmp).

use std::cmp::Ordering;

use super::at;

/// Compare two Arch package versions exactly as libalpm's `alpm_pkg_vercmp` does.
///
/// ```
/// use std::cmp::Ordering;
/// use omg_domain::version::alpm_vercmp;
/// assert_eq!(alpm_vercmp("1.10-1", "1.9-1"), Ordering::Greater);
/// assert_eq!(alpm_vercmp("1:1.0-1", "2.0-1"), Ordering::Greater);
/// assert_eq!(alpm_vercmp("1.0rc1", "1.0"), Ordering::Less);
/// ```
pub fn alpm_vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (e1, v1, r1) = parse_evr(a.as_bytes());
    let (e2, v2, r2) = parse_evr(b.as_bytes());
    let mut ret = rpmvercmp(e1, e2);
    if ret == Ordering::Equal {
        ret = rpmvercmp(v1, v2);
        if ret == Ordering::Equal {
            if let (Some(r1), Some(r2)) = (r1, r2) {
                ret = rpmvercmp(r1, r2);
            }
        }
    }
    ret
}

/// Split `epoch:version-release` like libalpm's `parseEVR`: the epoch is a leading run of
/// digits ended by `:` (empty means 0), the release follows the last `-` after that run.
fn parse_evr(evr: &[u8]) -> (&[u8], &[u8], Option<&[u8]>) {
    let s = evr.iter().take_while(|c| c.is_ascii_digit()).count();
    let se = evr[s..].iter().rposition(|&c| c == b'-').map(|p| p + s);
    let (epoch, version_start) = if at(evr, s) == b':' {
        let epoch: &[u8] = if s == 0 { b"0" } else { &evr[..s] };
        (epoch, s + 1)
    } else {
        (&b"0"[..], 0)
    };
    match se {
        // The C code writes a NUL at `se`; when `se` sits before the version's start (only
        // possible for an empty epoch-less string), the version is empty.
        Some(se) => (
            epoch,
            evr.get(version_start..se).unwrap_or(b""),
            Some(&evr[se + 1..]),
        ),
        None => (epoch, &evr[version_start..], None),
    }
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// libalpm's `rpmvercmp`, on byte strings.
fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    // `one`/`two` walk the strings; `ptr1`/`ptr2` mark the end of the previous segment.
    let (mut one, mut two) = (0usize, 0usize);
    let (mut ptr1, mut ptr2) = (0usize, 0usize);

    while at(a, one) != 0 && at(b, two) != 0 {
        while at(a, one) != 0 && !is_alnum(at(a, one)) {
            one += 1;
        }
        while at(b, two) != 0 && !is_alnum(at(b, two)) {
            two += 1;
        }
        if at(a, one) == 0 || at(b, two) == 0 {
            break;
        }
        // Different separator lengths decide.
        if one - ptr1 != two - ptr2 {
            return if one - ptr1 < two - ptr2 {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        ptr1 = one;
        ptr2 = two;
        let isnum = at(a, ptr1).is_ascii_digit();
        if isnum {
            while at(a, ptr1).is_ascii_digit() {
                ptr1 += 1;
            }
            while at(b, ptr2).is_ascii_digit() {
                ptr2 += 1;
            }
        } else {
            while at(a, ptr1).is_ascii_alphabetic() {
                ptr1 += 1;
            }
            while at(b, ptr2).is_ascii_alphabetic() {
                ptr2 += 1;
            }
        }
        // Segments of different kinds: numeric beats alpha.
        if two == ptr2 {
            return if isnum {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut s1, mut s2) = (one, two);
        if isnum {
            while at(a, s1) == b'0' && s1 < ptr1 {
                s1 += 1;
            }
            while at(b, s2) == b'0' && s2 < ptr2 {
                s2 += 1;
            }
            let (l1, l2) = (ptr1 - s1, ptr2 - s2);
            if l1 != l2 {
                return l1.cmp(&l2);
            }
        }
        match a[s1..ptr1].cmp(&b[s2..ptr2]) {
            Ordering::Equal => {}
            other => return other,
        }
        one = ptr1;
        two = ptr2;
    }

    let (c1, c2) = (at(a, one), at(b, two));
    if c1 == 0 && c2 == 0 {
        return Ordering::Equal;
    }
    // A remaining alpha segment never beats an empty string.
    if (c1 == 0 && !c2.is_ascii_alphabetic()) || c1.is_ascii_alphabetic() {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn cases_from_pacman_vercmp_tests() {
        // A selection of pacman's own test/util/vercmptest.sh expectations.
        let cases = [
            ("1.5.0", "1.5.0", Equal),
            ("1.5.1", "1.5.0", Greater),
            ("1.5.1", "1.5", Greater),
            ("1.5.0-1", "1.5.0-1", Equal),
            ("1.5.0-1", "1.5.0-2", Less),
            ("1.5.0-1", "1.5.1-1", Less),
            ("1.5.0-2", "1.5.1-1", Less),
            ("1.5-1", "1.5", Equal),
            ("1.1-1", "1.1", Equal),
            ("1.0-1", "1.1", Less),
            ("1.1-1", "1.0", Greater),
            ("1.5b-1", "1.5-1", Less),
            ("1.5b", "1.5", Less),
            ("1.5b-1", "1.5", Less),
            ("1.5b", "1.5.1", Less),
            ("1.0a", "1.0alpha", Less),
            ("1.0alpha", "1.0b", Less),
            ("1.0b", "1.0beta", Less),
            ("1.0beta", "1.0rc", Less),
            ("1.0rc", "1.0", Less),
            ("1.5.a", "1.5", Greater),
            ("1.5.b", "1.5.a", Greater),
            ("1.5.1", "1.5.b", Greater),
            ("1.5.b-1", "1.5.b", Equal),
            ("1.5-1", "1.5.b", Less),
            ("2.0", "2_0", Equal),
            ("2.0_a", "2_0.a", Equal),
            ("2.0a", "2.0.a", Less),
            ("2___a", "2_a", Greater),
            ("0:1.0", "0:1.0", Equal),
            ("0:1.0", "0:1.1", Less),
            ("1:1.0", "0:1.0", Greater),
            ("1:1.0", "0:1.1", Greater),
            ("1:1.0", "2:1.1", Less),
            ("0:1.0", "1.0", Equal),
            ("0:1.0", "1.1", Less),
            ("0:1.1", "1.0", Greater),
            ("1:1.0", "1.0", Greater),
            ("1.10-1", "1.9-1", Greater),
            ("1:1.0", "2.0", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(alpm_vercmp(a, b), want, "vercmp {a} {b}");
            assert_eq!(alpm_vercmp(b, a), want.reverse(), "vercmp {b} {a}");
        }
    }
}
