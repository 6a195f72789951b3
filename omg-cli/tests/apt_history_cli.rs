//! `omg history undo` through libapt and the real dpkg: the local repository of
//! scripts/apt-test-repo.sh under an apt configuration that sees only it. After each undo,
//! `dpkg-query -W` of the `omg-demo-*` packages must list what it listed before the
//! transaction undone. dpkg installs into this host, so this needs root, and the packages
//! (`omg-demo-*`, nothing else) are purged whatever happens. Skipped with a note without root
//! or dpkg-deb, except under CI.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{omg, Run};

const PACKAGES: [&str; 3] = ["omg-demo-app", "omg-demo-lib", "omg-demo-local"];

/// Purges the demo packages when dropped.
struct Purge;

impl Drop for Purge {
    fn drop(&mut self) {
        let _ = Command::new("dpkg").arg("--purge").args(PACKAGES).output();
    }
}

fn usable() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let tools = Command::new("dpkg-deb").arg("--version").output().is_ok()
        && Command::new("dpkg-scanpackages")
            .arg("--version")
            .output()
            .is_ok();
    if root && tools {
        return true;
    }
    omg_testkit::skip("these tests need root, dpkg-deb and dpkg-scanpackages (dpkg-dev)");
    false
}

/// The repository of scripts/apt-test-repo.sh in `dir`, in its `mode` (`""`, `next`,
/// `newest`).
fn repo(dir: &Path, mode: &str) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/apt-test-repo.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script).arg(dir).arg(mode);
    let out = cmd.output().expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The oracle: `dpkg-query -W` of the demo packages dpkg has installed, as
/// `name version` lines (one removed but known to dpkg is not listed).
fn dpkg_query() -> String {
    let out = Command::new("dpkg-query")
        .args([
            "-W",
            "-f=${db:Status-Abbrev} ${Package} ${Version}\n",
            "omg-demo-*",
        ])
        .output()
        .expect("dpkg-query");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("ii  "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn run(dir: &Path, conf: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--backend", "apt"];
    all.extend(args);
    let history = dir.join("history.redb");
    omg(
        &all,
        &[
            ("APT_CONFIG", conf.to_str().expect("UTF-8")),
            ("OMG_SOCKET", "/nonexistent/omgd.sock"),
            ("OMG_HISTORY_FILE", history.to_str().expect("UTF-8")),
        ],
    )
}

#[test]
fn install_and_upgrade_are_undone_on_apt() {
    if !usable() {
        return;
    }
    assert_eq!(
        dpkg_query(),
        "",
        "omg-demo packages are already on this host"
    );
    let _purge = Purge;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let conf = repo(&dir.path().join("repo"), "");
    let omg = |args: &[&str]| run(dir.path(), &conf, args);
    let last_id = || {
        let history = omg(&["--json", "history"]).json();
        let last = history.as_array().and_then(|a| a.last()).expect("an entry");
        last["id"].as_u64().expect("id").to_string()
    };
    omg(&["sync", "--yes"]).expect_code(0);

    // Install, then undo it: nothing of it is left.
    let before = dpkg_query();
    omg(&["install", "omg-demo-app", "--yes"]).expect_code(0);
    let install = last_id();
    assert_eq!(dpkg_query(), "omg-demo-app 1.0\nomg-demo-lib 1.0\n");
    let show = omg(&["--json", "history", "show", &install]).json();
    assert_eq!(show["verb"], "install");
    assert_eq!(show["actions"].as_array().map(Vec::len), Some(2), "{show}");
    omg(&["history", "undo", &install, "--yes"]).expect_code(0);
    assert_eq!(dpkg_query(), before);

    // Upgrade, then undo it: the old version comes back from the repository (name=version).
    omg(&["install", "omg-demo-app", "--yes"]).expect_code(0);
    let before = dpkg_query();
    repo(&dir.path().join("repo"), "next");
    omg(&["update", "--yes"]).expect_code(0);
    let upgrade = last_id();
    assert_eq!(dpkg_query(), "omg-demo-app 1.1\nomg-demo-lib 1.0\n");
    let dry = omg(&["--json", "history", "undo", &upgrade, "--dry-run"]).json();
    assert_eq!(dry["plan"]["actions"][0]["kind"], "downgrade", "{dry}");
    assert_eq!(dry["plan"]["actions"][0]["new_version"], "1.0", "{dry}");
    omg(&["history", "undo", &upgrade, "--yes"]).expect_code(0);
    assert_eq!(dpkg_query(), before);
    let undo = last_id();
    let recorded = omg(&["--json", "history", "show", &undo]).json();
    assert_eq!(recorded["verb"], "undo");
    assert_eq!(recorded["actions"][0]["old_version"], "1.1", "{recorded}");
    assert_eq!(recorded["actions"][0]["new_version"], "1.0", "{recorded}");

    // 1.0 gone from the repository, its archive in Dir::Cache::Archives (where apt keeps
    // what it downloaded; a file: source is read in place, so the test puts it there).
    let repo_dir = dir.path().join("repo");
    let archive = repo_dir.join("cache/archives/omg-demo-app_1.0_all.deb");
    std::fs::copy(repo_dir.join("pool/omg-demo-app_1.0_all.deb"), &archive).expect("cp");
    repo(&repo_dir, "newest");
    let before = dpkg_query();
    omg(&["update", "--yes"]).expect_code(0);
    let upgrade = last_id();
    assert_eq!(dpkg_query(), "omg-demo-app 1.1\nomg-demo-lib 1.0\n");
    omg(&["history", "undo", &upgrade, "--yes"]).expect_code(0);
    assert_eq!(dpkg_query(), before);
    // Upgraded again, and the archive deleted: the undo names what is missing and changes
    // nothing.
    omg(&["history", "redo", &upgrade, "--yes"]).expect_code(0);
    let upgraded = dpkg_query();
    assert_eq!(upgraded, "omg-demo-app 1.1\nomg-demo-lib 1.0\n");
    std::fs::remove_file(&archive).expect("rm archive");
    let refused = omg(&["history", "undo", &upgrade, "--yes"]);
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains("neither in the package cache nor in a repository: omg-demo-app 1.0;"),
        "{}",
        refused.stderr
    );
    assert_eq!(dpkg_query(), upgraded);
}
