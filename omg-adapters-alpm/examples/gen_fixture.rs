//! Writes a pacman root for benchmarks from a package list on stdin, one package a line:
//! `name<TAB>version<TAB>description`. Every fifth package goes to `core`, the rest to
//! `extra`; every fiftieth is also installed. Prints the path of the pacman.conf.
//!
//! `cargo run --release -p omg-adapters-alpm --example gen_fixture -- DIR < list.tsv`

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::BufRead;
use std::path::PathBuf;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: gen_fixture DIR < name-version-description.tsv")?
        .into();
    let (mut core, mut extra, mut installed) = (Vec::new(), Vec::new(), Vec::new());
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        let mut fields = line.splitn(3, '\t');
        let (Some(name), Some(version), desc) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let pkg = FixturePackage::new(name, arch_version(version))
            .desc(desc.unwrap_or_default())
            .sizes(1024 * (i as u64 % 900 + 100), 4096 * (i as u64 % 900 + 100));
        if i % 50 == 0 {
            installed.push(pkg.clone());
        }
        if i % 5 == 0 {
            core.push(pkg);
        } else {
            extra.push(pkg);
        }
    }
    let mut root = FixtureRoot::create(&dir)?;
    root.add_sync_db("core", &core)?;
    root.add_sync_db("extra", &extra)?;
    root.install_local(&installed)?;
    eprintln!(
        "{} packages in core, {} in extra, {} installed",
        core.len(),
        extra.len(),
        installed.len()
    );
    println!("{}", root.config_path().display());
    Ok(())
}

/// An Arch `[epoch:]pkgver-pkgrel` from a Debian version: the pkgver may hold no `-` (nor
/// `~`, which makepkg refuses), and the pkgrel is `1`.
fn arch_version(debian: &str) -> String {
    let (epoch, rest) = match debian.split_once(':') {
        Some((e, r)) => (format!("{e}:"), r),
        None => (String::new(), debian),
    };
    format!("{epoch}{}-1", rest.replace('-', ".").replace('~', "_"))
}
