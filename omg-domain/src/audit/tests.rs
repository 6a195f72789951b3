use omg_ports::{
    Advisories, ArchGroup, DebianIssue, Finding, InstalledSource, OsvEvent, OsvRecord,
    PackageSummary, Severity, VersionScheme,
};
use proptest::prelude::*;

use super::*;

fn pkg(name: &str, version: &str) -> InstalledSource {
    InstalledSource {
        name: name.into(),
        version: version.into(),
        source: name.into(),
        source_version: version.into(),
    }
}

fn built_from(name: &str, version: &str, source: &str, source_version: &str) -> InstalledSource {
    InstalledSource {
        name: name.into(),
        version: version.into(),
        source: source.into(),
        source_version: source_version.into(),
    }
}

fn group(
    name: &str,
    packages: &[&str],
    status: &str,
    severity: &str,
    fixed: Option<&str>,
) -> ArchGroup {
    ArchGroup {
        name: name.into(),
        packages: packages.iter().map(|p| p.to_string()).collect(),
        status: status.into(),
        severity: severity.into(),
        kind: "arbitrary code execution".into(),
        affected: "0".into(),
        fixed: fixed.map(Into::into),
        ticket: None,
        issues: vec![format!("CVE-{name}")],
        advisories: vec![],
    }
}

fn issue(source: &str, id: &str, status: &str, fixed: Option<&str>, urgency: &str) -> DebianIssue {
    DebianIssue {
        source: source.into(),
        id: id.into(),
        status: status.into(),
        fixed_version: fixed.map(Into::into),
        urgency: urgency.into(),
    }
}

fn upgrade(name: &str, candidate: &str) -> PackageSummary {
    PackageSummary {
        name: name.into(),
        version: candidate.into(),
        description: String::new(),
        repository: "core".into(),
        architecture: "x86_64".into(),
        installed: None,
        provides: Vec::new(),
    }
}

/// The cases string comparison gets wrong, and the orderings' subtleties: (installed,
/// fixed, affected).
const ARCH_CASES: &[(&str, &str, bool)] = &[
    ("1.9-1", "1.10-1", true), // "1.9" > "1.10" as strings
    ("1.10-1", "1.9-1", false),
    ("1:1.0-1", "2.0-1", false), // the epoch wins
    ("2.0-1", "1:1.0-1", true),
    ("1.0-1", "1.0-2", true), // pkgrel bump
    ("1.0-2", "1.0-1", false),
    ("1.0-1", "1.0-1", false),   // the fixed version itself
    ("1.0rc1-1", "1.0-1", true), // alpm: letters before release
    ("1.0.a-1", "1.0-1", false), // alpm: "1.0.a" > "1.0"
];

#[test]
fn arch_orders_by_vercmp() {
    for &(installed, fixed, affected) in ARCH_CASES {
        let found = audit(
            VersionScheme::Alpm,
            &[pkg("foo", installed)],
            &Advisories::Arch(vec![group("AVG-1", &["foo"], "Fixed", "High", Some(fixed))]),
            &[],
        );
        assert_eq!(!found.is_empty(), affected, "{installed} vs fixed {fixed}");
    }
}

const DPKG_CASES: &[(&str, &str, bool)] = &[
    ("1.9-1", "1.10-1", true),
    ("1.10-1", "1.9-1", false),
    ("1:1.0", "2.0", false), // epoch
    ("2.0", "1:1.0", true),
    ("1.0~rc1", "1.0", true), // tilde sorts before the release
    ("1.0", "1.0~rc1", false),
    ("1.0-1", "1.0-1+deb12u1", true), // security upload suffix
    ("1.0-1+deb12u1", "1.0-1+deb12u1", false),
    ("3.0.11-1~deb12u2", "3.0.8-1", false),
    ("1.0", "0", false), // fixed version 0: never affected
];

#[test]
fn debian_orders_by_dpkg() {
    for &(installed, fixed, affected) in DPKG_CASES {
        let found = audit(
            VersionScheme::Dpkg,
            &[pkg("foo", installed)],
            &Advisories::Debian(vec![issue("foo", "CVE-1", "resolved", Some(fixed), "high")]),
            &[],
        );
        assert_eq!(!found.is_empty(), affected, "{installed} vs fixed {fixed}");
    }
}

