//! systemd socket activation: `LISTEN_PID` / `LISTEN_FDS` (sd_listen_fds(3)).
//!
//! When systemd (or `systemd-socket-activate`) starts omgd for `omgd.socket`, the listening
//! socket is already open as file descriptor 3 and the environment says so. omgd then serves
//! that socket instead of binding its own; the transport server still checks every peer's
//! uid (SO_PEERCRED) on it.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixListener;

use anyhow::Context;

/// The first passed descriptor (`SD_LISTEN_FDS_START`).
const LISTEN_FDS_START: RawFd = 3;

/// The passed listening socket, when omgd was socket-activated; `None` otherwise.
///
/// Must be called before any thread is started: it removes `LISTEN_PID`, `LISTEN_FDS` and
/// `LISTEN_FDNAMES` from the environment (so children do not inherit them) whether or not
/// they were meant for this process. Only the first passed descriptor is used.
///
/// # Errors
/// When the variables are addressed to this process but malformed, or descriptor 3 is not a
/// Unix socket. (Whether it listens is not probed: probing with `accept` would take the very
/// connection that triggered the activation; a non-listening socket fails on accept.)
pub fn take_listener() -> anyhow::Result<Option<UnixListener>> {
    let pid = std::env::var("LISTEN_PID").ok();
    let fds = std::env::var("LISTEN_FDS").ok();
    for var in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
        std::env::remove_var(var);
    }
    let (Some(pid), Some(fds)) = (pid, fds) else {
        return Ok(None);
    };
    if pid.trim().parse::<u32>().ok() != Some(std::process::id()) {
        return Ok(None);
    }
    let count: u32 = fds
        .trim()
        .parse()
        .with_context(|| format!("LISTEN_FDS={fds:?} is not a number"))?;
    if count == 0 {
        return Ok(None);
    }
    if count > 1 {
        tracing::warn!(
            count,
            "socket activation passed several sockets; serving only the first"
        );
    }
    let fd = passed_fd();
    let listener = UnixListener::from(fd);
    // getsockname: fails unless the descriptor is a Unix-domain socket.
    let addr = listener
        .local_addr()
        .context("socket activation: descriptor 3 is not a Unix socket")?;
    listener
        .set_nonblocking(true)
        .context("socket activation: cannot make the socket non-blocking")?;
    tracing::info!(address = ?addr, "serving the socket passed by systemd");
    Ok(Some(listener))
}

/// Take ownership of descriptor 3.
///
/// Isolates the one `unsafe` of socket activation. SAFETY: this is only called after
/// `LISTEN_PID` named this very process and `LISTEN_FDS >= 1`, which is sd_listen_fds(3)'s
/// contract that descriptors 3.. were opened for us by the activator and belong to no other
/// owner in this process; it is called at most once (the variables are removed first), so no
/// second `OwnedFd` for the same descriptor can exist.
fn passed_fd() -> OwnedFd {
    // SAFETY: see the function's documentation.
    unsafe { OwnedFd::from_raw_fd(LISTEN_FDS_START) }
}
