//! Running the real `omg` binary (which execs the real `omg-backend` beside it).

// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod aur;
pub mod daemon;

/// What a finished `omg` process left behind.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Panics unless the process exited with `code`, showing both streams.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the process succeeded with nothing on stderr; returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        self.expect_code(0);
        assert_eq!(self.stderr, "", "stderr of a successful run");
        &self.stdout
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// The `omg` binary under test: `$OMG_TEST_OMG` (scripts/test.sh points it at the statically
/// linked thin client, as scripts/build-release.sh builds it, with `omg-backend` and `omgd`
/// beside it), else the one cargo built for these tests.
pub fn omg_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var_os("OMG_TEST_OMG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_omg")))
    })
}

/// The `omg-backend` beside `omg` (crate omg-backend: `cargo test --workspace` and
/// `cargo build --workspace --bins` build it there), as `omg` itself finds it.
pub fn backend_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let path = omg_bin()
            .parent()
            .expect("omg has a directory")
            .join("omg-backend");
        assert!(
            path.is_file(),
            "{} is missing: build it with `cargo build --workspace --bins` (or run \
             `cargo test --workspace`)",
            path.display()
        );
        path
    })
}

/// The `omgd` to test against: `$OMG_DAEMON_BIN`, else the one beside `omg` (a workspace
/// build puts both in one directory). When it is missing the caller skips with a note, except
/// under CI, where this fails.
pub fn omgd_bin() -> Option<PathBuf> {
    let path = std::env::var_os("OMG_DAEMON_BIN")
        .map(PathBuf::from)
        .or_else(|| Some(omg_bin().parent()?.join("omgd")))?;
    if path.is_file() {
        return Some(path);
    }
    omg_testkit::skip(&format!(
        "{} is not built (cargo test --workspace builds it)",
        path.display()
    ));
    None
}

/// Runs `omg args...` with `env` added to a cleaned environment: no inherited
/// `OMG_BACKEND_BIN`, `OMG_LOG` or `NO_COLOR`, so the outcome does not depend on the caller's
/// shell. Stdout and stderr are pipes (not terminals).
pub fn omg<S: AsRef<std::ffi::OsStr>>(args: &[S], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(omg_bin());
    isolate(&mut cmd).args(args).envs(env.iter().copied());
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", omg_bin().display()));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Makes `cmd` (an `omg`, `omg-backend` or shell that runs them) hermetic: none of the
/// caller's `OMG_*` variables or `NO_COLOR`, and XDG directories that do not exist, so that
/// no configuration, feed cache, runtimes, state or history of the user running the tests
/// is read, and no omgd of theirs answers (its default socket is under
/// `$XDG_RUNTIME_DIR`, else `/tmp/omg-$UID`; a test that wants an omgd starts its own and
/// passes `OMG_SOCKET`). A test that needs any of these sets its own afterwards.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("OMG_")) {
            cmd.env_remove(&key);
        }
    }
    cmd.env_remove("NO_COLOR")
        .env("XDG_CONFIG_HOME", "/nonexistent/omg-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/omg-tests/cache")
        .env("XDG_DATA_HOME", "/nonexistent/omg-tests/data")
        .env("XDG_STATE_HOME", "/nonexistent/omg-tests/state")
        .env("XDG_RUNTIME_DIR", "/nonexistent/omg-tests/run")
        // The AUR is an outside system: the suites that test it serve their own and turn
        // it on; the rest compare the repositories with pacman's answers.
        .env("OMG_AUR_ENABLED", "false")
}

/// `program args...`'s stdout when it exists and succeeds, `None` (a skip: a failure under
/// CI) when it is not installed.
pub fn tool_stdout(program: &str, args: &[&str]) -> Option<String> {
    match Command::new(program).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{program} {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("UTF-8 output"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            omg_testkit::skip(&format!("{program} is not installed"));
            None
        }
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// `program`'s path on `PATH`. Missing: a failure under CI (scripts/debian-packages.txt
/// installs it), else `None` with a note.
pub fn tool_path(program: &str) -> Option<PathBuf> {
    omg_testkit::require_tool(program)
}

/// The shell command `line` run on a pseudo-terminal of `columns` columns (`script`),
/// hermetic as [`isolate`] makes it, with `env` on top; `None` without `script` (a failure
/// under CI).
pub fn on_terminal(line: &str, columns: usize, env: &[(&str, &str)]) -> Option<Run> {
    let script = tool_path("script")?;
    let mut cmd = Command::new(script);
    isolate(&mut cmd)
        .args([
            "-qec",
            &format!("stty cols {columns} rows 50; {line}"),
            "/dev/null",
        ])
        .env("COLUMNS", columns.to_string())
        .envs(env.iter().copied());
    let out = cmd.output().expect("run script");
    Some(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// `pacman --config <conf> args...` in the C locale; `None` without pacman (a failure under
/// CI: the set-up builds pacman 7.1).
pub fn pacman(conf: &Path, args: &[&str]) -> Option<Run> {
    let pacman = tool_path("pacman")?;
    let out = Command::new(pacman)
        .arg("--config")
        .arg(conf)
        .args(args)
        .env("LC_ALL", "C")
        .env_remove("LANGUAGE")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pacman: {e}"));
    Some(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// `runtime` `version` as `omg runtimes install` leaves it: its directory with the record.
pub fn runtime_installed(data_home: &Path, runtime: &str, version: &str) {
    use omg_ports::{ArchiveFormat, Artifact, InstallLayout, RemoteVersion, Strip};
    let dir = data_home.join("omg/runtimes").join(runtime).join(version);
    std::fs::create_dir_all(dir.join("bin")).expect("runtime dir");
    let record = omg_adapters_runtimes::InstallRecord {
        runtime: runtime.into(),
        release: RemoteVersion {
            version: version.into(),
            ..RemoteVersion::default()
        },
        artifact: Artifact {
            version: version.into(),
            url: format!("http://127.0.0.1:9/{runtime}-{version}.tar.gz"),
            file_name: format!("{runtime}-{version}.tar.gz"),
            sha256: "0".repeat(64),
            checksum_source: "http://127.0.0.1:9/SHASUMS256.txt".into(),
            format: ArchiveFormat::TarGz,
            size: None,
            signed_by: None,
            warnings: Vec::new(),
        },
        layout: InstallLayout::bin_under(Strip::SingleTopLevel),
        addons: Vec::new(),
    };
    std::fs::write(
        dir.join(omg_adapters_runtimes::RECORD_FILE),
        serde_json::to_string(&record).expect("JSON"),
    )
    .expect("record");
}
