//! `omg daemon start|stop|status` against a real omgd serving an alpm fixture.
//!
//! `omgd` is found through `OMG_DAEMON_BIN` or beside `omg` (a workspace build puts both in
//! one directory). When it is missing the test says so and passes, except under CI.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{omg, omgd_bin, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

fn fixture(dir: &Path) -> FixtureRoot {
    let pkg = |name: &str, version: &str, desc: &str| FixturePackage::new(name, version).desc(desc);
    let vim = pkg("vim", "9.1.1000-1", "Vi Improved");
    let bash = pkg("bash", "5.2.037-1", "The GNU Bourne Again shell");
    let mut root = FixtureRoot::create(dir).expect("fixture root");
    root.add_sync_db("core", std::slice::from_ref(&bash))
        .expect("core");
    root.add_sync_db("extra", std::slice::from_ref(&vim))
        .expect("extra");
    root.install_local(&[vim, bash.with_version("5.2.026-2")])
        .expect("local");
    root
}

/// A fixture, a private socket directory and a private state home, and `omg` run against them.
struct Env {
    dir: tempfile::TempDir,
    root: FixtureRoot,
    omgd: PathBuf,
}

impl Env {
    fn new(omgd: PathBuf) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = fixture(&dir.path().join("root"));
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).expect("socket dir");
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        Self { dir, root, omgd }
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("run").join("omgd.sock")
    }

    fn state_home(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// `omg --backend alpm --config <fixture> --socket <private> daemon <args...>`.
    fn daemon(&self, args: &[&str]) -> Run {
        let conf = self.root.config_path();
        let socket = self.socket();
        let state = self.state_home();
        let mut all = vec![
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
            "--socket",
            socket.to_str().expect("UTF-8"),
            "daemon",
        ];
        all.extend(args);
        omg(
            &all,
            &[
                ("XDG_STATE_HOME", state.to_str().expect("UTF-8")),
                ("OMG_DAEMON_BIN", self.omgd.to_str().expect("UTF-8")),
                // No background security audit in omgd (it would try the network).
                ("OMG_AUDIT_REFRESH_SECS", "0"),
                // omgd's own state file lands under XDG_STATE_HOME too.
                ("HOME", self.dir.path().to_str().expect("UTF-8")),
            ],
        )
    }
}

/// Stops a daemon the test started, should an assertion fail half-way.
struct StopOnDrop<'a>(&'a Env);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.daemon(&["stop"]);
    }
}

#[test]
fn start_status_stop() {
    let Some(omgd) = omgd_bin() else { return };
    let env = Env::new(omgd);
    let conf = std::fs::canonicalize(env.root.config_path()).expect("canonical config");
    let conf = conf.to_str().expect("UTF-8");

    // Nothing runs yet.
    let before = env.daemon(&["status"]);
    before.expect_code(1);
    assert!(
        before.stdout.contains("omgd is not running"),
        "{}",
        before.stdout
    );
    let stop_idle = env.daemon(&["stop"]);
    assert!(stop_idle.ok().contains("omgd is not running"));

    // Start.
    let started = env.daemon(&["start"]);
    let _guard = StopOnDrop(&env);
    let text = started.ok();
    assert!(text.starts_with("omgd started (pid "), "{text}");
    assert!(text.contains(conf), "{text}");
    assert!(env.socket().exists());
    let log = env.state_home().join("omg").join("omgd.log");
    assert!(
        log.is_file(),
        "the log goes to $XDG_STATE_HOME/omg/omgd.log"
    );

    // Status, as text and JSON.
    let status = env.daemon(&["status"]);
    let text = status.ok();
    assert!(text.starts_with("omgd is running\n"), "{text}");
    assert!(text.contains("backend:  alpm"), "{text}");
    assert!(text.contains(&format!("config:   {conf}")), "{text}");
    let json = env.daemon(&["--json", "status"]);
    json.expect_code(0);
    let v = json.json();
    assert_eq!(v["running"], true);
    assert_eq!(v["backend"], "alpm");
    assert_eq!(v["config"], conf);
    assert_eq!(v["packages"], 2, "{v}");
    let pid = v["pid"].as_i64().expect("pid") as i32;
    assert!(pid > 0);
    assert!(v["uptime_ms"].is_u64() && v["requests"].is_u64(), "{v}");
    assert!(text.contains(&format!("pid:      {pid}\n")), "{text}");

    // Starting again is a no-op.
    let again = env.daemon(&["start"]);
    let text = again.ok();
    assert!(
        text.starts_with(&format!("omgd is already running (pid {pid})")),
        "{text}"
    );

    // Another configuration on the same socket is refused, naming what runs there.
    let other = env.dir.path().join("other.conf");
    std::fs::copy(env.root.config_path(), &other).expect("copy pacman.conf");
    let state = env.state_home();
    let refused = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            other.to_str().expect("UTF-8"),
            "--socket",
            env.socket().to_str().expect("UTF-8"),
            "daemon",
            "start",
        ],
        &[
            ("XDG_STATE_HOME", state.to_str().expect("UTF-8")),
            ("OMG_DAEMON_BIN", env.omgd.to_str().expect("UTF-8")),
            ("HOME", env.dir.path().to_str().expect("UTF-8")),
        ],
    );
    refused.expect_code(1);
    assert!(
        refused.stderr.contains("an omgd serving") && refused.stderr.contains(conf),
        "{}",
        refused.stderr
    );

    // The daemon answers ordinary commands meanwhile.
    let socket = env.socket();
    omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf,
            "--socket",
            socket.to_str().expect("UTF-8"),
            "status",
        ],
        &[("OMG_BACKEND_BIN", "/nonexistent")],
    )
    .ok();

    // Stop: the process exits and its socket goes.
    let stopped = env.daemon(&["stop"]);
    assert_eq!(stopped.ok(), format!("omgd stopped (pid {pid})\n"));
    assert!(!env.socket().exists(), "omgd removes its socket on SIGTERM");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.contains(") Z")),
        "omgd {pid} still runs"
    );
    let after = env.daemon(&["--json", "status"]);
    after.expect_code(1);
    assert_eq!(after.json()["running"], false);
}

#[test]
fn a_missing_omgd_is_reported() {
    let env = Env {
        omgd: PathBuf::from("/nonexistent/omgd"),
        ..Env::new(PathBuf::new())
    };
    let run = env.daemon(&["start"]);
    run.expect_code(5);
    assert!(run.stderr.contains("/nonexistent/omgd"), "{}", run.stderr);
}

#[test]
fn an_omgd_that_fails_shows_its_log() {
    let Some(omgd) = omgd_bin() else { return };
    let env = Env::new(omgd);
    // A configuration file that does not exist: omgd exits at once.
    let missing = env.dir.path().join("missing.conf");
    let socket = env.socket();
    let state = env.state_home();
    let run = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            missing.to_str().expect("UTF-8"),
            "--socket",
            socket.to_str().expect("UTF-8"),
            "daemon",
            "start",
        ],
        &[
            ("XDG_STATE_HOME", state.to_str().expect("UTF-8")),
            ("OMG_DAEMON_BIN", env.omgd.to_str().expect("UTF-8")),
        ],
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("omgd exited before answering"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("missing.conf"), "{}", run.stderr);
}
