//! ruby: ruby-builder's `toolcache` release (GitHub's API), checksums from the assets'
//! digests or a mirror's SHA256SUMS.

use omg_adapters_releases::RubyProvider;
use omg_ports::{ArchiveFormat, Error, RemoteVersion, RuntimeProvider};

use crate::common::Server;
use crate::support::*;

const RELEASE: &str = "/repos/ruby/ruby-builder/releases/tags/toolcache";

/// The toolcache release: 3.3.5 for several platforms (the ubuntu-22.04 one is the
/// archive, with a GitHub digest), 3.3.4 and 3.4.0-preview2 without digests, jruby and
/// ruby-head. With `sums`, the release also has a SHA256SUMS asset (what a mirror serves)
/// listing 3.3.4.
fn serve(sums: bool) -> (Server, Vec<u8>) {
    let server = Server::start();
    let archive = tar_gz(&[
        (
            "x64/bin/ruby",
            &script("ruby 3.3.5 (2024-09-03 revision ef084cc8f4) [x86_64-linux]"),
            0o755,
        ),
        ("x64/lib/ruby/3.3.0/set.rb", b"# set\n", 0o644),
    ]);
    let digest = format!("sha256:{}", sha256(&archive));
    let mut assets = Vec::new();
    let mut sums_text = String::new();
    for (i, name) in [
        "jruby-9.4.8.0-ubuntu-22.04.tar.gz",
        "ruby-3.3.4-ubuntu-22.04.tar.gz",
        "ruby-3.3.5-macos-13-arm64.tar.gz",
        "ruby-3.3.5-ubuntu-20.04.tar.gz",
        "ruby-3.3.5-ubuntu-22.04-arm64.tar.gz",
        "ruby-3.3.5-ubuntu-22.04.tar.gz",
        "ruby-3.3.5-ubuntu-24.04.tar.gz",
        "ruby-3.4.0-preview2-ubuntu-24.04.tar.gz",
        "ruby-head-ubuntu-22.04.tar.gz",
    ]
    .into_iter()
    .enumerate()
    {
        let body = if name == "ruby-3.3.5-ubuntu-22.04.tar.gz" {
            archive.clone()
        } else {
            format!("not {name}").into_bytes()
        };
        let path = format!("/download/toolcache/{name}");
        server.put(&path, body.clone(), None, None);
        let d = (name == "ruby-3.3.5-ubuntu-22.04.tar.gz").then_some(digest.as_str());
        assets.push(gh_asset(
            i as u64 + 1,
            name,
            &server.url(&path),
            body.len(),
            d,
        ));
        if name == "ruby-3.3.4-ubuntu-22.04.tar.gz" {
            sums_text.push_str(&format!("{}  {name}\n", sha256(&body)));
        }
    }
    if sums {
        server.put(
            "/download/toolcache/SHA256SUMS",
            sums_text.clone(),
            None,
            None,
        );
        assets.push(gh_asset(
            99,
            "SHA256SUMS",
            &server.url("/download/toolcache/SHA256SUMS"),
            sums_text.len(),
            None,
        ));
    }
    let release = gh_release("toolcache", "2021-01-02T10:00:00Z", false, assets);
    server.put(RELEASE, serde_json::to_vec(&release).unwrap(), None, None);
    (server, archive)
}

fn provider(server: &Server) -> RubyProvider {
    RubyProvider::new(fetcher(), server.url("/repos/ruby/ruby-builder"))
}

#[tokio::test]
async fn ruby_versions_from_the_toolcache_release() {
    let (server, _) = serve(false);
    let versions = provider(&server)
        .remote_versions(&linux_x64())
        .await
        .unwrap();
    let got: Vec<(&str, bool)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.prerelease))
        .collect();
    assert_eq!(
        got,
        [("3.4.0-preview2", true), ("3.3.5", false), ("3.3.4", false)]
    );
}

#[tokio::test]
async fn ruby_artifact_checksum_from_the_github_digest() {
    let (server, archive) = serve(false);
    let a = provider(&server)
        .artifact("3.3.5", &linux_x64())
        .await
        .unwrap();
    // ubuntu-22.04 is preferred over 20.04 and 24.04.
    assert_eq!(a.file_name, "ruby-3.3.5-ubuntu-22.04.tar.gz");
    assert_eq!(
        a.url,
        server.url("/download/toolcache/ruby-3.3.5-ubuntu-22.04.tar.gz")
    );
    assert_eq!(a.sha256, sha256(&archive));
    assert_eq!(a.format, ArchiveFormat::TarGz);
}

#[tokio::test]
async fn ruby_artifact_checksum_from_a_mirrors_sha256sums() {
    let (server, _) = serve(true);
    let a = provider(&server)
        .artifact("3.3.4", &linux_x64())
        .await
        .unwrap();
    assert_eq!(a.sha256, sha256(b"not ruby-3.3.4-ubuntu-22.04.tar.gz"));
    assert_eq!(
        a.checksum_source,
        server.url("/download/toolcache/SHA256SUMS")
    );
}

#[tokio::test]
async fn ruby_without_any_published_checksum_is_refused() {
    let (server, _) = serve(false);
    let err = provider(&server)
        .artifact("3.3.4", &linux_x64())
        .await
        .unwrap_err();
    let Error::MissingChecksum { file, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(file, "ruby-3.3.4-ubuntu-22.04.tar.gz");
    // Nothing is installed either.
    let dir = tempfile::tempdir().unwrap();
    let err = installer(dir.path())
        .install(&provider(&server), &RemoteVersion::new("3.3.4"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingChecksum { .. }), "{err:?}");
    assert!(!dir.path().join("runtimes/ruby/3.3.4").exists());
}

#[tokio::test]
async fn ruby_unknown_version_suggests_the_closest() {
    let (server, _) = serve(false);
    let err = provider(&server)
        .artifact("3.3.9", &linux_x64())
        .await
        .unwrap_err();
    let Error::UnknownVersion {
        runtime, closest, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(runtime, "ruby");
    assert_eq!(closest, ["3.3.5", "3.3.4"]);
}

#[tokio::test]
async fn ruby_installs_and_runs() {
    let (server, _) = serve(false);
    let dir = tempfile::tempdir().unwrap();
    let installed = installer(dir.path())
        .install(&provider(&server), &RemoteVersion::new("3.3.5"), None)
        .await
        .unwrap();
    assert_eq!(installed.path, dir.path().join("runtimes/ruby/3.3.5"));
    assert!(installed.path.join("lib/ruby/3.3.0/set.rb").is_file());
    assert_eq!(
        run(&installed, "ruby"),
        "ruby 3.3.5 (2024-09-03 revision ef084cc8f4) [x86_64-linux]\n"
    );
}
