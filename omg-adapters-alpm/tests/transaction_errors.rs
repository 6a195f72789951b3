//! Failing transactions through real libalpm: each cause surfaces as its typed error, and a
//! failed transaction leaves no lock and changes nothing.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test holds `common::tx::serial()` across its awaits on purpose: it runs on a runtime
// of its own, and the guard keeps the other tests of this binary out of libalpm meanwhile.
#![allow(clippy::await_holding_lock)]

mod common;

use std::sync::Arc;

use common::tx::{lock_path, open, pacman_q, pkg, read_in_root, repo_root, Recorder};
use omg_ports::{Error, PackageBackend, Transaction};

fn install(names: &[&str]) -> Transaction {
    Transaction::Install(names.iter().map(|s| s.to_string()).collect())
}

fn quiet() -> Arc<Recorder> {
    Arc::new(Recorder::default())
}

#[tokio::test]
async fn an_unknown_name_is_not_found_with_suggestions() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("firefox", "1-1"), pkg("thunderbird", "1-1")]);
    let b = open(&root);
    for err in [
        b.plan(&install(&["fierfox"])).await.unwrap_err(),
        b.commit(&install(&["fierfox"]), quiet()).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::NotFound { name, suggestions } if name == "fierfox" && suggestions == &["firefox"]),
            "{err:?}"
        );
    }
    let err = b
        .plan(&Transaction::Remove {
            names: vec!["firefox".into()],
            recursive: false,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { name, .. } if name == "firefox"),
        "{err:?}"
    );
    let err = b.plan(&install(&["nosuchrepo/firefox"])).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("nosuchrepo")),
        "{err:?}"
    );
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn a_missing_dependency_is_unsatisfiable_naming_both() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("app", "1-1").depends(["ghost>=2"])]);
    let b = open(&root);
    for err in [
        b.plan(&install(&["app"])).await.unwrap_err(),
        b.commit(&install(&["app"]), quiet()).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::Unsatisfiable { dependency, required_by } if dependency == "ghost>=2" && required_by == "app"),
            "{err:?}"
        );
    }
    assert!(b.installed().await.unwrap().is_empty());
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn a_conflict_with_an_installed_package_is_a_conflict() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("a", "1-1"), pkg("b", "1-1").conflicts(["a"])]);
    let b = open(&root);
    b.commit(&install(&["a"]), quiet()).await.unwrap();
    for err in [
        b.plan(&install(&["b"])).await.unwrap_err(),
        b.commit(&install(&["b"]), quiet()).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::Conflict { first, second, reason } if first == "b" && second == "a" && reason.as_deref() == Some("a")),
            "{err:?}"
        );
    }
    if let Some(q) = pacman_q(&root) {
        assert_eq!(q, ["a 1-1"]);
    }
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn a_file_already_on_disk_is_a_file_conflict() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("fc", "1-1")]);
    let stray = root.root().join("usr/share/fc/data");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, "mine\n").unwrap();
    let b = open(&root);
    // File conflicts are found when committing, not when planning.
    assert_eq!(b.plan(&install(&["fc"])).await.unwrap().actions.len(), 1);
    let err = b.commit(&install(&["fc"]), quiet()).await.unwrap_err();
    match &err {
        Error::FileConflict {
            package,
            path,
            owner,
        } => {
            assert_eq!(package, "fc");
            assert!(path.ends_with("usr/share/fc/data"), "{path:?}");
            assert_eq!(owner, &None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&stray).unwrap(), "mine\n");
    assert!(b.installed().await.unwrap().is_empty());
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn a_corrupt_package_file_is_corrupt_package_and_is_deleted_from_the_cache() {
    let _serial = common::tx::serial();
    let (_dir, root, published) = repo_root(&[pkg("bad", "1-1")]);
    // Same size, other bytes: the checksum in the database no longer matches.
    let file = root.package_path("core", &published[0]);
    let len = std::fs::metadata(&file).unwrap().len() as usize;
    std::fs::write(&file, vec![b'x'; len]).unwrap();
    let b = open(&root);
    let err = b.commit(&install(&["bad"]), quiet()).await.unwrap_err();
    match &err {
        Error::CorruptPackage { path, reason } => {
            assert!(path.ends_with(published[0].filename()), "{path:?}");
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // The corrupt download is not left in the cache (question answered "delete").
    assert!(!root.cache_dir().join(published[0].filename()).exists());
    assert_eq!(read_in_root(&root, "usr/share/bad/data"), None);
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn a_missing_package_file_on_the_server_is_a_download_error() {
    let _serial = common::tx::serial();
    let (_dir, root, published) = repo_root(&[pkg("gone", "1-1")]);
    std::fs::remove_file(root.package_path("core", &published[0])).unwrap();
    let b = open(&root);
    let sink = quiet();
    let err = b
        .commit(&install(&["gone"]), sink.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Download { url, .. } if url.contains(&published[0].filename())),
        "{err:?}"
    );
    assert!(!lock_path(&root).exists());
}

#[tokio::test]
async fn clean_cache_keeps_the_newest_versions_by_vercmp() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("x", "1-1")]);
    let cache = root.cache_dir();
    let files = [
        ("foo-1.0-1-x86_64.pkg.tar.zst", 10),
        ("foo-1.10-1-x86_64.pkg.tar.zst", 20),
        ("foo-1.9-1-x86_64.pkg.tar.zst", 30),
        ("foo-1:0.1-1-x86_64.pkg.tar.zst", 40),
        ("bar-2-1-any.pkg.tar.xz", 50),
    ];
    for (name, size) in files {
        std::fs::write(cache.join(name), vec![0u8; size]).unwrap();
    }
    std::fs::write(cache.join("foo-1.0-1-x86_64.pkg.tar.zst.sig"), "sig").unwrap();
    std::fs::write(cache.join("notes.txt"), "keep me").unwrap();
    let b = open(&root);
    let clean = |keep| Transaction::CleanCache { keep };

    let plan = b.plan(&clean(2)).await.unwrap();
    let got: Vec<_> = plan
        .actions
        .iter()
        .map(|a| {
            assert_eq!(a.kind, omg_ports::ActionKind::DeleteFile);
            (
                std::path::Path::new(&a.name)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                a.installed_size,
            )
        })
        .collect();
    // Newest first by vercmp: 1:0.1-1 > 1.10-1 > 1.9-1 > 1.0-1.
    assert_eq!(
        got,
        [
            ("foo-1.0-1-x86_64.pkg.tar.zst".to_string(), 10),
            ("foo-1.9-1-x86_64.pkg.tar.zst".to_string(), 30),
        ]
    );
    assert_eq!(plan.installed_size_delta, -40);
    assert_eq!(b.plan(&clean(0)).await.unwrap().actions.len(), 5);

    let outcome = b.commit(&clean(2), quiet()).await.unwrap();
    assert_eq!(outcome.actions, plan.actions);
    let mut left: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "bar-2-1-any.pkg.tar.xz",
            "foo-1.10-1-x86_64.pkg.tar.zst",
            "foo-1:0.1-1-x86_64.pkg.tar.zst",
            "notes.txt"
        ]
    );
    b.commit(&clean(0), quiet()).await.unwrap();
    let left: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["notes.txt"]);
}

