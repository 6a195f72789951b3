//! rust: `manifests.txt` and the v2 channel manifests (TOML) with per-archive hashes.

use omg_adapters_releases::RustProvider;
use omg_ports::{ArchiveFormat, Error, RemoteVersion, RuntimeProvider};
use omg_testkit::runtimes::{build, rust_combined, rust_manifest, Entry};

use crate::common::Server;
use crate::support::*;

const TRIPLE: &str = "x86_64-unknown-linux-gnu";

/// A channel manifest for [`TRIPLE`] (see the fixture).
fn manifest(
    date: &str,
    version_line: &str,
    file_stem: &str,
    xz_hash: &str,
    gz_hash: &str,
) -> String {
    rust_manifest(date, TRIPLE, version_line, file_stem, xz_hash, gz_hash)
}

/// A combined tarball: one directory per component under the top-level one.
fn combined(top: &str, version: &str) -> Vec<u8> {
    build(ArchiveFormat::TarXz, &rust_combined(top, version, TRIPLE))
}

/// Serves manifests.txt, 1.80.0 (with the archive), 1.79.0 (no hash for its only archive),
/// and the current nightly.
fn serve() -> (Server, Vec<u8>) {
    let server = Server::start();
    server.put(
        "/manifests.txt",
        [
            "static.rust-lang.org/dist/2024-06-13/channel-rust-1.79.0.toml",
            "static.rust-lang.org/dist/2024-06-13/channel-rust-1.79.toml",
            "static.rust-lang.org/dist/2024-06-13/channel-rust-stable.toml",
            "static.rust-lang.org/dist/2024-07-25/channel-rust-1.80.0.toml",
            "static.rust-lang.org/dist/2024-07-25/channel-rust-1.80.toml",
            "static.rust-lang.org/dist/2024-07-25/channel-rust-beta.toml",
            "static.rust-lang.org/dist/2024-07-31/channel-rust-nightly.toml",
            "static.rust-lang.org/dist/2024-08-01/channel-rust-nightly.toml",
            "static.rust-lang.org/dist/2024-08-07/channel-rust-1.80.1.toml",
            "",
        ]
        .join("\n"),
        None,
        None,
    );
    let stem = format!("rust-1.80.0-{TRIPLE}");
    let archive = combined(&stem, "1.80.0");
    server.put(
        &format!("/dist/2024-07-25/{stem}.tar.xz"),
        archive.clone(),
        None,
        None,
    );
    server.put(
        "/dist/channel-rust-1.80.0.toml",
        manifest(
            "2024-07-25",
            "1.80.0 (051478957 2024-07-21)",
            &stem,
            &sha256(&archive),
            &"b".repeat(64),
        ),
        None,
        None,
    );
    let m179 = manifest("2024-06-13", "1.79.0 (129f3b996 2024-06-10)", &format!("rust-1.79.0-{TRIPLE}"), "", "")
        .replace(&format!("xz_url = \"https://static.rust-lang.org/dist/2024-06-13/rust-1.79.0-{TRIPLE}.tar.xz\"\n"), "");
    server.put("/dist/channel-rust-1.79.0.toml", m179, None, None);
    let nightly_stem = format!("rust-nightly-{TRIPLE}");
    server.put(
        "/dist/2024-08-01/channel-rust-nightly.toml",
        manifest(
            "2024-08-01",
            "1.82.0-nightly (28a58f2fa 2024-07-31)",
            &nightly_stem,
            &"c".repeat(64),
            &"d".repeat(64),
        ),
        None,
        None,
    );
    (server, archive)
}

#[tokio::test]
async fn rust_versions_from_manifests_txt() {
    let (server, _) = serve();
    let versions = RustProvider::new(fetcher(), server.base.clone())
        .remote_versions(&linux_x64())
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>, bool)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.channel.as_deref(), v.prerelease))
        .collect();
    assert_eq!(
        got,
        [
            ("1.80.1", Some("stable"), false),
            ("1.80.0", Some("stable"), false),
            ("1.79.0", Some("stable"), false),
            ("nightly-2024-08-01", Some("nightly"), true),
            ("nightly-2024-07-31", Some("nightly"), true),
            ("beta-2024-07-25", Some("beta"), true),
        ]
    );
    assert_eq!(versions[1].date.as_deref(), Some("2024-07-25"));
}

#[tokio::test]
async fn rust_versions_from_the_channel_manifests_without_manifests_txt() {
    let server = Server::start();
    server.put(
        "/dist/channel-rust-stable.toml",
        manifest(
            "2024-08-08",
            "1.80.1 (3f5fd8dd4 2024-08-06)",
            "rust-1.80.1-x",
            "",
            "",
        ),
        None,
        None,
    );
    server.put(
        "/dist/channel-rust-nightly.toml",
        manifest(
            "2024-08-01",
            "1.82.0-nightly (28a58f2fa 2024-07-31)",
            "rust-nightly-x",
            "",
            "",
        ),
        None,
        None,
    );
    let versions = RustProvider::new(fetcher(), server.base.clone())
        .remote_versions(&linux_x64())
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.channel.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("1.80.1", Some("stable")),
            ("nightly-2024-08-01", Some("nightly"))
        ]
    );
}

