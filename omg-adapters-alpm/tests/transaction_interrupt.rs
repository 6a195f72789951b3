//! Ctrl-C during a commit: `interrupt()` from another thread stops libalpm after the package
//! it is installing; the transaction is released (no db.lck) and the local database matches
//! the files on disk (checked with `pacman -Qk`).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test holds `common::tx::serial()` across its awaits on purpose: it runs on a runtime
// of its own, and the guard keeps the other tests of this binary out of libalpm meanwhile.
#![allow(clippy::await_holding_lock)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::tx::{lock_path, open, pacman_qk_ok, repo_root, Recorder};
use omg_ports::{Error, PackageBackend, ProgressEvent, ProgressSink, Transaction};
use omg_testkit::alpm::FixturePackage;

/// Counts package operations started.
#[derive(Default)]
struct Counter {
    started: AtomicUsize,
    inner: Recorder,
}

impl ProgressSink for Counter {
    fn event(&self, event: ProgressEvent) {
        if matches!(&event, ProgressEvent::Step { message, .. } if message.starts_with("installing "))
        {
            self.started.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.event(event);
    }
}

fn packages(n: usize, files: usize) -> Vec<FixturePackage> {
    (0..n)
        .map(|i| {
            let name = format!("bulk-{i:04}");
            let mut p = FixturePackage::new(&name, "1-1");
            for f in 0..files {
                p = p.file(format!("usr/share/{name}/f{f:03}"), vec![b'x'; 512]);
            }
            p
        })
        .collect()
}

#[tokio::test]
async fn an_interrupted_commit_releases_the_lock_and_leaves_a_consistent_database() {
    let _serial = common::tx::serial();
    let mut n = 60;
    for attempt in 0..5 {
        let (_dir, root, published) = repo_root(&packages(n, 40));
        let b = Arc::new(open(&root));
        assert!(!b.interrupt(), "nothing is running yet");
        let sink = Arc::new(Counter::default());
        let names: Vec<String> = published.iter().map(|p| p.name.clone()).collect();

        let interrupter = {
            let b = b.clone();
            let sink = sink.clone();
            std::thread::spawn(move || {
                // Interrupt once a few packages are in; give up when the commit is over.
                for _ in 0..20_000 {
                    if sink.started.load(Ordering::SeqCst) >= n / 4 && b.interrupt() {
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                false
            })
        };
        let result = b.commit(&Transaction::Install(names), sink.clone()).await;
        let interrupted = interrupter.join().unwrap();
        assert!(!lock_path(&root).exists(), "db.lck is released");
        assert!(!b.interrupt(), "nothing runs any more");

        match result {
            Err(Error::Interrupted(message)) => {
                assert!(interrupted);
                let installed = b.installed().await.unwrap();
                assert!(installed.len() < n, "{} of {n}", installed.len());
                assert!(
                    message.contains(&format!("of {n} package changes")),
                    "{message}"
                );
                // Every installed package has all its files; no other package left any.
                for p in &installed {
                    for f in 0..40 {
                        let file = root.root().join(format!("usr/share/{}/f{f:03}", p.name));
                        assert!(file.exists(), "{}", file.display());
                    }
                }
                let on_disk = std::fs::read_dir(root.root().join("usr/share"))
                    .unwrap()
                    .count();
                assert_eq!(on_disk, installed.len());
                pacman_qk_ok(&root);
                // The transaction can be completed afterwards.
                let rest: Vec<String> = published
                    .iter()
                    .filter(|p| !installed.iter().any(|i| i.name == p.name))
                    .map(|p| p.name.clone())
                    .collect();
                b.commit(&Transaction::Install(rest), Arc::new(Recorder::default()))
                    .await
                    .unwrap();
                assert_eq!(b.installed().await.unwrap().len(), n);
                return;
            }
            Ok(_) => {
                eprintln!("attempt {attempt}: the commit of {n} packages finished first; retrying with more");
                n *= 2;
            }
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    panic!("every commit finished before the interrupt took effect");
}
