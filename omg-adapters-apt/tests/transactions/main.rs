//! Real transactions through libapt and dpkg on this machine: small .deb files built with
//! dpkg-deb, published in a local `file:` repository (and over HTTP on 127.0.0.1 for the
//! interrupt), installed, upgraded and removed through the backend, with dpkg's state
//! checked by dpkg-query after every step.
//!
//! Safety: the apt configuration sees only the test repository, so the host's packages
//! have no candidate but their installed version; every plan is checked to mention only
//! `omg-test-*` packages before it is committed, and the test packages are purged
//! whatever happens. dpkg is global: one test runs every scenario in order.
//!
//! Needs root, dpkg-deb, dpkg-scanpackages (dpkg-dev) and sha256sum; without them the test
//! says so and passes, except under CI, where it fails.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod dpkg;
mod holder;
mod http;
mod local_file;
mod repo;
mod sink;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use omg_adapters_apt::{AptBackend, AptConfig};
use omg_ports::{
    ActionKind, Error, InstallReason, PackageBackend, Plan, ProgressEvent, Transaction,
};

use dpkg::{installed, PurgeGuard};
use repo::{Deb, Repo};
use sink::Recorder;

const B_FILE: &str = "/usr/share/omg-test-b/b.txt";

fn deb<'a>(
    name: &'a str,
    version: &'a str,
    fields: &'a [&'a str],
    files: &'a [(&'a str, &'a str)],
) -> Deb<'a> {
    Deb {
        name,
        version,
        fields,
        files,
    }
}

/// True when this machine can run the scenarios; under CI it must.
fn can_run() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let tools = ["dpkg-deb", "dpkg-scanpackages", "sha256sum", "dpkg-query"]
        .iter()
        .all(|t| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if root && tools {
        return true;
    }
    let why = format!(
        "apt transaction tests need root and dpkg-deb, dpkg-scanpackages (dpkg-dev), sha256sum (root: {root}, tools: {tools})"
    );
    omg_testkit::skip(&why);
    false
}

/// Aborts (before anything is committed) unless every action of `plan` is a test package.
fn assert_only_test_packages(plan: &Plan) {
    for action in &plan.actions {
        let name = match action.kind {
            // A cached archive: its file name.
            ActionKind::DeleteFile => Path::new(&action.name)
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            _ => action.name.clone(),
        };
        assert!(
            name.starts_with("omg-test-"),
            "SAFETY: the plan touches {} (a host package); not committing: {plan:#?}",
            action.name
        );
    }
}

fn names(plan: &Plan) -> Vec<(ActionKind, &str)> {
    plan.actions
        .iter()
        .map(|a| (a.kind, a.name.as_str()))
        .collect()
}

async fn commit(apt: &AptBackend, tx: Transaction) -> Arc<Recorder> {
    let plan = apt.plan(&tx).await.unwrap();
    assert_only_test_packages(&plan);
    let sink = Arc::new(Recorder::default());
    let outcome = apt.commit(&tx, sink.clone()).await;
    let outcome = outcome.unwrap_or_else(|e| panic!("{tx:?} failed: {e}\n{:#?}", sink.events()));
    assert_eq!(outcome.actions, plan.actions, "{tx:?}");
    sink
}

