//! The Engine over a mocked backend (the adapters are tested against the real libraries in
//! their own crates).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::sync::Arc;

use omg_domain::Engine;
use omg_ports::{
    BackendInfo, Error, InstallReason, Installed, ListKind, MockPackageBackend, Package,
    PackageSummary, SearchQuery, VersionScheme,
};

fn summary(name: &str, reason: Option<InstallReason>) -> PackageSummary {
    PackageSummary {
        name: name.into(),
        version: "2.0-1".into(),
        description: format!("{name} description"),
        repository: "core".into(),
        architecture: "x86_64".into(),
        installed: reason.map(|reason| {
            Box::new(Installed {
                version: "1.0-1".into(),
                reason,
                date: Some(1_700_000_000),
            })
        }),
        provides: Vec::new(),
    }
}

fn mock_info() -> BackendInfo {
    BackendInfo {
        name: "mock".into(),
        root: "/".into(),
        config: None,
        version_scheme: VersionScheme::Alpm,
    }
}

fn backend() -> MockPackageBackend {
    let mut b = MockPackageBackend::new();
    b.expect_info().returning(mock_info);
    b.expect_packages().returning(|| {
        Ok(vec![
            summary("bash", Some(InstallReason::Explicit)),
            summary("readline", Some(InstallReason::Dependency)),
            summary("zsh", None),
            summary("firefox", None),
            // The same name in a second repository counts again; a package only
            // installed does not count as available.
            PackageSummary {
                repository: "extra".into(),
                ..summary("zsh", None)
            },
            PackageSummary {
                repository: "local".into(),
                ..summary("built-here", Some(InstallReason::Explicit))
            },
        ])
    });
    b.expect_installed().returning(|| {
        Ok(vec![
            summary("readline", Some(InstallReason::Dependency)),
            summary("bash", Some(InstallReason::Explicit)),
        ])
    });
    b.expect_orphans().returning(|| Ok(vec![]));
    b.expect_upgradable()
        .returning(|| Ok(vec![summary("bash", Some(InstallReason::Explicit))]));
    b
}

#[tokio::test]
async fn status_counts() {
    let engine = Engine::new(Arc::new(backend()));
    let s = engine.status().await.unwrap();
    assert_eq!(s.backend, "mock");
    assert_eq!(
        (
            s.available,
            s.installed,
            s.explicit,
            s.orphans,
            s.upgradable
        ),
        (5, 2, 1, 0, 1)
    );
}

#[tokio::test]
async fn status_of_counts_the_packages_given_without_listing_them_again() {
    let mut b = MockPackageBackend::new();
    b.expect_info().returning(mock_info);
    b.expect_packages().never();
    b.expect_installed().returning(|| {
        Ok(vec![
            summary("readline", Some(InstallReason::Dependency)),
            summary("bash", Some(InstallReason::Explicit)),
        ])
    });
    b.expect_orphans().returning(|| Ok(vec![]));
    b.expect_upgradable().returning(|| Ok(vec![]));
    let engine = Engine::new(Arc::new(b));
    let mut given = vec![summary("bash", None), summary("zsh", None)];
    given.push(PackageSummary {
        repository: PackageSummary::LOCAL.into(),
        ..summary("built-here", None)
    });
    let s = engine.status_of(&given).await.unwrap();
    assert_eq!((s.available, s.installed, s.explicit), (2, 2, 1));
}

#[tokio::test]
async fn list_explicit_sorted() {
    let engine = Engine::new(Arc::new(backend()));
    let all: Vec<_> = engine
        .list(ListKind::Installed)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(all, vec!["bash", "readline"]);
    let explicit: Vec<_> = engine
        .list(ListKind::Explicit)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(explicit, vec!["bash"]);
}

#[tokio::test]
async fn info_unknown_suggests() {
    let mut b = backend();
    b.expect_package().withf(|n| n == "bash").returning(|_| {
        Ok(Some(Package {
            name: "bash".into(),
            ..Default::default()
        }))
    });
    b.expect_package().returning(|_| Ok(None));
    let engine = Engine::new(Arc::new(b));
    let found = engine.info(&["bash".into()]).await.unwrap();
    assert_eq!(found[0].name, "bash");
    match engine.info(&["bash".into(), "fierfox".into()]).await {
        Err(Error::NotFound { name, suggestions }) => {
            assert_eq!(name, "fierfox");
            assert_eq!(suggestions, vec!["firefox"]);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn backend_errors_pass_through() {
    let mut b = MockPackageBackend::new();
    b.expect_packages().returning(|| {
        Err(Error::MissingDatabase {
            path: "/var/lib/pacman/sync/core.db".into(),
        })
    });
    let engine = Engine::new(Arc::new(b));
    let err = engine.search(&SearchQuery::new("x")).await.unwrap_err();
    assert!(err.to_string().contains("core.db"), "{err}");
    assert!(
        matches!(
            err,
            omg_ports::Error::MissingDatabase { .. } | omg_ports::Error::CorruptDatabase { .. }
        ),
        "{err:?}"
    );
}
