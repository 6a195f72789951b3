//! `omg sync / install / update / remove` through libapt and the real dpkg, end to end: two
//! tiny packages in a local repository (scripts/apt-test-repo.sh) under an apt configuration
//! that sees only it. dpkg installs into this host, so this needs root, and the packages
//! (`omg-demo-*`, nothing else) are purged whatever happens. Skipped with a note without root
//! or dpkg-deb, except under CI.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{omg, Run};

const PACKAGES: [&str; 3] = ["omg-demo-app", "omg-demo-lib", "omg-demo-local"];

/// dpkg's state is global: the tests of this file take turns.
static DPKG: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    DPKG.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

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

fn repo(dir: &Path, next: bool) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/apt-test-repo.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script).arg(dir);
    if next {
        cmd.arg("next");
    }
    let out = cmd.output().expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn installed(name: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Status} ${Version}", name])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.strip_prefix("install ok installed ")
        .map(str::to_string)
}

/// One scenario's world: its turn at dpkg, the purge guard, a local repository and omg
/// pointed at it. `None` (with a note) when the scenario cannot run here.
struct Scene {
    _turn: std::sync::MutexGuard<'static, ()>,
    _purge: Purge,
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl Scene {
    fn new() -> Option<Scene> {
        if !usable() {
            return None;
        }
        let turn = take_turn();
        for name in PACKAGES {
            assert!(installed(name).is_none(), "{name} is already on this host");
        }
        let purge = Purge;
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod");
        let conf = repo(&dir.path().join("repo"), false);
        Some(Scene {
            _turn: turn,
            _purge: purge,
            dir,
            conf,
        })
    }

    fn repo_dir(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// `omg --backend apt args...` under the scene's apt configuration.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--backend", "apt"];
        all.extend(args);
        let history = self.dir.path().join("history.redb");
        omg(
            &all,
            &[
                ("APT_CONFIG", self.conf.to_str().expect("UTF-8")),
                ("OMG_SOCKET", "/nonexistent/omgd.sock"),
                ("OMG_HISTORY_FILE", history.to_str().expect("UTF-8")),
            ],
        )
    }
}

#[test]
fn sync_install_update_remove_through_omg_on_apt() {
    let Some(scene) = Scene::new() else { return };
    let run = |args: &[&str]| scene.run(args);
    run(&["sync", "--yes"]).expect_code(0);
    let plan = run(&["--json", "install", "omg-demo-app", "--dry-run"]).json();
    let names: Vec<&str> = plan["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{plan}");
    assert!(names.iter().all(|n| n.starts_with("omg-demo-")), "{plan}");

    // Unchanged lists are not downloaded again, and omg says which it fetched as apt-get
    // update does (a file: source's Release is always read again, by apt-get too).
    let again = run(&["--json", "sync", "--yes"]);
    again.expect_code(0);
    let done: serde_json::Value =
        serde_json::from_str(again.stdout.lines().last().unwrap_or("{}")).expect("JSON");
    let fetched = |downloaded: bool| -> std::collections::BTreeSet<String> {
        done["databases"]
            .as_array()
            .expect("databases")
            .iter()
            .filter(|d| d["downloaded"] == downloaded)
            .filter_map(|d| d["name"].as_str().map(str::to_string))
            .collect()
    };
    assert!(
        fetched(true).iter().all(|n| !n.ends_with("Packages")),
        "{}",
        again.stdout
    );
    let apt = Command::new("apt-get")
        .arg("update")
        .env("APT_CONFIG", &scene.conf)
        .env("LC_ALL", "C")
        .output()
        .expect("apt-get update");
    let apt_gets: std::collections::BTreeSet<String> = String::from_utf8_lossy(&apt.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("Get:"))
        .filter(|l| l.ends_with(" B]"))
        .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest))
        .filter_map(|l| l.rsplit_once(" [").map(|(desc, _)| desc.to_string()))
        .collect();
    assert_eq!(fetched(true), apt_gets, "{}", again.stdout);
    // name=version and name/release select a version as apt-get does.
    let pinned = run(&["--json", "install", "omg-demo-app=1.0", "--dry-run"]).json();
    assert_eq!(
        pinned["plan"]["actions"][0]["new_version"], "1.0",
        "{pinned}"
    );
    run(&["install", "omg-demo-app=9.9", "--dry-run"]).expect_code(2);

    let install = run(&["install", "omg-demo-app", "--yes"]);
    install.expect_code(0);
    assert!(
        install.stdout.contains("installed omg-demo-app 1.0"),
        "{}",
        install.stdout
    );
    assert_eq!(installed("omg-demo-app").as_deref(), Some("1.0"));
    assert_eq!(installed("omg-demo-lib").as_deref(), Some("1.0"));
    let why = run(&["why", "omg-demo-lib"]);
    assert!(
        why.stdout.contains("omg-demo-app -> omg-demo-lib"),
        "{}",
        why.stdout
    );

    // Installed at its newest version: nothing to do, as apt says it.
    let same = run(&["install", "omg-demo-app", "--yes"]);
    same.expect_code(0);
    assert_eq!(
        same.stdout,
        "omg-demo-app is already the newest version (1.0)\nnothing to do\n"
    );

    // --reinstall forces it (apt install --reinstall).
    let again = run(&[
        "--json",
        "install",
        "--reinstall",
        "omg-demo-app",
        "--dry-run",
    ])
    .json();
    let kinds: Vec<&str> = again["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["reinstall"], "{again}");

    // A newer version in the repository: update refreshes first (apt update && apt
    // upgrade); --no-refresh does not see it.
    repo(&scene.repo_dir(), true);
    let stale = run(&["update", "--no-refresh", "--yes"]);
    assert_eq!(stale.stdout, "nothing to do\n");
    let dry = run(&["--json", "update", "--no-refresh", "--dry-run"]).json();
    assert_eq!(dry["plan"]["actions"].as_array().map(Vec::len), Some(0));
    run(&["sync", "--yes"]).expect_code(0);
    let dry = run(&["--json", "update", "--no-refresh", "--dry-run"]).json();
    let actions = dry["plan"]["actions"].as_array().expect("actions");
    assert!(
        actions.iter().all(|a| a["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("omg-demo-"))),
        "the update would touch other packages: {dry}"
    );
    let update = run(&["--json", "update", "--yes"]);
    update.expect_code(0);
    for line in update.stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"));
    }
    assert_eq!(installed("omg-demo-app").as_deref(), Some("1.1"));

    let remove = run(&["remove", "-r", "omg-demo-app", "--yes"]);
    remove.expect_code(0);
    assert!(installed("omg-demo-app").is_none() && installed("omg-demo-lib").is_none());
    let history = run(&["--json", "history"]).json();
    let verbs: Vec<&str> = history
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["verb"].as_str())
        .collect();
    assert_eq!(
        verbs,
        ["refresh", "refresh", "install", "refresh", "refresh", "upgrade", "remove"]
    );
    assert!(
        history[0]["actions"].as_array().is_some_and(Vec::is_empty),
        "{history}"
    );
}

