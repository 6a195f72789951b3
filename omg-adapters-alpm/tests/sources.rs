//! `installed_sources` over a real local database: pkgbase as the source.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::{InstalledSource, PackageBackend};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

#[tokio::test]
async fn installed_packages_carry_their_pkgbase() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    root.add_sync_db("core", &[FixturePackage::new("openssl", "3.0.8-1")])
        .unwrap();
    let mut lib32 = FixturePackage::new("lib32-openssl", "1:3.0.7-1");
    lib32.base = "lib32-openssl-base".into();
    root.install_local(&[FixturePackage::new("openssl", "3.0.7-1"), lib32])
        .unwrap();
    let backend = AlpmBackend::open(AlpmConfig::new(root.config_path())).unwrap();
    let source = |name: &str, version: &str, base: &str| InstalledSource {
        name: name.into(),
        version: version.into(),
        source: base.into(),
        source_version: version.into(),
    };
    assert_eq!(
        backend.installed_sources().await.unwrap(),
        vec![
            source("lib32-openssl", "1:3.0.7-1", "lib32-openssl-base"),
            source("openssl", "3.0.7-1", "openssl"),
        ]
    );
}
