//! Waiting for a socket awake: peeking at it in a loop instead of sleeping in the kernel.
//!
//! Waking a thread that sleeps in `read` or `epoll_wait` costs tens of microseconds on a
//! virtual machine whose idle CPUs halt, more than omgd takes to answer from its cache, so
//! both ends poll briefly before they sleep ([`ClientConfig::spin`], [`ServerConfig::spin`]).
//! Polling only pays when the other end runs on another CPU meanwhile: with one CPU it would
//! delay the very process it waits for, so then nobody polls.
//!
//! [`ClientConfig::spin`]: crate::ClientConfig::spin
//! [`ServerConfig::spin`]: crate::ServerConfig::spin

use std::os::fd::RawFd;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Peek at `fd` without blocking, for at most `spin`: true as soon as it has bytes, has
/// ended or failed (the read that follows reports which), false when the time ran out or
/// polling cannot pay (zero `spin`, one CPU).
pub(crate) fn spin_until_readable(fd: RawFd, spin: Duration) -> bool {
    if spin.is_zero() || !several_cpus() {
        return false;
    }
    let start = Instant::now();
    loop {
        if readable_now(fd) {
            return true;
        }
        if start.elapsed() >= spin {
            return false;
        }
        std::hint::spin_loop();
    }
}

/// One non-blocking peek: true unless the socket would block.
fn readable_now(fd: RawFd) -> bool {
    let mut byte = 0u8;
    // SAFETY: a one-byte peek into a live local; the caller's socket outlives the call.
    let n = unsafe {
        libc::recv(
            fd,
            std::ptr::addr_of_mut!(byte).cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    !(n < 0
        && matches!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EAGAIN | libc::EINTR)
        ))
}

/// Whether this process may run on more than one CPU (its affinity mask; asked once).
pub(crate) fn several_cpus() -> bool {
    static SEVERAL: OnceLock<bool> = OnceLock::new();
    *SEVERAL.get_or_init(|| {
        // SAFETY: a zeroed cpu_set_t is a valid empty set, filled in by the kernel.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0
                && libc::CPU_COUNT(&set) > 1
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn ends_with_data_the_end_or_the_time() {
        if !several_cpus() {
            eprintln!("note: one CPU; polling is off and this test has nothing to check");
            assert!(!spin_until_readable(0, Duration::from_secs(5)));
            return;
        }
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let fd = ours.as_raw_fd();
        let start = Instant::now();
        assert!(!spin_until_readable(fd, Duration::from_micros(300)));
        assert!(
            start.elapsed() >= Duration::from_micros(300),
            "spun the whole time"
        );
        assert!(!spin_until_readable(fd, Duration::ZERO));
        theirs.write_all(b"x").unwrap();
        let start = Instant::now();
        assert!(spin_until_readable(fd, Duration::from_secs(5)));
        assert!(start.elapsed() < Duration::from_secs(5));
        // The peek left the byte for the read.
        let mut byte = [0u8; 1];
        (&ours).read_exact(&mut byte).unwrap();
        assert_eq!(&byte, b"x");
        drop(theirs);
        assert!(
            spin_until_readable(fd, Duration::from_secs(5)),
            "the end of the stream"
        );
    }
}
