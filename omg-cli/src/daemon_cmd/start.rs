//! `omg daemon start`: spawn omgd detached, then wait until it answers.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use omg_transport_uds::{BlockingClient, ClientConfig, DaemonInfo};
use serde_json::json;

use super::{absolute, fail, json_line, ok, probe, serves, REQUEST_TIMEOUT};
use omg_cli_core::args::{BackendArg, Global};
use omg_cli_core::exit;
use omg_cli_core::Answer;

/// The daemon's file name, looked up beside this executable.
const DAEMON: &str = "omgd";
/// How long omgd may take to answer its first Ping (the first index of a large apt database
/// takes seconds).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Lines of omgd's log shown when it fails to start.
const LOG_TAIL_LINES: usize = 30;

/// Start omgd for `global`'s configuration on `socket`, unless one already answers there.
pub(super) fn start(global: &Global, socket: &Path, json: bool) -> Answer {
    match probe(socket, false) {
        Ok(Some(r)) if crate::fast_path::serves_global(global, &r.info.backend) == Some(false) => {
            return fail(
                exit::FAILURE,
                format!(
                    "an omgd serving {} already runs on {}; stop it (`omg daemon stop`) or \
                     give this configuration its own socket (--socket PATH)",
                    serves(&r.info),
                    socket.display()
                ),
            );
        }
        Ok(Some(r)) => {
            let pid = r.peer.map(|(pid, _)| pid);
            return ok(if json {
                json_line(&json!({
                    "running": true, "already_running": true, "pid": pid, "socket": socket,
                    "backend": r.info.backend.name, "config": r.info.backend.config,
                    "root": r.info.backend.root,
                }))
            } else {
                let pid = pid.map_or_else(String::new, |p| format!(" (pid {p})"));
                format!(
                    "omgd is already running{pid} on {}, serving {}\n",
                    socket.display(),
                    serves(&r.info)
                )
            });
        }
        Ok(None) => {}
        Err(e) => {
            return fail(
                exit::FAILURE,
                format!(
                    "something on {} does not answer like omgd: {e}",
                    socket.display()
                ),
            )
        }
    }
    let bin = match daemon_path() {
        Ok(b) => b,
        Err(e) => return fail(exit::BACKEND, e),
    };
    let log_path = match log_path() {
        Some(p) => p,
        None => {
            return fail(
                exit::FAILURE,
                "cannot place omgd's log: set XDG_STATE_HOME or HOME",
            )
        }
    };
    let (log, log_start) = match open_log(&log_path) {
        Ok(l) => l,
        Err(e) => {
            return fail(
                exit::FAILURE,
                format!("cannot open omgd's log {}: {e}", log_path.display()),
            )
        }
    };
    let mut child = match spawn(&bin, global, socket, log) {
        Ok(c) => c,
        Err(e) => {
            return fail(
                exit::BACKEND,
                format!("could not run {}: {e}", bin.display()),
            )
        }
    };
    match wait_ready(&mut child, socket) {
        Ok(info) => {
            let pid = child.id();
            ok(if json {
                json_line(&json!({
                    "running": true, "already_running": false, "pid": pid, "socket": socket,
                    "backend": info.backend.name, "config": info.backend.config,
                    "root": info.backend.root, "log": log_path,
                }))
            } else {
                format!(
                    "omgd started (pid {pid}) on {}, serving {}\nlog: {}\n",
                    socket.display(),
                    serves(&info),
                    log_path.display()
                )
            })
        }
        Err(why) => fail(
            exit::FAILURE,
            format!(
                "{why}\n--- {} (last lines)\n{}",
                log_path.display(),
                log_tail(&log_path, log_start)
            ),
        ),
    }
}

/// `$OMG_DAEMON_BIN`, else `omgd` in the directory of this executable.
fn daemon_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("OMG_DAEMON_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot locate the omg executable: {e}"))?;
    let path = exe
        .parent()
        .ok_or_else(|| format!("{} has no parent directory", exe.display()))?
        .join(DAEMON);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing; install omgd beside omg (or set OMG_DAEMON_BIN)",
            path.display()
        ))
    }
}

/// `$XDG_STATE_HOME/omg/omgd.log`, else `~/.local/state/omg/omgd.log`.
fn log_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local/state"))
        })?;
    Some(state.join("omg").join("omgd.log"))
}

/// The log opened for appending (0600, its directory created), and its length before this run.
fn open_log(path: &Path) -> std::io::Result<(File, u64)> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let start = file.seek(SeekFrom::End(0))?;
    let stamp = jiff::Timestamp::now();
    writeln!(file, "--- omg daemon start at {stamp}")?;
    Ok((file, start))
}

/// Spawn omgd detached: its own process group, stdin from /dev/null, output to `log`, working
/// directory `/`.
fn spawn(bin: &Path, g: &Global, socket: &Path, log: File) -> std::io::Result<Child> {
    let mut cmd = Command::new(bin);
    cmd.arg("--backend").arg(match g.backend {
        BackendArg::Auto => "auto",
        BackendArg::Alpm => "alpm",
        BackendArg::Apt => "apt",
    });
    if let Some(c) = &g.config {
        cmd.arg("--config").arg(absolute(c));
    }
    if let Some(r) = &g.root {
        cmd.arg("--root").arg(absolute(r));
    }
    cmd.arg("--socket").arg(absolute(socket));
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .current_dir("/")
        .process_group(0)
        .spawn()
}

/// Wait until the daemon on `socket` answers a Ping; an error when `child` exits first or
/// nothing answers within [`START_TIMEOUT`].
fn wait_ready(child: &mut Child, socket: &Path) -> Result<DaemonInfo, String> {
    let config = ClientConfig::default().with_timeout(REQUEST_TIMEOUT);
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Err(format!("omgd exited before answering ({status})")),
            Ok(None) => {}
            Err(e) => return Err(format!("cannot watch omgd (pid {}): {e}", child.id())),
        }
        if let Ok(mut client) = BlockingClient::connect(socket, &config) {
            if client.ping().is_ok() {
                return Ok(client.daemon().clone());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "omgd (pid {}) did not answer on {} within {} s; it may still be building its \
                 index: check `omg daemon status`",
                child.id(),
                socket.display(),
                START_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last [`LOG_TAIL_LINES`] lines written to the log since offset `start`.
fn log_tail(path: &Path, start: u64) -> String {
    let mut text = String::new();
    let read = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(())
    });
    if let Err(e) = read {
        return format!("(cannot read the log: {e})");
    }
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_shows_only_this_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("omgd.log");
        std::fs::write(&path, "old run\n").unwrap();
        let (mut file, start) = open_log(&path).unwrap();
        writeln!(file, "error: boom").unwrap();
        let tail = log_tail(&path, start);
        assert!(!tail.contains("old run"), "{tail}");
        assert!(tail.contains("error: boom"), "{tail}");
    }
}
