//! glob(3)-style matching of one path component, for `Include` patterns.

/// True when `name` matches `pattern`: `*`, `?` and `[...]` classes (with `!`/`^` negation
/// and ranges); a `[` without a closing `]` matches itself.
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|skip| match_from(&p[1..], &n[skip..])),
        Some('?') => !n.is_empty() && match_from(&p[1..], &n[1..]),
        Some('[') => match (n.first(), class_end(p)) {
            (Some(c), Some(end)) => {
                class_matches(&p[1..end], *c) && match_from(&p[end + 1..], &n[1..])
            }
            (Some(c), None) => *c == '[' && match_from(&p[1..], &n[1..]),
            (None, _) => false,
        },
        Some(c) => n.first() == Some(c) && match_from(&p[1..], &n[1..]),
    }
}

/// Index of the `]` closing the class that starts at `p[0]`.
fn class_end(p: &[char]) -> Option<usize> {
    let mut i = 1;
    if matches!(p.get(i), Some('!' | '^')) {
        i += 1;
    }
    if p.get(i) == Some(&']') {
        i += 1;
    }
    p.iter().skip(i).position(|&c| c == ']').map(|pos| pos + i)
}

fn class_matches(class: &[char], c: char) -> bool {
    let (negate, class) = match class.first() {
        Some('!' | '^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut i = 0;
    let mut found = false;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            found |= class[i] <= c && c <= class[i + 2];
            i += 3;
        } else {
            found |= class[i] == c;
            i += 1;
        }
    }
    found != negate
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.conf", "a.conf"));
        assert!(!wildcard_match("*.conf", "a.conf.bak"));
        assert!(wildcard_match("mirror?", "mirror1"));
        assert!(!wildcard_match("mirror?", "mirror"));
        assert!(wildcard_match("[0-9]*", "10-a"));
        assert!(!wildcard_match("[!0-9]*", "10-a"));
        assert!(wildcard_match("a[bc]d", "acd"));
        assert!(wildcard_match("a[]]d", "a]d"));
        assert!(wildcard_match("a[b", "a[b"));
        assert!(wildcard_match("*", ""));
    }
}
