//! mise's own releases over the real HTTP fetcher and a server on 127.0.0.1, in the layout
//! mise's installer (mise.run) reads: `v<version>/SHASUMS256.txt` naming
//! `./mise-v<version>-<os>-<arch>.tar.gz`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::sync::Arc;

use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_releases::{MiseReleases, MISE};
use omg_ports::{ArchiveFormat, Error, Fetcher, Platform, RuntimeProvider, Strip};
use omg_testkit::runtimes::TestServer;

fn fetcher() -> Arc<dyn Fetcher> {
    Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap())
}

fn platform(os: &str, arch: &str) -> Platform {
    Platform {
        os: os.into(),
        arch: arch.into(),
    }
}

#[tokio::test]
async fn the_pinned_release_with_its_published_sum() {
    let server = TestServer::start();
    let (a, b) = ("a".repeat(64), "b".repeat(64));
    server.put(
        "/rel/v2026.1.8/SHASUMS256.txt",
        format!(
            "{a}  ./mise-v2026.1.8-linux-x64.tar.gz\n{b}  ./mise-v2026.1.8-linux-x64.tar.zst\n"
        ),
    );
    let mise = MiseReleases::new(fetcher(), &format!("{}/rel/", server.base), "v2026.1.8");
    let linux = platform("linux", "x86_64");
    let versions = mise.remote_versions(&linux).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version, "2026.1.8");

    let art = mise.artifact("2026.1.8", &linux).await.unwrap();
    assert_eq!(art.file_name, "mise-v2026.1.8-linux-x64.tar.gz");
    assert_eq!(
        art.url,
        format!(
            "{}/rel/v2026.1.8/mise-v2026.1.8-linux-x64.tar.gz",
            server.base
        )
    );
    assert_eq!(art.sha256, a);
    assert_eq!(art.format, ArchiveFormat::TarGz);
    let layout = mise.layout(&art, &linux);
    assert_eq!(layout.strip, Strip::Directory(MISE.into()));
    assert_eq!(layout.bin_dirs, vec!["bin".to_string()]);

    // No line for arm64: no artifact (fail closed).
    let e = mise
        .artifact("2026.1.8", &platform("linux", "aarch64"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MissingChecksum { .. }), "{e}");
    // Only the pinned version, and only platforms mise publishes.
    let e = mise.artifact("2025.1.0", &linux).await.unwrap_err();
    assert!(matches!(e, Error::UnknownVersion { .. }), "{e}");
    let e = mise
        .artifact("2026.1.8", &platform("windows", "x86_64"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnsupportedPlatform { .. }), "{e}");
}
