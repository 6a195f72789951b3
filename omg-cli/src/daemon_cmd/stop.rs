//! `omg daemon stop`: SIGTERM to the omgd listening on the socket, then wait for it to go.

use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use omg_transport_uds::socket::current_uid;
use serde_json::json;

use super::{fail, json_line, ok, probe, process};
use omg_cli_core::exit;
use omg_cli_core::Answer;

/// How long omgd gets to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Stop the daemon at `socket`. Exit 0 when it stopped or was not running.
pub(super) fn stop(socket: &Path, json: bool) -> Answer {
    let running = match probe(socket, false) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return ok(if json {
                json_line(&json!({ "running": false, "stopped": false, "socket": socket }))
            } else {
                format!(
                    "omgd is not running (nothing answers on {})\n",
                    socket.display()
                )
            })
        }
        Err(e) => {
            return fail(
                exit::FAILURE,
                format!("omgd on {} does not answer properly: {e}", socket.display()),
            )
        }
    };
    let Some((pid, uid)) = running.peer else {
        return fail(
            exit::FAILURE,
            format!(
                "cannot tell which process serves {}; stop omgd by hand",
                socket.display()
            ),
        );
    };
    if uid != current_uid() {
        return fail(
            exit::FAILURE,
            format!(
                "omgd on {} (pid {pid}) runs as uid {uid}, not as you; not stopping it",
                socket.display()
            ),
        );
    }
    if let Err(e) = process::terminate(pid) {
        return fail(
            exit::FAILURE,
            format!("cannot signal omgd (pid {pid}): {e}"),
        );
    }
    let deadline = Instant::now() + STOP_TIMEOUT;
    while answers(socket) || process::alive(pid) {
        if Instant::now() >= deadline {
            return fail(
                exit::FAILURE,
                format!(
                    "omgd (pid {pid}) is still running {} s after SIGTERM; \
                     try again, or `kill -KILL {pid}`",
                    STOP_TIMEOUT.as_secs()
                ),
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    ok(if json {
        json_line(&json!({ "running": false, "stopped": true, "pid": pid, "socket": socket }))
    } else {
        format!("omgd stopped (pid {pid})\n")
    })
}

/// True while something accepts connections on `socket`.
fn answers(socket: &Path) -> bool {
    UnixStream::connect(socket).is_ok()
}