/// Not a test: the process [`holder::Holder`] starts.
#[test]
#[ignore = "helper process for the lock scenarios"]
fn helper_lock_holder() {
    holder::hold_if_asked();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_through_libapt_and_dpkg() {
    if !can_run() {
        return;
    }
    dpkg::purge_all();
    let _guard = PurgeGuard;

    let repo = Repo::new();
    let b_files = [(B_FILE, "b\n")];
    repo.add(&deb(
        "omg-test-a",
        "1.0",
        &["Depends: omg-test-b", "Suggests: omg-test-virtual"],
        &[("/usr/share/omg-test-a/a.txt", "a 1.0\n")],
    ));
    repo.add(&deb(
        "omg-test-b",
        "1.0",
        &["Provides: omg-test-virtual"],
        &b_files,
    ));
    repo.add(&deb("omg-test-c", "1.0", &["Conflicts: omg-test-b"], &[]));
    repo.add(&deb("omg-test-d", "1.0", &[], &b_files));
    repo.add(&deb(
        "omg-test-e",
        "1.0",
        &["Depends: omg-test-missing (>= 1)"],
        &[],
    ));
    repo.add(&deb("omg-test-f", "1.0", &["Depends: omg-test-g"], &[]));
    repo.add(&deb("omg-test-g", "1.0", &[], &[]));
    let big = incompressible(4 << 20);
    repo.add(&deb(
        "omg-test-h",
        "1.0",
        &[],
        &[("/usr/share/omg-test-h/big.txt", &big)],
    ));
    repo.publish();
    let source = format!("deb [trusted=yes] file:{} ./", repo.path().display());
    let dirs = repo.apt_conf("file", &source);
    let apt = AptBackend::open(AptConfig::host().with_config(&dirs.conf)).unwrap();

    refresh(&apt).await;
    version_targets(&apt, &repo, &dirs.archives).await;
    install(&apt).await;
    graph(&apt).await;
    upgrade(&apt, &repo).await;
    errors(&apt).await;
    file_conflict(&apt).await;
    remove(&apt).await;
    remove_recursive(&apt).await;
    local_file::local_file(&apt, &repo, &dirs.archives).await;
    clean(&apt, &dirs.archives).await;
    locks(&dirs.conf).await;
    over_http(&repo).await;
}

async fn refresh(apt: &AptBackend) {
    let plan = apt.plan(&Transaction::Refresh).await.unwrap();
    assert!(plan.is_empty() && !plan.warnings.is_empty(), "{plan:?}");
    commit(apt, Transaction::Refresh).await;
    let a = apt.package("omg-test-a").await.unwrap().unwrap();
    assert_eq!((a.version.as_str(), a.installed), ("1.0", None));
}

/// Where an exact version can be had (for history undo): the repository's `name=version`,
/// else the archive in `Dir::Cache::Archives`, else nowhere.
async fn version_targets(apt: &AptBackend, repo: &Repo, archives: &Path) {
    let target = |name: &'static str, version: &'static str| async move {
        apt.version_target(name, version).await.unwrap()
    };
    assert_eq!(
        target("omg-test-a", "1.0").await.as_deref(),
        Some("omg-test-a=1.0")
    );
    assert_eq!(target("omg-test-a", "0.9").await, None);
    assert_eq!(target("omg-test-nothing", "1.0").await, None);
    assert_eq!(target("omg-test-a", "1.0/../x").await, None);
    assert_eq!(target("", "1.0").await, None);
    // 0.9's archive in the cache (as apt leaves what it downloaded): installable as a file.
    let archive = repo.build(&deb("omg-test-a", "0.9", &[], &[]), archives);
    assert_eq!(
        target("omg-test-a", "0.9").await,
        Some(archive.display().to_string())
    );
    std::fs::remove_file(&archive).unwrap();
    assert_eq!(target("omg-test-a", "0.9").await, None);
}

async fn install(apt: &AptBackend) {
    let tx = Transaction::Install(vec!["omg-test-a".into()]);
    let plan = apt.plan(&tx).await.unwrap();
    assert_eq!(
        names(&plan),
        [
            (ActionKind::Install, "omg-test-a"),
            (ActionKind::Install, "omg-test-b")
        ]
    );
    let a = &plan.actions[0];
    assert_eq!(a.new_version.as_deref(), Some("1.0"));
    assert_eq!(a.old_version, None);
    assert_eq!(a.repository.as_deref(), Some("omgtest"));
    assert_eq!(a.download_size, 0, "a file: repository needs no download");
    assert!(a.installed_size > 0);
    assert_eq!(a.reason, Some(InstallReason::Explicit));
    assert_eq!(plan.actions[1].reason, Some(InstallReason::Dependency));
    assert!(plan.installed_size_delta > 0);
    // Planning changed nothing.
    assert_eq!(installed("omg-test-a"), None);

    let sink = commit(apt, tx).await;
    assert_eq!(installed("omg-test-a").as_deref(), Some("1.0"));
    assert_eq!(installed("omg-test-b").as_deref(), Some("1.0"));
    assert!(std::fs::read_to_string(B_FILE).is_ok_and(|t| t == "b\n"));
    let events = sink.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ProgressEvent::Step { .. })),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ProgressEvent::StepProgress { percent: 100, .. })),
        "{events:#?}"
    );

    // Later reads see it, with apt's auto marks.
    let now = apt.installed().await.unwrap();
    let reason = |n: &str| {
        now.iter()
            .find(|s| s.name == n)
            .map(|s| s.installed.clone().unwrap().reason)
    };
    assert_eq!(reason("omg-test-a"), Some(InstallReason::Explicit));
    assert_eq!(reason("omg-test-b"), Some(InstallReason::Dependency));
    // Installing it again changes nothing.
    let again = apt
        .plan(&Transaction::Install(vec!["omg-test-a".into()]))
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert!(
        again
            .warnings
            .iter()
            .any(|w| w.contains("already the newest")),
        "{again:?}"
    );
}

