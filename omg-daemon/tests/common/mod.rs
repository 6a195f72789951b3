//! A real `omgd` over a real pacman fixture root, in a private temporary directory.

#![allow(dead_code)]

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use omg_transport_uds::{BlockingClient, ClientConfig, Request, Response};
use tempfile::TempDir;

/// A fixture root with two repositories and a few installed packages.
pub struct Fixture {
    pub dir: TempDir,
    pub root: FixtureRoot,
}

pub fn core_packages() -> Vec<FixturePackage> {
    vec![
        FixturePackage::new("firefox", "128.0-1").desc("Standalone web browser from mozilla"),
        FixturePackage::new("firefox-i18n-de", "128.0-1").desc("German language pack for Firefox"),
        FixturePackage::new("bash", "5.2-1").desc("The GNU Bourne Again shell"),
        FixturePackage::new("readline", "8.2-1").desc("GNU readline library"),
        FixturePackage::new("glibc", "2.40-1").desc("GNU C Library"),
    ]
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let mut root = FixtureRoot::create(&dir.path().join("fx")).expect("fixture root");
        root.add_sync_db("core", &core_packages()).unwrap();
        root.add_sync_db(
            "extra",
            &[
                FixturePackage::new("fish", "3.7-1").desc("Smart and user friendly shell"),
                FixturePackage::new("zsh", "5.9-1").desc("A very advanced shell"),
            ],
        )
        .unwrap();
        let bash = FixturePackage::new("bash", "5.1-1").desc("The GNU Bourne Again shell");
        let readline = FixturePackage::new("readline", "8.2-1").as_dependency();
        let orphan = FixturePackage::new("oldlib", "1.0-1").as_dependency();
        root.install_local(&[bash, readline, orphan]).unwrap();
        Fixture { dir, root }
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("run/omgd.sock")
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state.redb")
    }

    pub fn config(&self) -> PathBuf {
        self.root.config_path()
    }

    /// The in-process engine over the same root.
    pub fn engine(&self) -> omg::Engine {
        omg::Omg::builder()
            .backend(omg::BackendChoice::Alpm)
            .config(self.config())
            .build()
            .expect("engine")
    }

    /// Start omgd and wait until it answers; its stderr goes to `<dir>/omgd-<n>.log`.
    pub fn start(&self, n: u32) -> Daemon {
        let daemon = self.spawn(n);
        daemon.wait_ready();
        daemon
    }

    /// Start omgd without waiting for it.
    pub fn spawn(&self, n: u32) -> Daemon {
        self.spawn_with(n, &self.socket(), Some(&self.state()), &[])
    }

    /// Start omgd on `socket` without waiting for it, with `--state state` (none: its
    /// default) and `env` added.
    pub fn spawn_with(
        &self,
        n: u32,
        socket: &Path,
        state: Option<&Path>,
        env: &[(&str, &Path)],
    ) -> Daemon {
        let log = self.dir.path().join(format!("omgd-{n}.log"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_omgd"));
        if let Some(state) = state {
            cmd.arg("--state").arg(state);
        }
        let child = cmd
            .args([
                "--backend",
                "alpm",
                "--poll-ms",
                "100",
                "--audit-secs",
                "0",
                "--config",
            ])
            .arg(self.config())
            .arg("--socket")
            .arg(socket)
            // No AUR dump from the network (the CLI's AUR suite tests omgd with its own).
            .env("OMG_AUR_ENABLED", "false")
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("spawn omgd");
        Daemon {
            child,
            log,
            socket: socket.to_path_buf(),
        }
    }
}

/// A running omgd, killed when dropped if it still runs.
pub struct Daemon {
    pub child: Child,
    pub log: PathBuf,
    pub socket: PathBuf,
}

impl Daemon {
    pub fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = BlockingClient::connect(&self.socket, &ClientConfig::default()) {
                if c.ping().is_ok() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "omgd did not answer within 10 s; log:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn client(&self) -> BlockingClient {
        BlockingClient::connect(&self.socket, &ClientConfig::default()).expect("connect")
    }

    pub fn request(&self, request: Request) -> Response {
        self.client().request(request).expect("request")
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then wait (up to 10 s) for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "omgd ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Poll `f` every 20 ms until it returns true or `timeout` passes.
pub fn eventually(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap().display().to_string()
}

pub fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
