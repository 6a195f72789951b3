//! The backend over the host's real apt cache, checked against apt's and dpkg's own tools.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{dpkg_installed, paragraphs, run};
use omg_adapters_apt::{AptBackend, AptConfig};
use omg_ports::{InstallReason, PackageBackend, PackageSummary, RelationKind, VersionScheme};

fn host() -> AptBackend {
    AptBackend::open(AptConfig::host()).expect("the host's apt configuration loads")
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `apt-cache show` of the candidate of each name, by name.
fn apt_cache_show(names: &[&str]) -> BTreeMap<String, std::collections::HashMap<String, String>> {
    let mut args = vec!["show", "--no-all-versions"];
    args.extend_from_slice(names);
    paragraphs(&run("apt-cache", &args))
        .into_iter()
        .filter_map(|p| Some((p.get("Package")?.clone(), p)))
        .collect()
}

/// The summary line of an `apt-cache show` paragraph (`Description` or a translation).
fn show_summary(p: &std::collections::HashMap<String, String>) -> Option<String> {
    let text = p.get("Description").or_else(|| {
        p.iter()
            .find(|(k, _)| k.starts_with("Description-") && *k != "Description-md5")
            .map(|(_, v)| v)
    })?;
    Some(text.lines().next().unwrap_or("").to_owned())
}

#[tokio::test]
async fn essential_packages_are_installed_as_dpkg_and_apt_mark_say() {
    let apt = host();
    let auto = lines(&run("apt-mark", &["showauto"]));
    let manual = lines(&run("apt-mark", &["showmanual"]));
    let names = ["bash", "dpkg", "apt", "coreutils"];
    let shown = apt_cache_show(&names);
    for name in names {
        let pkg = apt
            .package(name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{name} is known"));
        let installed = pkg
            .installed
            .unwrap_or_else(|| panic!("{name} is installed"));
        let dpkg_version = run("dpkg-query", &["-W", "-f=${Version}", name]);
        assert_eq!(installed.version, dpkg_version.trim(), "{name}");
        let expected = if auto.contains(name) {
            InstallReason::Dependency
        } else {
            assert!(manual.contains(name), "{name} is manual or auto");
            InstallReason::Explicit
        };
        assert_eq!(installed.reason, expected, "{name}");
        assert!(!pkg.description.is_empty(), "{name}");
        assert_eq!(
            Some(pkg.description.clone()),
            show_summary(&shown[name]),
            "{name}"
        );
        assert_eq!(pkg.version, shown[name]["Version"], "{name}");
    }
}

#[tokio::test]
async fn installed_matches_dpkg_query_and_apt_mark() {
    let apt = host();
    let installed = apt.installed().await.unwrap();
    let ours: BTreeMap<String, String> = installed
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.installed.as_ref().unwrap().version.clone(),
            )
        })
        .collect();
    assert_eq!(ours.len(), installed.len(), "one entry per name");
    assert_eq!(ours, dpkg_installed());

    let auto = lines(&run("apt-mark", &["showauto"]));
    let ours_auto: BTreeSet<String> = installed
        .iter()
        .filter(|s| s.installed.as_ref().unwrap().reason == InstallReason::Dependency)
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(ours_auto, auto);
    let empty: Vec<_> = installed
        .iter()
        .filter(|s| s.description.is_empty())
        .map(|s| &s.name)
        .collect();
    assert!(
        empty.is_empty(),
        "installed packages without a description: {empty:?}"
    );
}

/// packages(): one entry per native package name with a candidate or installed, plus
/// installed packages of other architectures. `apt-cache pkgnames` lists the names (without
/// architecture) of every package with a version; on a host without foreign architectures
/// the two are the same set.
#[tokio::test]
async fn packages_are_the_names_apt_cache_knows() {
    let apt = host();
    let packages = apt.packages().await.unwrap();
    let pkgnames = lines(&run("apt-cache", &["pkgnames"]));
    let ours: BTreeSet<String> = packages
        .iter()
        .map(|s| s.name.split(':').next().unwrap_or(&s.name).to_owned())
        .collect();
    eprintln!(
        "packages(): {} entries; apt-cache pkgnames: {} names",
        packages.len(),
        pkgnames.len()
    );
    let names: BTreeSet<&str> = packages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), packages.len(), "one entry per name");
    let extra: Vec<_> = ours.difference(&pkgnames).collect();
    assert!(extra.is_empty(), "names apt-cache does not know: {extra:?}");
    let diff = pkgnames.len().abs_diff(ours.len());
    assert!(
        diff * 100 <= pkgnames.len(),
        "{} vs {}",
        ours.len(),
        pkgnames.len()
    );
    if run("dpkg", &["--print-foreign-architectures"])
        .trim()
        .is_empty()
    {
        assert_eq!(ours, pkgnames);
    }
    let sorted = packages.windows(2).all(|w| w[0].name <= w[1].name);
    assert!(sorted, "sorted by name");
    let empty = packages.iter().filter(|s| s.description.is_empty()).count();
    assert!(
        empty * 1000 <= packages.len(),
        "{empty} packages without a description"
    );
}