async fn graph(apt: &AptBackend) {
    let graph = apt.dependency_graph().await.unwrap();
    let a = graph.iter().find(|n| n.name == "omg-test-a").unwrap();
    assert_eq!(a.version, "1.0");
    assert_eq!(a.reason, InstallReason::Explicit);
    assert_eq!(a.depends, ["omg-test-b"]);
    // Suggests: omg-test-virtual, which omg-test-b provides.
    assert_eq!(a.optional, ["omg-test-b"]);
    let b = graph.iter().find(|n| n.name == "omg-test-b").unwrap();
    assert_eq!(b.reason, InstallReason::Dependency);
    assert!(b.depends.is_empty());
    // Host packages are there too, sorted.
    assert!(graph.windows(2).all(|w| w[0].name < w[1].name));
}

async fn upgrade(apt: &AptBackend, repo: &Repo) {
    repo.add(&deb(
        "omg-test-a",
        "1.1",
        &["Depends: omg-test-b"],
        &[("/usr/share/omg-test-a/a.txt", "a 1.1\n")],
    ));
    repo.publish();
    commit(apt, Transaction::Refresh).await;
    let plan = apt.plan(&Transaction::Upgrade).await.unwrap();
    // SAFETY: an upgrade must not touch a host package (they have no other candidate).
    assert_only_test_packages(&plan);
    assert_eq!(names(&plan), [(ActionKind::Upgrade, "omg-test-a")]);
    let a = &plan.actions[0];
    assert_eq!(
        (a.old_version.as_deref(), a.new_version.as_deref()),
        (Some("1.0"), Some("1.1"))
    );
    commit(apt, Transaction::Upgrade).await;
    assert_eq!(installed("omg-test-a").as_deref(), Some("1.1"));
    assert!(apt
        .upgradable()
        .await
        .unwrap()
        .iter()
        .all(|s| !s.name.starts_with("omg-test-")));
    assert!(apt.plan(&Transaction::Upgrade).await.unwrap().is_empty());
}

