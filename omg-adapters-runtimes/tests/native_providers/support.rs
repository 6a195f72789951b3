//! What every provider test needs: archives with a fake binary, their sha256, an installer
//! in a temporary home, and running what it installed.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_runtimes::{InstalledRuntime, Installer, RuntimesHome};
use omg_ports::{ArchiveFormat, Fetcher, Platform};
use omg_testkit::runtimes::{build, Entry};

/// linux on x86_64: the platform every test asks for, whatever the host.
pub fn linux_x64() -> Platform {
    Platform {
        os: "linux".into(),
        arch: "x86_64".into(),
    }
}

pub fn fetcher() -> Arc<dyn Fetcher> {
    Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap())
}

pub use omg_testkit::runtimes::{gh_asset, gh_release, script, sha256_hex as sha256};

/// The `(path, contents, mode)` files as fixture entries.
fn entries(files: &[(&str, &[u8], u32)]) -> Vec<Entry> {
    files
        .iter()
        .map(|(path, body, mode)| Entry::File(path.to_string(), body.to_vec(), *mode))
        .collect()
}

/// A tar.gz of `(path, contents, mode)` files.
pub fn tar_gz(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    build(ArchiveFormat::TarGz, &entries(files))
}

/// An installer for linux x86_64 into a fresh temporary home.
pub fn installer(dir: &Path) -> Installer {
    Installer::new(RuntimesHome::at(dir.join("runtimes")), fetcher()).for_platform(linux_x64())
}

/// Runs `binary` from the installed runtime's `PATH` directories with its environment, and
/// returns its standard output.
pub fn run(installed: &InstalledRuntime, binary: &str) -> String {
    let path = installed
        .bin_dirs()
        .into_iter()
        .map(|d| d.join(binary))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{binary} is in none of {:?}", installed.bin_dirs()));
    let mut cmd = Command::new(&path);
    for (k, v) in installed.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{} failed: {out:?}", path.display());
    String::from_utf8(out.stdout).unwrap()
}
