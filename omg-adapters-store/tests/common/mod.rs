//! Helpers shared by the integration tests: backends, fingerprints and package lists.

#![allow(dead_code)]

use omg_ports::{
    BackendInfo, FileStamp, Fingerprint, InstallReason, Installed, PackageSummary, Status,
    StatusSnapshot, VersionScheme,
};

/// A temporary directory, removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// A new store in a temporary directory (kept as long as the directory is).
pub fn temp_store() -> (tempfile::TempDir, omg_adapters_store::RedbStore) {
    let dir = temp();
    let store =
        omg_adapters_store::RedbStore::open(&dir.path().join("state.redb")).expect("a new store");
    (dir, store)
}

/// An alpm backend reading `config`.
pub fn alpm(config: &str) -> BackendInfo {
    BackendInfo {
        name: "alpm".into(),
        root: "/".into(),
        config: Some(config.into()),
        version_scheme: VersionScheme::Alpm,
    }
}

/// An apt backend.
pub fn apt() -> BackendInfo {
    BackendInfo {
        name: "apt".into(),
        root: "/".into(),
        config: None,
        version_scheme: VersionScheme::Dpkg,
    }
}

/// The fingerprint of databases at "generation" `generation`: unique per generation.
pub fn fingerprint(generation: u64) -> Fingerprint {
    Fingerprint {
        stamps: vec![
            FileStamp {
                path: "/var/lib/pacman/sync/core.db".into(),
                modified_ns: u128::from(generation) * 1_000_000_007,
                len: generation,
            },
            FileStamp {
                path: "/var/lib/pacman/sync/extra.db".into(),
                modified_ns: 1_700_000_000_000_000_000,
                len: 8_123_456,
            },
        ],
    }
}

const WORDS: [&str; 16] = [
    "lib", "python", "gtk", "qt", "perl", "rust", "font", "xorg", "gnome", "kde", "texlive",
    "haskell", "ruby", "node", "go", "java",
];

/// `count` packages of realistic sizes (names ~15 bytes, versions ~10, descriptions ~50),
/// every one marked with `generation` in its version.
pub fn packages(count: usize, generation: u64) -> Vec<PackageSummary> {
    (0..count)
        .map(|i| {
            let word = WORDS[i % WORDS.len()];
            PackageSummary {
                name: format!("{word}-pkg{i:05}"),
                version: format!("{generation}.{}-1", i % 10),
                description: format!("The {word} component number {i} of a realistic package set"),
                repository: ["core", "extra", "multilib"][i % 3].into(),
                architecture: if i % 4 == 0 { "any" } else { "x86_64" }.into(),
                installed: (i % 40 == 0).then(|| {
                    Box::new(Installed {
                        version: format!("{generation}.{}-1", i % 10),
                        reason: if i % 80 == 0 {
                            InstallReason::Explicit
                        } else {
                            InstallReason::Dependency
                        },
                        date: Some(1_700_000_000 + i as i64),
                    })
                }),
                provides: if i % 7 == 0 {
                    vec![format!("{word}-virtual"), format!("lib{word}.so")]
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// The generation `packages` were made at, when they all agree on one and there are as many
/// as `expected_count(generation)` says; `None` for an inconsistent list.
pub fn generation_of(
    list: &[PackageSummary],
    expected_count: impl Fn(u64) -> usize,
) -> Option<u64> {
    let generation: u64 = list.first()?.version.split('.').next()?.parse().ok()?;
    let consistent =
        list.len() == expected_count(generation) && list == packages(list.len(), generation);
    consistent.then_some(generation)
}

/// A status taken at `taken_at` saying `available` packages.
pub fn status(available: usize, taken_at: i64) -> StatusSnapshot {
    StatusSnapshot {
        status: Status {
            backend: "alpm".into(),
            available,
            installed: available / 40,
            explicit: available / 80,
            orphans: 3,
            upgradable: 7,
            security: None,
            runtimes: Vec::new(),
        },
        taken_at,
    }
}
