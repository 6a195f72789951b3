//! `compare_versions` is libapt's ordering: the same answers as `dpkg --compare-versions`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::cmp::Ordering;
use std::process::Command;

use omg_adapters_apt::compare_versions;

const VERSIONS: &[&str] = &[
    "0",
    "1",
    "1.0",
    "1.0-1",
    "1.0-2",
    "1.0~rc1",
    "1.0~~",
    "1.0~",
    "1.0+b1",
    "1.0.1",
    "1:0.9",
    "2:0",
    "1.0a",
    "1.0-1ubuntu1",
    "1.0-1~bpo1",
    "10",
    "9.9",
    "1.0-0",
    "0:1.0",
    "a",
    "1..0",
];

fn dpkg_says(a: &str, op: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, op, b])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("dpkg runs")
        .success()
}

#[test]
fn agrees_with_dpkg_compare_versions() {
    for a in VERSIONS {
        for b in VERSIONS {
            let expected = if dpkg_says(a, "lt", b) {
                Ordering::Less
            } else if dpkg_says(a, "eq", b) {
                Ordering::Equal
            } else {
                Ordering::Greater
            };
            assert_eq!(compare_versions(a, b), expected, "{a} vs {b}");
        }
    }
}

#[test]
fn works_from_many_threads_at_once() {
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..200 {
                    assert_eq!(compare_versions("1.0-1", "1.0-1+b1"), Ordering::Less);
                    assert_eq!(compare_versions("2:1", "1:2"), Ordering::Greater);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
