//! Real libalpm transactions through `AlpmBackend` on a temporary root with a file://
//! repository of package files built by the fixtures: install (with a dependency), upgrade
//! after a refresh, remove and remove recursive, and the plan of each, cross-checked with
//! the real pacman where it is cheap.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test holds `common::tx::serial()` across its awaits on purpose: it runs on a runtime
// of its own, and the guard keeps the other tests of this binary out of libalpm meanwhile.
#![allow(clippy::await_holding_lock)]

mod common;

use std::sync::Arc;

use common::tx::{open, pacman_q, pkg, read_in_root, repo_root, Recorder};
use omg_ports::{ActionKind, InstallReason, PackageBackend, ProgressEvent, Transaction};

fn install(names: &[&str]) -> Transaction {
    Transaction::Install(names.iter().map(|s| s.to_string()).collect())
}

fn remove(names: &[&str], recursive: bool) -> Transaction {
    Transaction::Remove {
        names: names.iter().map(|s| s.to_string()).collect(),
        recursive,
    }
}

#[tokio::test]
async fn install_pulls_in_a_dependency_and_records_reasons() {
    let _serial = common::tx::serial();
    let (_dir, root, published) = repo_root(&[
        pkg("app", "1.0-1").depends(["lib>=1"]).sizes(0, 5000),
        pkg("lib", "1.2-1"),
        pkg("unrelated", "1-1"),
    ]);
    let b = open(&root);

    let plan = b.plan(&install(&["app"])).await.unwrap();
    let got: Vec<_> = plan
        .actions
        .iter()
        .map(|a| (a.kind, a.name.as_str(), a.new_version.as_deref(), a.reason))
        .collect();
    assert_eq!(
        got,
        [
            (
                ActionKind::Install,
                "lib",
                Some("1.2-1"),
                Some(InstallReason::Dependency)
            ),
            (
                ActionKind::Install,
                "app",
                Some("1.0-1"),
                Some(InstallReason::Explicit)
            ),
        ]
    );
    let csize = |name: &str| published.iter().find(|p| p.name == name).unwrap().csize;
    for a in &plan.actions {
        assert_eq!(a.repository.as_deref(), Some("core"));
        assert_eq!(a.old_version, None);
        assert_eq!(a.download_size, csize(&a.name), "{a:?}");
    }
    assert_eq!(plan.actions[1].installed_size, 5000);
    assert_eq!(plan.download_size, csize("app") + csize("lib"));
    assert_eq!(plan.installed_size_delta, 5000 + 4096);
    // A plan changes nothing and leaves no lock behind.
    assert!(b.installed().await.unwrap().is_empty());
    assert!(!root.dbpath().join("db.lck").exists());

    let sink = Arc::new(Recorder::default());
    let outcome = b.commit(&install(&["app"]), sink.clone()).await.unwrap();
    assert_eq!(outcome.actions, plan.actions);
    assert_eq!(
        read_in_root(&root, "usr/share/app/data").as_deref(),
        Some("app 1.0-1\n")
    );
    assert_eq!(
        read_in_root(&root, "usr/share/lib/data").as_deref(),
        Some("lib 1.2-1\n")
    );
    assert!(!root.dbpath().join("db.lck").exists());

    // The same backend sees the new state.
    let installed = b.installed().await.unwrap();
    let state: Vec<_> = installed
        .iter()
        .map(|p| {
            let i = p.installed.as_ref().unwrap();
            (p.name.as_str(), i.version.as_str(), i.reason)
        })
        .collect();
    assert_eq!(
        state,
        [
            ("app", "1.0-1", InstallReason::Explicit),
            ("lib", "1.2-1", InstallReason::Dependency)
        ]
    );
    let app = b.package("app").await.unwrap().unwrap();
    assert_eq!(app.installed.unwrap().version, "1.0-1");
    assert!(b
        .packages()
        .await
        .unwrap()
        .iter()
        .any(|p| p.name == "lib" && p.installed.is_some()));

    // Progress: downloads, each package's step, percentages.
    let steps = sink.steps();
    assert!(
        steps.contains(&"installing lib (1.2-1)".to_string()),
        "{steps:?}"
    );
    assert!(
        steps.contains(&"installing app (1.0-1)".to_string()),
        "{steps:?}"
    );
    let events = sink.events();
    assert!(events.iter().any(|e| matches!(e,
        ProgressEvent::Step { message, current: 2, total: 2 } if message.starts_with("installing app"))));
    assert!(events.iter().any(|e| matches!(e,
        ProgressEvent::Download { item, .. } if item.starts_with("app-1.0-1"))));
    assert!(events.iter().any(|e| matches!(e,
        ProgressEvent::StepProgress { item, percent: 100 } if item == "app")));

    if let Some(q) = pacman_q(&root) {
        assert_eq!(q, ["app 1.0-1", "lib 1.2-1"]);
    }
    if let Some(qe) = common::pacman(&root, &["-Qeq"]) {
        assert_eq!(common::lines(&qe), ["app"]);
    }

    // Installing it again changes nothing (apt's behaviour, pacman's --needed) and says so.
    let again = b.plan(&install(&["app"])).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(
        again.warnings,
        ["app is already the newest version (1.0-1)"]
    );
    // A reinstall takes it from the cache: nothing to download.
    let again = b
        .plan(&Transaction::Reinstall(vec!["app".into()]))
        .await
        .unwrap();
    assert_eq!(again.actions.len(), 1);
    assert_eq!(again.actions[0].kind, ActionKind::Reinstall);
    assert_eq!(again.actions[0].old_version.as_deref(), Some("1.0-1"));
    assert_eq!(again.actions[0].download_size, 0);
    assert_eq!(again.warnings, ["app-1.0-1 is up to date -- reinstalling"]);
}

