//! libapt's binary cache in omg's cache directory: built once, mapped after, rebuilt by
//! libapt when a list changes, and never in the way when it cannot be used.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use common::{TestRoot, PACKAGES};
use omg_adapters_apt::{AptBackend, AptConfig, CacheDir};
use omg_ports::{PackageBackend, PackageSummary};

const LIST: &str = "main_binary-amd64_Packages";

/// The tiny root with a plain `Packages` list of over 1 MiB: big enough for a binary cache.
fn big_root(filler_version: &str) -> TestRoot {
    let root = TestRoot::new();
    fs::remove_file(root.list(&format!("{LIST}.lz4"))).unwrap();
    write_big_list(&root, filler_version);
    root
}

fn write_big_list(root: &TestRoot, filler_version: &str) {
    let mut text = String::from(PACKAGES);
    for i in 0..9000 {
        text.push_str(&format!(
            "Package: filler{i}\nVersion: {filler_version}\nArchitecture: amd64\n\
             Description: filler package number {i} of a list big enough to cache\n \
             A long description that libapt skips.\n\n"
        ));
    }
    assert!(text.len() > 1 << 20);
    root.write_list(LIST, text.as_bytes());
}

fn backend(root: &TestRoot, cache_dir: CacheDir) -> AptBackend {
    AptBackend::open(AptConfig::host().with_root(root.path()))
        .unwrap()
        .with_cache_dir(cache_dir)
}

/// Makes the worker serve another configuration, so the next call for `root` opens its
/// cache again.
async fn serve_another_root() {
    let other = TestRoot::new();
    let apt = AptBackend::open(AptConfig::host().with_root(other.path())).unwrap();
    assert!(apt.package("hello").await.unwrap().is_some());
}

/// The files in `dir`, by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn cache_file(dir: &Path, prefix: &str) -> PathBuf {
    let name = files_in(dir)
        .into_iter()
        .find(|n| n.starts_with(prefix) && n.ends_with(".bin"))
        .unwrap_or_else(|| panic!("no {prefix}*.bin in {}", dir.display()));
    dir.join(name)
}

fn version_of<'a>(packages: &'a [PackageSummary], name: &str) -> &'a str {
    &packages.iter().find(|s| s.name == name).unwrap().version
}

