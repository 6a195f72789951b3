//! The Debian tracker's advisory lists, `data/DSA/list` and `data/DLA/list` of its
//! repository: text, newest first, one entry per advisory:
//!
//! ```text
//! [21 Nov 2024] DSA-5815-1 needrestart - security update
//!     {CVE-2024-48990 CVE-2024-48991 CVE-2024-48992}
//!     [bookworm] - needrestart 3.6-4+deb12u2
//!     NOTE: free-form notes
//! ```
//!
//! An entry line (date, id, source package, title), then lines indented by a tab: the `{...}` CVE
//! ids (absent for advisories without CVEs), one `[release] - package version` per release
//! fixed (`- package version` without a release in the oldest entries), notes. Parts of an
//! entry may be missing; what makes a body malformed is a line that is none of these, an
//! indented line before the first entry, an unclosed `{` or `[`, an id of the other list, or
//! a body that does not end with a newline (a cut download).

use omg_ports::{DebianAdvisory, DebianAdvisoryFix, Error, FeedKind, Result};

use super::malformed;

/// The advisories of `kind`'s list ([`FeedKind::DebianDsa`] or [`FeedKind::DebianDla`])
/// in `body`, downloaded from `url`.
///
/// # Errors
///
/// [`Error::MalformedFeed`] (naming the list) when `body` is not such a list, is empty, or
/// is cut short; [`Error::InvalidRequest`] when `kind` is not one of the two lists.
pub fn parse_debian_advisories(
    kind: FeedKind,
    url: &str,
    body: &[u8],
) -> Result<Vec<DebianAdvisory>> {
    let prefix = match kind {
        FeedKind::DebianDsa => "DSA-",
        FeedKind::DebianDla => "DLA-",
        other => {
            return Err(Error::InvalidRequest(format!(
                "{} is not a Debian advisory list",
                other.title()
            )))
        }
    };
    let bad = |line: usize, reason: &str| malformed(kind, url, format!("line {line}: {reason}"));
    if body.is_empty() {
        return Err(malformed(kind, url, "the list is empty"));
    }
    if body.last() != Some(&b'\n') {
        return Err(malformed(
            kind,
            url,
            "it ends in the middle of a line (a cut download)",
        ));
    }
    // The lists are UTF-8; one stray byte in a title must not cost every number.
    let text = String::from_utf8_lossy(body);
    let mut out: Vec<DebianAdvisory> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            out.push(entry(line, prefix).map_err(|r| bad(n, &r))?);
            continue;
        }
        let Some(current) = out.last_mut() else {
            return Err(bad(n, "an indented line before the first advisory"));
        };
        let line = line.trim();
        if let Some(ids) = line.strip_prefix('{') {
            let ids = ids
                .strip_suffix('}')
                .ok_or_else(|| bad(n, "a '{' list of CVE ids without its '}'"))?;
            current.cves.extend(
                ids.split_whitespace()
                    .filter(|id| id.starts_with("CVE-"))
                    .map(str::to_owned),
            );
        } else if let Some(rest) = line.strip_prefix('[') {
            let (release, rest) = rest
                .split_once(']')
                .ok_or_else(|| bad(n, "a '[release]' without its ']'"))?;
            let fix = fix(Some(release.trim()), rest)
                .ok_or_else(|| bad(n, "expected '[release] - package version'"))?;
            current.fixes.push(fix);
        } else if line.starts_with("- ") {
            let fix = fix(None, line).ok_or_else(|| bad(n, "expected '- package version'"))?;
            current.fixes.push(fix);
        }
        // Anything else indented is a note (NOTE:, TODO:, free text): skipped.
    }
    if out.is_empty() {
        return Err(malformed(kind, url, "it holds no advisory"));
    }
    Ok(out)
}

/// `[21 Nov 2024] DSA-5815-1 needrestart - security update`; the package and the title may
/// be missing.
fn entry(line: &str, prefix: &str) -> std::result::Result<DebianAdvisory, String> {
    let expected = || format!("expected '[dd Mon yyyy] {prefix}nnnn-n package - title'");
    let rest = line.strip_prefix('[').ok_or_else(expected)?;
    let (date, rest) = rest.split_once(']').ok_or_else(expected)?;
    if !is_date(date) {
        return Err(format!("'{date}' is not a date like 21 Nov 2024"));
    }
    let mut words = rest.split_whitespace();
    let id = words.next().ok_or_else(expected)?;
    let number = id
        .strip_prefix(prefix)
        .ok_or_else(|| format!("'{id}' is not a {} id", prefix.trim_end_matches('-')))?;
    if !number.starts_with(|c: char| c.is_ascii_digit())
        || !number.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        return Err(format!("'{id}' is not an advisory id"));
    }
    let source = words.next().filter(|w| *w != "-").unwrap_or_default();
    Ok(DebianAdvisory {
        id: id.to_owned(),
        source: source.to_owned(),
        cves: Vec::new(),
        fixes: Vec::new(),
    })
}

/// `dd Mon yyyy`.
fn is_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split_whitespace().collect();
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    matches!(parts.as_slice(), [d, m, y]
        if digits(d, 1..=2) && m.len() == 3 && m.chars().all(|c| c.is_ascii_alphabetic())
            && digits(y, 4..=4))
}