#[test]
fn a_damaged_or_missing_package_file_is_a_typed_error_and_nothing_is_installed() {
    let Some(scene) = Scene::new() else { return };
    let run = |args: &[&str]| scene.run(args);
    let repo_dir = scene.repo_dir();
    run(&["sync", "--yes"]).expect_code(0);
    // Same size, other bytes: the Packages file's hashes no longer match.
    let deb = repo_dir.join("pool/omg-demo-lib_1.0_all.deb");
    let mut bytes = std::fs::read(&deb).expect("deb");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&deb, &bytes).expect("damage the deb");
    let corrupt = run(&["--json", "install", "omg-demo-app", "--yes"]);
    corrupt.expect_code(8);
    let last_line: serde_json::Value =
        serde_json::from_str(corrupt.stdout.lines().last().unwrap_or("{}")).expect("JSON");
    assert_eq!(
        last_line["error"]["kind"], "corrupt_package",
        "{}",
        corrupt.stdout
    );
    assert!(installed("omg-demo-app").is_none() && installed("omg-demo-lib").is_none());

    // Gone from the repository: a failed download.
    std::fs::remove_file(&deb).expect("remove the deb");
    let cached = repo_dir.join("cache/archives");
    for entry in std::fs::read_dir(&cached).expect("archives").flatten() {
        if entry.path().extension().is_some_and(|e| e == "deb") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let missing = run(&["install", "omg-demo-app", "--yes"]);
    missing.expect_code(8);
    assert!(
        missing.stderr.contains("download of") && missing.stderr.contains("omg-demo-lib"),
        "{}",
        missing.stderr
    );
    assert!(installed("omg-demo-app").is_none() && installed("omg-demo-lib").is_none());
}

/// Builds `omg-demo-local` 1.0 (depending on omg-demo-lib, which only the repository has)
/// with dpkg-deb into `dir`.
fn local_deb(dir: &Path) -> PathBuf {
    let stage = dir.join("stage");
    std::fs::create_dir_all(stage.join("DEBIAN")).expect("stage");
    std::fs::create_dir_all(stage.join("usr/share/omg-demo-local")).expect("stage");
    std::fs::write(stage.join("usr/share/omg-demo-local/README"), "local\n").expect("file");
    std::fs::write(
        stage.join("DEBIAN/control"),
        "Package: omg-demo-local\nVersion: 1.0\nArchitecture: all\n\
         Maintainer: omg tests <omg@localhost>\nDepends: omg-demo-lib\n\
         Description: a package file given by path\n",
    )
    .expect("control");
    let out = dir.join("omg-demo-local_1.0_all.deb");
    let built = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zgzip", "--build"])
        .arg(&stage)
        .arg(&out)
        .output()
        .expect("dpkg-deb");
    assert!(built.status.success(), "{built:?}");
    out
}

