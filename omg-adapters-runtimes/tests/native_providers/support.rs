//! What every provider test needs: archives with a fake binary, their sha256, an installer
//! in a temporary home, and running what it installed.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use omg_adapters_remote::{HttpConfig, HttpFetcher};
use omg_adapters_runtimes::{InstalledRuntime, Installer, RuntimesHome};
use omg_ports::{Fetcher, Platform};
use sha2::{Digest, Sha256};

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

/// A `#!/bin/sh` script printing `line`.
pub fn script(line: &str) -> Vec<u8> {
    format!("#!/bin/sh\necho '{line}'\n").into_bytes()
}

/// A tar of `(path, contents, mode)` entries, directories created as needed.
fn tar_of(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, body, mode) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(*mode);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, *body).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn tar_gz(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar_of(entries)).unwrap();
    gz.finish().unwrap()
}

pub fn tar_xz(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&tar_of(entries)).unwrap();
    xz.finish().unwrap()
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

/// One asset of GitHub's releases API, with every field the API returns.
pub fn gh_asset(
    id: u64,
    name: &str,
    url: &str,
    size: usize,
    digest: Option<&str>,
) -> serde_json::Value {
    serde_json::json!({
        "url": format!("https://api.github.com/repos/o/r/releases/assets/{id}"),
        "id": id,
        "node_id": "RA_kwDOABCDEF4AAAAA",
        "name": name,
        "label": "",
        "uploader": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot", "site_admin": false},
        "content_type": "application/octet-stream",
        "state": "uploaded",
        "size": size,
        "digest": digest,
        "download_count": 1234,
        "created_at": "2024-10-16T20:01:02Z",
        "updated_at": "2024-10-16T20:01:03Z",
        "browser_download_url": url
    })
}

/// One release of GitHub's releases API.
pub fn gh_release(
    tag: &str,
    published: &str,
    prerelease: bool,
    assets: Vec<serde_json::Value>,
) -> serde_json::Value {
    serde_json::json!({
        "url": format!("https://api.github.com/repos/o/r/releases/{}", tag.len()),
        "html_url": format!("https://github.com/o/r/releases/tag/{tag}"),
        "id": 180_000_000u64 + tag.len() as u64,
        "author": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
        "node_id": "RE_kwDOABCDEF4Jq0aa",
        "tag_name": tag,
        "target_commitish": "main",
        "name": tag,
        "draft": false,
        "prerelease": prerelease,
        "created_at": published,
        "published_at": published,
        "assets": assets,
        "tarball_url": format!("https://api.github.com/repos/o/r/tarball/{tag}"),
        "zipball_url": format!("https://api.github.com/repos/o/r/zipball/{tag}"),
        "body": "Automated release."
    })
}
