//! `AlpmBackend` against a generated root of ~350 packages in three repositories, read by the
//! real libalpm, with the answers compared to the model and to the real `pacman` binary.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::Arc;

use common::{lines, pacman, world};
use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::{
    BackendInfo, Error, InstallReason, Installed, Package, PackageBackend, RelationKind,
    Transaction, VersionScheme,
};

fn open(w: &common::World) -> AlpmBackend {
    AlpmBackend::open(AlpmConfig::new(w.root.config_path())).expect("open the fixture")
}

fn names<'a>(v: impl IntoIterator<Item = &'a omg_ports::PackageSummary>) -> Vec<String> {
    v.into_iter().map(|s| s.name.clone()).collect()
}

#[tokio::test]
async fn info_describes_the_configuration() {
    let w = world();
    let b = open(&w);
    assert_eq!(
        b.info(),
        BackendInfo {
            name: "alpm".into(),
            root: format!("{}/", w.root.root().display()),
            config: Some(w.root.config_path().display().to_string()),
            version_scheme: VersionScheme::Alpm,
        }
    );
    assert_eq!(b.repositories(), ["core", "extra", "community"]);
}

#[tokio::test]
async fn packages_are_every_sync_package_once_per_repository_plus_local_only() {
    let w = world();
    let b = open(&w);
    let got = b.packages().await.unwrap();
    let expected = w.expected_packages();
    assert_eq!(
        got.len(),
        120 + 150 + 60 + 7 + 6 + 3 + 3,
        "sync entries (a name in two repositories twice, like pacman -Sl) + 3 local-only"
    );
    assert_eq!(got, expected);

    let find = |n: &str| got.iter().find(|p| p.name == n).unwrap();
    assert_eq!(find("shared").repository, "core");
    assert_eq!(find("shared").version, "1.0-1");
    assert_eq!(find("triple").repository, "extra");
    assert_eq!(find("triple").description, "Triple, extra copy");
    let triple: Vec<&str> = got
        .iter()
        .filter(|p| p.name == "triple")
        .map(|p| p.repository.as_str())
        .collect();
    assert!(triple.len() >= 2, "{triple:?}");
    assert_eq!(find("libfoo").provides, ["libfoo.so"]);
    assert_eq!(find("glibc").repository, "local");
    assert_eq!(
        find("editor").installed,
        Some(Box::new(Installed {
            version: "1.5-1".into(),
            reason: InstallReason::Explicit,
            date: Some(1_700_100_000),
        }))
    );
    assert_eq!(
        find("libfoo").installed.as_ref().unwrap().reason,
        InstallReason::Dependency
    );
    assert_eq!(find("core-lib-001").installed, None);
    assert_eq!(find("core-lib-000").version, "1:1.0.0-1");
    let local_only: Vec<_> = got.iter().filter(|p| p.repository == "local").collect();
    assert_eq!(
        names(local_only),
        ["glibc", "local-only-dep", "local-only-tool"]
    );

    if let (Some(sl), Some(foreign)) = (pacman(&w.root, &["-Slq"]), pacman(&w.root, &["-Qmq"])) {
        let from_pacman: Vec<_> = lines(&sl).into_iter().chain(lines(&foreign)).collect();
        assert_eq!(names(&got), from_pacman);
    }
}

#[tokio::test]
async fn installed_are_local_packages_with_their_repository() {
    let w = world();
    let b = open(&w);
    let got = b.installed().await.unwrap();
    assert_eq!(got, w.expected_installed());
    assert_eq!(got.len(), w.local.len());
    let find = |n: &str| got.iter().find(|p| p.name == n).unwrap();
    assert_eq!(
        find("editor").version,
        "1.5-1",
        "installed version, not the sync one"
    );
    assert_eq!(find("editor").repository, "extra");
    assert_eq!(find("shared").repository, "core");
    assert_eq!(find("local-only-tool").repository, "local");
    assert_eq!(find("local-only-tool").description, "Built by hand");
    assert!(got
        .iter()
        .all(|p| p.installed.as_ref().unwrap().version == p.version));

    if let Some(q) = pacman(&w.root, &["-Qq"]) {
        assert_eq!(names(&got), lines(&q));
    }
    if let Some(q) = pacman(&w.root, &["-Qdq"]) {
        let deps: Vec<_> = got
            .iter()
            .filter(|p| p.installed.as_ref().unwrap().reason == InstallReason::Dependency)
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(deps, lines(&q));
        let mut model = w.dependency_names();
        model.sort();
        assert_eq!(deps, model);
    }
}

