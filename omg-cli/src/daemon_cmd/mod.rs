//! `omg daemon start|stop|status`, handled entirely by the thin `omg` (std, libc and the
//! socket client only: no backend library, no `omg-backend` exec).
//!
//! Exit codes: `start` 0 when omgd answers (started, or already running), 5 when omgd cannot
//! be found or spawned, 1 when it exits early or does not answer in time; `stop` 0 when omgd
//! stopped or was not running, 1 when it cannot be stopped; `status` 0 when omgd runs, 1 when
//! it does not (or answers wrongly).

mod process;
mod start;
mod status;
mod stop;

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_transport_uds::socket::{peer_pid, peer_uid};
use omg_transport_uds::{
    default_socket_path, BlockingClient, ClientConfig, ClientError, DaemonInfo, DaemonStats,
    Request, Response,
};

use omg_cli_core::args::{Cli, DaemonAction};
use omg_cli_core::exit;
use omg_cli_core::Answer;

/// How long one request to omgd may take before it counts as not answering.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Run `omg daemon <action>`.
pub fn run(cli: &Cli, action: DaemonAction) -> Answer {
    let socket = cli
        .global
        .socket
        .clone()
        .unwrap_or_else(default_socket_path);
    let json = cli.global.json;
    match action {
        DaemonAction::Start => start::start(&cli.global, &socket, json),
        DaemonAction::Stop => stop::stop(&socket, json),
        DaemonAction::Status => status::status(&socket, json),
    }
}

/// What `omg doctor` learns of omgd for a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaemonCheck {
    /// Nothing listens on the socket.
    NotRunning {
        /// The socket asked.
        socket: PathBuf,
    },
    /// omgd answers there; `ours` when it serves the configuration `global` names (so `omg`
    /// uses it).
    Running {
        /// The socket asked.
        socket: PathBuf,
        /// `alpm, config /etc/pacman.conf, root /`.
        serves: String,
        /// Whether it serves this configuration.
        ours: bool,
    },
    /// Something answers, but not as omgd should.
    Broken {
        /// The socket asked.
        socket: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Ask the socket of `global` (or the default one) whether omgd runs there and serves
/// `global`'s configuration.
pub fn check(global: &omg_cli_core::args::Global) -> DaemonCheck {
    let socket = global.socket.clone().unwrap_or_else(default_socket_path);
    match probe(&socket, false) {
        Ok(None) => DaemonCheck::NotRunning { socket },
        Ok(Some(running)) => DaemonCheck::Running {
            ours: crate::fast_path::serves_global(global, &running.info.backend) == Some(true),
            serves: serves(&running.info),
            socket,
        },
        Err(reason) => DaemonCheck::Broken { socket, reason },
    }
}

/// A daemon that answered on the socket.
#[derive(Debug)]
struct Running {
    /// What it said in its `Welcome`.
    info: DaemonInfo,
    /// Its counters, when asked for.
    stats: Option<DaemonStats>,
    /// The pid and uid of the process listening on the socket (SO_PEERCRED).
    peer: Option<(i32, u32)>,
}

/// Ask the daemon on `socket` who it is (and its counters when `with_stats`).
/// `Ok(None)` when nothing listens there; `Err` when something answers, but not properly.
fn probe(socket: &Path, with_stats: bool) -> Result<Option<Running>, String> {
    let config = ClientConfig::default().with_timeout(REQUEST_TIMEOUT);
    let mut client = match BlockingClient::connect(socket, &config) {
        Ok(c) => c,
        Err(ClientError::Connect { .. }) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let stats = if with_stats {
        match client.request(Request::Stats) {
            Ok(Response::Stats(s)) => Some(s),
            Ok(other) => {
                return Err(format!(
                    "omgd answered 'stats' with '{}'; upgrade omg and omgd together",
                    other.name()
                ))
            }
            Err(e) => return Err(e.to_string()),
        }
    } else {
        None
    };
    Ok(Some(Running {
        info: client.daemon().clone(),
        stats,
        peer: peer_of(socket),
    }))
}

/// The pid and uid of the process listening on `socket`, from a fresh connection.
fn peer_of(socket: &Path) -> Option<(i32, u32)> {
    let stream = UnixStream::connect(socket).ok()?;
    Some((peer_pid(&stream).ok()?, peer_uid(&stream).ok()?))
}

/// `--config` and such, made absolute (omgd runs from `/`).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// One line describing what `info` serves: `alpm, config /etc/pacman.conf, root /`.
fn serves(info: &DaemonInfo) -> String {
    let b = &info.backend;
    match &b.config {
        Some(c) => format!("{}, config {c}, root {}", b.name, b.root),
        None => format!("{}, root {}", b.name, b.root),
    }
}

/// An answer on stdout with exit code 0.
fn ok(stdout: String) -> Answer {
    Answer {
        stdout,
        stderr: String::new(),
        code: exit::OK,
    }
}

/// An error message on stderr (`omg: error: ...`) with `code`.
fn fail(code: u8, message: impl std::fmt::Display) -> Answer {
    Answer {
        stdout: String::new(),
        stderr: format!("omg: error: {message}\n"),
        code,
    }
}

/// `value` as pretty JSON plus a newline.
fn json_line(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    s.push('\n');
    s
}
