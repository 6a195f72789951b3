//! `installed_sources`: binary packages mapped to their source packages by real libapt,
//! over a tiny apt root whose dpkg status has `Source:` fields.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::fs;

use common::TestRoot;
use omg_adapters_apt::{AptBackend, AptConfig, CacheDir};
use omg_ports::{InstalledSource, PackageBackend};

const STATUS: &str = "\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

Package: libfoo-bin
Status: install ok installed
Architecture: amd64
Source: foo (1:1.0-1)
Version: 5
Description: a binary with a version of its own

Package: tool
Status: install ok installed
Architecture: amd64
Version: 3.0
Description: its own source

Package: libqux
Status: install ok installed
Architecture: i386
Multi-Arch: same
Source: qux
Version: 2.0
Description: qux library

Package: removed
Status: deinstall ok config-files
Architecture: amd64
Source: gone
Version: 9.9
Description: only its configuration files are left

";

fn source(name: &str, version: &str, source: &str, source_version: &str) -> InstalledSource {
    InstalledSource {
        name: name.into(),
        version: version.into(),
        source: source.into(),
        source_version: source_version.into(),
    }
}

#[tokio::test]
async fn binaries_map_to_their_sources() {
    let root = TestRoot::new();
    fs::write(root.path().join("var/lib/dpkg/status"), STATUS).unwrap();
    let backend = AptBackend::open(AptConfig::host().with_root(root.path()))
        .unwrap()
        .with_cache_dir(CacheDir::Off);
    assert_eq!(
        backend.installed_sources().await.unwrap(),
        vec![
            source("libfoo-bin", "5", "foo", "1:1.0-1"),
            source("libqux:i386", "2.0", "qux", "2.0"),
            source("libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"),
            source("tool", "3.0", "tool", "3.0"),
        ]
    );
}
