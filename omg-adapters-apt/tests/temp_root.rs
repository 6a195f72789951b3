//! The backend over a tiny apt root written by the test: exact answers from real libapt.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs;

use common::{lz4, TestRoot, PACKAGES};
use omg_adapters_apt::{AptBackend, AptConfig};
use omg_ports::{
    ActionKind, Error, InstallReason, Installed, PackageBackend, PackageSummary, Plan,
    RelationKind, Transaction, VersionScheme,
};

fn installed(version: &str, reason: InstallReason) -> Option<Installed> {
    Some(Installed {
        version: version.into(),
        reason,
        date: None,
    })
}

fn summary(
    name: &str,
    version: &str,
    description: &str,
    repository: &str,
    architecture: &str,
    installed: Option<Installed>,
) -> PackageSummary {
    PackageSummary {
        name: name.into(),
        version: version.into(),
        description: description.into(),
        repository: repository.into(),
        architecture: architecture.into(),
        installed: installed.map(Box::new),
        provides: Vec::new(),
    }
}

fn expected_packages() -> Vec<PackageSummary> {
    use InstallReason::*;
    let mut hello = summary(
        "hello",
        "2.10-3",
        "example package based on GNU hello",
        "omgtest/main",
        "amd64",
        None,
    );
    // `Provides: greeter (= 1.0), hi`, without the version.
    hello.provides = vec!["greeter".into(), "hi".into()];
    vec![
        hello,
        summary(
            "hello-doc",
            "2.10-3",
            "documentation for hello",
            "omgtest/main",
            "all",
            None,
        ),
        summary(
            "libbar",
            "1.0-1",
            "Bar library nobody needs",
            "local",
            "amd64",
            installed("1.0-1", Dependency),
        ),
        summary(
            "libfoo",
            "1.1-1",
            "Foo library",
            "omgtest/main",
            "amd64",
            installed("1.0-1", Dependency),
        ),
        summary(
            "libqux:i386",
            "2.0",
            "qux library",
            "local",
            "i386",
            installed("2.0", Explicit),
        ),
        summary(
            "localonly",
            "0.1",
            "installed from a .deb",
            "local",
            "amd64",
            installed("0.1", Explicit),
        ),
        summary(
            "tool",
            "3.0",
            "a tool",
            "omgtest/main",
            "amd64",
            installed("3.0", Explicit),
        ),
    ]
}

#[tokio::test]
async fn packages_of_a_tiny_root_are_exact() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    assert_eq!(apt.packages().await.unwrap(), expected_packages());
}

#[tokio::test]
async fn installed_upgradable_and_orphans_of_a_tiny_root_are_exact() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();

    let installed = apt.installed().await.unwrap();
    let names: Vec<_> = installed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["libbar", "libfoo", "libqux:i386", "localonly", "tool"]
    );
    // The installed version's description: installed() reads dpkg's status only.
    let libfoo = installed.iter().find(|s| s.name == "libfoo").unwrap();
    assert_eq!(libfoo.description, "Foo library (old)");
    assert_eq!(libfoo.version, "1.1-1");

    let upgradable = apt.upgradable().await.unwrap();
    assert_eq!(upgradable.len(), 1, "{upgradable:?}");
    assert_eq!(upgradable[0].name, "libfoo");
    assert_eq!(upgradable[0].version, "1.1-1");
    assert_eq!(upgradable[0].installed.as_ref().unwrap().version, "1.0-1");

    // libbar is automatic and nothing needs it; libfoo is automatic but `tool` needs it.
    let orphans = apt.orphans().await.unwrap();
    let names: Vec<_> = orphans.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["libbar"]);
}

