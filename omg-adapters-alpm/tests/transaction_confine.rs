//! Package files whose entries would land outside the root are refused before libalpm
//! extracts anything (transaction/confine): hard links to host files, `..` in names, and
//! files written through symbolic links that lead out of the root, whether the package
//! creates them or they are on disk already. Each hostile package is a real package file
//! served from the fixture's file:// repository; the refusal must leave the host file and
//! the root as they were, and where pacman accepts the same package the test shows it
//! doing the damage on a copy, to prove the case is real (docs/parity.md). Normal
//! packages (absolute final links, relative links, hard links inside the package) still
//! install.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test holds `common::tx::serial()` across its awaits on purpose: it runs on a runtime
// of its own, and the guard keeps the other tests of this binary out of libalpm meanwhile.
#![allow(clippy::await_holding_lock)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::tx::{lock_path, open, repo_root, Recorder};
use omg_ports::{Error, PackageBackend, Transaction};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

fn install(names: &[&str]) -> Transaction {
    Transaction::Install(names.iter().map(|s| s.to_string()).collect())
}

/// Every path under `dir` (symbolic links not followed) with its type, size, mode and
/// target, leaving out the package cache (the refused file is downloaded there).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("var/cache/pacman/pkg") {
                continue;
            }
            let m = std::fs::symlink_metadata(&path).unwrap();
            let link = std::fs::read_link(&path).ok();
            out.insert(
                path.clone(),
                format!("{:o} {} {} {link:?}", m.mode(), m.len(), m.nlink()),
            );
            if m.is_dir() {
                todo.push(path);
            }
        }
    }
    out
}

/// A file outside the root, next to it: what a hostile package aims at.
struct Host {
    file: PathBuf,
    before: (u64, String, u32),
}

impl Host {
    fn new(root: &FixtureRoot) -> Host {
        let dir = root.dir().join("host");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "host secret\n").unwrap();
        let before = Host::state(&file);
        Host { file, before }
    }

    fn state(file: &Path) -> (u64, String, u32) {
        let m = std::fs::metadata(file).unwrap();
        (m.nlink(), std::fs::read_to_string(file).unwrap(), m.mode())
    }

    #[track_caller]
    fn untouched(&self) {
        assert_eq!(
            Host::state(&self.file),
            self.before,
            "{}",
            self.file.display()
        );
    }

    fn linked(&self) -> bool {
        std::fs::metadata(&self.file).unwrap().nlink() > 1
    }
}

/// Runs the real pacman on `root`; `None` (a note, or a failure in CI) without it.
fn pacman(root: &FixtureRoot, args: &[&str]) -> Option<std::process::Output> {
    match Command::new("pacman")
        .arg("--config")
        .arg(root.config_path())
        .args(args)
        .env("LC_ALL", "C")
        .output()
    {
        Ok(out) => Some(out),
        Err(e) => {
            common::tx::skip_or_fail(&format!("cannot run pacman ({e})"));
            None
        }
    }
}

/// Commits `tx`, which must be refused for `entry` of `package`'s file with a reason
/// containing `why`; nothing is installed, the root is as before, no lock is left.
async fn refused(root: &FixtureRoot, tx: Transaction, package: &str, entry: &str, why: &str) {
    let before = snapshot(&root.root());
    let b = open(root);
    let sink = Arc::new(Recorder::default());
    let err = b.commit(&tx, sink.clone()).await.unwrap_err();
    match &err {
        Error::UnsafeArchiveEntry {
            archive,
            entry: got,
            reason,
        } => {
            assert!(archive.contains(package), "{err}");
            assert!(archive.ends_with(".pkg.tar.zst"), "{err}");
            assert_eq!(got, entry, "{err}");
            assert!(reason.contains(why), "{err}");
            assert!(reason.contains("nothing was installed"), "{err}");
        }
        other => panic!("expected UnsafeArchiveEntry, got {other:?}"),
    }
    assert!(b.installed().await.unwrap().is_empty());
    assert!(!lock_path(root).exists());
    assert_eq!(snapshot(&root.root()), before, "the root changed");
    assert!(
        sink.steps()
            .iter()
            .all(|s| !s.starts_with("installing") && !s.starts_with("running")),
        "{:?}",
        sink.steps()
    );
}