#[tokio::test]
async fn package_gives_the_full_record_from_the_first_repository() {
    let w = world();
    let b = open(&w);
    let editor = b.package("editor").await.unwrap().unwrap();
    assert_eq!(
        Package {
            relations: Default::default(),
            groups: None,
            packager: None,
            build_date: None,
            validated_by: None,
            install_script: None,
            ..editor.clone()
        },
        Package {
            name: "editor".into(),
            version: "2.0-1".into(),
            description: "A text editor".into(),
            repository: "extra".into(),
            architecture: "any".into(),
            download_size: Some(123_456),
            installed_size: Some(654_321),
            url: Some("https://editor.example".into()),
            licenses: Some(vec!["GPL-3.0-or-later".into(), "custom:editor".into()]),
            // Both are installed in this world (pacman -Qi's `[installed]`).
            installed_optdepends: vec!["optional-lib: for extra powers".into(), "shared".into()],
            installed: Some(Installed {
                version: "1.5-1".into(),
                reason: InstallReason::Explicit,
                date: Some(1_700_100_000),
            }),
            ..Package::default()
        }
    );
    let relation = |kind| editor.relation(kind).to_vec();
    assert_eq!(
        relation(RelationKind::Depends),
        ["libfoo>=1.0", "virtual-thing", "glibc"]
    );
    assert_eq!(
        relation(RelationKind::OptDepends),
        ["optional-lib: for extra powers", "shared"]
    );
    assert_eq!(relation(RelationKind::Provides), ["text-editor=2.0"]);
    assert_eq!(relation(RelationKind::Conflicts), ["old-editor<2"]);
    assert_eq!(relation(RelationKind::Replaces), ["ancient-editor"]);
    // pacman's kinds are there even when empty; apt's never.
    assert!(editor.relations.contains_key(&RelationKind::RequiredBy));
    assert!(!editor.relations.contains_key(&RelationKind::Recommends));
    assert_eq!(editor.groups, Some(vec![]));
    assert_eq!(editor.build_date, Some(1_700_000_000));
    assert_eq!(editor.install_script, Some(false));
    assert_eq!(
        editor.validated_by,
        Some(vec![]),
        "no checksum in this database"
    );

    let shared = b.package("shared").await.unwrap().unwrap();
    assert_eq!(
        (shared.repository.as_str(), shared.version.as_str()),
        ("core", "1.0-1")
    );
    assert_eq!(shared.description, "Shared, core copy");

    let lib = b.package("libfoo").await.unwrap().unwrap();
    assert_eq!(lib.relation(RelationKind::Provides), ["libfoo.so=1-64"]);
    assert_eq!(lib.installed.unwrap().reason, InstallReason::Dependency);

    let not_installed = b.package("comm-tool-007").await.unwrap().unwrap();
    assert_eq!(not_installed.repository, "community");
    assert_eq!(not_installed.installed, None);
    assert_eq!(not_installed.download_size, Some(1024));
    assert!(not_installed.relation(RelationKind::Depends).is_empty());
    assert!(!not_installed
        .relations
        .contains_key(&RelationKind::RequiredBy));
    assert_eq!(not_installed.install_script, None);

    let glibc = b.package("glibc").await.unwrap().unwrap();
    assert_eq!(
        Package {
            relations: Default::default(),
            groups: None,
            packager: None,
            build_date: None,
            validated_by: None,
            install_script: None,
            ..glibc
        },
        Package {
            name: "glibc".into(),
            version: "2.40-1".into(),
            description: "Installed, in no repository".into(),
            repository: "local".into(),
            architecture: "x86_64".into(),
            download_size: None,
            installed_size: Some(4096),
            url: Some("https://example.org/glibc".into()),
            licenses: Some(vec!["MIT".into()]),
            installed: Some(Installed {
                version: "2.40-1".into(),
                reason: InstallReason::Dependency,
                date: Some(1_700_100_000),
            }),
            ..Package::default()
        }
    );

    if let Some(si) = pacman(&w.root, &["-Si", "editor"]) {
        let field = |key: &str| -> Vec<String> {
            let line = si
                .lines()
                .find(|l| l.starts_with(key))
                .unwrap_or_else(|| panic!("no {key} in {si}"));
            let value = line.split_once(" : ").unwrap().1;
            value.split_whitespace().map(str::to_string).collect()
        };
        assert_eq!(field("Repository"), ["extra"]);
        assert_eq!(field("Version"), ["2.0-1"]);
        assert_eq!(field("Depends On"), relation(RelationKind::Depends));
        assert_eq!(field("Provides"), relation(RelationKind::Provides));
        assert_eq!(field("Conflicts With"), relation(RelationKind::Conflicts));
        assert_eq!(field("Replaces"), relation(RelationKind::Replaces));
        assert_eq!(Some(field("Licenses")), editor.licenses);
    }
}