#[tokio::test]
async fn refresh_then_upgrade_to_a_newer_version() {
    let _serial = common::tx::serial();
    let (_dir, mut root, _) = repo_root(&[pkg("app", "1.0-1"), pkg("lib", "1-1")]);
    let b = open(&root);
    b.commit(&install(&["app", "lib"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    assert!(b.plan(&Transaction::Upgrade).await.unwrap().is_empty());

    // A newer app on the server only; the local copy of the database does not know it yet.
    root.publish_to_server("core", &[pkg("app", "2.0-1"), pkg("lib", "1-1")])
        .unwrap();
    let refresh = b.plan(&Transaction::Refresh).await.unwrap();
    assert!(refresh.actions.is_empty());
    assert_eq!(
        refresh.warnings,
        ["refresh downloads the package databases of core"]
    );
    assert!(b.upgradable().await.unwrap().is_empty());

    let sink = Arc::new(Recorder::default());
    let outcome = b.commit(&Transaction::Refresh, sink.clone()).await.unwrap();
    assert!(outcome.actions.is_empty());
    assert!(sink
        .steps()
        .contains(&"synchronizing package databases".to_string()));
    let upgradable = b.upgradable().await.unwrap();
    assert_eq!(upgradable.len(), 1);
    assert_eq!(upgradable[0].version, "2.0-1");
    if let Some(qu) = common::pacman(&root, &["-Qu"]) {
        assert_eq!(common::lines(&qu), ["app 1.0-1 -> 2.0-1"]);
    }

    let plan = b.plan(&Transaction::Upgrade).await.unwrap();
    assert_eq!(plan.actions.len(), 1);
    let a = &plan.actions[0];
    assert_eq!(a.kind, ActionKind::Upgrade);
    assert_eq!(
        (
            a.name.as_str(),
            a.old_version.as_deref(),
            a.new_version.as_deref()
        ),
        ("app", Some("1.0-1"), Some("2.0-1"))
    );
    assert_eq!(a.reason, Some(InstallReason::Explicit));

    let sink = Arc::new(Recorder::default());
    b.commit(&Transaction::Upgrade, sink.clone()).await.unwrap();
    assert!(sink
        .steps()
        .contains(&"upgrading app (1.0-1 -> 2.0-1)".to_string()));
    assert_eq!(
        read_in_root(&root, "usr/share/app/data").as_deref(),
        Some("app 2.0-1\n")
    );
    assert!(b.upgradable().await.unwrap().is_empty());
    if let Some(q) = pacman_q(&root) {
        assert_eq!(q, ["app 2.0-1", "lib 1-1"]);
    }
}

#[tokio::test]
async fn remove_keeps_dependencies_and_remove_recursive_takes_them() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[
        pkg("app", "1.0-1").depends(["lib"]),
        pkg("lib", "1-1"),
        pkg("other", "1-1"),
    ]);
    let b = open(&root);
    let quiet = || Arc::new(Recorder::default());
    b.commit(&install(&["app", "other"]), quiet())
        .await
        .unwrap();

    // lib is needed by app.
    let err = b.plan(&remove(&["lib"], false)).await.unwrap_err();
    assert!(
        matches!(&err, omg_ports::Error::InvalidRequest(m) if m.contains("app") && m.contains("lib")),
        "{err:?}"
    );

    let plan = b.plan(&remove(&["app"], false)).await.unwrap();
    let got: Vec<_> = plan
        .actions
        .iter()
        .map(|a| {
            (
                a.kind,
                a.name.as_str(),
                a.old_version.as_deref(),
                a.new_version.as_deref(),
            )
        })
        .collect();
    assert_eq!(got, [(ActionKind::Remove, "app", Some("1.0-1"), None)]);
    assert_eq!(plan.installed_size_delta, -4096);
    let sink = Arc::new(Recorder::default());
    b.commit(&remove(&["app"], false), sink.clone())
        .await
        .unwrap();
    assert!(sink.steps().contains(&"removing app (1.0-1)".to_string()));
    assert_eq!(read_in_root(&root, "usr/share/app/data"), None);
    assert!(read_in_root(&root, "usr/share/lib/data").is_some());
    if let Some(q) = pacman_q(&root) {
        assert_eq!(q, ["lib 1-1", "other 1-1"]);
    }

    b.commit(&install(&["app"]), quiet()).await.unwrap();
    let plan = b.plan(&remove(&["app"], true)).await.unwrap();
    let mut removed: Vec<_> = plan.actions.iter().map(|a| a.name.as_str()).collect();
    removed.sort();
    assert_eq!(removed, ["app", "lib"]);
    assert!(plan.actions.iter().all(|a| a.kind == ActionKind::Remove));
    b.commit(&remove(&["app"], true), quiet()).await.unwrap();
    assert_eq!(read_in_root(&root, "usr/share/lib/data"), None);
    let installed = b.installed().await.unwrap();
    assert_eq!(installed.len(), 1);
    assert_eq!(installed[0].name, "other");
    if let Some(q) = pacman_q(&root) {
        assert_eq!(q, ["other 1-1"]);
    }
}

#[tokio::test]
async fn install_by_repository_and_provider_and_dependency_graph() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[
        pkg("app", "1.0-1")
            .depends(["virtual-thing>=1", "lib"])
            .optdepends(["extra-tool: more", "absent: never installed"]),
        pkg("lib", "1-1"),
        pkg("impl", "1-1").provides(["virtual-thing=1.5"]),
        pkg("extra-tool", "1-1"),
    ]);
    let b = open(&root);
    // `repo/name`, and a name that only a provider has.
    let plan = b
        .plan(&install(&["core/app", "virtual-thing"]))
        .await
        .unwrap();
    let mut names: Vec<_> = plan.actions.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["app", "impl", "lib"]);
    b.commit(
        &install(&["core/app", "extra-tool"]),
        Arc::new(Recorder::default()),
    )
    .await
    .unwrap();

    let graph = b.dependency_graph().await.unwrap();
    let node = |n: &str| graph.iter().find(|g| g.name == n).unwrap().clone();
    let app = node("app");
    assert_eq!(app.version, "1.0-1");
    assert_eq!(app.reason, InstallReason::Explicit);
    assert_eq!(app.depends, ["impl", "lib"]);
    assert_eq!(app.optional, ["extra-tool"]);
    assert_eq!(node("impl").reason, InstallReason::Dependency);
    assert!(node("impl").depends.is_empty());
    assert_eq!(graph.len(), 4);
}

