//! Writes seed corpora for the fuzz targets in `omg-adapters-alpm/fuzz/` (which ignores them
//! in git): real sync databases in every compression for `sync_db` (each as a file, and as
//! its tar behind each compression's selector byte) and real `desc` files for `desc`.
//!
//! `cargo run -p omg-adapters-alpm --example fuzz_seeds -- omg-adapters-alpm/fuzz/corpus`

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::fs;
use std::path::PathBuf;

use omg_testkit::alpm::{compress, sync_entries, DbCompression, FixturePackage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: fuzz_seeds CORPUS_DIR")?
        .into();
    let (db_dir, desc_dir) = (out.join("sync_db"), out.join("desc"));
    fs::create_dir_all(&db_dir)?;
    fs::create_dir_all(&desc_dir)?;
    let packages: Vec<FixturePackage> = (0..12)
        .map(|i| {
            FixturePackage::new(format!("pkg-{i}"), format!("{i}.0-1"))
                .desc(format!("Package number {i}"))
                .arch(if i % 2 == 0 { "x86_64" } else { "any" })
                .depends(["glibc", "zlib>=1.2"])
                .provides([format!("virtual-{i}=1")])
                .optdepends(["python: for scripts"])
        })
        .collect();
    // A name past ustar's 100 bytes: the path goes in a GNU long-name header.
    let long = [FixturePackage::new("l".repeat(150), "1.0-1").desc("A long name")];
    let sets = [
        ("one", &packages[..1]),
        ("twelve", &packages[..]),
        ("long", &long[..]),
    ];
    for (name, set) in sets {
        let entries = sync_entries(set);
        let tar = tar_of(&entries)?;
        for (selector, compression, label) in [
            (1u8, DbCompression::Gzip, "gz"),
            (2, DbCompression::Zstd, "zst"),
            (3, DbCompression::Xz, "xz"),
        ] {
            // The file as stored, read as it is (selector 0).
            let file = compress(&tar, compression)?;
            fs::write(
                db_dir.join(format!("{name}.{label}")),
                [&[0u8][..], &file].concat(),
            )?;
            // The tar, compressed by the target.
            fs::write(
                db_dir.join(format!("{name}.tar-{label}")),
                [&[selector][..], &tar].concat(),
            )?;
        }
        fs::write(
            db_dir.join(format!("{name}.tar")),
            [&[0u8][..], &tar].concat(),
        )?;
        for (i, (_, desc)) in entries.iter().enumerate().take(3) {
            fs::write(desc_dir.join(format!("{name}-{i}")), desc)?;
        }
    }
    println!("{}", out.display());
    Ok(())
}

/// An uncompressed tar of `entries`, each after its directory, as `repo-add` writes them.
fn tar_of(entries: &[(String, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("omg-fuzz-seeds-{}", std::process::id()));
    let mut root = omg_testkit::alpm::FixtureRoot::create(&dir)?;
    let path = root.add_raw_sync_db_as("seed", entries, DbCompression::None)?;
    let tar = fs::read(path);
    fs::remove_dir_all(&dir)?;
    tar
}