async fn errors(apt: &AptBackend) {
    match apt
        .plan(&Transaction::Install(vec!["omg-test-aa".into()]))
        .await
    {
        Err(Error::NotFound { name, suggestions }) => {
            assert_eq!(name, "omg-test-aa");
            assert!(
                suggestions.iter().any(|s| s == "omg-test-a"),
                "{suggestions:?}"
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    match apt
        .plan(&Transaction::Install(vec!["omg-test-e".into()]))
        .await
    {
        Err(Error::Unsatisfiable {
            dependency,
            required_by,
        }) => {
            assert_eq!(dependency, "omg-test-missing (>= 1)");
            assert_eq!(required_by, "omg-test-e");
        }
        other => panic!("expected Unsatisfiable, got {other:?}"),
    }
    // Both asked for: libapt cannot remove b to install c.
    match apt
        .plan(&Transaction::Install(vec![
            "omg-test-b".into(),
            "omg-test-c".into(),
        ]))
        .await
    {
        Err(Error::Conflict {
            first,
            second,
            reason,
        }) => {
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("omg-test-c", "omg-test-b")
            );
            assert!(reason.unwrap().contains("conflicts with omg-test-b"));
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    // c alone: apt's resolver removes b and what needs it, as `apt install` would.
    let plan = apt
        .plan(&Transaction::Install(vec!["omg-test-c".into()]))
        .await
        .unwrap();
    assert_eq!(
        names(&plan),
        [
            (ActionKind::Remove, "omg-test-a"),
            (ActionKind::Remove, "omg-test-b"),
            (ActionKind::Install, "omg-test-c")
        ]
    );
    // Nothing of this was committed.
    assert_eq!(installed("omg-test-c"), None);
    assert_eq!(installed("omg-test-a").as_deref(), Some("1.1"));
}

/// `len` characters of hex digits from a fixed pseudo-random sequence: a file that
/// compresses to about half, so its package stays large.
fn incompressible(len: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_digit((x & 0xf) as u32, 16).unwrap_or('0')
        })
        .collect()
}

/// A download larger than the free space of the archives' file system (a 1 MiB tmpfs
/// mounted over it) is refused before anything is fetched or locked.
async fn disk_space(apt: &AptBackend, archives: &Path) {
    let plan = apt
        .plan(&Transaction::Install(vec!["omg-test-h".into()]))
        .await
        .unwrap();
    assert!(plan.download_size > 1 << 20, "{}", plan.download_size);
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(archives)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        return omg_testkit::skip("the disk space check: cannot mount a tmpfs");
    }
    std::fs::create_dir_all(archives.join("partial")).unwrap();
    let result = apt
        .commit(
            &Transaction::Install(vec!["omg-test-h".into()]),
            Arc::new(Recorder::default()),
        )
        .await;
    let unmounted = std::process::Command::new("umount")
        .arg(archives)
        .status()
        .is_ok_and(|s| s.success());
    assert!(unmounted, "umount {}", archives.display());
    match result {
        Err(Error::DiskSpace {
            mount,
            needed,
            available,
        }) => {
            assert_eq!(mount, archives);
            assert_eq!(needed, plan.download_size);
            assert!(available <= 1 << 20, "{available}");
        }
        other => panic!("expected DiskSpace, got {other:?}"),
    }
    assert_eq!(installed("omg-test-h"), None);
}

async fn file_conflict(apt: &AptBackend) {
    let tx = Transaction::Install(vec!["omg-test-d".into()]);
    let plan = apt.plan(&tx).await.unwrap();
    assert_eq!(names(&plan), [(ActionKind::Install, "omg-test-d")]);
    assert_only_test_packages(&plan);
    let sink = Arc::new(Recorder::default());
    match apt.commit(&tx, sink.clone()).await {
        Err(Error::FileConflict {
            package,
            path,
            owner,
        }) => {
            assert_eq!(package, "omg-test-d");
            assert_eq!(path, Path::new(B_FILE));
            assert_eq!(owner.as_deref(), Some("omg-test-b"));
        }
        other => panic!("expected FileConflict, got {other:?}\n{:#?}", sink.events()),
    }
    assert!(
        sink.events().iter().any(|e| matches!(e, ProgressEvent::Message { level, text } if level == "error" && text.contains("trying to overwrite"))),
        "{:#?}",
        sink.events()
    );
    assert_eq!(installed("omg-test-d"), None);
    assert_eq!(installed("omg-test-b").as_deref(), Some("1.0"));
    dpkg::purge_all_but(&["omg-test-a", "omg-test-b"]);
}

async fn remove(apt: &AptBackend) {
    let tx = Transaction::Remove {
        names: vec!["omg-test-a".into()],
        recursive: false,
    };
    let plan = apt.plan(&tx).await.unwrap();
    assert_eq!(names(&plan), [(ActionKind::Remove, "omg-test-a")]);
    assert_eq!(plan.actions[0].old_version.as_deref(), Some("1.1"));
    assert!(plan.installed_size_delta < 0);
    commit(apt, tx).await;
    assert_eq!(installed("omg-test-a"), None);
    assert_eq!(installed("omg-test-b").as_deref(), Some("1.0"));
    let orphans = apt.orphans().await.unwrap();
    assert!(
        orphans.iter().any(|s| s.name == "omg-test-b"),
        "{orphans:?}"
    );

    // Removing b now takes nothing else; an unknown name suggests installed ones.
    match apt
        .plan(&Transaction::Remove {
            names: vec!["omg-test-bb".into()],
            recursive: false,
        })
        .await
    {
        Err(Error::NotFound { suggestions, .. }) => {
            assert!(
                suggestions.iter().any(|s| s == "omg-test-b"),
                "{suggestions:?}"
            )
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

async fn remove_recursive(apt: &AptBackend) {
    // g becomes an orphan before the removal: a recursive removal of a leaves it alone.
    commit(apt, Transaction::Install(vec!["omg-test-f".into()])).await;
    commit(
        apt,
        Transaction::Remove {
            names: vec!["omg-test-f".into()],
            recursive: false,
        },
    )
    .await;
    commit(apt, Transaction::Install(vec!["omg-test-a".into()])).await;
    assert_eq!(installed("omg-test-g").as_deref(), Some("1.0"));

    let tx = Transaction::Remove {
        names: vec!["omg-test-a".into()],
        recursive: true,
    };
    let plan = apt.plan(&tx).await.unwrap();
    assert_eq!(
        names(&plan),
        [
            (ActionKind::Remove, "omg-test-a"),
            (ActionKind::Remove, "omg-test-b")
        ]
    );
    commit(apt, tx).await;
    assert_eq!(installed("omg-test-a"), None);
    assert_eq!(installed("omg-test-b"), None);
    assert_eq!(installed("omg-test-g").as_deref(), Some("1.0"));
    commit(
        apt,
        Transaction::Remove {
            names: vec!["omg-test-g".into()],
            recursive: false,
        },
    )
    .await;
    assert_eq!(installed("omg-test-g"), None);
}

async fn clean(apt: &AptBackend, archives: &Path) {
    let files = [
        ("omg-test-a_1.0_all.deb", 100),
        ("omg-test-a_1.1_all.deb", 200),
        ("omg-test-a_1%3a0.9_all.deb", 300),
        ("omg-test-b_1.0_all.deb", 400),
    ];
    for (name, size) in files {
        repo::filler(&archives.join(name), size);
    }
    repo::filler(&archives.join("partial/omg-test-c_1.0_all.deb"), 50);

    // keep 1: the newest by dpkg's order (the epoch makes 1:0.9 the newest a).
    let plan = apt
        .plan(&Transaction::CleanCache { keep: 1 })
        .await
        .unwrap();
    let deleted: Vec<(String, u64)> = plan
        .actions
        .iter()
        .map(|a| {
            assert_eq!(a.kind, ActionKind::DeleteFile);
            let file = Path::new(&a.name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, a.installed_size)
        })
        .collect();
    assert_eq!(
        deleted,
        [
            ("omg-test-a_1.0_all.deb".to_owned(), 100),
            ("omg-test-a_1.1_all.deb".to_owned(), 200)
        ]
    );
    assert_eq!(plan.installed_size_delta, -300);
    assert!(
        archives.join("omg-test-a_1.0_all.deb").exists(),
        "planning deletes nothing"
    );
    commit(apt, Transaction::CleanCache { keep: 1 }).await;
    assert!(!archives.join("omg-test-a_1.0_all.deb").exists());
    assert!(!archives.join("omg-test-a_1.1_all.deb").exists());
    assert!(archives.join("omg-test-a_1%3a0.9_all.deb").exists());
    assert!(archives.join("omg-test-b_1.0_all.deb").exists());

    // keep 0: apt-get clean, partial/ too.
    let plan = apt
        .plan(&Transaction::CleanCache { keep: 0 })
        .await
        .unwrap();
    assert_eq!(plan.actions.len(), 3, "{plan:?}");
    commit(apt, Transaction::CleanCache { keep: 0 }).await;
    let left: Vec<_> = std::fs::read_dir(archives)
        .unwrap()
        .chain(std::fs::read_dir(archives.join("partial")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

async fn locks(conf: &Path) {
    let frontend = Path::new("/var/lib/dpkg/lock-frontend");
    let apt = AptBackend::open(AptConfig::host().with_config(conf))
        .unwrap()
        .with_lock_timeout(Duration::from_secs(1));
    let tx = Transaction::Install(vec!["omg-test-g".into()]);
    assert_only_test_packages(&apt.plan(&tx).await.unwrap());

    // Held past the timeout: Locked, naming the holder, after one message.
    let holder = holder::Holder::start(frontend);
    assert!(
        holder.locked,
        "another process holds dpkg's lock; cannot test"
    );
    let sink = Arc::new(Recorder::default());
    match apt.commit(&tx, sink.clone()).await {
        Err(Error::Locked {
            path, holder: who, ..
        }) => {
            assert_eq!(path, frontend);
            let who = who.unwrap();
            assert!(who.starts_with(&format!("pid {} (", holder.pid())), "{who}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    let waiting: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| m.starts_with("waiting for"))
        .collect();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(
        waiting[0],
        format!(
            "waiting for pid {} ({}) to release /var/lib/dpkg/lock-frontend",
            holder.pid(),
            std::fs::read_to_string(format!("/proc/{}/comm", holder.pid()))
                .unwrap()
                .trim()
        )
    );
    assert_eq!(installed("omg-test-g"), None);

    // Released while waiting: the commit goes on.
    let patient = apt.clone().with_lock_timeout(Duration::from_secs(120));
    let holder = Arc::new(std::sync::Mutex::new(holder));
    let for_hook = holder.clone();
    let sink = Arc::new(Recorder::with_hook(move |e| {
        if matches!(e, ProgressEvent::Message { text, .. } if text.starts_with("waiting for")) {
            for_hook.lock().unwrap().release();
        }
    }));
    patient.commit(&tx, sink.clone()).await.unwrap();
    assert_eq!(installed("omg-test-g").as_deref(), Some("1.0"));
    assert!(sink.messages().iter().any(|m| m.starts_with("waiting for")));
    commit(
        &patient,
        Transaction::Remove {
            names: vec!["omg-test-g".into()],
            recursive: false,
        },
    )
    .await;
}

/// The same repository served over HTTP (file: sources are read in place, never
/// downloaded): an interrupted download, then one too large for the archives.
async fn over_http(repo: &Repo) {
    let server = http::Server::start(repo.path());
    let source = format!("deb [trusted=yes] http://127.0.0.1:{}/ ./", server.port);
    let dirs = repo.apt_conf("http", &source);
    let apt = AptBackend::open(AptConfig::host().with_config(&dirs.conf)).unwrap();
    interrupt(&apt, &server, &dirs.archives).await;
    disk_space(&apt, &dirs.archives).await;
}

async fn interrupt(apt: &AptBackend, server: &http::Server, archives: &Path) {
    assert!(!apt.interrupt(), "nothing runs yet");
    commit(apt, Transaction::Refresh).await;

    let tx = Transaction::Install(vec!["omg-test-g".into()]);
    let plan = apt.plan(&tx).await.unwrap();
    assert_only_test_packages(&plan);
    assert!(plan.actions[0].download_size > 0, "{plan:?}");
    let for_hook = apt.clone();
    let answered = Arc::new(std::sync::Mutex::new(None));
    let for_answer = answered.clone();
    let sink = Arc::new(Recorder::with_hook(move |e| {
        if matches!(e, ProgressEvent::Download { item, .. } if item == "omg-test-g") {
            let mut answer = for_answer.lock().unwrap();
            if answer.is_none() {
                *answer = Some(for_hook.interrupt());
            }
        }
    }));
    let result = apt.commit(&tx, sink.clone()).await;
    server.release();
    assert_eq!(
        *answered.lock().unwrap(),
        Some(true),
        "{:#?}",
        sink.events()
    );
    assert!(matches!(result, Err(Error::Interrupted(_))), "{result:?}");
    assert_eq!(installed("omg-test-g"), None);
    assert!(!apt.interrupt(), "the commit is over");

    // Every lock is free again: another process can take dpkg's.
    let mut probe = holder::Holder::start(Path::new("/var/lib/dpkg/lock-frontend"));
    assert!(probe.locked);
    probe.release();
    let archives_lock = archives.join("lock");
    let mut probe = holder::Holder::start(&archives_lock);
    assert!(probe.locked);
    probe.release();
}
