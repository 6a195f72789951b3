//! The pure-Rust version orderings of omg-domain against the C libraries themselves:
//! libalpm's `alpm_pkg_vercmp` (through the `alpm` crate) and libapt-pkg's version
//! comparison (through omg-adapters-apt, which calls rust-apt on its libapt thread).
//! Generated pairs (proptest, 10,000+ cases per family) and every real version string of the
//! host's apt database must agree exactly.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::cmp::Ordering;

use omg::alpm::compare_versions as alpm_compare;
use omg::apt::compare_versions as apt_compare;
use omg::domain::version::{alpm_vercmp, dpkg_compare};
use proptest::prelude::*;

fn cases() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Version-shaped strings: optional epoch, upstream with digits, letters, and the separators
/// both formats use, optional revision.
fn version_like() -> impl Strategy<Value = String> {
    "([0-9]{1,3}:)?[0-9][0-9a-zA-Z.+~_]{0,10}(-[0-9a-zA-Z.+~]{1,5})?"
}

/// Anything printable: malformed input must be ordered like the libraries order it too.
fn printable() -> impl Strategy<Value = String> {
    "[ -~]{0,12}"
}

/// libapt reads one byte before the string for an empty upstream version with a revision
/// (`-1`), which is undefined; such strings are not meaningful versions for any tool.
fn apt_defined(v: &str) -> bool {
    !v.starts_with('-') && !v.is_empty()
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn alpm_agrees_on_version_like(a in version_like(), b in version_like()) {
        prop_assert_eq!(alpm_vercmp(&a, &b), alpm_compare(a.as_str(), b.as_str()), "{} vs {}", a, b);
    }

    #[test]
    fn alpm_agrees_on_printable(a in printable(), b in printable()) {
        prop_assert_eq!(alpm_vercmp(&a, &b), alpm_compare(a.as_str(), b.as_str()), "{} vs {}", a, b);
    }

    #[test]
    fn dpkg_agrees_on_version_like(a in version_like(), b in version_like()) {
        prop_assert_eq!(dpkg_compare(&a, &b), apt_compare(&a, &b), "{} vs {}", a, b);
    }

    #[test]
    fn dpkg_agrees_on_printable(
        a in printable().prop_filter("defined for libapt", |v| apt_defined(v)),
        b in printable().prop_filter("defined for libapt", |v| apt_defined(v)),
    ) {
        prop_assert_eq!(dpkg_compare(&a, &b), apt_compare(&a, &b), "{} vs {}", a, b);
    }

    #[test]
    fn prefix_variants_agree(base in version_like(), suffix in "[~+.a-z0-9-]{1,3}") {
        // Near-equal pairs, where the orderings are subtlest.
        let other = format!("{base}{suffix}");
        prop_assert_eq!(alpm_vercmp(&base, &other), alpm_compare(base.as_str(), other.as_str()));
        prop_assert_eq!(dpkg_compare(&base, &other), apt_compare(&base, &other));
    }
}

/// Every distinct version string in the host's apt lists, plus the installed ones.
fn real_versions() -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let backend = omg::apt::AptBackend::open(omg::apt::AptConfig::default())
        .expect("the host's apt database opens");
    let packages = rt
        .block_on(omg::ports::PackageBackend::packages(&backend))
        .expect("packages");
    let mut versions: Vec<String> = packages
        .into_iter()
        .flat_map(|p| {
            let installed = p.installed.map(|i| i.version);
            std::iter::once(p.version).chain(installed)
        })
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

#[test]
fn real_versions_agree_with_both_libraries() {
    let mut versions = real_versions();
    assert!(
        versions.len() > 1_000,
        "expected the host's apt lists to hold thousands of versions, found {}",
        versions.len()
    );
    // Neighbours in dpkg order are the closest, hardest pairs; a deterministic shuffle adds
    // distant ones.
    versions.sort_by(|a, b| dpkg_compare(a, b));
    let mut checked = 0usize;
    let mut disagreements = Vec::new();
    let n = versions.len();
    for i in 0..n {
        for j in [i + 1, (i * 7919 + 13) % n] {
            let (Some(a), Some(b)) = (versions.get(i), versions.get(j)) else {
                continue;
            };
            checked += 1;
            if dpkg_compare(a, b) != apt_compare(a, b) {
                disagreements.push(format!("dpkg {a} vs {b}"));
            }
            if alpm_vercmp(a, b) != alpm_compare(a.as_str(), b.as_str()) {
                disagreements.push(format!("alpm {a} vs {b}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(checked > 2_000, "only {checked} pairs checked");
    // The sort itself is a total order consistent with libapt on neighbours.
    for w in versions.windows(2) {
        assert_ne!(
            apt_compare(&w[0], &w[1]),
            Ordering::Greater,
            "{} > {}",
            w[0],
            w[1]
        );
    }
}
