//! The Debian tracker's DSA and DLA numbers on the Debian feed's findings.
//!
//! The tracker's JSON names CVE (and `TEMP-`) ids only; its `data/DSA/list` and
//! `data/DLA/list` say which advisory fixed which CVEs of which source package in which
//! releases. An advisory is added to a finding's ids when
//!
//! - it names the finding's source package (on its entry line or a release line),
//! - one of its CVEs is among the finding's ids, and
//! - it names the host's release among the releases it fixed, or names no release at all
//!   (the oldest entries).

use std::collections::{BTreeSet, HashMap};

use omg_ports::{DebianAdvisory, Finding};

/// Adds to each of `findings` the ids of the `advisories` (DSA or DLA) that fixed one of its
/// CVEs in its source package for `release`; ids stay sorted and unique.
pub fn attach(findings: &mut [Finding], advisories: &[DebianAdvisory], release: &str) {
    let mut by_package: HashMap<&str, Vec<&DebianAdvisory>> = HashMap::new();
    for advisory in advisories.iter().filter(|a| covers_release(a, release)) {
        let packages: BTreeSet<&str> = std::iter::once(advisory.source.as_str())
            .chain(advisory.fixes.iter().map(|f| f.package.as_str()))
            .filter(|p| !p.is_empty())
            .collect();
        for package in packages {
            by_package.entry(package).or_default().push(advisory);
        }
    }
    for finding in findings {
        let source = finding.source.as_deref().unwrap_or(&finding.package);
        let Some(candidates) = by_package.get(source) else {
            continue;
        };
        let cves: BTreeSet<&str> = finding
            .ids
            .iter()
            .map(String::as_str)
            .filter(|id| id.starts_with("CVE-"))
            .collect();
        let mut ids: BTreeSet<String> = finding.ids.iter().cloned().collect();
        ids.extend(
            candidates
                .iter()
                .filter(|a| a.cves.iter().any(|c| cves.contains(c.as_str())))
                .map(|a| a.id.clone()),
        );
        finding.ids = ids.into_iter().collect();
    }
}

/// True when `advisory` fixed something in `release`, or names no release.
fn covers_release(advisory: &DebianAdvisory, release: &str) -> bool {
    let mut named = advisory
        .fixes
        .iter()
        .filter_map(|f| f.release.as_deref())
        .peekable();
    named.peek().is_none() || named.any(|r| r == release)
}

#[cfg(test)]
mod tests {
    use omg_ports::{DebianAdvisoryFix, Severity};

    use super::*;

    fn advisory(
        id: &str,
        source: &str,
        cves: &[&str],
        fixes: &[(Option<&str>, &str)],
    ) -> DebianAdvisory {
        DebianAdvisory {
            id: id.into(),
            source: source.into(),
            cves: cves.iter().map(|c| (*c).to_owned()).collect(),
            fixes: fixes
                .iter()
                .map(|(release, package)| DebianAdvisoryFix {
                    release: release.map(str::to_owned),
                    package: (*package).to_owned(),
                    version: Some("1.0-1".into()),
                })
                .collect(),
        }
    }

    fn finding(package: &str, source: Option<&str>, ids: &[&str]) -> Finding {
        Finding {
            package: package.into(),
            installed: "1.0".into(),
            source: source.map(str::to_owned),
            compared_version: "1.0".into(),
            fixed: None,
            severity: Severity::High,
            ids: ids.iter().map(|i| (*i).to_owned()).collect(),
            unfixed: Vec::new(),
            candidate: None,
            upgrade_fixes: false,
        }
    }