#[tokio::test]
async fn unknown_names_are_none_and_provides_do_not_count() {
    let w = world();
    let b = open(&w);
    for name in [
        "no-such-package",
        "virtual-thing",
        "text-editor",
        "",
        "edi\0tor",
        "EDITOR",
    ] {
        assert_eq!(b.package(name).await.unwrap(), None, "{name:?}");
    }
}

#[tokio::test]
async fn upgradable_follows_vercmp_and_the_first_repository() {
    let w = world();
    let b = open(&w);
    let got = b.upgradable().await.unwrap();
    let pairs: Vec<_> = got
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.installed.as_ref().unwrap().version.as_str(),
                p.version.as_str(),
                p.repository.as_str(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("editor", "1.5-1", "2.0-1", "extra"),
            ("epochy", "2.0-1", "1:1.0-1", "extra"),
            ("extra-app-000", "0.1-1", "1:1.0.0-1", "extra"),
            ("extra-app-030", "0.1-1", "3.0.0-1", "extra"),
            ("extra-app-060", "0.1-1", "5.0.0-1", "extra"),
            ("extra-app-090", "0.1-1", "7.0.0-1", "extra"),
            ("extra-app-120", "0.1-1", "2.0.0-1", "extra"),
            ("orphan-lib", "0.4-1", "0.5-1", "core"),
        ]
    );
    assert_eq!(
        got[0].description, "A text editor",
        "the new version's record"
    );

    if let Some(qu) = pacman(&w.root, &["-Qu"]) {
        let from_pacman: Vec<String> = lines(&qu);
        let ours: Vec<String> = pairs
            .iter()
            .map(|(n, old, new, _)| format!("{n} {old} -> {new}"))
            .collect();
        assert_eq!(ours, from_pacman);
    }
}

#[tokio::test]
async fn orphans_are_like_pacman_qdt() {
    let w = world();
    let b = open(&w);
    let got = b.orphans().await.unwrap();
    assert_eq!(names(&got), ["local-only-dep", "orphan-lib"]);
    let installed = b.installed().await.unwrap();
    for o in &got {
        assert!(
            installed.contains(o),
            "an orphan is an installed() entry: {o:?}"
        );
    }
    assert_eq!(got[1].repository, "core");
    assert_eq!(got[1].version, "0.4-1");
    assert_eq!(got[0].repository, "local");

    if let Some(qdt) = pacman(&w.root, &["-Qdtq"]) {
        assert_eq!(names(&got), lines(&qdt));
    }
    // optional-lib is only optionally required: -Qdtt would list it, -Qdt does not.
    if let Some(qdtt) = pacman(&w.root, &["-Qdttq"]) {
        assert_eq!(
            lines(&qdtt),
            ["local-only-dep", "optional-lib", "orphan-lib"]
        );
    }
}

#[tokio::test]
async fn plans_of_the_generated_root_match_libalpms_view() {
    let w = world();
    let b = open(&w);
    let plan = b
        .plan(&Transaction::Install(vec!["editor".into()]))
        .await
        .unwrap();
    assert_eq!(plan.actions.len(), 1, "{plan:?}");
    let a = &plan.actions[0];
    assert_eq!(a.kind, omg_ports::ActionKind::Upgrade);
    assert_eq!(
        (a.old_version.as_deref(), a.new_version.as_deref()),
        (Some("1.5-1"), Some("2.0-1"))
    );
    assert_eq!(a.repository.as_deref(), Some("extra"));
    assert_eq!((a.download_size, a.installed_size), (123_456, 654_321));
    assert_eq!(a.reason, Some(InstallReason::Explicit));

    // A full upgrade plans exactly what `upgradable()` lists.
    let plan = b.plan(&Transaction::Upgrade).await.unwrap();
    let mut planned: Vec<_> = plan.actions.iter().map(|a| a.name.clone()).collect();
    planned.sort();
    let mut upgradable = names(&b.upgradable().await.unwrap());
    upgradable.sort();
    assert_eq!(planned, upgradable);
    assert!(!w.root.dbpath().join("db.lck").exists());
}

