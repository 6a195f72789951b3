//! Candidates and auto-installed marks without libapt's DepCache: pins, downgrades and
//! `extended_states` as libapt reads them.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs;
use std::path::Path;

use common::TestRoot;
use omg_adapters_apt::{AptBackend, AptConfig};
use omg_ports::{InstallReason, PackageBackend, PackageSummary};

const LISTS: &str = "var/lib/apt/lists/omg.invalid_debian_dists";

fn paragraph(name: &str, version: &str, arch: &str, description: &str) -> String {
    format!("Package: {name}\nVersion: {version}\nArchitecture: {arch}\nMulti-Arch: same\nDescription: {description}\n\n")
}

/// Two suites (stable, testing) of the same packages, pins in `preferences`, four
/// installed packages and the given `extended_states`, in a [`TestRoot`] rid of its own
/// repository.
fn pinned_root(extended_states: &str) -> TestRoot {
    let test_root = TestRoot::new();
    for suffix in [
        "Release",
        "main_binary-amd64_Packages.lz4",
        "main_binary-i386_Packages",
    ] {
        fs::remove_file(test_root.list(suffix)).unwrap();
    }
    let root = test_root.path();
    let write = |path: &str, text: &str| fs::write(root.join(path), text).unwrap();
    write(
        "etc/apt/sources.list",
        "deb [trusted=yes] http://omg.invalid/debian stable main\n\
         deb [trusted=yes] http://omg.invalid/debian testing main\n",
    );
    let mut lists = [String::new(), String::new()];
    for (name, stable, testing) in [
        ("a", "1.0", "2.0"),
        ("b", "2.0", "3.0"),
        ("d", "1.0", "0.5"),
        ("e", "1.0", "3.0"),
        ("f", "1.0", "2.0"),
    ] {
        lists[0].push_str(&paragraph(name, stable, "amd64", &format!("{name} stable")));
        lists[1].push_str(&paragraph(
            name,
            testing,
            "amd64",
            &format!("{name} testing"),
        ));
    }
    lists[0].push_str(&paragraph("c", "1.0", "all", "c stable"));
    lists[1].push_str(&paragraph("c", "2.0", "all", "c testing"));
    for (suite, list) in ["stable", "testing"].iter().zip(&lists) {
        write(
            &format!("{LISTS}_{suite}_Release"),
            &format!("Origin: omg\nSuite: {suite}\nCodename: {suite}\nArchitectures: amd64 i386\nComponents: main\n"),
        );
        write(&format!("{LISTS}_{suite}_main_binary-amd64_Packages"), list);
    }
    write(
        &format!("{LISTS}_testing_main_binary-i386_Packages"),
        &paragraph("f", "2.0", "i386", "f testing i386"),
    );
    write(
        "etc/apt/preferences",
        "Package: *\nPin: release n=testing\nPin-Priority: 100\n\n\
         Package: b\nPin: release n=testing\nPin-Priority: 990\n\n\
         Package: d\nPin: release n=testing\nPin-Priority: 1001\n\n\
         Package: e\nPin: version 3.0\nPin-Priority: -1\n",
    );
    let installed = |name: &str, arch: &str, version: &str| {
        format!("Package: {name}\nStatus: install ok installed\nArchitecture: {arch}\nMulti-Arch: same\nVersion: {version}\nDescription: {name} installed\n\n")
    };
    write(
        "var/lib/dpkg/status",
        &[
            installed("a", "amd64", "1.5"),
            installed("d", "amd64", "1.0"),
            installed("f", "i386", "1.0"),
            installed("c", "all", "1.0"),
        ]
        .concat(),
    );
    write("var/lib/apt/extended_states", extended_states);
    test_root
}

async fn packages(root: &Path) -> Vec<PackageSummary> {
    let apt = AptBackend::open(AptConfig::host().with_root(root)).unwrap();
    apt.packages().await.unwrap()
}

/// `(name, version, installed reason)` of each package.
fn shown(packages: &[PackageSummary]) -> Vec<(String, String, Option<InstallReason>)> {
    packages
        .iter()
        .map(|s| {
            let reason = s.installed.as_ref().map(|i| i.reason);
            (s.name.clone(), s.version.clone(), reason)
        })
        .collect()
}

fn expected(f_i386_reason: InstallReason) -> Vec<(String, String, Option<InstallReason>)> {
    use InstallReason::*;
    [
        // Stable's 1.0 has the higher priority (500) but is older than the installed 1.5:
        // testing's 2.0 (100) is the candidate.
        ("a", "2.0", Some(Explicit)),
        // Pinned to testing at 990.
        ("b", "3.0", None),
        // Installed from stable; testing's 2.0 is only at 100.
        ("c", "1.0", Some(Dependency)),
        // Pinned at 1001: a downgrade.
        ("d", "0.5", Some(Explicit)),
        // 3.0 is pinned never.
        ("e", "1.0", None),
        ("f", "1.0", None),
        // Only testing has an i386 build, newer than the installed one.
        ("f:i386", "2.0", Some(f_i386_reason)),
    ]
    .into_iter()
    .map(|(n, v, r)| (n.to_owned(), v.to_owned(), r))
    .collect()
}

#[tokio::test]
async fn candidates_follow_pins_and_marks_follow_extended_states() {
    let root = pinned_root(
        "Package: f\nArchitecture: i386\nAuto-Installed: 1\n\n\
         Package: c\nArchitecture: amd64\nAuto-Installed: 1\n\n\
         Package: a\nArchitecture: amd64\nAuto-Installed: 0\n\n\
         Package: unknown\nArchitecture: amd64\nAuto-Installed: 1\n",
    );
    let all = packages(root.path()).await;
    assert_eq!(shown(&all), expected(InstallReason::Dependency));
    let a = all.iter().find(|s| s.name == "a").unwrap();
    assert_eq!(
        (a.description.as_str(), a.repository.as_str()),
        ("a testing", "testing/main")
    );
}

#[tokio::test]
async fn marks_without_an_architecture_are_read_as_libapt_reads_them() {
    // libapt marks the whole group: the i386 `f` is installed, the amd64 one is not.
    let root = pinned_root(
        "Package: f\nAuto-Installed: 1\n\nPackage: c\nArchitecture: any\nAuto-Installed: 1\n",
    );
    assert_eq!(
        shown(&packages(root.path()).await),
        expected(InstallReason::Dependency)
    );
}

#[tokio::test]
async fn without_extended_states_everything_is_explicit() {
    let root = pinned_root("");
    fs::remove_file(root.path().join("var/lib/apt/extended_states")).unwrap();
    let all = packages(root.path()).await;
    assert!(all
        .iter()
        .filter_map(|s| s.installed.as_ref())
        .all(|i| i.reason == InstallReason::Explicit));
}
