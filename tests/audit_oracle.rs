//! The audit's "affected" decision against the C libraries: for random installed/fixed
//! version pairs, `omg_domain::audit` reports a package exactly when libalpm's
//! `alpm_pkg_vercmp` (Arch) or libapt-pkg's comparison (Debian) orders the installed
//! version before the fixed one. With `version_oracle.rs` (the orderings themselves), this
//! ties the audit to the libraries pacman and apt use.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::cmp::Ordering;

use omg::alpm::compare_versions as alpm_compare;
use omg::apt::compare_versions as apt_compare;
use omg::domain::audit::audit;
use omg::ports::{Advisories, ArchGroup, DebianIssue, InstalledSource, VersionScheme};
use proptest::prelude::*;

fn version_like() -> impl Strategy<Value = String> {
    "([0-9]{1,3}:)?[0-9][0-9a-zA-Z.+~_]{0,10}(-[0-9a-zA-Z.+~]{1,5})?"
}

fn installed(version: &str) -> Vec<InstalledSource> {
    vec![InstalledSource {
        name: "p".into(),
        version: version.into(),
        source: "p".into(),
        source_version: version.into(),
    }]
}

fn arch(fixed: &str) -> Advisories {
    Advisories::Arch(vec![ArchGroup {
        name: "AVG-1".into(),
        packages: vec!["p".into()],
        status: "Fixed".into(),
        severity: "High".into(),
        kind: "unknown".into(),
        affected: "0".into(),
        fixed: Some(fixed.into()),
        ticket: None,
        issues: vec!["CVE-2024-1".into()],
        advisories: vec![],
    }])
}

fn debian(fixed: &str) -> Advisories {
    Advisories::Debian(vec![DebianIssue {
        source: "p".into(),
        id: "CVE-2024-1".into(),
        status: "resolved".into(),
        fixed_version: Some(fixed.into()),
        urgency: "high".into(),
    }])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arch_audit_agrees_with_libalpm(i in version_like(), f in version_like()) {
        let found = !audit(VersionScheme::Alpm, &installed(&i), &arch(&f), &[]).is_empty();
        prop_assert_eq!(found, alpm_compare(i.as_str(), f.as_str()) == Ordering::Less, "{} vs {}", i, f);
    }

    #[test]
    fn debian_audit_agrees_with_libapt(i in version_like(), f in version_like()) {
        let found = !audit(VersionScheme::Dpkg, &installed(&i), &debian(&f), &[]).is_empty();
        prop_assert_eq!(found, apt_compare(&i, &f) == Ordering::Less, "{} vs {}", i, f);
    }
}

/// The cases string comparison gets wrong, decided by the libraries themselves.
#[test]
fn string_comparison_traps() {
    for (i, f) in [
        ("1.9-1", "1.10-1"),
        ("2.0-1", "1:1.0-1"),
        ("1.0-1", "1.0-2"),
    ] {
        assert!(
            !audit(VersionScheme::Alpm, &installed(i), &arch(f), &[]).is_empty(),
            "{i} < {f}"
        );
        assert_eq!(alpm_compare(i, f), Ordering::Less);
    }
    for (i, f) in [("1.9-1", "1.10-1"), ("2.0", "1:1.0"), ("1.0~rc1", "1.0")] {
        assert!(
            !audit(VersionScheme::Dpkg, &installed(i), &debian(f), &[]).is_empty(),
            "{i} < {f}"
        );
        assert_eq!(apt_compare(i, f), Ordering::Less);
    }
    for (i, f) in [("1.10-1", "1.9-1"), ("1:1.0", "2.0"), ("1.0", "1.0~rc1")] {
        assert!(
            audit(VersionScheme::Dpkg, &installed(i), &debian(f), &[]).is_empty(),
            "{i} >= {f}"
        );
    }
}
