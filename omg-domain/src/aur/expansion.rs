//! Parameter expansion over known values, as far as it can be done without running
//! anything: `$x`, `${x}`, `${x%pat}`, `${x%%pat}`, `${x#pat}`, `${x##pat}` (patterns with
//! `*` and `?`), `${x/a/b}`, `${x//a/b}` (literal `a`), `${x^^}`, `${x,,}`, `${x^}`,
//! `${x,}`, `${x:-d}`, `${x-d}`, `${x:o}`, `${x:o:n}`. Anything else is `None`: the caller
//! says it cannot tell rather than guessing.

/// Expands `text` with `lookup` (the value of a variable, `None` when unknown or unset).
pub(crate) fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(body) = rest.strip_prefix('{') {
            let end = body.find('}')?;
            out.push_str(&parameter(&body[..end], lookup)?);
            rest = &body[end + 1..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() {
                return None;
            }
            out.push_str(&lookup(name)?);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The inside of `${...}`.
fn parameter(body: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if body.contains(['$', '{', '`', '[']) {
        return None;
    }
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, op) = body.split_at(end);
    if name.is_empty() {
        return None;
    }
    // Defaults apply to variables the PKGBUILD does not set.
    if let Some(default) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
        return Some(match lookup(name) {
            Some(v) if !(v.is_empty() && op.starts_with(':')) => v,
            _ => default.to_owned(),
        });
    }
    let value = lookup(name)?;
    let chars: Vec<char> = value.chars().collect();
    let string = |range: std::ops::Range<usize>| -> String { chars[range].iter().collect() };
    let n = chars.len();
    Some(if op.is_empty() {
        value
    } else if let Some(p) = op.strip_prefix("%%") {
        let pat: Vec<char> = p.chars().collect();
        let cut = (0..=n).find(|i| glob(&pat, &chars[*i..])).unwrap_or(n);
        string(0..cut)
    } else if let Some(p) = op.strip_prefix('%') {
        let pat: Vec<char> = p.chars().collect();
        let cut = (0..=n)
            .rev()
            .find(|i| glob(&pat, &chars[*i..]))
            .unwrap_or(n);
        string(0..cut)
    } else if let Some(p) = op.strip_prefix("##") {
        let pat: Vec<char> = p.chars().collect();
        let cut = (0..=n)
            .rev()
            .find(|i| glob(&pat, &chars[..*i]))
            .unwrap_or(0);
        string(cut..n)
    } else if let Some(p) = op.strip_prefix('#') {
        let pat: Vec<char> = p.chars().collect();
        let cut = (0..=n).find(|i| glob(&pat, &chars[..*i])).unwrap_or(0);
        string(cut..n)
    } else if let Some(r) = op.strip_prefix("//") {
        let (pat, with) = r.split_once('/').unwrap_or((r, ""));
        if pat.is_empty() || pat.contains(['*', '?']) {
            return None;
        }
        value.replace(pat, with)
    } else if let Some(r) = op.strip_prefix('/') {
        let (pat, with) = r.split_once('/').unwrap_or((r, ""));
        if pat.is_empty() || pat.contains(['*', '?', '#', '%']) {
            return None;
        }
        value.replacen(pat, with, 1)
    } else if op == "^^" {
        value.to_uppercase()
    } else if op == ",," {
        value.to_lowercase()
    } else if op == "^" || op == "," {
        let mut it = value.chars();
        match it.next() {
            Some(first) if op == "^" => first.to_uppercase().chain(it).collect(),
            Some(first) => first.to_lowercase().chain(it).collect(),
            None => String::new(),
        }
    } else if let Some(r) = op.strip_prefix(':') {
        let (offset, length) = match r.split_once(':') {
            Some((o, l)) => (
                o.trim().parse::<usize>().ok()?,
                Some(l.trim().parse::<usize>().ok()?),
            ),
            None => (r.trim().parse::<usize>().ok()?, None),
        };
        let start = offset.min(n);
        let stop = length.map_or(n, |l| start.saturating_add(l).min(n));
        string(start..stop)
    } else {
        return None;
    })
}

/// Whether `text` matches the glob `pat` (`*` and `?`; everything else literal).
fn glob(pat: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p.min(pat.len())..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Option<String> {
        let lookup = |name: &str| -> Option<String> {
            match name {
                "pkgname" => Some("foo-bin".into()),
                "pkgver" => Some("1.2.3_rc1".into()),
                "_tag" => Some("v1.2".into()),
                "empty" => Some(String::new()),
                _ => None,
            }
        };
        expand(text, &lookup)
    }

    #[test]
    fn forms() {
        assert_eq!(
            run("$pkgname-${pkgver}").as_deref(),
            Some("foo-bin-1.2.3_rc1")
        );
        assert_eq!(run("${pkgname%-bin}").as_deref(), Some("foo"));
        assert_eq!(run("${pkgver%.*}").as_deref(), Some("1.2"));
        assert_eq!(run("${pkgver%%.*}").as_deref(), Some("1"));
        assert_eq!(run("${pkgver#*.}").as_deref(), Some("2.3_rc1"));
        assert_eq!(run("${pkgver##*.}").as_deref(), Some("3_rc1"));
        assert_eq!(run("${_tag#v}").as_deref(), Some("1.2"));
        assert_eq!(run("${pkgver//_/-}").as_deref(), Some("1.2.3-rc1"));
        assert_eq!(run("${pkgver/./:}").as_deref(), Some("1:2.3_rc1"));
        assert_eq!(run("${pkgname^^}").as_deref(), Some("FOO-BIN"));
        assert_eq!(run("${pkgname^}").as_deref(), Some("Foo-bin"));
        assert_eq!(run("${pkgver:0:3}").as_deref(), Some("1.2"));
        assert_eq!(run("${pkgver:4}").as_deref(), Some("3_rc1"));
        assert_eq!(run("${unset:-x}").as_deref(), Some("x"));
        assert_eq!(run("${empty:-x}").as_deref(), Some("x"));
        assert_eq!(run("${empty-x}").as_deref(), Some(""));
        // No match: unchanged.
        assert_eq!(run("${pkgver%.?}").as_deref(), Some("1.2.3_rc1"));
    }

    #[test]
    fn unknowns_are_none() {
        for text in [
            "$unset",
            "${unset}",
            "${pkgver:$x}",
            "${!ref}",
            "${#pkgver}",
            "${a[0]}",
            "$",
            "${pkgver@Q}",
        ] {
            assert_eq!(run(text), None, "{text}");
        }
    }
}