/// (kind, name, new version) of each action, sorted.
fn actions(plan: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = plan["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            let text = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (text("kind"), text("name"), text("new_version"))
        })
        .collect();
    out.sort();
    out
}

/// apt-get -s install's `Inst name (version ...)` lines as ("install", name, version),
/// sorted; `None` when apt-get refuses.
fn apt_get_s(conf: &Path, cwd: &Path, target: &str) -> Option<Vec<(String, String, String)>> {
    let out = Command::new("apt-get")
        .args(["-s", "-q", "install", target])
        .current_dir(cwd)
        .env("APT_CONFIG", conf)
        .env("LC_ALL", "C")
        .output()
        .expect("apt-get");
    if !out.status.success() {
        return None;
    }
    let mut inst: Vec<(String, String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("Inst "))
        .filter_map(|l| {
            let (name, rest) = l.split_once(' ')?;
            let version = rest.split_once('(')?.1.split_whitespace().next()?;
            Some(("install".to_string(), name.to_string(), version.to_string()))
        })
        .collect();
    inst.sort();
    Some(inst)
}

#[test]
fn a_deb_file_given_by_path_installs_like_apt_install() {
    let Some(scene) = Scene::new() else { return };
    scene.run(&["sync", "--yes"]).expect_code(0);
    let local = scene.dir.path().join("local");
    let sub = local.join("sub");
    std::fs::create_dir_all(&sub).expect("dirs");
    let deb = local_deb(&local);
    let history = scene.dir.path().join("history.redb");
    // `omg args...` in `cwd` under the scene's apt configuration.
    let run_in = |cwd: &Path, args: &[&str]| -> Run {
        let mut cmd = Command::new(common::omg_bin());
        common::isolate(&mut cmd)
            .current_dir(cwd)
            .args(["--backend", "apt"])
            .args(args)
            .env("APT_CONFIG", &scene.conf)
            .env("OMG_SOCKET", "/nonexistent/omgd.sock")
            .env("OMG_HISTORY_FILE", &history);
        let out = cmd.output().expect("omg");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let absolute = deb.display().to_string();
    let expected = vec![
        (
            "install".to_string(),
            "omg-demo-lib".to_string(),
            "1.0".to_string(),
        ),
        (
            "install".to_string(),
            "omg-demo-local".to_string(),
            "1.0".to_string(),
        ),
    ];
    for (cwd, target) in [
        (&local, "./omg-demo-local_1.0_all.deb"),
        (&sub, "../omg-demo-local_1.0_all.deb"),
        (&sub, absolute.as_str()),
    ] {
        let ours = run_in(cwd, &["--json", "install", target, "--dry-run"]);
        ours.expect_code(0);
        let ours = actions(&ours.json());
        assert_eq!(ours, expected, "{target}");
        assert_eq!(
            Some(ours),
            apt_get_s(&scene.conf, cwd, target),
            "{target} in {}",
            cwd.display()
        );
    }
    // What apt refuses, omg refuses, saying what is wrong.
    std::fs::write(local.join("notes.txt"), "x").expect("file");
    for (target, message) in [
        (
            "omg-demo-local_1.0_all.deb",
            "write ./omg-demo-local_1.0_all.deb",
        ),
        ("./missing.deb", "./missing.deb: no such file"),
        ("./sub", "./sub is not a .deb file"),
        ("./notes.txt", "./notes.txt is not a .deb file"),
    ] {
        assert_eq!(apt_get_s(&scene.conf, &local, target), None, "{target}");
        let ours = run_in(&local, &["install", target, "--dry-run"]);
        ours.expect_code(2);
        assert!(ours.stderr.contains(message), "{target}: {}", ours.stderr);
    }

    let install = run_in(
        &local,
        &["install", "./omg-demo-local_1.0_all.deb", "--yes"],
    );
    install.expect_code(0);
    assert_eq!(installed("omg-demo-local").as_deref(), Some("1.0"));
    assert_eq!(installed("omg-demo-lib").as_deref(), Some("1.0"));
    let explicit = run_in(&local, &["list", "--explicit", "-q"]);
    assert!(
        explicit.ok().lines().any(|l| l == "omg-demo-local"),
        "{}",
        explicit.stdout
    );
    let history = run_in(&local, &["--json", "history"]).json();
    let last = &history.as_array().expect("entries")[1];
    assert_eq!(
        last["command"], "omg --backend apt install ./omg-demo-local_1.0_all.deb --yes",
        "{history}"
    );
    assert!(
        last["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a["name"] == "omg-demo-local" && a["repository"].is_null()),
        "{history}"
    );
    run_in(&local, &["remove", "-r", "omg-demo-local", "--yes"]).expect_code(0);
    assert!(installed("omg-demo-local").is_none() && installed("omg-demo-lib").is_none());
}