#[tokio::test]
async fn a_holdpkg_removal_is_warned_about_and_refused_like_pacman_noconfirm() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[
        pkg("app", "1.0-1").depends(["libhold"]),
        pkg("libhold", "1-1"),
    ]);
    let conf = root.config_path();
    let text = std::fs::read_to_string(&conf).unwrap();
    let text = text.replacen("[options]\n", "[options]\nHoldPkg = pacman libh*\n", 1);
    std::fs::write(&conf, text).unwrap();
    let b = open(&root);
    b.commit(&install(&["app"]), Arc::new(Recorder::default()))
        .await
        .unwrap();

    // A held package a recursive removal would take is kept, with the reason; the rest is
    // removed (the plan and the commit agree).
    let plan = b.plan(&remove(&["app"], true)).await.unwrap();
    let removed: Vec<&str> = plan.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(removed, ["app"]);
    assert_eq!(plan.held, ["libhold"]);
    assert!(
        plan.warnings[0]
            .starts_with("libhold is designated as HoldPkg in pacman.conf: not removed"),
        "{:?}",
        plan.warnings
    );
    let outcome = b
        .commit(&remove(&["app"], true), Arc::new(Recorder::default()))
        .await
        .unwrap();
    let removed: Vec<&str> = outcome.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(removed, ["app"]);
    assert_eq!(read_in_root(&root, "usr/share/app/data"), None);
    assert!(read_in_root(&root, "usr/share/libhold/data").is_some());
    assert!(!common::tx::exists(&common::tx::lock_path(&root)));
    // A held target alone: refused, as pacman --noconfirm refuses it.
    let err = b
        .commit(&remove(&["libhold"], false), Arc::new(Recorder::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, omg_ports::Error::InvalidRequest(m)
            if m.starts_with("libhold is designated as HoldPkg in pacman.conf; omg does not remove")),
        "{err:?}"
    );
    let nothing = b.plan(&remove(&["libhold"], false)).await.unwrap();
    assert!(nothing.is_empty());
    assert_eq!(nothing.held, ["libhold"]);
    assert!(read_in_root(&root, "usr/share/libhold/data").is_some());

    // The real pacman, asked not to confirm, refuses the same removal.
    let Ok(out) = std::process::Command::new("pacman")
        .arg("--config")
        .arg(&conf)
        .args(["-R", "--noconfirm", "libhold"])
        .env("LC_ALL", "C")
        .output()
    else {
        common::tx::skip_or_fail("pacman is not installed");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "pacman removed a HoldPkg:\n{stdout}{stderr}"
    );
    assert!(
        stderr.contains("libhold is designated as a HoldPkg"),
        "{stdout}{stderr}"
    );
    assert!(read_in_root(&root, "usr/share/libhold/data").is_some());
    // Confirmed (RemoveHeld), it goes.
    b.commit(
        &Transaction::RemoveHeld {
            names: vec!["libhold".into()],
            recursive: false,
        },
        Arc::new(Recorder::default()),
    )
    .await
    .unwrap();
    assert_eq!(read_in_root(&root, "usr/share/libhold/data"), None);
}

