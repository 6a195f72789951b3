//! glob(3)-style matching of one path component, for `Include` patterns.

/// True when `name` matches `pattern`: `*`, `?` and `[...]` classes (with `!`/`^` negation
/// and ranges); a `[` without a closing `]` matches itself.
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

/// Matches in one pass, going back only to the last `*` met (each other token matches
/// exactly one character, so that is enough): time O(pattern × name), no recursion, whatever
/// the pattern (package names from a database are matched as patterns).
fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    // After the last `*`: where the pattern resumes, and the name position it resumed at.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if p.get(pi) == Some(&'*') {
            pi += 1;
            star = Some((pi, ni));
            continue;
        }
        if let Some(len) = token_matches(&p[pi.min(p.len())..], n[ni]) {
            pi += len;
            ni += 1;
            continue;
        }
        match star {
            // Let the last `*` take one more character.
            Some((resume, taken)) => {
                star = Some((resume, taken + 1));
                pi = resume;
                ni = taken + 1;
            }
            None => return false,
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

/// How many pattern characters the token at the start of `p` spans when it matches `c`
/// (`None`: it does not, or `p` is empty). `p` does not start with `*`.
fn token_matches(p: &[char], c: char) -> Option<usize> {
    match p.first()? {
        '?' => Some(1),
        '[' => match class_end(p) {
            Some(end) => class_matches(&p[1..end], c).then_some(end + 1),
            None => (c == '[').then_some(1),
        },
        &literal => (c == literal).then_some(1),
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
        assert!(wildcard_match("a*b*c", "aXbYbZc"));
        assert!(!wildcard_match("a*b*c", "aXbYbZ"));
        assert!(wildcard_match("*?", "x") && !wildcard_match("?*?", "x"));
        assert!(wildcard_match("**a**", "bab"));
    }

    /// Package names from a sync database are matched as patterns: many stars (which the
    /// former recursive matcher tried in every combination) or a very long pattern (which
    /// it recursed into once per character) must neither hang nor overflow the stack.
    #[test]
    fn hostile_patterns_finish() {
        let text = "[![:alnum:]+_.@-]";
        let stars = format!("{}x", "*?".repeat(200));
        assert!(!wildcard_match(&stars, text));
        let long = "*".repeat(1 << 20);
        assert!(wildcard_match(&long, text));
        assert!(!wildcard_match(&format!("{long}x"), text));
    }
}