    #[test]
    fn table() {
        let bookworm = Some("bookworm");
        let bullseye = Some("bullseye");
        // (case, finding (package, source, ids), advisory, ids expected afterwards)
        let cases: Vec<(&str, Finding, DebianAdvisory, Vec<&str>)> = vec![
            (
                "same source, shared CVE, host release",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory(
                    "DSA-1-1",
                    "openssl",
                    &["CVE-1", "CVE-2"],
                    &[(bookworm, "openssl")],
                ),
                vec!["CVE-1", "DSA-1-1"],
            ),
            (
                "the package is its own source",
                finding("openssl", None, &["CVE-1", "TEMP-0000000-AB"]),
                advisory("DSA-1-1", "openssl", &["CVE-1"], &[(bookworm, "openssl")]),
                vec!["CVE-1", "DSA-1-1", "TEMP-0000000-AB"],
            ),
            (
                "another release only",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DLA-9-1", "openssl", &["CVE-1"], &[(bullseye, "openssl")]),
                vec!["CVE-1"],
            ),
            (
                "several releases, the host's among them",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory(
                    "DSA-2-1",
                    "openssl",
                    &["CVE-1"],
                    &[(bullseye, "openssl"), (bookworm, "openssl")],
                ),
                vec!["CVE-1", "DSA-2-1"],
            ),
            (
                "no release named: any release",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-3-1", "openssl", &["CVE-1"], &[(None, "openssl")]),
                vec!["CVE-1", "DSA-3-1"],
            ),
            (
                "no release lines at all",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-4-1", "openssl", &["CVE-1"], &[]),
                vec!["CVE-1", "DSA-4-1"],
            ),
            (
                "no shared CVE",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-5-1", "openssl", &["CVE-7"], &[(bookworm, "openssl")]),
                vec!["CVE-1"],
            ),
            (
                "an advisory without CVEs",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-6-1", "openssl", &[], &[(bookworm, "openssl")]),
                vec!["CVE-1"],
            ),
            (
                "another source package with the same CVE",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory(
                    "DSA-7-1",
                    "openssl1.0",
                    &["CVE-1"],
                    &[(bookworm, "openssl1.0")],
                ),
                vec!["CVE-1"],
            ),
            (
                "the binary's name is not its source",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-8-1", "libssl3", &["CVE-1"], &[(bookworm, "libssl3")]),
                vec!["CVE-1"],
            ),
            (
                "the source named on a release line only",
                finding("libssl3", Some("openssl"), &["CVE-1"]),
                advisory("DSA-9-1", "", &["CVE-1"], &[(bookworm, "openssl")]),
                vec!["CVE-1", "DSA-9-1"],
            ),
            (
                "a TEMP id does not match by itself",
                finding("libssl3", Some("openssl"), &["TEMP-0000000-AB"]),
                advisory(
                    "DSA-10-1",
                    "openssl",
                    &["TEMP-0000000-AB"],
                    &[(bookworm, "openssl")],
                ),
                vec!["TEMP-0000000-AB"],
            ),
            (
                "already there: no duplicate",
                finding("libssl3", Some("openssl"), &["CVE-1", "DSA-1-1"]),
                advisory("DSA-1-1", "openssl", &["CVE-1"], &[(bookworm, "openssl")]),
                vec!["CVE-1", "DSA-1-1"],
            ),
        ];
        for (case, f, a, expected) in cases {
            let mut findings = vec![f];
            attach(&mut findings, &[a], "bookworm");
            assert_eq!(findings[0].ids, expected, "{case}");
        }
    }

    #[test]
    fn several_advisories_and_findings() {
        let mut findings = vec![
            finding("libssl3", Some("openssl"), &["CVE-1", "CVE-3"]),
            finding("curl", None, &["CVE-2"]),
            finding("zlib1g", Some("zlib"), &["CVE-9"]),
        ];
        let advisories = [
            advisory(
                "DSA-20-1",
                "openssl",
                &["CVE-3"],
                &[(Some("bookworm"), "openssl")],
            ),
            advisory(
                "DSA-10-1",
                "openssl",
                &["CVE-1"],
                &[(Some("bookworm"), "openssl")],
            ),
            advisory("DLA-5-1", "curl", &["CVE-2"], &[(Some("bookworm"), "curl")]),
        ];
        attach(&mut findings, &advisories, "bookworm");
        assert_eq!(findings[0].ids, ["CVE-1", "CVE-3", "DSA-10-1", "DSA-20-1"]);
        assert_eq!(findings[1].ids, ["CVE-2", "DLA-5-1"]);
        assert_eq!(findings[2].ids, ["CVE-9"]);
    }
}
