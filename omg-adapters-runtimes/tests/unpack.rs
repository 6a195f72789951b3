//! Hostile runtime archives: links that escape only once other links are followed, and
//! archives that expand far beyond their size.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::Write;
use std::path::Path;

use omg_adapters_runtimes::{unpack, unpack_within, UnpackLimits};
use omg_ports::{ArchiveFormat, Error};

/// One entry of a test archive.
enum E<'a> {
    File(&'a str, Vec<u8>),
    Link(&'a str, &'a str),
}

/// A tar.xz (compressed as much as xz can) of `entries`, in `dir`.
fn tar_xz(dir: &Path, entries: &[E]) -> std::path::PathBuf {
    let path = dir.join("archive.tar.xz");
    let out = std::fs::File::create(&path).expect("archive");
    let mut tar = tar::Builder::new(xz2::write::XzEncoder::new(out, 6));
    for e in entries {
        let mut h = tar::Header::new_gnu();
        match e {
            E::File(name, body) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(body.len() as u64);
                h.set_mode(0o644);
                tar.append_data(&mut h, name, body.as_slice())
                    .expect("file");
            }
            E::Link(name, target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_size(0);
                h.set_mode(0o777);
                tar.append_link(&mut h, name, target).expect("link");
            }
        }
    }
    tar.into_inner()
        .expect("tar")
        .finish()
        .expect("xz")
        .flush()
        .expect("flush");
    path
}

fn refused(result: omg_ports::Result<()>) -> (String, String) {
    match result {
        Err(Error::UnsafeArchiveEntry { entry, reason, .. }) => (entry, reason),
        other => panic!("expected an unsafe entry, got {other:?}"),
    }
}

#[test]
fn a_link_that_escapes_through_another_link_is_refused_in_either_order() {
    let orders: [&[E]; 2] = [
        &[E::Link("s", "."), E::Link("t", "s/s/../..")],
        &[E::Link("t", "s/s/../.."), E::Link("s", ".")],
    ];
    for entries in orders {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = tar_xz(dir.path(), entries);
        let dest = dir.path().join("tree");
        std::fs::create_dir(&dest).expect("dest");
        let (entry, reason) = refused(unpack(&archive, ArchiveFormat::TarXz, &dest, "a.tar.xz"));
        assert_eq!(entry, "t");
        assert!(reason.contains("through other links"), "{reason}");
    }
}

#[test]
fn links_that_stay_inside_through_other_links_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = tar_xz(
        dir.path(),
        &[
            E::File("lib/node/cli.js", b"x".to_vec()),
            E::Link("lib/current", "node"),
            E::Link("bin/npm", "../lib/current/cli.js"),
            E::Link("here", "."),
            E::Link("deep", "here/here/lib/../bin"),
        ],
    );
    let dest = dir.path().join("tree");
    std::fs::create_dir(&dest).expect("dest");
    unpack(&archive, ArchiveFormat::TarXz, &dest, "a.tar.xz").expect("unpacks");
    assert_eq!(std::fs::read(dest.join("bin/npm")).expect("npm"), b"x");
    assert!(dest.join("deep").join("npm").exists());
}

#[test]
fn a_decompression_bomb_is_refused_before_it_fills_the_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 16 MiB of zeros: xz makes a few kilobytes of it.
    let archive = tar_xz(dir.path(), &[E::File("bomb", vec![0u8; 16 << 20])]);
    let size = std::fs::metadata(&archive).expect("archive").len();
    assert!(size < 64 * 1024, "{size}");
    let dest = dir.path().join("tree");
    std::fs::create_dir(&dest).expect("dest");
    let limits = UnpackLimits {
        ratio_floor: 1 << 20,
        ..UnpackLimits::default()
    };
    let (entry, reason) = refused(unpack_within(
        &archive,
        ArchiveFormat::TarXz,
        &dest,
        "bomb.tar.xz",
        limits,
    ));
    assert_eq!(entry, "bomb");
    assert!(reason.contains("decompression bomb"), "{reason}");
    let written = std::fs::metadata(dest.join("bomb")).map_or(0, |m| m.len());
    assert!(written <= (1 << 20) + 1, "wrote {written} bytes");

    // The total, whatever the ratio.
    let limits = UnpackLimits {
        max_bytes: 4 << 20,
        max_ratio: u64::MAX,
        ..UnpackLimits::default()
    };
    let dest = dir.path().join("tree2");
    std::fs::create_dir(&dest).expect("dest");
    refused(unpack_within(
        &archive,
        ArchiveFormat::TarXz,
        &dest,
        "b",
        limits,
    ));

    // Within the limits, the same archive unpacks.
    let dest = dir.path().join("tree3");
    std::fs::create_dir(&dest).expect("dest");
    unpack(&archive, ArchiveFormat::TarXz, &dest, "b").expect("16 MiB is within the defaults");
}

#[test]
fn too_many_entries_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
    let entries: Vec<E> = names.iter().map(|n| E::File(n, Vec::new())).collect();
    let archive = tar_xz(dir.path(), &entries);
    let dest = dir.path().join("tree");
    std::fs::create_dir(&dest).expect("dest");
    let limits = UnpackLimits {
        max_entries: 10,
        ..UnpackLimits::default()
    };
    let (entry, reason) = refused(unpack_within(
        &archive,
        ArchiveFormat::TarXz,
        &dest,
        "many",
        limits,
    ));
    assert_eq!(entry, "f10");
    assert!(reason.contains("more than 10 entries"), "{reason}");
}