#[test]
fn arch_ignores_not_affected_and_merges_groups() {
    let groups = vec![
        group(
            "AVG-1",
            &["openssl", "lib32-openssl"],
            "Fixed",
            "Medium",
            Some("3.0.8-1"),
        ),
        group(
            "AVG-2",
            &["openssl"],
            "Testing",
            "Critical",
            Some("3.0.10-1"),
        ),
        group("AVG-3", &["openssl"], "Not affected", "Critical", None),
        group("AVG-4", &["openssl"], "Vulnerable", "Low", None),
        group("AVG-5", &["openssl"], "Fixed", "High", Some("3.0.7-1")), // already fixed
        group("AVG-6", &["zlib"], "Vulnerable", "High", None),          // not installed
    ];
    let installed = [pkg("openssl", "3.0.7-1"), pkg("lib32-openssl", "3.0.8-1")];
    let found = audit(
        VersionScheme::Alpm,
        &installed,
        &Advisories::Arch(groups),
        &[upgrade("openssl", "3.0.10-1")],
    );
    assert_eq!(
        found,
        vec![Finding {
            package: "openssl".into(),
            installed: "3.0.7-1".into(),
            source: None,
            compared_version: "3.0.7-1".into(),
            fixed: Some("3.0.10-1".into()),
            severity: Severity::Critical,
            ids: [
                "AVG-1",
                "AVG-2",
                "AVG-4",
                "CVE-AVG-1",
                "CVE-AVG-2",
                "CVE-AVG-4"
            ]
            .map(String::from)
            .to_vec(),
            unfixed: vec!["AVG-4".into()],
            candidate: Some("3.0.10-1".into()),
            upgrade_fixes: true,
        }]
    );
}

