//! dpkg's view of the test packages, and their removal whatever happens.

use std::process::Command;

/// Every package the tests build.
pub const NAMES: [&str; 9] = [
    "omg-test-a",
    "omg-test-b",
    "omg-test-c",
    "omg-test-d",
    "omg-test-e",
    "omg-test-f",
    "omg-test-g",
    "omg-test-h",
    "omg-test-i",
];

/// The installed version of `name` per dpkg-query, `None` unless fully installed.
pub fn installed(name: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Status} ${Version}", name])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_once(' ') {
        Some(("installed", version)) => Some(version.to_owned()),
        _ => None,
    }
}

/// Purges every test package (dpkg --purge), leaving other packages alone.
pub fn purge_all() {
    let out = Command::new("dpkg")
        .args(["--purge", "--force-depends", "--force-remove-reinstreq"])
        .args(NAMES)
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "dpkg --purge of the test packages: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Purges the test packages when dropped, however the test ends.
pub struct PurgeGuard;

impl Drop for PurgeGuard {
    fn drop(&mut self) {
        purge_all();
        for name in NAMES {
            if installed(name).is_some() {
                eprintln!("{name} is still installed after the purge");
            }
        }
    }
}

/// Purges the test packages other than `keep` (what a failed unpack left).
pub fn purge_all_but(keep: &[&str]) {
    let doomed: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !keep.contains(n))
        .collect();
    let _ = Command::new("dpkg")
        .args(["--purge", "--force-depends", "--force-remove-reinstreq"])
        .args(&doomed)
        .output();
}