#[tokio::test]
async fn a_hard_link_to_a_host_file_is_refused_where_pacman_links_it() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let host = Host::new(&root);
    let target = host.file.display().to_string();
    root.publish(
        "core",
        &[
            FixturePackage::new("evil", "1-1")
                .file("usr/share/evil/readme", "hi\n")
                .hardlink("usr/share/evil/secret", target.clone()),
            FixturePackage::new("shadow", "1-1").hardlink("usr/share/shadow", "/etc/shadow"),
        ],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    let shadow = std::fs::symlink_metadata("/etc/shadow").ok();

    refused(
        &root,
        install(&["evil"]),
        "evil-1-1",
        "usr/share/evil/secret",
        "absolute path",
    )
    .await;
    host.untouched();
    refused(
        &root,
        install(&["shadow"]),
        "shadow-1-1",
        "usr/share/shadow",
        "absolute path",
    )
    .await;
    let after = std::fs::symlink_metadata("/etc/shadow").ok();
    assert_eq!(
        shadow.map(|m| (m.ino(), m.nlink(), m.mode(), m.mtime())),
        after.map(|m| (m.ino(), m.nlink(), m.mode(), m.mtime()))
    );
    // Already in the cache, the file is checked again.
    refused(
        &root,
        install(&["evil"]),
        "evil-1-1",
        "usr/share/evil/secret",
        "absolute path",
    )
    .await;

    // pacman extracts the same package and links the host's file into the root.
    if let Some(out) = pacman(&root, &["-S", "--noconfirm", "evil"]) {
        assert!(out.status.success(), "{out:?}");
        assert!(host.linked(), "pacman linked {target} into the root");
        let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
        assert_eq!(
            inode(&root.root().join("usr/share/evil/secret")),
            inode(&host.file)
        );
    }
}

#[tokio::test]
async fn a_hard_link_climbing_out_with_dotdot_is_refused_where_pacman_links_it() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let host = Host::new(&root);
    root.publish(
        "core",
        &[FixturePackage::new("evil", "1-1").hardlink("usr/share/evil", "../host/secret")],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    refused(
        &root,
        install(&["evil"]),
        "evil-1-1",
        "usr/share/evil",
        "'..'",
    )
    .await;
    host.untouched();
    if let Some(out) = pacman(&root, &["-S", "--noconfirm", "evil"]) {
        assert!(out.status.success(), "{out:?}");
        assert!(host.linked(), "pacman linked the host file");
    }
}

#[tokio::test]
async fn a_name_climbing_out_with_dotdot_is_refused_where_pacman_writes_outside() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let host = Host::new(&root);
    let outside = root.dir().join("host/planted");
    root.publish(
        "core",
        &[
            FixturePackage::new("evil", "1-1")
                .file("usr/share/evil/readme", "hi\n")
                .raw_file("usr/../../host/planted", "planted\n"),
            FixturePackage::new("abs", "1-1").raw_file("/usr/share/abs", "x\n"),
        ],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    refused(
        &root,
        install(&["evil"]),
        "evil-1-1",
        "usr/../../host/planted",
        "'..'",
    )
    .await;
    refused(
        &root,
        install(&["abs"]),
        "abs-1-1",
        "/usr/share/abs",
        "absolute path",
    )
    .await;
    assert!(!outside.exists());
    host.untouched();
    if let Some(out) = pacman(&root, &["-S", "--noconfirm", "evil"]) {
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            std::fs::read_to_string(&outside).ok().as_deref(),
            Some("planted\n"),
            "pacman wrote outside the root"
        );
    }
}

