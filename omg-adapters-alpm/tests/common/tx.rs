//! Helpers of the transaction tests: a root with a published repository, a recording
//! progress sink, and the real pacman on that root.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::{ProgressEvent, ProgressSink};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use tempfile::TempDir;

/// A package with one file, `usr/share/<name>/data`, holding `<name> <version>`.
pub fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version).file(
        format!("usr/share/{name}/data"),
        format!("{name} {version}\n"),
    )
}

/// A temporary pacman root whose repository `core` holds `packages` (published as package
/// files on a file:// server and as the local copy of the database); nothing installed.
pub fn repo_root(packages: &[FixturePackage]) -> (TempDir, FixtureRoot, Vec<FixturePackage>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(dir.path()).expect("fixture root");
    let published = root.publish("core", packages).expect("publish");
    root.install_local(&[]).expect("local db");
    (dir, root, published)
}

pub fn open(root: &FixtureRoot) -> AlpmBackend {
    AlpmBackend::open(AlpmConfig::new(root.config_path())).expect("open the fixture")
}

pub fn open_with(config: AlpmConfig) -> AlpmBackend {
    AlpmBackend::open(config).expect("open the fixture")
}

/// Records every event.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<ProgressEvent>>);

impl ProgressSink for Recorder {
    fn event(&self, event: ProgressEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl Recorder {
    pub fn events(&self) -> Vec<ProgressEvent> {
        self.0.lock().unwrap().clone()
    }

    /// The messages of the Step events.
    pub fn steps(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                ProgressEvent::Step { message, .. } => Some(message),
                _ => None,
            })
            .collect()
    }
}

/// `pacman -Q` on the root as (name, version) lines, or `None` (with a note) without pacman.
pub fn pacman_q(root: &FixtureRoot) -> Option<Vec<String>> {
    let out = super::pacman(root, &["-Q"])?;
    Some(super::lines(&out))
}

/// Runs `pacman -Qk` on the root: every file of every installed package is on disk.
/// Returns false (with a note) when pacman is not available.
pub fn pacman_qk_ok(root: &FixtureRoot) -> bool {
    let out = match Command::new("pacman")
        .arg("--config")
        .arg(root.config_path())
        .arg("-Qk")
        .env("LC_ALL", "C")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            skip_or_fail(&format!("cannot run pacman -Qk ({e})"));
            return false;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pacman -Qk failed:\n{stdout}\n{stderr}"
    );
    for line in stdout.lines() {
        assert!(line.ends_with(" 0 missing files"), "pacman -Qk: {line}");
    }
    true
}

/// Runs the tests of one binary that use libalpm one at a time (hold the guard for the
/// whole test). libalpm forks its sandboxed download child without exec, and the child
/// looks the download user up (getpwnam): should another test's thread hold glibc's lock
/// for that lookup at the moment of the fork, the child waits for it forever.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A note when run by hand without the tool; a failure in CI.
pub fn skip_or_fail(note: &str) {
    omg_testkit::skip(note);
}

/// The contents of `path` under the root, if it exists.
pub fn read_in_root(root: &FixtureRoot, path: &str) -> Option<String> {
    std::fs::read_to_string(root.root().join(path)).ok()
}

pub fn lock_path(root: &FixtureRoot) -> std::path::PathBuf {
    root.dbpath().join("db.lck")
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
