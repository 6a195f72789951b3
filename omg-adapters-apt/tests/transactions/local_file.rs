//! `Install` of a `.deb` file given by path (`apt install ./foo.deb`): the file's package
//! with its dependencies from the repository, planned, committed, and the bad paths refused.

use omg_adapters_apt::AptBackend;
use omg_ports::{ActionKind, Error, InstallReason, PackageBackend, Transaction};

use crate::dpkg::installed;
use crate::repo::Repo;
use crate::{commit, deb, names};

pub async fn local_file(apt: &AptBackend, repo: &Repo, archives: &std::path::Path) {
    // Outside the repository: only the file has it.
    let elsewhere = repo.dir.path().join("local");
    let file = repo.build(
        &deb(
            "omg-test-i",
            "1.0",
            &["Depends: omg-test-g"],
            &[("/usr/share/omg-test-i/i.txt", "i 1.0\n")],
        ),
        &elsewhere,
    );
    let path = file.display().to_string();
    let tx = Transaction::Install(vec![path.clone()]);
    let plan = apt.plan(&tx).await.unwrap();
    assert_eq!(
        names(&plan),
        [
            (ActionKind::Install, "omg-test-g"),
            (ActionKind::Install, "omg-test-i")
        ]
    );
    let (g, i) = (&plan.actions[0], &plan.actions[1]);
    assert_eq!(g.repository.as_deref(), Some("omgtest"));
    assert_eq!(g.reason, Some(InstallReason::Dependency));
    assert_eq!(
        (
            i.new_version.as_deref(),
            i.repository.as_deref(),
            i.download_size
        ),
        (Some("1.0"), None, 0),
        "read where it is, from no repository"
    );
    assert_eq!(i.reason, Some(InstallReason::Explicit));
    assert_eq!(installed("omg-test-i"), None, "planning changed nothing");

    commit(apt, tx.clone()).await;
    assert_eq!(installed("omg-test-i").as_deref(), Some("1.0"));
    assert_eq!(installed("omg-test-g").as_deref(), Some("1.0"));
    assert!(std::fs::read_to_string("/usr/share/omg-test-i/i.txt").is_ok_and(|t| t == "i 1.0\n"));
    // The file is read where it is, not copied into the archives.
    assert!(!archives.join("omg-test-i_1.0_all.deb").exists());
    let reasons = apt.installed().await.unwrap();
    let reason = |n: &str| {
        reasons
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| s.installed.as_ref().map(|i| i.reason))
    };
    assert_eq!(reason("omg-test-i"), Some(InstallReason::Explicit));
    assert_eq!(reason("omg-test-g"), Some(InstallReason::Dependency));

    // The same file again: nothing to do, as apt says; --reinstall reinstalls it.
    let again = apt.plan(&tx).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert!(
        again
            .warnings
            .iter()
            .any(|w| w == "omg-test-i is already the newest version (1.0)"),
        "{again:?}"
    );
    let reinstall = apt
        .plan(&Transaction::Reinstall(vec![path.clone()]))
        .await
        .unwrap();
    assert_eq!(names(&reinstall), [(ActionKind::Reinstall, "omg-test-i")]);

    // A newer file is an upgrade, through a link too (libapt resolves it).
    let newer = repo.build(
        &deb("omg-test-i", "1.1", &["Depends: omg-test-g"], &[]),
        &elsewhere.join("newer"),
    );
    let link = elsewhere.join("link.deb");
    std::os::unix::fs::symlink(&newer, &link).unwrap();
    let upgrade = apt
        .plan(&Transaction::Install(vec![link.display().to_string()]))
        .await
        .unwrap();
    assert_eq!(names(&upgrade), [(ActionKind::Upgrade, "omg-test-i")]);
    assert_eq!(upgrade.actions[0].new_version.as_deref(), Some("1.1"));

    bad_paths(apt, &elsewhere).await;

    commit(
        apt,
        Transaction::Remove {
            names: vec!["omg-test-i".into()],
            recursive: true,
        },
    )
    .await;
    assert_eq!(installed("omg-test-i"), None);
    assert_eq!(installed("omg-test-g"), None);
}

/// A missing file, a directory, a file that is not a .deb, and one that only ends in .deb.
async fn bad_paths(apt: &AptBackend, dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("dir.deb")).unwrap();
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    std::fs::write(dir.join("junk.deb"), "not an archive").unwrap();
    let cases = [
        ("missing.deb", "missing.deb: no such file"),
        ("dir.deb", "dir.deb is a directory, not a .deb file"),
        ("notes.txt", "notes.txt is not a .deb file"),
        ("junk.deb", "junk.deb is not a package file libapt can read"),
    ];
    for (file, message) in cases {
        let path = dir.join(file).display().to_string();
        match apt.plan(&Transaction::Install(vec![path.clone()])).await {
            Err(e @ Error::InvalidRequest(_)) => {
                assert!(e.to_string().contains(message), "{path}: {e}")
            }
            other => panic!("{path}: expected InvalidRequest, got {other:?}"),
        }
    }
    // The cache opened after a refused file is the plain one again.
    let plan = apt
        .plan(&Transaction::Install(vec!["omg-test-f".into()]))
        .await
        .unwrap();
    assert_eq!(names(&plan), [(ActionKind::Install, "omg-test-f")]);
}
