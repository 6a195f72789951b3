//! Missing and damaged configuration and databases: `open` fails with an error naming the file.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::{Error, PackageBackend};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

/// A small root with `core` and `extra`, plus its directory.
fn small_root() -> (tempfile::TempDir, FixtureRoot) {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let core: Vec<_> = (0..20)
        .map(|i| FixturePackage::new(format!("core-{i:02}"), "1.0-1"))
        .collect();
    root.add_sync_db("core", &core).unwrap();
    root.add_sync_db("extra", &[FixturePackage::new("editor", "2.0-1")])
        .unwrap();
    (dir, root)
}

fn good_entry(name: &str) -> (String, Vec<u8>) {
    (
        format!("{name}-1.0-1/desc"),
        format!("%NAME%\n{name}\n\n%VERSION%\n1.0-1\n\n%DESC%\nfine\n\n").into_bytes(),
    )
}

/// Asserts a CorruptDatabase for `path` whose reason contains `needle`, and that the message
/// names the file and says what to do.
fn assert_corrupt(err: Error, path: &Path, needle: &str) {
    let text = err.to_string();
    match err {
        Error::CorruptDatabase { path: p, reason } => {
            assert_eq!(p, path);
            assert!(
                reason.contains(needle),
                "reason {reason:?} lacks {needle:?}"
            );
        }
        other => panic!(
            "expected CorruptDatabase for {}, got {other:?}",
            path.display()
        ),
    }
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("is unreadable"), "{text}");
}

fn open_err(root: &FixtureRoot) -> Error {
    AlpmBackend::open(AlpmConfig::new(root.config_path())).expect_err("open must fail")
}

#[test]
fn missing_pacman_conf_is_a_config_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("etc/pacman.conf");
    let err = AlpmBackend::open(AlpmConfig::new(&path)).unwrap_err();
    let text = err.to_string();
    match err {
        Error::Config { path: p, reason } => {
            assert_eq!(p, path);
            assert!(reason.contains("does not exist"), "{reason}");
            assert!(reason.contains("give an existing pacman.conf"), "{reason}");
        }
        other => panic!("expected Config, got {other:?}"),
    }
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[test]
fn invalid_pacman_conf_names_file_and_line() {
    let (_dir, root) = small_root();
    let mut text = fs::read_to_string(root.config_path()).unwrap();
    text.push_str("[broken\nServer = file:///x\n");
    fs::write(root.config_path(), &text).unwrap();
    let err = open_err(&root);
    let line = text.lines().count() - 1;
    match err {
        Error::Config { path, reason } => {
            assert_eq!(path, root.config_path());
            assert_eq!(
                reason,
                format!("line {line}: malformed section header '[broken'")
            );
        }
        other => panic!("expected Config, got {other:?}"),
    }
}

#[test]
fn missing_sync_db_is_missing_database() {
    let (_dir, root) = small_root();
    let path = root.sync_db_path("extra");
    fs::remove_file(&path).unwrap();
    let err = open_err(&root);
    let text = err.to_string();
    assert!(
        matches!(&err, Error::MissingDatabase { path: p } if *p == path),
        "{err:?}"
    );
    assert!(
        text.contains(&path.display().to_string()) && text.contains("is missing"),
        "{text}"
    );
}

#[test]
fn truncated_sync_db_is_corrupt() {
    let (_dir, root) = small_root();
    let path = root.sync_db_path("core");
    common::truncate_half(&path);
    assert_corrupt(open_err(&root), &path, "truncated");
}

#[test]
fn entry_with_an_invalid_name_is_corrupt() {
    let (_dir, mut root) = small_root();
    let entries = vec![
        good_entry("alpha"),
        (
            "garbage/desc".to_string(),
            b"%DESC%\nno version in the path\n\n".to_vec(),
        ),
        good_entry("omega"),
    ];
    let path = root.add_raw_sync_db("extra", &entries).unwrap();
    assert_corrupt(
        open_err(&root),
        &path,
        "invalid name for database entry 'garbage/desc'",
    );
}

#[test]
fn entry_whose_name_disagrees_with_its_path_is_corrupt() {
    let (_dir, mut root) = small_root();
    let entries = vec![
        good_entry("alpha"),
        (
            "beta-1.0-1/desc".to_string(),
            b"%NAME%\ngamma\n\n%VERSION%\n1.0-1\n\n".to_vec(),
        ),
    ];
    let path = root.add_raw_sync_db("extra", &entries).unwrap();
    assert_corrupt(open_err(&root), &path, "inconsistent");
}