#[tokio::test]
async fn rust_artifact_is_the_xz_with_its_hash_on_the_mirror() {
    let (server, archive) = serve();
    let p = RustProvider::new(fetcher(), server.base.clone());
    let a = p.artifact("1.80.0", &linux_x64()).await.unwrap();
    let file = format!("rust-1.80.0-{TRIPLE}.tar.xz");
    assert_eq!(a.url, server.url(&format!("/dist/2024-07-25/{file}")));
    assert_eq!(a.file_name, file);
    assert_eq!(a.sha256, sha256(&archive));
    assert_eq!(a.format, ArchiveFormat::TarXz);
    assert_eq!(
        a.checksum_source,
        server.url("/dist/channel-rust-1.80.0.toml")
    );
    // A dated nightly reads the manifest in its date's directory.
    let n = p
        .artifact("nightly-2024-08-01", &linux_x64())
        .await
        .unwrap();
    assert_eq!(n.file_name, format!("rust-nightly-{TRIPLE}.tar.xz"));
    assert_eq!(n.sha256, "c".repeat(64));
    // The manifest has the target, but not available.
    let windows = omg_ports::Platform {
        os: "windows".into(),
        arch: "x86_64".into(),
    };
    assert!(matches!(
        p.artifact("1.80.0", &windows).await.unwrap_err(),
        Error::UnsupportedPlatform { .. }
    ));
}

#[tokio::test]
async fn rust_archive_without_hash_is_refused() {
    let (server, _) = serve();
    let err = RustProvider::new(fetcher(), server.base.clone())
        .artifact("1.79.0", &linux_x64())
        .await
        .unwrap_err();
    let Error::MissingChecksum { file, source_url } = err else {
        panic!("{err:?}")
    };
    assert_eq!(file, format!("rust-1.79.0-{TRIPLE}.tar.gz"));
    assert_eq!(source_url, server.url("/dist/channel-rust-1.79.0.toml"));
}

#[tokio::test]
async fn rust_unknown_version_suggests_the_closest() {
    let (server, _) = serve();
    let err = RustProvider::new(fetcher(), server.base.clone())
        .artifact("1.80.7", &linux_x64())
        .await
        .unwrap_err();
    let Error::UnknownVersion {
        runtime, closest, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(runtime, "rust");
    assert_eq!(closest[..3], ["1.80.1", "1.80.0", "1.79.0"]);
}

#[tokio::test]
async fn rust_installs_merged_components_and_runs() {
    let (server, _) = serve();
    let dir = tempfile::tempdir().unwrap();
    let installed = installer(dir.path())
        .install(
            &RustProvider::new(fetcher(), server.base.clone()),
            &RemoteVersion::new("1.80.0"),
            None,
        )
        .await
        .unwrap();
    let root = dir.path().join("runtimes/rust/1.80.0");
    assert_eq!(installed.path, root);
    assert!(root
        .join("lib/rustlib/x86_64-unknown-linux-gnu/lib/libstd-0a1b2c.rlib")
        .is_file());
    assert!(root.join("lib/librustc_driver-0a1b2c.so").is_file());
    assert!(!root.join("rustc").exists() && !root.join("cargo").exists());
    // rustup's default profile: clippy and rustfmt merged, on PATH.
    assert!(!root.join("clippy-preview").exists() && !root.join("rustfmt-preview").exists());
    assert_eq!(run(&installed, "cargo-clippy"), "clippy for rust 1.80.0\n");
    assert_eq!(
        run(&installed, "rustfmt"),
        "rustfmt 1.7.0-stable (1.80.0)\n"
    );
    assert_eq!(
        run(&installed, "rustc"),
        "rustc 1.80.0 (051478957 2024-07-21)\n"
    );
    assert_eq!(
        run(&installed, "cargo"),
        "cargo 1.80.0 (5f2ab9b 2024-07-24)\n"
    );
}

/// A combined tarball without clippy or rustfmt (some platforms' lack them) installs: those
/// are merged where present, passed over where not.
#[tokio::test]
async fn rust_without_clippy_or_rustfmt_installs() {
    let (server, _) = serve();
    let stem = format!("rust-1.80.1-{TRIPLE}");
    let entries: Vec<_> = rust_combined(&stem, "1.80.1", TRIPLE)
        .into_iter()
        .filter(|e| {
            !matches!(e, Entry::File(path, ..)
                if path.contains("/clippy-preview/") || path.contains("/rustfmt-preview/"))
        })
        .collect();
    let archive = build(ArchiveFormat::TarXz, &entries);
    server.put(
        &format!("/dist/2024-08-07/{stem}.tar.xz"),
        archive.clone(),
        None,
        None,
    );
    server.put(
        "/dist/channel-rust-1.80.1.toml",
        manifest(
            "2024-08-07",
            "1.80.1 (3f5fd8dd4 2024-08-06)",
            &stem,
            &sha256(&archive),
            &"b".repeat(64),
        ),
        None,
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let installed = installer(dir.path())
        .install(
            &RustProvider::new(fetcher(), server.base.clone()),
            &RemoteVersion::new("1.80.1"),
            None,
        )
        .await
        .unwrap();
    assert!(!installed.path.join("bin/cargo-clippy").exists());
    assert_eq!(
        run(&installed, "rustc"),
        "rustc 1.80.1 (051478957 2024-07-21)\n"
    );
}