#[tokio::test]
async fn package_of_a_tiny_root_has_every_field() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let hello = apt.package("hello").await.unwrap().unwrap();
    assert_eq!(hello.name, "hello");
    assert_eq!(hello.version, "2.10-3");
    assert_eq!(hello.description, "example package based on GNU hello");
    assert_eq!(hello.repository, "omgtest/main");
    assert_eq!(hello.architecture, "amd64");
    assert_eq!(hello.download_size, Some(53000));
    assert_eq!(hello.installed_size, Some(280 * 1024));
    assert_eq!(
        hello.url.as_deref(),
        Some("https://www.gnu.org/software/hello/")
    );
    assert_eq!(hello.licenses, None);
    let relations: Vec<(RelationKind, Vec<&str>)> = vec![
        (RelationKind::Provides, vec!["greeter (= 1.0)", "hi"]),
        (RelationKind::PreDepends, vec!["dpkg (>= 1.15.6~)"]),
        (
            RelationKind::Depends,
            vec!["libfoo (>= 1.0)", "libc6 (>= 2.34) | libc6.1", "libbar"],
        ),
        (RelationKind::Recommends, vec!["hello-doc"]),
        (RelationKind::Suggests, vec!["sugg"]),
        (RelationKind::Conflicts, vec!["oldhello"]),
        (RelationKind::Breaks, vec!["hello-legacy (<< 2)"]),
        (RelationKind::Replaces, vec!["oldhello"]),
    ];
    let ours: Vec<(RelationKind, Vec<&str>)> = hello
        .relations
        .iter()
        .map(|(k, v)| (*k, v.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(ours, relations);
    assert_eq!(
        hello.long_description.as_deref(),
        Some("The GNU hello program produces a familiar, friendly greeting.\n\nIt is an example.")
    );
    // The version table: the repository's version, its priority and source.
    assert_eq!(hello.versions.len(), 1);
    assert!(hello.versions[0].candidate && !hello.versions[0].installed);
    assert_eq!(hello.versions[0].priority, 500);
    assert_eq!(hello.installed, None);

    let libfoo = apt.package("libfoo").await.unwrap().unwrap();
    assert_eq!(libfoo.version, "1.1-1");
    assert_eq!(
        libfoo.installed,
        installed("1.0-1", InstallReason::Dependency)
    );

    let local = apt.package("localonly").await.unwrap().unwrap();
    assert_eq!(local.repository, "local");
    assert_eq!(local.description, "installed from a .deb");
    assert_eq!(local.download_size, None);

    let qux = apt.package("libqux:i386").await.unwrap().unwrap();
    assert_eq!(qux.name, "libqux:i386");
    assert_eq!(qux.architecture, "i386");

    // The i386 list is read (the root's apt.conf.d adds i386), yet packages() leaves its
    // uninstalled packages out.
    let wine = apt.package("wine32:i386").await.unwrap().unwrap();
    assert_eq!((wine.architecture.as_str(), wine.installed), ("i386", None));

    // Unknown, virtual-only, and config-files-only names.
    assert_eq!(apt.package("no-such-package").await.unwrap(), None);
    assert_eq!(apt.package("greeter").await.unwrap(), None);
    let removed = apt.package("removed").await.unwrap();
    assert!(
        removed.as_ref().is_none_or(|p| p.installed.is_none()),
        "{removed:?}"
    );
}

#[tokio::test]
async fn an_apt_conf_like_apt_config_selects_the_root() {
    let root = TestRoot::new();
    let conf = root.path().join("omg-test-apt.conf");
    fs::write(&conf, format!("Dir \"{}/\";\n", root.path().display())).unwrap();
    let apt = AptBackend::open(AptConfig::host().with_config(&conf)).unwrap();
    let info = apt.info();
    assert_eq!(info.name, "apt");
    assert_eq!(info.root, "/");
    assert_eq!(info.config.as_deref(), conf.to_str());
    assert_eq!(info.version_scheme, VersionScheme::Dpkg);
    assert_eq!(apt.packages().await.unwrap(), expected_packages());
}

#[tokio::test]
async fn an_apt_conf_can_move_apt_conf_d_away() {
    let root = TestRoot::new();
    let parts = root.path().join("other-parts");
    fs::create_dir(&parts).unwrap();
    fs::write(
        parts.join("amd64-only"),
        "APT::Architectures { \"amd64\"; };\nDir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n",
    )
    .unwrap();
    let conf = root.path().join("omg-test-apt.conf");
    fs::write(
        &conf,
        format!(
            "Dir \"{}/\";\nDir::Etc::parts \"{}/\";\n",
            root.path().display(),
            parts.display()
        ),
    )
    .unwrap();
    let apt = AptBackend::open(AptConfig::host().with_config(&conf)).unwrap();
    // Without the root's apt.conf.d, i386 is no architecture of this configuration.
    assert_eq!(apt.package("wine32:i386").await.unwrap(), None);
    assert!(apt.package("hello").await.unwrap().is_some());
}

#[tokio::test]
async fn info_names_the_root() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let info = apt.info();
    assert_eq!(info.root, root.path().display().to_string());
    assert_eq!(info.config, None);
}