#[tokio::test]
async fn fingerprint_stamps_sync_dbs_and_local_db_and_changes_with_them() {
    let w = world();
    let b = open(&w);
    let f = b.fingerprint().await.unwrap();
    let paths: Vec<_> = f.stamps.iter().map(|s| s.path.clone()).collect();
    let dbpath = w.root.dbpath();
    assert_eq!(
        paths,
        [
            dbpath.join("sync/core.db"),
            dbpath.join("sync/extra.db"),
            dbpath.join("sync/community.db"),
            dbpath.join("local"),
            dbpath.join("local/ALPM_DB_VERSION"),
        ]
        .map(|p| p.display().to_string())
    );
    for s in &f.stamps {
        assert!(s.modified_ns > 0 && s.len > 0, "{s:?}");
    }
    assert_eq!(f.stamps[4].len, 2, "ALPM_DB_VERSION holds \"9\\n\"");
    assert_eq!(
        f,
        b.fingerprint().await.unwrap(),
        "stable while nothing changes"
    );

    let mut root = w.root.clone();
    let extra = &w.sync[1].1;
    root.add_sync_db("extra", &extra[..extra.len() - 1])
        .unwrap();
    let g = b.fingerprint().await.unwrap();
    assert_ne!(f.stamps[1], g.stamps[1]);
    assert_eq!(f.stamps[0], g.stamps[0]);

    std::fs::remove_file(w.root.sync_db_path("community")).unwrap();
    let h = b.fingerprint().await.unwrap();
    assert_eq!(
        (h.stamps[2].modified_ns, h.stamps[2].len),
        (0, 0),
        "absent: 0"
    );
}

#[tokio::test]
async fn a_root_with_nothing_installed_has_empty_local_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = omg_testkit::alpm::FixtureRoot::create(dir.path()).unwrap();
    root.add_sync_db(
        "core",
        &[omg_testkit::alpm::FixturePackage::new("a", "1-1")],
    )
    .unwrap();
    let b = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
    assert_eq!(names(&b.packages().await.unwrap()), ["a"]);
    assert!(b.installed().await.unwrap().is_empty());
    assert!(b.upgradable().await.unwrap().is_empty());
    assert!(b.orphans().await.unwrap().is_empty());
    let f = b.fingerprint().await.unwrap();
    assert_eq!(f.stamps.len(), 3);
    // Like pacman, libalpm creates an empty local database (with ALPM_DB_VERSION) when it
    // opens a root that has none.
    assert!(root.local_db_path().join("ALPM_DB_VERSION").is_file());
    assert_eq!(f.stamps[2].len, 2);
}

#[tokio::test]
async fn root_and_dbpath_overrides_are_honoured() {
    let w = world();
    let other = tempfile::tempdir().unwrap();
    let b = AlpmBackend::open(AlpmConfig {
        root: Some(other.path().to_path_buf()),
        ..AlpmConfig::new(w.root.config_path())
    })
    .unwrap();
    assert_eq!(b.info().root, other.path().display().to_string());
    assert_eq!(
        b.installed().await.unwrap().len(),
        w.local.len(),
        "DBPath from the file"
    );

    let err = AlpmBackend::open(AlpmConfig {
        dbpath: Some(other.path().to_path_buf()),
        ..AlpmConfig::new(w.root.config_path())
    })
    .unwrap_err();
    match err {
        Error::MissingDatabase { path } => assert_eq!(path, other.path().join("sync/core.db")),
        other => panic!("expected MissingDatabase, got {other:?}"),
    }
}

#[test]
fn the_backend_serves_many_threads_at_once() {
    let w = world();
    let b = Arc::new(open(&w));
    let expected = w.expected_packages();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let b = Arc::clone(&b);
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let mut out = Vec::new();
                    for _ in 0..5 {
                        if i % 2 == 0 {
                            out.push(b.packages().await.unwrap().len());
                        } else {
                            out.push(b.orphans().await.unwrap().len());
                        }
                    }
                    out
                })
            })
        })
        .collect();
    for (i, t) in threads.into_iter().enumerate() {
        let lens = t.join().unwrap();
        let want = if i % 2 == 0 { expected.len() } else { 2 };
        assert_eq!(lens, vec![want; 5]);
    }
}