#[tokio::test]
async fn downloads_run_as_pacman_confs_download_user() {
    let _serial = common::tx::serial();
    use std::os::unix::fs::PermissionsExt;
    if !omg_testkit::require_root("libalpm cannot switch to a download user") {
        return;
    }
    let (dir, root, published) = repo_root(&[pkg("app", "1.0-1")]);
    let conf = root.config_path();
    let text = std::fs::read_to_string(&conf).unwrap();
    let text = text.replacen("[options]\n", "[options]\nDownloadUser = nobody\n", 1);
    std::fs::write(&conf, text).unwrap();
    let b = open(&root);

    // The repository lies in a directory only root may enter: as nobody, libalpm cannot
    // read the package, so it really downloads as nobody.
    let server = root.server_dir("core");
    let private = std::fs::Permissions::from_mode(0o700);
    std::fs::set_permissions(&server, private).unwrap();
    let err = b
        .commit(&install(&["app"]), Arc::new(Recorder::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, omg_ports::Error::Download { url, .. } if url.contains(&published[0].filename())),
        "{err:?}"
    );
    assert_eq!(read_in_root(&root, "usr/share/app/data"), None);

    // Open to everyone, as a real mirror is: the same install goes through.
    open_to_everyone(dir.path());
    b.commit(&install(&["app"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    assert_eq!(
        read_in_root(&root, "usr/share/app/data").as_deref(),
        Some("app 1.0-1\n")
    );
}

/// chmod a+rX below `dir`, `dir` included.
fn open_to_everyone(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(dir).unwrap();
    let mode = meta.permissions().mode();
    let wanted = if meta.is_dir() {
        mode | 0o555
    } else {
        mode | 0o444
    };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(wanted)).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            open_to_everyone(&entry.unwrap().path());
        }
    }
}

