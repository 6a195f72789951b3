//! A real omgd on a private socket for the CLI's tests.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running omgd, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Daemon {
    pub child: Child,
    pub socket: PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM first, so that omgd removes its socket.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// omgd with these backend options, its socket and state in `dir`.
pub fn start_with(omgd: &Path, backend: &[&str], dir: &Path, env: &[(&str, &str)]) -> Daemon {
    let run = dir.join("run");
    std::fs::create_dir_all(&run).expect("socket dir");
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let socket = run.join("omgd.sock");
    let child = Command::new(omgd)
        .args(backend)
        // No background security audit (it would try the network).
        .args(["--audit-secs", "0"])
        // The same hermetic homes as `common::omg`, unless the test gives its own.
        .env("XDG_CONFIG_HOME", "/nonexistent/omg-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/omg-tests/cache")
        .env("XDG_DATA_HOME", "/nonexistent/omg-tests/data")
        // No AUR dump from the network: the AUR suites serve their own and turn it on.
        .env("OMG_AUR_ENABLED", "false")
        .envs(env.iter().copied())
        .arg("--socket")
        .arg(&socket)
        .arg("--state")
        .arg(dir.join("state.redb"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("omgd starts");
    let daemon = Daemon { child, socket };
    // The first index of a host's 60,000 apt packages takes a few seconds in a debug build.
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::os::unix::net::UnixStream::connect(&daemon.socket).is_err() {
        assert!(Instant::now() < deadline, "omgd did not open its socket");
        std::thread::sleep(Duration::from_millis(20));
    }
    daemon
}
