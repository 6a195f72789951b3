//! Who we are and who the peer is: effective uid and SO_PEERCRED.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

/// The effective uid of this process.
pub fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The uid of the process at the other end of a connected Unix socket, as the kernel recorded
/// it when the connection was made (SO_PEERCRED): it cannot be forged by the peer.
///
/// Works for std's and tokio's `UnixStream` alike.
///
/// # Errors
/// The `getsockopt` error (for instance when `socket` is not a Unix socket).
pub fn peer_uid(socket: &impl AsFd) -> io::Result<u32> {
    peer_cred(socket).map(|cred| cred.uid)
}

/// The pid of the process at the other end of a connected Unix socket (SO_PEERCRED): for a
/// client's connection to omgd, the pid of the omgd that called `listen`.
///
/// # Errors
/// The `getsockopt` error (for instance when `socket` is not a Unix socket).
pub fn peer_pid(socket: &impl AsFd) -> io::Result<i32> {
    peer_cred(socket).map(|cred| cred.pid)
}

/// The kernel's credentials of the peer of a connected Unix socket.
fn peer_cred(socket: &impl AsFd) -> io::Result<libc::ucred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: the fd is valid for the borrow's duration, `cred` is a writable ucred and `len`
    // holds its exact size, as SO_PEERCRED requires.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if len as usize != std::mem::size_of::<libc::ucred>() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "SO_PEERCRED returned a short credential",
        ));
    }
    Ok(cred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socketpair_peer_is_us() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), current_uid());
    }

    #[test]
    fn socketpair_peer_pid_is_ours() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_pid(&a).unwrap(), std::process::id() as i32);
    }

    #[test]
    fn not_a_socket_is_an_error() {
        let f = std::fs::File::open("/dev/null").unwrap();
        assert!(peer_uid(&f).is_err());
        assert!(peer_pid(&f).is_err());
    }
}