/// Where an exact version can be had (for history undo): a package file in CacheDir first,
/// else `repository/name` from a sync database that has that version, else nowhere; the
/// cached file of an older version installs as a downgrade.
#[tokio::test]
async fn version_target_takes_the_cache_then_a_repository() {
    let _serial = common::tx::serial();
    let (_dir, mut root, _) = repo_root(&[pkg("app", "1.0-1")]);
    let b = open(&root);
    let target = |name: &'static str, version: &'static str| {
        let b = &b;
        async move { b.version_target(name, version).await.unwrap() }
    };
    assert_eq!(target("app", "1.0-1").await.as_deref(), Some("core/app"));
    assert_eq!(target("app", "0.9-1").await, None);
    assert_eq!(target("nothing", "1.0-1").await, None);
    assert_eq!(target("../app", "1.0-1").await, None);
    assert_eq!(target("app", "1.0-1/x").await, None);

    // Installed: libalpm downloaded the file into CacheDir, which now comes first.
    b.commit(&install(&["app"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    let cached = target("app", "1.0-1").await.expect("the cached file");
    let path = std::path::Path::new(&cached);
    assert!(path.starts_with(root.cache_dir()), "{cached}");
    assert!(path.is_file(), "{cached}");

    // 2.0-1 on the server and installed: 1.0-1 is only in the cache, and installs as a
    // downgrade.
    root.publish_to_server("core", &[pkg("app", "2.0-1")])
        .unwrap();
    for tx in [Transaction::Refresh, Transaction::Upgrade] {
        b.commit(&tx, Arc::new(Recorder::default())).await.unwrap();
    }
    assert_eq!(
        target("app", "1.0-1").await.as_deref(),
        Some(cached.as_str())
    );
    let plan = b.plan(&install(&[cached.as_str()])).await.unwrap();
    let a = &plan.actions[0];
    assert_eq!(
        (a.kind, a.old_version.as_deref(), a.new_version.as_deref()),
        (ActionKind::Downgrade, Some("2.0-1"), Some("1.0-1"))
    );
    std::fs::remove_file(path).unwrap();
    assert_eq!(target("app", "1.0-1").await, None);
}