#[test]
fn debian_statuses_sources_and_urgencies() {
    let installed = [
        built_from("libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"),
        built_from("openssl", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"),
        // A binary with a version of its own: the source's version is compared.
        built_from("libfoo-bin", "5", "foo", "1.0-1"),
        pkg("bar", "2.0-1"),
    ];
    let issues = vec![
        issue(
            "openssl",
            "CVE-2024-1",
            "resolved",
            Some("3.0.13-1~deb12u1"),
            "medium",
        ),
        issue("openssl", "CVE-2024-2", "open", None, "not yet assigned"),
        issue("openssl", "CVE-2024-3", "undetermined", None, "high"),
        issue("openssl", "CVE-2024-4", "resolved", Some("0"), "high"),
        issue("openssl", "CVE-2024-5", "not-affected", None, "high"),
        issue("foo", "CVE-2024-6", "resolved", Some("1.0-2"), "high**"),
        issue("bar", "CVE-2024-7", "open", None, "unimportant"),
    ];
    let found = audit(
        VersionScheme::Dpkg,
        &installed,
        &Advisories::Debian(issues),
        &[
            upgrade("libssl3", "3.0.13-1~deb12u1"),
            upgrade("libfoo-bin", "6"),
        ],
    );
    let summary: Vec<_> = found
        .iter()
        .map(|f| {
            (
                f.package.as_str(),
                f.source.as_deref(),
                f.fixed.as_deref(),
                f.severity,
                f.ids.join(","),
                f.unfixed.join(","),
                f.upgrade_fixes,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "libfoo-bin",
                Some("foo"),
                Some("1.0-2"),
                Severity::High,
                "CVE-2024-6".into(),
                "".into(),
                true
            ),
            (
                "libssl3",
                Some("openssl"),
                Some("3.0.13-1~deb12u1"),
                Severity::Medium,
                "CVE-2024-1,CVE-2024-2".into(),
                "CVE-2024-2".into(),
                true
            ),
            (
                "openssl",
                None,
                Some("3.0.13-1~deb12u1"),
                Severity::Medium,
                "CVE-2024-1,CVE-2024-2".into(),
                "CVE-2024-2".into(),
                false
            ),
            (
                "bar",
                None,
                None,
                Severity::Low,
                "CVE-2024-7".into(),
                "CVE-2024-7".into(),
                false
            ),
        ]
    );
}

#[test]
fn upgrade_that_falls_short_does_not_fix() {
    let found = audit(
        VersionScheme::Dpkg,
        &[pkg("foo", "1.0-1")],
        &Advisories::Debian(vec![issue(
            "foo",
            "CVE-1",
            "resolved",
            Some("1.0-3"),
            "low",
        )]),
        &[upgrade("foo", "1.0-2")],
    );
    assert_eq!(found[0].candidate.as_deref(), Some("1.0-2"));
    assert!(!found[0].upgrade_fixes);
}

#[test]
fn osv_ranges() {
    use OsvEvent::*;
    let s = |v: &str| v.to_string();
    let cases: &[(&str, Vec<OsvEvent>, bool)] = &[
        ("1.0-1", vec![Introduced(s("0")), Fixed(s("1.0-2"))], true),
        ("1.0-2", vec![Introduced(s("0")), Fixed(s("1.0-2"))], false),
        ("1.0~rc1", vec![Introduced(s("0")), Fixed(s("1.0"))], true),
        ("1.0-1", vec![Introduced(s("0"))], true),
        ("0.9", vec![Introduced(s("1.0")), Fixed(s("2.0"))], false),
        (
            "1.5",
            vec![Introduced(s("1.0")), LastAffected(s("1.5"))],
            true,
        ),
        (
            "1.6",
            vec![Introduced(s("1.0")), LastAffected(s("1.5"))],
            false,
        ),
        (
            "2.5",
            vec![
                Introduced(s("0")),
                Fixed(s("1.0")),
                Introduced(s("2.0")),
                Fixed(s("3.0")),
            ],
            true,
        ),
        (
            "1.5",
            vec![
                Introduced(s("0")),
                Fixed(s("1.0")),
                Introduced(s("2.0")),
                Fixed(s("3.0")),
            ],
            false,
        ),
        ("1:0.5", vec![Introduced(s("0")), Fixed(s("2.0"))], false),
    ];
    for (version, events, expected) in cases {
        assert_eq!(
            osv::in_range(version, events),
            *expected,
            "{version} in {events:?}"
        );
    }
    let record = OsvRecord {
        id: "UBUNTU-CVE-2024-1".into(),
        upstream: vec!["CVE-2024-1".into()],
        severity: Some("negligible".into()),
        package: "curl".into(),
        ranges: vec![vec![Introduced(s("0")), Fixed(s("7.81.0-1ubuntu1.16"))]],
    };
    let found = audit(
        VersionScheme::Dpkg,
        &[built_from(
            "libcurl4",
            "7.81.0-1ubuntu1.15",
            "curl",
            "7.81.0-1ubuntu1.15",
        )],
        &Advisories::Osv(vec![record]),
        &[],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Low);
    assert_eq!(found[0].ids, vec!["CVE-2024-1", "UBUNTU-CVE-2024-1"]);
    assert_eq!(found[0].fixed.as_deref(), Some("7.81.0-1ubuntu1.16"));
}

#[test]
fn select_by_severity_and_upgradability() {
    let f = |name: &str, severity, upgrade_fixes| Finding {
        package: name.into(),
        installed: "1".into(),
        source: None,
        compared_version: "1".into(),
        fixed: None,
        severity,
        ids: vec![],
        unfixed: vec![],
        candidate: None,
        upgrade_fixes,
    };
    let all = vec![
        f("a", Severity::Critical, false),
        f("b", Severity::High, true),
        f("c", Severity::Low, true),
        f("d", Severity::Unknown, false),
    ];
    let names = |v: Vec<Finding>| v.into_iter().map(|f| f.package).collect::<Vec<_>>();
    assert_eq!(
        names(select(all.clone(), None, false)),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        names(select(all.clone(), Some(Severity::High), false)),
        ["a", "b"]
    );
    assert_eq!(
        names(select(all.clone(), Some(Severity::Low), true)),
        ["b", "c"]
    );
}

fn version_like() -> impl Strategy<Value = String> {
    "([0-9]{1,2}:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,4})?"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arch_affected_exactly_when_installed_orders_before_fixed(installed in version_like(), fixed in version_like()) {
        let found = audit(
            VersionScheme::Alpm,
            &[pkg("p", &installed)],
            &Advisories::Arch(vec![group("AVG-1", &["p"], "Fixed", "High", Some(&fixed))]),
            &[],
        );
        prop_assert_eq!(!found.is_empty(), crate::version::alpm_vercmp(&installed, &fixed) == std::cmp::Ordering::Less);
    }

    #[test]
    fn debian_affected_exactly_when_installed_orders_before_fixed(installed in version_like(), fixed in version_like()) {
        let found = audit(
            VersionScheme::Dpkg,
            &[pkg("p", &installed)],
            &Advisories::Debian(vec![issue("p", "CVE-1", "resolved", Some(&fixed), "high")]),
            &[],
        );
        prop_assert_eq!(!found.is_empty(), crate::version::dpkg_compare(&installed, &fixed) == std::cmp::Ordering::Less);
    }
}

#[test]
fn binnmu_suffixes_are_not_source_versions() {
    assert_eq!(debian::without_binnmu("5.2.15-2+b13"), "5.2.15-2");
    assert_eq!(debian::without_binnmu("1:2.3-1+b1"), "1:2.3-1");
    assert_eq!(debian::without_binnmu("5.2.15-2"), "5.2.15-2");
    assert_eq!(debian::without_binnmu("1.0+bzr12-1"), "1.0+bzr12-1");
    assert_eq!(debian::without_binnmu("1.0-1+b"), "1.0-1+b");
    assert_eq!(debian::without_binnmu("2.0+b2-1"), "2.0+b2-1");
}

/// A binary rebuild of the vulnerable source (`+b13`) is no fix: the candidate's source
/// version is compared with the fixed version.
#[test]
fn a_binnmu_candidate_does_not_fix_what_a_newer_source_fixes() {
    let installed = [
        built_from("bash", "5.2.15-2+b2", "bash", "5.2.15-2"),
        built_from("bash-static", "5.2.15-2+b2", "bash", "5.2.15-2"),
        built_from("libbash", "5.2.15-2", "bash", "5.2.15-2"),
    ];
    let issues = vec![issue("bash", "CVE-1", "resolved", Some("5.2.15-3"), "high")];
    let found = audit(
        VersionScheme::Dpkg,
        &installed,
        &Advisories::Debian(issues),
        &[
            upgrade("bash", "5.2.15-2+b13"),
            upgrade("bash-static", "5.2.15-3+b1"),
            upgrade("libbash", "5.2.15-2+b1"),
        ],
    );
    let fixes: Vec<(&str, bool)> = found
        .iter()
        .map(|f| (f.package.as_str(), f.upgrade_fixes))
        .collect();
    assert_eq!(
        fixes,
        vec![("bash", false), ("bash-static", true), ("libbash", false)]
    );
}
