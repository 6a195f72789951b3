//! Installs through the real HttpFetcher and providers from a server on 127.0.0.1 serving
//! node's, go's and bun's real formats with small real archives.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_releases::{BunProvider, GoProvider, NodeProvider};
use omg_adapters_runtimes::{Installer, RuntimesHome};
use omg_ports::{ArchiveFormat, Error, Fetcher, Platform, RemoteVersion, RuntimeProvider};
use omg_testkit::runtimes::{BunReleases, GoDl, NodeDist, Tamper, TestServer};

fn fetcher() -> Arc<dyn Fetcher> {
    Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap_or_else(|e| panic!("{e}")))
}

fn run(path: &Path) -> String {
    let out = Command::new(path)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Nothing but installed version directories under the runtime's directory.
fn entries(home: &RuntimesHome, runtime: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(home.runtime_dir(runtime))
        .map(|it| {
            it.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn node_installs_from_tar_xz_and_tar_gz_and_uninstalls() {
    for (format, prefix) in [(ArchiveFormat::TarXz, "/xz"), (ArchiveFormat::TarGz, "/gz")] {
        let server = TestServer::start();
        let mut dist = NodeDist::new(&server, prefix, format);
        dist.release("21.6.1", None, Tamper::None)
            .release("20.11.1", Some("Iron"), Tamper::None);
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let home = RuntimesHome::at(tmp.path().join("runtimes"));
        let provider = NodeProvider::new(fetcher(), dist.mirror());
        let installer = Installer::new(home.clone(), fetcher());
        // What a killed install leaves: a hidden staging directory whose lock nobody holds,
        // half unpacked. Never listed, swept by the next install.
        let leftover = home.runtime_dir("node").join(".tmp-99999999-abc");
        std::fs::create_dir_all(leftover.join("tree/node-v20.11.1-linux-x64/bin"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(leftover.join(".lock"), "").unwrap();
        assert!(home.installed("node").unwrap_or_default().is_empty());
        rt().block_on(async {
            let versions = provider
                .remote_versions(&Platform::current())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(versions.len(), 2);
            assert_eq!(versions[1].lts.as_deref(), Some("Iron"));
            let installed = installer
                .install(&provider, &versions[1], None)
                .await
                .unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!(installed.version(), "20.11.1");
            let bin = installed.bin_dirs()[0].clone();
            assert_eq!(run(&bin.join("node")), "v20.11.1");
            // The in-tree link works.
            assert_eq!(run(&bin.join("npm")), "npm fake");
            assert_eq!(installed.record.release.lts.as_deref(), Some("Iron"));
        });
        assert_eq!(entries(&home, "node"), vec!["20.11.1"]);
        let listed = home.installed("node").unwrap_or_default();
        assert_eq!(listed.len(), 1);
        assert!(home.uninstall("node", "20.11.1").is_ok());
        assert!(entries(&home, "node").is_empty());
        assert!(matches!(
            home.uninstall("node", "20.11.1"),
            Err(Error::NotInstalled { .. })
        ));
    }
}

/// Each spoiled release fails with its error, and leaves nothing under the runtime's dir.
#[test]
fn spoiled_releases_install_nothing() {
    let cases = [
        (Tamper::WrongSum, "checksum"),
        (Tamper::NoSum, "missing"),
        (Tamper::Truncated, "download"),
        (Tamper::DotDot, "unsafe"),
        (Tamper::LinkOut, "unsafe"),
        (Tamper::Absolute, "unsafe"),
    ];
    for (tamper, want) in cases {
        for format in [ArchiveFormat::TarXz, ArchiveFormat::TarGz] {
            let server = TestServer::start();
            let mut dist = NodeDist::new(&server, "/node", format);
            dist.release("20.11.1", Some("Iron"), tamper);
            let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let home = RuntimesHome::at(tmp.path().join("runtimes"));
            let provider = NodeProvider::new(fetcher(), dist.mirror());
            let installer = Installer::new(home.clone(), fetcher());
            let err = rt()
                .block_on(installer.install(&provider, &RemoteVersion::new("20.11.1"), None))
                .err()
                .unwrap_or_else(|| panic!("{tamper:?} {format:?} installed"));
            let kind = match &err {
                Error::ChecksumMismatch {
                    file,
                    expected,
                    actual,
                } => {
                    assert!(file.starts_with("node-v20.11.1"));
                    let msg = err.to_string();
                    assert!(msg.contains(expected.as_str()) && msg.contains(actual.as_str()));
                    "checksum"
                }
                Error::MissingChecksum { .. } => "missing",
                Error::Download { .. } => "download",
                Error::UnsafeArchiveEntry { .. } => "unsafe",
                other => panic!("{tamper:?}: unexpected {other}"),
            };
            assert_eq!(kind, want, "{tamper:?} {format:?}: {err}");
            assert!(
                entries(&home, "node").is_empty(),
                "{tamper:?} left files behind"
            );
            assert!(!tmp.path().join("escaped").exists());
        }
    }
}

#[test]
fn go_and_bun_install() {
    let server = TestServer::start();
    let mut go = GoDl::new(&server, "/go");
    go.release("1.23rc1", false, Tamper::None)
        .release("1.22.0", true, Tamper::None);
    let mut bun = BunReleases::new(&server, "/bun");
    bun.release("1.1.0", Tamper::None)
        .release("1.0.0", Tamper::WrongSum);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let home = RuntimesHome::at(tmp.path().join("runtimes"));
    let installer = Installer::new(home.clone(), fetcher());
    let go_p = GoProvider::new(fetcher(), go.mirror());
    let bun_p = BunProvider::new(fetcher(), bun.mirror());
    rt().block_on(async {
        let versions = go_p
            .remote_versions(&Platform::current())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(versions[0].prerelease && !versions[1].prerelease);
        let g = installer
            .install(&go_p, &versions[1], None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(run(&g.bin_dirs()[0].join("go")).starts_with("go version go1.22.0 "));
        assert_eq!(g.env()[0].0, "GOROOT");

        let b = installer
            .install(&bun_p, &RemoteVersion::new("1.1.0"), None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run(&b.bin_dirs()[0].join("bun")), "1.1.0");
        let bad = installer
            .install(&bun_p, &RemoteVersion::new("1.0.0"), None)
            .await;
        assert!(
            matches!(bad, Err(Error::ChecksumMismatch { .. })),
            "{bad:?}"
        );
        let unknown = installer
            .install(&bun_p, &RemoteVersion::new("9.9.9"), None)
            .await;
        assert!(
            matches!(unknown, Err(Error::UnknownVersion { .. })),
            "{unknown:?}"
        );
    });
    assert_eq!(entries(&home, "bun"), vec!["1.1.0"]);
}

/// Two installs of one version at once (two `omg use node 20` in two shells): the second
/// waits for the first's lock, then finds the version installed: one download. A staging
/// directory whose install still runs is never swept by the other, whatever its process id
/// says (here a dead one's).
#[test]
fn concurrent_installs_of_one_version_download_once() {
    let server = TestServer::start();
    let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
    dist.release("20.11.1", Some("Iron"), Tamper::Slow);
    let tmp = tempfile::tempdir().unwrap();
    let home = RuntimesHome::at(tmp.path().join("runtimes"));
    // Another install's staging directory, live (its lock held here), of a "dead" pid.
    let live = home.runtime_dir("node").join(".tmp-99999999-live");
    std::fs::create_dir_all(&live).unwrap();
    let held = omg_adapters_runtimes::lock::try_lock_file(&live.join(".lock"))
        .unwrap()
        .expect("free");
    let installs: Vec<_> = (0..2)
        .map(|_| {
            let (home, mirror) = (home.clone(), dist.mirror());
            std::thread::spawn(move || {
                let provider = NodeProvider::new(fetcher(), mirror);
                let installer = Installer::new(home, fetcher());
                rt().block_on(async {
                    let versions = provider.remote_versions(&Platform::current()).await?;
                    installer.install(&provider, &versions[0], None).await
                })
            })
        })
        .collect();
    for install in installs {
        let installed = install.join().unwrap().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(installed.version(), "20.11.1");
    }
    let archive = format!(
        "/node/v20.11.1/node-v20.11.1-{}.tar.gz",
        if cfg!(target_arch = "aarch64") {
            "linux-arm64"
        } else {
            "linux-x64"
        }
    );
    let downloads = server
        .requests()
        .iter()
        .filter(|r| r.path == archive)
        .count();
    assert_eq!(downloads, 1, "one download for two installs");
    assert!(live.exists(), "a live staging directory was swept");
    drop(held);
    assert_eq!(
        entries(&home, "node"),
        vec![".tmp-99999999-live", "20.11.1"]
    );
    // Its install gone (the lock released), the next install's sweep removes it.
    dist.release("21.6.1", None, Tamper::None);
    let provider = NodeProvider::new(fetcher(), dist.mirror());
    rt().block_on(async {
        let versions = provider
            .remote_versions(&Platform::current())
            .await
            .unwrap();
        let v21 = versions.iter().find(|v| v.version == "21.6.1").unwrap();
        Installer::new(home.clone(), fetcher())
            .install(&provider, v21, None)
            .await
            .unwrap();
    });
    assert_eq!(entries(&home, "node"), vec!["20.11.1", "21.6.1"]);
}