#[tokio::test]
async fn a_missing_config_file_is_a_config_error_naming_it() {
    let err =
        AptBackend::open(AptConfig::host().with_config("/nonexistent/omg/apt.conf")).unwrap_err();
    eprintln!("{err}");
    match &err {
        Error::Config { path, .. } => assert_eq!(path.to_str(), Some("/nonexistent/omg/apt.conf")),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(
        err.to_string().contains("/nonexistent/omg/apt.conf"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_root_is_a_config_error() {
    let err = AptBackend::open(AptConfig::host().with_root("/nonexistent/omg-root")).unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[tokio::test]
async fn an_invalid_config_file_is_a_config_error_with_apt_message() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broken.conf");
    fs::write(
        &conf,
        "APT::Architecture \"amd64\"\nthis is { not apt.conf syntax\n",
    )
    .unwrap();
    let err = AptBackend::open(AptConfig::host().with_config(&conf)).unwrap_err();
    eprintln!("{err}");
    match &err {
        Error::Config { path, reason } => {
            assert_eq!(path, &conf);
            assert!(reason.contains("libapt-pkg"), "{reason}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_lz4_list_is_a_corrupt_database_naming_it() {
    let root = TestRoot::new();
    let big: String = (0..3000)
        .map(|i| format!("Package: pkg{i}\nVersion: 1.{i}\nArchitecture: amd64\nDescription: package number {i}\n\n"))
        .collect();
    let mut bytes = lz4(&format!("{PACKAGES}{big}"));
    bytes.truncate(bytes.len() / 2);
    root.write_list("main_binary-amd64_Packages.lz4", &bytes);
    let broken = root.list("main_binary-amd64_Packages.lz4");

    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let err = apt.packages().await.unwrap_err();
    eprintln!("{err}");
    match &err {
        Error::CorruptDatabase { path, reason } => {
            assert_eq!(path, &broken, "{reason}");
        }
        other => panic!("expected a corrupt database, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(broken.to_str().unwrap()), "{message}");
    assert!(message.contains("is unreadable"), "{message}");
    // Every read of the cache says the same, and a repaired list is picked up.
    assert!(matches!(
        apt.package("hello").await,
        Err(Error::CorruptDatabase { .. })
    ));
    root.write_list("main_binary-amd64_Packages.lz4", &lz4(PACKAGES));
    assert_eq!(apt.packages().await.unwrap(), expected_packages());
}

#[tokio::test]
async fn a_broken_sources_list_is_a_library_error_with_apt_message() {
    let root = TestRoot::new();
    fs::write(
        root.path().join("etc/apt/sources.list"),
        "deb this-is-not-a-uri\n",
    )
    .unwrap();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let err = apt.packages().await.unwrap_err();
    eprintln!("{err}");
    match &err {
        Error::Library { library, message } => {
            assert_eq!(library, "libapt-pkg");
            assert!(message.contains("sources.list"), "{message}");
        }
        other => panic!("expected a libapt-pkg error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_fingerprint_follows_the_root_files() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let before = apt.fingerprint().await.unwrap();
    let paths: Vec<_> = before.stamps.iter().map(|s| s.path.as_str()).collect();
    let root_str = root.path().to_str().unwrap();
    assert!(paths.iter().all(|p| p.starts_with(root_str)), "{paths:?}");
    assert!(paths[0].ends_with("var/lib/dpkg/status"), "{paths:?}");
    assert!(
        paths[1].ends_with("var/lib/apt/extended_states"),
        "{paths:?}"
    );
    assert!(paths
        .iter()
        .any(|p| p.ends_with("_main_binary-amd64_Packages.lz4")));
    assert_eq!(before, apt.fingerprint().await.unwrap());

    // A changed status is seen by the fingerprint and by the next read.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let status = root.path().join("var/lib/dpkg/status");
    let mut text = fs::read_to_string(&status).unwrap();
    text.push_str("Package: newpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\nDescription: new\n\n");
    fs::write(&status, text).unwrap();
    assert_ne!(before, apt.fingerprint().await.unwrap());
    let installed = apt.installed().await.unwrap();
    assert!(
        installed.iter().any(|s| s.name == "newpkg"),
        "{installed:?}"
    );
}

fn kinds(plan: &Plan) -> Vec<(ActionKind, &str)> {
    plan.actions
        .iter()
        .map(|a| (a.kind, a.name.as_str()))
        .collect()
}

#[tokio::test]
async fn plans_of_a_tiny_root_come_from_libapts_resolver() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();

    let upgrade = apt.plan(&Transaction::Upgrade).await.unwrap();
    assert_eq!(kinds(&upgrade), [(ActionKind::Upgrade, "libfoo")]);
    let libfoo = &upgrade.actions[0];
    assert_eq!(libfoo.old_version.as_deref(), Some("1.0-1"));
    assert_eq!(libfoo.new_version.as_deref(), Some("1.1-1"));
    assert_eq!(libfoo.repository.as_deref(), Some("omgtest/main"));
    assert_eq!(libfoo.reason, Some(InstallReason::Dependency));

    // Removing libfoo takes tool, which depends on it, as apt's resolver does.
    let remove = apt
        .plan(&Transaction::Remove {
            names: vec!["libfoo".into()],
            recursive: false,
        })
        .await
        .unwrap();
    assert_eq!(
        kinds(&remove),
        [(ActionKind::Remove, "libfoo"), (ActionKind::Remove, "tool")]
    );

    // Recursive: libfoo was needed only by tool; libbar was unneeded before and stays.
    let recursive = apt
        .plan(&Transaction::Remove {
            names: vec!["tool".into()],
            recursive: true,
        })
        .await
        .unwrap();
    assert_eq!(
        kinds(&recursive),
        [(ActionKind::Remove, "libfoo"), (ActionKind::Remove, "tool")]
    );

    // hello pre-depends on a dpkg no source has.
    match apt.plan(&Transaction::Install(vec!["hello".into()])).await {
        Err(Error::Unsatisfiable {
            dependency,
            required_by,
        }) => {
            assert_eq!(dependency, "dpkg (>= 1.15.6~)");
            assert_eq!(required_by, "hello");
        }
        other => panic!("expected Unsatisfiable, got {other:?}"),
    }
    match apt.plan(&Transaction::Install(vec!["helo".into()])).await {
        Err(Error::NotFound { suggestions, .. }) => {
            assert!(suggestions.iter().any(|s| s == "hello"), "{suggestions:?}")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // A plan leaves no marks behind for later reads.
    let orphans = apt.orphans().await.unwrap();
    let names: Vec<_> = orphans.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["libbar"]);

    let clean = apt
        .plan(&Transaction::CleanCache { keep: 0 })
        .await
        .unwrap();
    assert!(clean.is_empty());
}

#[tokio::test]
async fn the_dependency_graph_of_a_tiny_root() {
    let root = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
    let graph = apt.dependency_graph().await.unwrap();
    let names: Vec<_> = graph.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        ["libbar", "libfoo", "libqux:i386", "localonly", "tool"]
    );
    let tool = graph.iter().find(|n| n.name == "tool").unwrap();
    assert_eq!(tool.depends, ["libfoo"]);
    assert_eq!(tool.reason, InstallReason::Explicit);
    let libfoo = graph.iter().find(|n| n.name == "libfoo").unwrap();
    assert_eq!(libfoo.reason, InstallReason::Dependency);
    assert!(libfoo.depends.is_empty());
}

/// What pacman -Qi adds for an installed package: when dpkg last wrote its file list
/// (`info/<name>:<arch>.list` for Multi-Arch: same, else `info/<name>.list`), and the
/// installed packages that need it.
#[tokio::test]
async fn installed_records_say_when_and_who_needs_them() {
    let root = TestRoot::new();
    let info = root.path().join("var/lib/dpkg/info");
    fs::create_dir_all(&info).unwrap();
    let stamp = |name: &str, seconds: u64| {
        let file = fs::File::create(info.join(name)).unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
            .unwrap();
    };
    stamp("libfoo:amd64.list", 1_700_000_000);
    stamp("tool.list", 1_600_000_000);
    let apt = AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();

    let libfoo = apt.package("libfoo").await.unwrap().unwrap();
    assert_eq!(libfoo.installed.as_ref().unwrap().date, Some(1_700_000_000));
    // tool (installed) Depends: libfoo; nothing recommends or suggests it.
    assert_eq!(libfoo.relation(RelationKind::RequiredBy), ["tool"]);
    assert!(libfoo.relations.contains_key(&RelationKind::OptionalFor));
    assert!(libfoo.relation(RelationKind::OptionalFor).is_empty());

    let tool = apt.package("tool").await.unwrap().unwrap();
    assert_eq!(tool.installed.as_ref().unwrap().date, Some(1_600_000_000));
    assert!(tool.relation(RelationKind::RequiredBy).is_empty());
    // No file list: no date.
    let libbar = apt.package("libbar").await.unwrap().unwrap();
    assert_eq!(libbar.installed.unwrap().date, None);
    // Not installed: no such fields.
    let hello = apt.package("hello").await.unwrap().unwrap();
    assert!(!hello.relations.contains_key(&RelationKind::RequiredBy));
}