/// `- package [version] [(notes)]` after the release.
fn fix(release: Option<&str>, rest: &str) -> Option<DebianAdvisoryFix> {
    let mut words = rest.trim().strip_prefix('-')?.split_whitespace();
    let package = words.next()?;
    // `<not-affected>`, `<unfixed>` and notes in parentheses are not versions.
    let version = words.next().filter(|v| !v.starts_with(['<', '(']));
    Some(DebianAdvisoryFix {
        release: release.filter(|r| !r.is_empty()).map(str::to_owned),
        package: package.to_owned(),
        version: version.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like the tracker's `data/DSA/list`: several releases, an advisory without
    /// CVEs, notes, an entry without release lines.
    const DSA: &str = "\
[21 Nov 2024] DSA-5815-1 needrestart - security update
\t{CVE-2024-48990 CVE-2024-48991 CVE-2024-48992 CVE-2024-10224 CVE-2024-11003}
\t[bookworm] - needrestart 3.6-4+deb12u2
[20 Nov 2024] DSA-5814-1 thunderbird - security update
\t[bookworm] - thunderbird 1:115.18.0-1~deb12u1
\tNOTE: no CVE ids were assigned yet
[02 Jan 2023] DSA-5310-1 ruby-image-processing - security update
\t{CVE-2022-24720}
\t[bullseye] - ruby-image-processing 1.10.3-1+deb11u1
\t[bookworm] - ruby-image-processing 1.12.2-1

[15 Mar 2004] DSA-466-1 linux-kernel-2.2.10-powerpc - missing kernel memory clearing
\t{CVE-2003-0985}
\t- linux-kernel-2.2.10-powerpc 2.2.10-13woody1
";

    #[test]
    fn parses_entries_cves_and_releases() {
        let list = parse_debian_advisories(FeedKind::DebianDsa, "u", DSA.as_bytes()).unwrap();
        let fix = |release: Option<&str>, package: &str, version: &str| DebianAdvisoryFix {
            release: release.map(str::to_owned),
            package: package.into(),
            version: Some(version.into()),
        };
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[0],
            DebianAdvisory {
                id: "DSA-5815-1".into(),
                source: "needrestart".into(),
                cves: ["CVE-2024-48990", "CVE-2024-48991", "CVE-2024-48992"]
                    .into_iter()
                    .chain(["CVE-2024-10224", "CVE-2024-11003"])
                    .map(str::to_owned)
                    .collect(),
                fixes: vec![fix(Some("bookworm"), "needrestart", "3.6-4+deb12u2")],
            }
        );
        assert!(list[1].cves.is_empty());
        assert_eq!(
            list[1].fixes,
            vec![fix(Some("bookworm"), "thunderbird", "1:115.18.0-1~deb12u1")]
        );
        assert_eq!(list[2].fixes.len(), 2);
        assert_eq!(
            list[3].fixes,
            vec![fix(None, "linux-kernel-2.2.10-powerpc", "2.2.10-13woody1")]
        );
    }

    #[test]
    fn dla_list_and_missing_parts() {
        let dla = "\
[20 Nov 2024] DLA-3960-1 php-nesbot-carbon - LTS security update
\t{CVE-2024-22158}
\t[bullseye] - php-nesbot-carbon 2.38.2-1+deb11u1
[01 Jan 2024] DLA-3700-1
\t[bullseye] - foo <not-affected> (vulnerable code not present)
";
        let list = parse_debian_advisories(FeedKind::DebianDla, "u", dla.as_bytes()).unwrap();
        assert_eq!(list[0].id, "DLA-3960-1");
        assert_eq!(list[0].cves, vec!["CVE-2024-22158".to_owned()]);
        assert_eq!(list[1].source, "");
        assert_eq!(list[1].fixes[0].version, None);
    }

    fn malformed_reason(kind: FeedKind, body: &str) -> String {
        match parse_debian_advisories(kind, "https://m/DSA/list", body.as_bytes()) {
            Err(e @ Error::MalformedFeed { .. }) => {
                let text = e.to_string();
                let name = kind.name();
                assert!(
                    text.starts_with(&format!("{name} (https://m/DSA/list) is malformed")),
                    "{text}"
                );
                text
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_or_garbage_is_malformed() {
        let dsa = FeedKind::DebianDsa;
        assert!(malformed_reason(dsa, &DSA[..DSA.len() - 1]).contains("middle of a line"));
        assert!(malformed_reason(dsa, &DSA[..40]).contains("middle of a line"));
        assert!(malformed_reason(dsa, "").contains("empty"));
        assert!(malformed_reason(dsa, "\n\n").contains("no advisory"));
        assert!(malformed_reason(dsa, "<html><body>Sign in</body></html>\n").contains("line 1"));
        assert!(malformed_reason(dsa, "{\"openssl\": {}}\n").contains("line 1"));
        assert!(malformed_reason(dsa, "\t{CVE-2024-1}\n").contains("before the first"));
        let unclosed =
            "[21 Nov 2024] DSA-5815-1 needrestart - security update\n\t{CVE-2024-48990\n";
        assert!(malformed_reason(dsa, unclosed).contains("line 2"));
        assert!(malformed_reason(dsa, "[21 Nov 2024 DSA-5815-1 x - y\n").contains("line 1"));
        assert!(malformed_reason(dsa, "[someday] DSA-5815-1 x - y\n").contains("not a date"));
        // The DLA list served where the DSA list is expected.
        let dla = "[20 Nov 2024] DLA-3960-1 carbon - LTS security update\n";
        assert!(malformed_reason(dsa, dla).contains("not a DSA id"));
        assert!(malformed_reason(FeedKind::DebianDla, DSA).contains("not a DLA id"));
    }
}