#[tokio::test]
async fn a_file_written_through_a_link_of_the_package_leading_out_is_refused() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let host = Host::new(&root);
    let host_dir = root.dir().join("host");
    let via_slash = format!(
        "usr/share/up/{}/planted",
        host_dir.display().to_string().trim_start_matches('/')
    );
    root.publish(
        "core",
        &[
            // A link to the host's `/`, then a file through it.
            FixturePackage::new("slash", "1-1")
                .symlink("usr/share/up", "/")
                .raw_file(via_slash.clone(), "planted\n"),
            // A link climbing out of the root, then a file through it.
            FixturePackage::new("climb", "1-1")
                .symlink("usr/share/up", "../../..")
                .raw_file("usr/share/up/host/planted", "planted\n"),
            // The link in one package, the file in another of the same transaction.
            FixturePackage::new("link-half", "1-1").symlink("usr/share/out", "/"),
            FixturePackage::new("file-half", "1-1")
                .depends(["link-half"])
                .raw_file(
                    format!(
                        "usr/share/out/{}/planted",
                        host_dir.display().to_string().trim_start_matches('/')
                    ),
                    "planted\n",
                ),
        ],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    refused(
        &root,
        install(&["slash"]),
        "slash-1-1",
        &via_slash,
        "'usr/share/up' -> '/'",
    )
    .await;
    refused(
        &root,
        install(&["climb"]),
        "climb-1-1",
        "usr/share/up/host/planted",
        "'usr/share/up' -> '../../..' (created by this transaction)",
    )
    .await;
    let err = open(&root)
        .commit(&install(&["file-half"]), Arc::new(Recorder::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnsafeArchiveEntry { archive, .. } if archive.contains("file-half-1-1")),
        "{err}"
    );
    assert!(!host_dir.join("planted").exists());
    host.untouched();
}

#[tokio::test]
async fn a_link_on_disk_leading_out_is_not_written_through() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let host = Host::new(&root);
    let host_dir = root.dir().join("host");
    root.publish(
        "core",
        &[FixturePackage::new("data", "1-1").file("usr/share/data/planted", "planted\n")],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    std::fs::create_dir_all(root.root().join("usr")).unwrap();
    // An absolute link in the root is a path of the host.
    std::os::unix::fs::symlink(&host_dir, root.root().join("usr/share")).unwrap();
    refused(
        &root,
        install(&["data"]),
        "data-1-1",
        // The first entry written into the linked directory.
        "usr/share/data/",
        "(already on disk)",
    )
    .await;
    assert!(!host_dir.join("data").exists());
    host.untouched();
}