#[tokio::test]
async fn the_cache_is_built_once_mapped_after_and_rebuilt_when_a_list_changes() {
    let root = big_root("1.0");
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("omg/apt");
    let apt = backend(&root, CacheDir::At(dir.clone()));

    let first = apt.packages().await.unwrap();
    assert_eq!(first.len(), 9007);
    assert_eq!(version_of(&first, "filler5"), "1.0");
    let mode = fs::metadata(&dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let names = files_in(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    let pkgcache = cache_file(&dir, "pkgcache-");
    let built = fs::metadata(&pkgcache).unwrap();

    // Opened again: the file is mapped as it is, and the answers are the same.
    serve_another_root().await;
    assert_eq!(apt.packages().await.unwrap(), first);
    let mapped = fs::metadata(&pkgcache).unwrap();
    assert_eq!(
        (mapped.ino(), mapped.mtime_nsec()),
        (built.ino(), built.mtime_nsec())
    );

    // Without a binary cache of omg's, the same answers.
    serve_another_root().await;
    let off = backend(&root, CacheDir::Off);
    assert_eq!(off.packages().await.unwrap(), first);

    // A changed list: libapt sees the file no longer matches and builds it again. (libapt
    // compares sizes and modification times in seconds, as for its own pkgcache.bin.)
    write_big_list(&root, "2.0.1");
    let changed = apt.packages().await.unwrap();
    assert_eq!(version_of(&changed, "filler5"), "2.0.1");
    assert_eq!(version_of(&changed, "hello"), "2.10-3");
    let rebuilt = fs::metadata(cache_file(&dir, "pkgcache-")).unwrap();
    assert_ne!(rebuilt.ino(), built.ino());
    assert_eq!(files_in(&dir).len(), 2);
}

#[tokio::test]
async fn roots_get_caches_of_their_own_and_small_roots_none() {
    let (a, b) = (big_root("1.0"), big_root("3.0"));
    let small = TestRoot::new();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let at = || CacheDir::At(dir.clone());
    assert_eq!(
        version_of(&backend(&a, at()).packages().await.unwrap(), "filler1"),
        "1.0"
    );
    assert_eq!(
        version_of(&backend(&b, at()).packages().await.unwrap(), "filler1"),
        "3.0"
    );
    assert_eq!(backend(&small, at()).packages().await.unwrap().len(), 7);
    assert_eq!(files_in(&dir).len(), 4, "{:?}", files_in(&dir));
}

#[tokio::test]
async fn an_unusable_cache_dir_opens_without_a_binary_cache() {
    let root = big_root("1.0");
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a-file");
    fs::write(&file, "").unwrap();
    let apt = backend(&root, CacheDir::At(file.join("omg")));
    assert_eq!(apt.packages().await.unwrap().len(), 9007);
}

#[tokio::test]
async fn cache_files_libapt_cannot_write_or_read_are_worked_around() {
    let root = big_root("1.0");
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let apt = backend(&root, CacheDir::At(dir.clone()));
    let first = apt.packages().await.unwrap();

    // Damaged files: libapt finds them invalid and builds new ones.
    let (pkgcache, srcpkgcache) = (
        cache_file(&dir, "pkgcache-"),
        cache_file(&dir, "srcpkgcache-"),
    );
    fs::write(&pkgcache, "not a cache").unwrap();
    let half = fs::read(&srcpkgcache).unwrap();
    fs::write(&srcpkgcache, &half[..half.len() / 2]).unwrap();
    serve_another_root().await;
    assert_eq!(apt.packages().await.unwrap(), first);
    assert!(fs::metadata(&pkgcache).unwrap().len() > 1000);

    // Names libapt cannot rename its new files to: the open fails, is retried without a
    // binary cache, and the temporary files libapt left are removed.
    for file in [&pkgcache, &srcpkgcache] {
        fs::remove_file(file).unwrap();
        fs::create_dir(file).unwrap();
    }
    serve_another_root().await;
    assert_eq!(apt.packages().await.unwrap(), first);
    assert_eq!(files_in(&dir).len(), 2, "{:?}", files_in(&dir));
    assert!(pkgcache.is_dir() && srcpkgcache.is_dir());
}

/// Makes `root` keep apt's own binary caches in its `var/cache/apt` (as most hosts do in
/// `/var/cache/apt`) and has the peer, `apt-cache gencaches`, build them; their paths.
/// As on a host, the sources were written long before and apt built its files since: the
/// sources are dated two hours back, apt's files one hour back, so that a copy of them
/// (which keeps their date) is told apart from a file libapt writes now.
fn apt_builds_its_own_caches(root: &TestRoot) -> (PathBuf, PathBuf) {
    let hour = std::time::Duration::from_secs(3600);
    fs::write(
        root.path().join("etc/apt/apt.conf.d/20cache"),
        "Dir::Cache::pkgcache \"pkgcache.bin\";\nDir::Cache::srcpkgcache \"srcpkgcache.bin\";\n",
    )
    .unwrap();
    for source in ["etc/apt/sources.list", "etc/apt/sources.list.d"] {
        let f = fs::File::open(root.path().join(source)).unwrap();
        f.set_modified(std::time::SystemTime::now() - 2 * hour)
            .unwrap();
    }
    let conf = root.path().join("apt-cache.conf");
    fs::write(&conf, format!("Dir \"{}/\";\n", root.path().display())).unwrap();
    let out = std::process::Command::new("apt-cache")
        .env("APT_CONFIG", &conf)
        .arg("gencaches")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let cache = root.path().join("var/cache/apt");
    let files = (cache.join("pkgcache.bin"), cache.join("srcpkgcache.bin"));
    for file in [&files.0, &files.1] {
        let f = fs::File::options().write(true).open(file).unwrap();
        f.set_modified(std::time::SystemTime::now() - hour).unwrap();
    }
    files
}

/// Whether `ours` carries the date of `apts`: a copy of apt's file, not one libapt built.
fn copied(ours: &Path, apts: &Path) -> bool {
    let date = |f: &Path| fs::metadata(f).unwrap().modified().unwrap();
    date(ours) == date(apts)
}

#[tokio::test]
async fn the_first_open_starts_from_the_caches_apt_built_itself() {
    let root = big_root("1.0");
    let home = tempfile::tempdir().unwrap();
    let (pkgcache, srcpkgcache) = apt_builds_its_own_caches(&root);

    // A new cache directory: its first open copies apt's files, and libapt maps them as
    // they are (a file libapt wrote would be dated now).
    let dir = home.path().join("omg");
    let apt = backend(&root, CacheDir::At(dir.clone()));
    let first = apt.packages().await.unwrap();
    assert_eq!(first.len(), 9007);
    assert_eq!(files_in(&dir).len(), 2, "{:?}", files_in(&dir));
    for (ours, apts) in [("pkgcache-", &pkgcache), ("srcpkgcache-", &srcpkgcache)] {
        let ours = cache_file(&dir, ours);
        assert!(
            copied(&ours, apts),
            "{} was built, not copied",
            ours.display()
        );
        assert!(fs::read(&ours).unwrap() == fs::read(apts).unwrap());
    }
    // Without apt's files or omg's, the same answers.
    serve_another_root().await;
    assert_eq!(
        backend(&root, CacheDir::Off).packages().await.unwrap(),
        first
    );

    // apt's files gone stale (a list changed since): the copy does not match, and libapt
    // builds omg's file again from the lists.
    write_big_list(&root, "2.0.1");
    fs::remove_dir_all(&dir).unwrap();
    serve_another_root().await;
    let changed = apt.packages().await.unwrap();
    assert_eq!(version_of(&changed, "filler5"), "2.0.1");
    assert!(!copied(&cache_file(&dir, "pkgcache-"), &pkgcache));
}

#[tokio::test]
async fn only_a_regular_file_nobody_else_may_write_is_taken_from_apt() {
    let root = big_root("1.0");
    let (pkgcache, srcpkgcache) = apt_builds_its_own_caches(&root);
    let mut targets = Vec::new();
    for file in [&pkgcache, &srcpkgcache] {
        let target = file.with_extension("target");
        fs::rename(file, &target).unwrap();
        std::os::unix::fs::symlink(&target, file).unwrap();
        targets.push(target);
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let apt = backend(&root, CacheDir::At(dir.clone()));
    assert_eq!(apt.packages().await.unwrap().len(), 9007);
    // libapt built omg's own: nothing was copied through the links.
    assert!(!copied(&cache_file(&dir, "pkgcache-"), &targets[0]));
    assert!(!copied(&cache_file(&dir, "srcpkgcache-"), &targets[1]));

    // Regular files that others may write are not taken either.
    for (file, target) in [&pkgcache, &srcpkgcache].into_iter().zip(&targets) {
        fs::remove_file(file).unwrap();
        fs::rename(target, file).unwrap();
        fs::set_permissions(file, fs::Permissions::from_mode(0o666)).unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
    serve_another_root().await;
    assert_eq!(apt.packages().await.unwrap().len(), 9007);
    assert!(!copied(&cache_file(&dir, "pkgcache-"), &pkgcache));

    // Once only their owner may write them, they are.
    for file in [&pkgcache, &srcpkgcache] {
        fs::set_permissions(file, fs::Permissions::from_mode(0o644)).unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
    serve_another_root().await;
    assert_eq!(apt.packages().await.unwrap().len(), 9007);
    assert!(copied(&cache_file(&dir, "pkgcache-"), &pkgcache));
}
