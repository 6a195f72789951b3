//! libalpm's lock, `db.lck`: a stale one fails at once with the remedy; one held by a live
//! process makes omg wait (telling whom for) and then fail with Locked. omg never deletes it.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test holds `common::tx::serial()` across its awaits on purpose: it runs on a runtime
// of its own, and the guard keeps the other tests of this binary out of libalpm meanwhile.
#![allow(clippy::await_holding_lock)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::tx::{lock_path, open, open_with, pkg, repo_root, Recorder};
use omg_adapters_alpm::AlpmConfig;
use omg_ports::{Error, PackageBackend, ProgressEvent, Transaction};

fn install() -> Transaction {
    Transaction::Install(vec!["app".into()])
}

#[tokio::test]
async fn a_lock_nobody_holds_is_stale_at_once_and_stays() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("app", "1-1")]);
    let lock = lock_path(&root);
    std::fs::write(&lock, "").unwrap();
    // A long timeout: a stale lock must not be waited for.
    let b =
        open_with(AlpmConfig::new(root.config_path()).with_lock_timeout(Duration::from_secs(600)));
    for tx in [install(), Transaction::Upgrade, Transaction::Refresh] {
        let sink = Arc::new(Recorder::default());
        let err = b.commit(&tx, sink.clone()).await.unwrap_err();
        assert!(
            matches!(&err, Error::StaleLock { path } if path == &lock),
            "{tx:?}: {err:?}"
        );
        assert!(err.to_string().contains(&format!("rm {}", lock.display())));
        assert!(sink.events().is_empty(), "{:?}", sink.events());
    }
    let err = b.plan(&install()).await.unwrap_err();
    assert!(matches!(&err, Error::StaleLock { .. }), "{err:?}");
    assert!(lock.exists(), "omg never deletes a lock file");
    assert!(b.installed().await.unwrap().is_empty());
}

/// A child process that creates `db.lck` and keeps it open until killed.
struct Holder(Child);

impl Holder {
    fn start(lock: &std::path::Path) -> Holder {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec 3>>\"$0\"; echo ready; exec sleep 600")
            .arg(lock)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn sh");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "ready\n");
        Holder(child)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_live_holder_is_waited_for_then_locked() {
    let _serial = common::tx::serial();
    let (_dir, root, _) = repo_root(&[pkg("app", "1-1")]);
    let lock = lock_path(&root);
    let holder = Holder::start(&lock);
    let pid = holder.0.id();
    let b = open_with(
        AlpmConfig::new(root.config_path()).with_lock_timeout(Duration::from_millis(300)),
    );
    let sink = Arc::new(Recorder::default());
    let err = b.commit(&install(), sink.clone()).await.unwrap_err();
    let expected_holder = format!("pid {pid} (sleep)");
    assert!(
        matches!(&err, Error::Locked { path, holder: Some(h), .. } if path == &lock && h == &expected_holder),
        "{err:?}"
    );
    let waiting: Vec<_> = sink
        .events()
        .into_iter()
        .filter(|e| matches!(e, ProgressEvent::Message { .. }))
        .collect();
    assert_eq!(
        waiting,
        [ProgressEvent::Message {
            level: "info".into(),
            text: format!(
                "waiting for {expected_holder} to release {}",
                lock.display()
            ),
        }]
    );
    assert!(lock.exists());

    // Once the holder is gone, what it left behind is stale.
    drop(holder);
    let err = b
        .commit(&install(), Arc::new(Recorder::default()))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::StaleLock { .. }), "{err:?}");

    // And after the user removes it, the transaction goes through.
    std::fs::remove_file(&lock).unwrap();
    b.commit(&install(), Arc::new(Recorder::default()))
        .await
        .unwrap();
    assert!(!lock.exists());
    assert_eq!(b.installed().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_default_lock_timeout_is_a_minute() {
    let _serial = common::tx::serial();
    assert_eq!(
        omg_adapters_alpm::DEFAULT_LOCK_TIMEOUT,
        Duration::from_secs(60)
    );
    let (_dir, root, _) = repo_root(&[pkg("app", "1-1")]);
    assert_eq!(
        AlpmConfig::new(root.config_path()).lock_timeout,
        Duration::from_secs(60)
    );
    let _ = open(&root);
}
