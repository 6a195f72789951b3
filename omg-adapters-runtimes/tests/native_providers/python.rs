//! python-build-standalone: GitHub releases with `install_only` tarballs and `SHA256SUMS`.

use omg_adapters_releases::PythonProvider;
use omg_ports::{ArchiveFormat, Error, RemoteVersion, RuntimeProvider};
use serde_json::json;

use crate::common::Server;
use crate::support::*;

const TRIPLE: &str = "x86_64-unknown-linux-gnu";

use omg_testkit::runtimes::python_asset_name as asset_name;

/// Serves two releases, newest first: 20241016 (3.13.0, 3.12.7, 3.11.10 in several
/// variants and targets, and SHA256SUMS, listing 3.12.7 only when `sums_for_3127`) and
/// 20241008 (3.13.0rc3, 3.12.7, 3.12.6, no sums). Returns the server and the 3.12.7
/// archive of 20241016.
fn serve(sums_for_3127: bool) -> (Server, Vec<u8>) {
    let server = Server::start();
    let archive = tar_gz(&[
        ("python/bin/python3", &script("Python 3.12.7"), 0o755),
        ("python/lib/python3.12/os.py", b"# os\n", 0o644),
    ]);
    let mut id = 0;
    let mut asset = |release: &str, name: &str, body: &[u8], digest: Option<&str>| {
        id += 1;
        let path = format!("/download/{release}/{name}");
        server.put(&path, body.to_vec(), None, None);
        gh_asset(id, name, &server.url(&path), body.len(), digest)
    };
    let mut sums = String::new();
    let mut new_assets = Vec::new();
    for (v, triple, kind) in [
        ("3.13.0", TRIPLE, "install_only.tar.gz"),
        ("3.13.0", TRIPLE, "install_only_stripped.tar.gz"),
        (
            "3.13.0",
            "x86_64_v3-unknown-linux-gnu",
            "install_only.tar.gz",
        ),
        ("3.13.0", TRIPLE, "freethreaded+pgo+lto-full.tar.zst"),
        ("3.12.7", TRIPLE, "install_only.tar.gz"),
        ("3.12.7", "aarch64-apple-darwin", "install_only.tar.gz"),
        ("3.11.10", TRIPLE, "install_only.tar.gz"),
        ("3.9.20", "aarch64-apple-darwin", "install_only.tar.gz"),
    ] {
        let name = asset_name(v, "20241016", triple, kind);
        let body: Vec<u8> = if v == "3.12.7" && triple == TRIPLE {
            archive.clone()
        } else {
            format!("not {name}").into_bytes()
        };
        if sums_for_3127 || !(v == "3.12.7" && triple == TRIPLE) {
            sums.push_str(&format!("{}  {name}\n", sha256(&body)));
        }
        new_assets.push(asset("20241016", &name, &body, None));
    }
    new_assets.push(asset("20241016", "SHA256SUMS", sums.as_bytes(), None));
    let mut old_assets = Vec::new();
    for v in ["3.13.0rc3", "3.12.7", "3.12.6"] {
        let name = asset_name(v, "20241008", TRIPLE, "install_only.tar.gz");
        old_assets.push(asset("20241008", &name, b"old", None));
    }
    let releases = json!([
        gh_release("20241016", "2024-10-16T23:59:07Z", false, new_assets),
        gh_release("20241008", "2024-10-08T18:02:11Z", false, old_assets),
    ]);
    server.put(
        "/repos/astral-sh/python-build-standalone/releases?per_page=20",
        serde_json::to_vec(&releases).unwrap(),
        None,
        None,
    );
    (server, archive)
}

fn provider(server: &Server) -> PythonProvider {
    PythonProvider::new(
        fetcher(),
        server.url("/repos/astral-sh/python-build-standalone/"),
    )
}

#[tokio::test]
async fn python_versions_from_the_releases() {
    let (server, _) = serve(true);
    let versions = provider(&server)
        .remote_versions(&linux_x64())
        .await
        .unwrap();
    let names: Vec<&str> = versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(
        names,
        ["3.13.0", "3.13.0rc3", "3.12.7", "3.12.6", "3.11.10"]
    );
    assert!(versions[1].prerelease && !versions[0].prerelease);
    // A version in several releases is the newest release's.
    assert_eq!(versions[2].date.as_deref(), Some("2024-10-16"));
    assert_eq!(versions[3].date.as_deref(), Some("2024-10-08"));
}

#[tokio::test]
async fn python_artifact_with_its_sha256sums_line() {
    let (server, archive) = serve(true);
    let a = provider(&server)
        .artifact("3.12.7", &linux_x64())
        .await
        .unwrap();
    let name = asset_name("3.12.7", "20241016", TRIPLE, "install_only.tar.gz");
    assert_eq!(a.file_name, name);
    assert_eq!(a.url, server.url(&format!("/download/20241016/{name}")));
    assert_eq!(a.sha256, sha256(&archive));
    assert_eq!(
        a.checksum_source,
        server.url("/download/20241016/SHA256SUMS")
    );
    assert_eq!(a.format, ArchiveFormat::TarGz);
    assert_eq!(a.size, Some(archive.len() as u64));
}

#[tokio::test]
async fn python_without_a_sums_line_is_refused() {
    let (server, _) = serve(false);
    let err = provider(&server)
        .artifact("3.12.7", &linux_x64())
        .await
        .unwrap_err();
    let Error::MissingChecksum { file, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        file,
        asset_name("3.12.7", "20241016", TRIPLE, "install_only.tar.gz")
    );
    // The release without SHA256SUMS (and no digest on the asset) too.
    let err = provider(&server)
        .artifact("3.12.6", &linux_x64())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingChecksum { .. }), "{err:?}");
}

#[tokio::test]
async fn python_unknown_version_suggests_the_closest() {
    let (server, _) = serve(true);
    let err = provider(&server)
        .artifact("3.12.99", &linux_x64())
        .await
        .unwrap_err();
    let Error::UnknownVersion {
        runtime, closest, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(runtime, "python");
    assert_eq!(closest[..2], ["3.12.7", "3.12.6"]);
}

#[tokio::test]
async fn python_installs_and_runs() {
    let (server, _) = serve(true);
    let dir = tempfile::tempdir().unwrap();
    let installed = installer(dir.path())
        .install(&provider(&server), &RemoteVersion::new("3.12.7"), None)
        .await
        .unwrap();
    assert_eq!(installed.path, dir.path().join("runtimes/python/3.12.7"));
    assert!(installed.path.join("lib/python3.12/os.py").is_file());
    assert_eq!(run(&installed, "python3"), "Python 3.12.7\n");
}