#[tokio::test]
async fn sampled_descriptions_and_versions_match_apt_cache_show() {
    let apt = host();
    let packages = apt.packages().await.unwrap();
    let step = (packages.len() / 40).max(1);
    let sample: Vec<&PackageSummary> = packages
        .iter()
        .step_by(step)
        .filter(|s| !s.name.contains(':'))
        .collect();
    let names: Vec<&str> = sample.iter().map(|s| s.name.as_str()).collect();
    let shown = apt_cache_show(&names);
    for s in &sample {
        let p = shown
            .get(&s.name)
            .unwrap_or_else(|| panic!("apt-cache shows {}", s.name));
        assert_eq!(s.version, p["Version"], "{}", s.name);
        assert_eq!(s.architecture, p["Architecture"], "{}", s.name);
        assert_eq!(Some(s.description.clone()), show_summary(p), "{}", s.name);
    }
    // The installed essentials are in the index with their installed state.
    for name in ["bash", "dpkg", "apt", "coreutils"] {
        let s = packages.iter().find(|s| s.name == name).unwrap();
        assert!(s.installed.is_some(), "{name}");
        assert!(!s.repository.is_empty());
    }
}

#[tokio::test]
async fn bash_record_matches_apt_cache_show() {
    let apt = host();
    let bash = apt.package("bash").await.unwrap().unwrap();
    let shown = apt_cache_show(&["bash"]);
    let p = &shown["bash"];
    let split = |fields: &[&str]| -> Vec<String> {
        fields
            .iter()
            .filter_map(|f| p.get(*f))
            .flat_map(|v| {
                v.split(',')
                    .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .filter(|e| !e.is_empty())
            .collect()
    };
    assert_eq!(bash.version, p["Version"]);
    assert_eq!(bash.architecture, p["Architecture"]);
    assert_eq!(bash.url.as_ref(), p.get("Homepage"));
    assert_eq!(
        bash.download_size,
        p.get("Size").map(|s| s.parse().unwrap())
    );
    assert_eq!(
        bash.installed_size,
        p.get("Installed-Size")
            .map(|s| s.parse::<u64>().unwrap() * 1024)
    );
    // Each relationship field as itself, present exactly when the record has it.
    for (field, kind) in [
        ("Pre-Depends", RelationKind::PreDepends),
        ("Depends", RelationKind::Depends),
        ("Recommends", RelationKind::Recommends),
        ("Suggests", RelationKind::Suggests),
        ("Enhances", RelationKind::Enhances),
        ("Provides", RelationKind::Provides),
        ("Conflicts", RelationKind::Conflicts),
        ("Breaks", RelationKind::Breaks),
        ("Replaces", RelationKind::Replaces),
    ] {
        assert_eq!(
            bash.relations.get(&kind).cloned(),
            p.get(field).map(|_| split(&[field]))
        );
    }
    assert_eq!(bash.section.as_ref(), p.get("Section"));
    assert_eq!(bash.maintainer.as_ref(), p.get("Maintainer"));
    assert_eq!(bash.licenses, None);
    assert!(!bash.relation(RelationKind::Depends).is_empty());
}

#[tokio::test]
async fn unknown_packages_are_none() {
    let apt = host();
    assert_eq!(apt.package("omg-no-such-package-xyz").await.unwrap(), None);
    assert_eq!(
        apt.package("omg-no-such-package-xyz:i386").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn upgradable_matches_apt_list_upgradable() {
    let apt = host();
    let ours: BTreeSet<(String, String, String)> = apt
        .upgradable()
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            let installed = s.installed.expect("upgradable packages are installed");
            (s.name, s.version, installed.version)
        })
        .collect();
    // `name/suites version arch [upgradable from: old]`
    let native = run("dpkg", &["--print-architecture"]);
    let theirs: BTreeSet<(String, String, String)> = run("apt", &["list", "--upgradable"])
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once('/')?;
            let mut words = rest.split_whitespace();
            let version = words.nth(1)?.to_owned();
            let arch = words.next()?;
            let from = line
                .rsplit_once("upgradable from: ")?
                .1
                .trim_end_matches(']');
            let name = if arch == native.trim() || arch == "all" {
                name.to_owned()
            } else {
                format!("{name}:{arch}")
            };
            Some((name, version, from.to_owned()))
        })
        .collect();
    eprintln!("upgradable: {}", ours.len());
    assert_eq!(ours, theirs);
}

#[tokio::test]
async fn orphans_match_apt_get_autoremove_simulation() {
    let apt = host();
    let ours: BTreeSet<String> = apt
        .orphans()
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            assert_eq!(
                s.installed.as_ref().map(|i| i.reason),
                Some(InstallReason::Dependency)
            );
            s.name
        })
        .collect();
    // `Remv name [version]`, or `Remv name:arch [version]`.
    let theirs: BTreeSet<String> = run("apt-get", &["-s", "autoremove"])
        .lines()
        .filter_map(|l| l.strip_prefix("Remv "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    eprintln!("orphans: {}", ours.len());
    assert_eq!(ours, theirs);
}

#[tokio::test]
async fn info_and_fingerprint_describe_the_host() {
    let apt = host();
    let info = apt.info();
    assert_eq!(
        (
            info.name.as_str(),
            info.root.as_str(),
            info.config.as_deref()
        ),
        ("apt", "/", None)
    );
    assert_eq!(info.version_scheme, VersionScheme::Dpkg);
    let fp = apt.fingerprint().await.unwrap();
    assert_eq!(fp.stamps[0].path, "/var/lib/dpkg/status");
    assert!(fp.stamps[0].len > 0 && fp.stamps[0].modified_ns > 0);
    assert!(fp
        .stamps
        .iter()
        .any(|s| s.path.starts_with("/var/lib/apt/lists/") && s.path.contains("Packages")));
    assert_eq!(fp, apt.fingerprint().await.unwrap());
}
