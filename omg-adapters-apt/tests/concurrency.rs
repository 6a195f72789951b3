//! Many threads, many backends, one libapt: calls at once must neither crash nor mix up
//! configurations.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::{Arc, Barrier};

use common::TestRoot;
use omg_adapters_apt::{compare_versions, AptBackend, AptConfig};
use omg_ports::PackageBackend;

#[test]
fn eight_threads_with_their_own_backends_at_once() {
    let root = Arc::new(TestRoot::new());
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let root = Arc::clone(&root);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                barrier.wait();
                rt.block_on(async {
                    for round in 0..2 {
                        if (i + round) % 2 == 0 {
                            // The tiny root: exact answers, whatever the host cache does.
                            let apt =
                                AptBackend::open(AptConfig::host().with_root(root.path())).unwrap();
                            let names: Vec<_> = apt
                                .installed()
                                .await
                                .unwrap()
                                .into_iter()
                                .map(|s| s.name)
                                .collect();
                            assert_eq!(
                                names,
                                ["libbar", "libfoo", "libqux:i386", "localonly", "tool"]
                            );
                            assert_eq!(
                                apt.package("hello").await.unwrap().unwrap().version,
                                "2.10-3"
                            );
                            assert_eq!(apt.packages().await.unwrap().len(), 7);
                        } else {
                            let apt = AptBackend::open(AptConfig::host()).unwrap();
                            let bash = apt.package("bash").await.unwrap().unwrap();
                            assert!(bash.installed.is_some());
                            assert!(apt.upgradable().await.is_ok());
                            assert!(!apt.fingerprint().await.unwrap().stamps.is_empty());
                        }
                        assert_eq!(compare_versions("1.0~rc1", "1.0"), std::cmp::Ordering::Less);
                    }
                });
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a thread panicked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_share_one_backend() {
    let apt = Arc::new(AptBackend::open(AptConfig::host()).unwrap());
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let apt = Arc::clone(&apt);
            tokio::spawn(async move {
                match i % 4 {
                    0 => assert!(apt.package("dpkg").await.unwrap().is_some()),
                    1 => assert!(!apt.installed().await.unwrap().is_empty()),
                    2 => assert!(apt.orphans().await.is_ok()),
                    _ => assert!(apt.package("omg-no-such-package").await.unwrap().is_none()),
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}