#[tokio::test]
async fn a_local_package_file_and_an_upgrade_are_checked_too() {
    let _serial = common::tx::serial();
    let (dir, mut root, _) = repo_root(&[common::tx::pkg("tool", "1-1")]);
    let host = Host::new(&root);
    let b = open(&root);
    b.commit(&install(&["tool"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    let hostile = FixturePackage::new("tool", "2-1")
        .file("usr/share/tool/data", "tool 2-1\n")
        .hardlink("usr/share/tool/key", host.file.display().to_string());
    root.publish_to_server("core", std::slice::from_ref(&hostile))
        .unwrap();
    b.commit(&Transaction::Refresh, Arc::new(Recorder::default()))
        .await
        .unwrap();
    let before = snapshot(&root.root());
    let err = b
        .commit(&Transaction::Upgrade, Arc::new(Recorder::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnsafeArchiveEntry { entry, .. } if entry == "usr/share/tool/key"),
        "{err}"
    );
    assert_eq!(snapshot(&root.root()), before);
    let installed = b.installed().await.unwrap();
    assert_eq!(installed.len(), 1);
    assert_eq!(installed[0].installed.as_ref().unwrap().version, "1-1");

    // The same file given on the command line (`pacman -U`).
    let file = root.package_path("core", &hostile);
    let local = dir.path().join(hostile.filename());
    std::fs::copy(&file, &local).unwrap();
    let err = b
        .commit(
            &Transaction::Install(vec![local.display().to_string()]),
            Arc::new(Recorder::default()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnsafeArchiveEntry { archive, .. } if *archive == local.display().to_string()),
        "{err}"
    );
    assert_eq!(snapshot(&root.root()), before);
    host.untouched();
}

#[tokio::test]
async fn normal_links_are_accepted() {
    let _serial = common::tx::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    root.publish(
        "core",
        &[
            FixturePackage::new("libs", "1-1")
                .file("usr/lib/libbar.so.1", "bar\n")
                .file("usr/bin/a", "binary\n")
                // Absolute final links point at the host's paths, and that is fine.
                .symlink("usr/lib/libfoo.so", "/usr/lib/libfoo.so.1")
                .symlink("etc/mtab", "/proc/self/mounts")
                .symlink("usr/lib/libbar.so", "libbar.so.1")
                .symlink("usr/lib64", "lib")
                .hardlink("usr/bin/b", "usr/bin/a")
                .hardlink("usr/bin/c", "./usr//bin/a"),
            // No directory entry for opt/alias (libalpm would call that a conflict with the
            // link): only the file written through it.
            FixturePackage::new("alias", "1-1").raw_file("opt/alias/inside", "ok\n"),
        ],
    )
    .unwrap();
    root.install_local(&[]).unwrap();
    // A link on disk inside the root, written through.
    std::fs::create_dir_all(root.root().join("opt/real")).unwrap();
    std::os::unix::fs::symlink("real", root.root().join("opt/alias")).unwrap();
    let b = open(&root);
    b.commit(&install(&["libs", "alias"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    let r = root.root();
    let link = |p: &str| std::fs::read_link(r.join(p)).unwrap();
    assert_eq!(link("usr/lib/libfoo.so"), Path::new("/usr/lib/libfoo.so.1"));
    assert_eq!(link("etc/mtab"), Path::new("/proc/self/mounts"));
    assert_eq!(link("usr/lib/libbar.so"), Path::new("libbar.so.1"));
    assert_eq!(link("usr/lib64"), Path::new("lib"));
    let ino = |p: &str| std::fs::metadata(r.join(p)).unwrap().ino();
    assert_eq!(ino("usr/bin/a"), ino("usr/bin/b"));
    assert_eq!(ino("usr/bin/a"), ino("usr/bin/c"));
    assert_eq!(
        std::fs::read_to_string(r.join("opt/alias/inside")).unwrap(),
        "ok\n"
    );
    assert_eq!(b.installed().await.unwrap().len(), 2);
    // Downloaded by a transaction of their own first: no empty `download-*` directory of
    // libalpm's is left in the cache.
    let mut cached: Vec<String> = std::fs::read_dir(root.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cached.sort();
    assert_eq!(
        cached,
        [
            "alias-1-1-x86_64.pkg.tar.zst",
            "libs-1-1-x86_64.pkg.tar.zst"
        ]
    );
}

/// Replaces `file` by a copy (same bytes, another inode) when libalpm starts checking
/// integrity after omg's check: what another process changing the cache would do.
struct Swapper {
    file: PathBuf,
    checked: std::sync::atomic::AtomicBool,
    swapped: std::sync::atomic::AtomicBool,
    inner: Recorder,
}

impl omg_ports::ProgressSink for Swapper {
    fn event(&self, event: omg_ports::ProgressEvent) {
        use std::sync::atomic::Ordering::SeqCst;
        if let omg_ports::ProgressEvent::Step { message, .. } = &event {
            if message.contains("stay inside the root") {
                self.checked.store(true, SeqCst);
            } else if message == "checking package integrity"
                && self.checked.load(SeqCst)
                && !self.swapped.swap(true, SeqCst)
            {
                let copy = self.file.with_extension("copy");
                std::fs::copy(&self.file, &copy).unwrap();
                std::fs::rename(&copy, &self.file).unwrap();
            }
        }
        self.inner.event(event);
    }
}

#[tokio::test]
async fn a_file_changed_after_the_check_is_not_extracted() {
    let _serial = common::tx::serial();
    let (_dir, root, published) = repo_root(&[common::tx::pkg("tool", "1-1")]);
    let cached = root.cache_dir().join(published[0].filename());
    let before = snapshot(&root.root());
    let b = open(&root);
    let sink = Arc::new(Swapper {
        file: cached.clone(),
        checked: Default::default(),
        swapped: Default::default(),
        inner: Recorder::default(),
    });
    let err = b
        .commit(&install(&["tool"]), sink.clone())
        .await
        .unwrap_err();
    assert!(sink.swapped.load(std::sync::atomic::Ordering::SeqCst));
    assert!(
        matches!(&err, Error::CorruptPackage { path, reason } if *path == cached && reason.contains("changed after omg checked it")),
        "{err:?}"
    );
    assert!(!cached.exists(), "the changed file is deleted");
    assert_eq!(snapshot(&root.root()), before);
    assert!(b.installed().await.unwrap().is_empty());
    assert!(!lock_path(&root).exists());
    // The next run downloads it again and installs it.
    b.commit(&install(&["tool"]), Arc::new(Recorder::default()))
        .await
        .unwrap();
    assert_eq!(b.installed().await.unwrap().len(), 1);
}