/// Databases in every compression give the same answers; one the streaming reader does not
/// handle (bzip2) is read through libalpm.
#[tokio::test]
async fn every_compression_gives_the_same_packages() {
    use omg_testkit::alpm::DbCompression;
    let w = world();
    let expected = w.expected_packages();
    for compression in [DbCompression::Zstd, DbCompression::Xz, DbCompression::None] {
        let mut root = w.root.clone();
        for (repo, pkgs) in &w.sync {
            root.add_sync_db_as(repo, pkgs, compression).unwrap();
        }
        let b = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
        assert_eq!(b.packages().await.unwrap(), expected, "{compression:?}");
        assert_eq!(b.upgradable().await.unwrap().len(), 8, "{compression:?}");
    }
    // The loop left an uncompressed tar: compress it with bzip2.
    let path = w.root.sync_db_path("extra");
    let status = std::process::Command::new("bzip2")
        .arg("--keep")
        .arg("--force")
        .arg(&path)
        .status();
    match status {
        Ok(s) if s.success() => {
            let mut bz2 = path.clone().into_os_string();
            bz2.push(".bz2");
            std::fs::rename(&bz2, &path).unwrap();
            let b = AlpmBackend::open(AlpmConfig::new(w.root.config_path())).unwrap();
            assert_eq!(b.packages().await.unwrap(), expected, "bzip2");
        }
        _ => omg_testkit::skip("the bzip2 database: cannot run bzip2"),
    }
}

/// `satisfier` resolves as pacman does: installed (`pacman -T`, which prints what is not
/// satisfied) and from the repositories (`pacman -Sp --print-format %n`, the package pacman
/// would install for the dependency).
#[tokio::test]
async fn satisfiers_are_pacmans() {
    let w = world();
    let b = open(&w);
    let deps = [
        "libfoo",
        "libfoo>=1.0",
        "libfoo>1.2",
        "libfoo.so",
        "libfoo.so=1-64",
        "virtual-thing",
        "text-editor>=2",
        "text-editor>2",
        "shared=2.0",
        "shared<2",
        "epochy>=1:1",
        "no-such-thing",
        "glibc",
    ];
    for dep in deps {
        let installed = b.satisfier(dep, true).await.unwrap();
        let synced = b.satisfier(dep, false).await.unwrap();
        let Some(unsatisfied) = pacman_allowing_failure(&w.root, &["-T", dep]) else {
            return;
        };
        assert_eq!(
            installed.is_none(),
            unsatisfied.trim() == dep,
            "{dep}: installed satisfier {installed:?}, pacman -T said {unsatisfied:?}"
        );
        let from_pacman = pacman_allowing_failure(&w.root, &["-Sp", "--print-format", "%n", dep])
            .unwrap_or_default();
        assert_eq!(
            synced.as_deref(),
            from_pacman.lines().next().filter(|l| !l.is_empty()),
            "{dep}: sync satisfier"
        );
    }
    assert_eq!(b.satisfier("bad\0dep", false).await.unwrap(), None);
    // Not vacuous: a versioned provide from the repositories, a provide installed.
    assert_eq!(
        b.satisfier("text-editor>=2", false)
            .await
            .unwrap()
            .as_deref(),
        Some("editor")
    );
    assert_eq!(
        b.satisfier("virtual-thing", true).await.unwrap().as_deref(),
        Some("virtual-impl")
    );
}

/// pacman's stdout, whatever its exit code (-T exits 127 for unsatisfied dependencies, -Sp
/// 1 for a target it cannot find); `None` (a skip) when pacman cannot run.
fn pacman_allowing_failure(root: &omg_testkit::alpm::FixtureRoot, args: &[&str]) -> Option<String> {
    match std::process::Command::new("pacman")
        .arg("--config")
        .arg(root.config_path())
        .args(args)
        .env("LC_ALL", "C")
        .output()
    {
        Ok(out) => Some(String::from_utf8(out.stdout).expect("UTF-8")),
        Err(e) => {
            omg_testkit::skip(&format!("cannot run pacman {args:?}: {e}"));
            None
        }
    }
}