#[test]
fn entry_with_text_that_is_not_utf8_is_corrupt() {
    let (_dir, mut root) = small_root();
    let entries = vec![
        good_entry("alpha"),
        (
            "beta-1.0-1/desc".to_string(),
            b"%NAME%\nbeta\n\n%DESC%\ncaf\xe9\n\n".to_vec(),
        ),
    ];
    let path = root.add_raw_sync_db("core", &entries).unwrap();
    assert_corrupt(open_err(&root), &path, "UTF-8");
}

#[test]
fn garbage_bytes_are_corrupt() {
    let (_dir, root) = small_root();
    let path = root.sync_db_path("core");
    fs::write(&path, b"<html>404 Not Found</html>\n").unwrap();
    assert_corrupt(open_err(&root), &path, "unrecognised file signature");
}

#[test]
fn gzip_of_something_that_is_not_a_tar_is_corrupt() {
    let (_dir, root) = small_root();
    let path = root.sync_db_path("extra");
    // A valid gzip member (header, stored block of "hello, world\n", trailer) built by hand.
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let data = b"hello, world, this is no tar archive\n";
    gz.push(1);
    gz.extend_from_slice(&(data.len() as u16).to_le_bytes());
    gz.extend_from_slice(&(!(data.len() as u16)).to_le_bytes());
    gz.extend_from_slice(data);
    gz.extend_from_slice(&crc32(data).to_le_bytes());
    gz.extend_from_slice(&(data.len() as u32).to_le_bytes());
    fs::write(&path, &gz).unwrap();
    assert_corrupt(open_err(&root), &path, "could not open file");
}

#[test]
fn empty_file_is_corrupt() {
    let (_dir, root) = small_root();
    let path = root.sync_db_path("core");
    fs::File::create(&path).unwrap().flush().unwrap();
    assert_corrupt(open_err(&root), &path, "empty");
}

#[tokio::test]
async fn a_well_formed_empty_repository_is_accepted() {
    let (_dir, mut root) = small_root();
    let path = root.add_sync_db("empty", &[]).unwrap();
    assert!(fs::metadata(&path).unwrap().len() < 100);
    let b = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
    assert_eq!(b.repositories(), ["core", "extra", "empty"]);
    assert_eq!(b.packages().await.unwrap().len(), 21);
}

#[test]
fn unreadable_include_names_the_including_file() {
    let (_dir, root) = small_root();
    let mut text = fs::read_to_string(root.config_path()).unwrap();
    let missing: PathBuf = root.dir().join("etc/no-mirrorlist");
    text.push_str(&format!("Include = {}\n", missing.display()));
    fs::write(root.config_path(), &text).unwrap();
    match open_err(&root) {
        Error::Config { path, reason } => {
            assert_eq!(path, root.config_path());
            assert!(
                reason.contains(&format!("cannot read Include file {}", missing.display())),
                "{reason}"
            );
        }
        other => panic!("expected Config, got {other:?}"),
    }
}

/// CRC-32 (IEEE), for the hand-made gzip member.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_root_that_does_not_exist_is_a_library_error() {
    let (_dir, root) = small_root();
    let err = AlpmBackend::open(AlpmConfig {
        root: Some(root.dir().join("no-such-root")),
        ..AlpmConfig::new(root.config_path())
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::Library { library, message } if library == "libalpm" && message.contains("no-such-root")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_healthy_root_still_opens() {
    let (_dir, root) = small_root();
    let b = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
    assert_eq!(b.packages().await.unwrap().len(), 21);
}

#[tokio::test]
async fn damage_met_when_libalpm_loads_a_database_later_is_corrupt_too() {
    let (_dir, root) = small_root();
    let b = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
    // Damaged after open: only libalpm's own (lazy) load of the file sees it.
    let path = root.sync_db_path("core");
    common::truncate_half(&path);
    assert_corrupt(b.upgradable().await.unwrap_err(), &path, "truncated");
    assert_corrupt(b.package("editor").await.unwrap_err(), &path, "truncated");
    assert_eq!(
        b.packages().await.unwrap().len(),
        21,
        "the index read at open still serves"
    );
}