/// A tmpfs of `size` mounted on `dir` for as long as it lives.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    /// `None` (with a note; a failure under CI) when mounting is not allowed here.
    fn mount(dir: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Tmpfs(dir.to_path_buf())),
            Ok(out) => {
                common::tx::skip_or_fail(&format!(
                    "cannot mount a tmpfs: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                None
            }
            Err(e) => {
                common::tx::skip_or_fail(&format!("cannot run mount: {e}"));
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_partition_is_disk_space_naming_it() {
    let _serial = common::tx::serial();
    if !omg_testkit::require_root("cannot mount a small filesystem") {
        return;
    }
    let blob = vec![0u8; 4 << 20];
    let (_dir, root, _) = repo_root(&[pkg("big", "1-1").file("usr/share/big/blob", blob)]);
    let conf = root.config_path();
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        text.replacen("[options]\n", "[options]\nCheckSpace\n", 1),
    )
    .unwrap();
    // usr/ of the root is a 1 MiB filesystem; the package puts 4 MiB there.
    let usr = root.root().join("usr");
    let Some(_tmpfs) = Tmpfs::mount(&usr, "1m") else {
        return;
    };
    let b = open(&root);
    let err = b.commit(&install(&["big"]), quiet()).await.unwrap_err();
    match &err {
        Error::DiskSpace {
            mount,
            needed,
            available,
        } => {
            assert_eq!(mount, &usr, "{err}");
            assert!(*needed >= 4 << 20, "{err}");
            assert!(*available <= 1 << 20, "{err}");
        }
        other => panic!("not DiskSpace: {other:?}"),
    }
    assert!(
        err.to_string().contains(&usr.display().to_string()),
        "{err}"
    );
    assert_eq!(read_in_root(&root, "usr/share/big/blob"), None);
    assert!(!lock_path(&root).exists());
    if let Some(q) = pacman_q(&root) {
        assert!(q.is_empty(), "{q:?}");
    }
}
