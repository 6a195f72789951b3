//! Polling a quiet connection for its next request before its task sleeps.
//!
//! A task that waits for readable data parks its worker thread in `epoll_wait` when nothing
//! else is runnable, and the next request then has to wake that thread: on a virtual machine
//! whose idle CPUs halt, tens of microseconds, more than omgd takes to answer from its cache.
//! A client that keeps its connection usually sends its next request within microseconds, so
//! when it is the only client the connection first peeks at its socket for up to
//! [`ServerConfig::spin`], holding its worker thread meanwhile. With two clients or more
//! nobody polls (a busy server never spends a worker on it), and one connection polls at a
//! time whatever happens.
//!
//! The peek goes to the socket itself: the runtime's own readiness is only refreshed when
//! the worker polls its driver. Once bytes are there, the ordinary read finds them after one
//! `epoll_wait` that returns at once.
//!
//! [`ServerConfig::spin`]: super::ServerConfig::spin

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::net::UnixStream;

/// Peek at `stream` for at most `spin`: true when bytes (or the end of the stream, or an
/// error, which the read reports) arrived in time. False at once when polling is off or
/// another connection holds the turn.
pub(crate) fn poll_briefly(spinning: &AtomicBool, stream: &UnixStream, spin: Duration) -> bool {
    if spin.is_zero()
        || spinning
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
    {
        return false;
    }
    let _turn = Turn(spinning);
    let start = Instant::now();
    let mut byte = 0u8;
    loop {
        // SAFETY: a one-byte peek into a live local; the descriptor is owned by `stream`.
        let n = unsafe {
            libc::recv(
                stream.as_raw_fd(),
                std::ptr::addr_of_mut!(byte).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        let waiting = n < 0
            && matches!(
                std::io::Error::last_os_error().raw_os_error(),
                Some(libc::EAGAIN | libc::EINTR)
            );
        if !waiting {
            return true;
        }
        if start.elapsed() >= spin {
            return false;
        }
        std::hint::spin_loop();
    }
}

/// The polling turn, given back however the poll ends.
struct Turn<'a>(&'a AtomicBool);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// One served connection, counted in [`Shared::open`](super::Shared) while it lives.
pub(crate) struct Open<'a>(&'a AtomicUsize);

impl<'a> Open<'a> {
    /// Count one more open connection in `open` until the returned value is dropped.
    pub(crate) fn count_in(open: &'a AtomicUsize) -> Self {
        open.fetch_add(1, Ordering::Relaxed);
        Open(open)
    }

    /// Connections open now, this one included.
    pub(crate) fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pair() -> (UnixStream, std::os::unix::net::UnixStream) {
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        (UnixStream::from_std(ours).unwrap(), theirs)
    }

    #[tokio::test]
    async fn sees_bytes_and_the_end_of_the_stream() {
        let (ours, mut theirs) = pair();
        let spinning = AtomicBool::new(false);
        let long = Duration::from_secs(5);
        theirs.write_all(b"x").unwrap();
        let start = Instant::now();
        assert!(poll_briefly(&spinning, &ours, long));
        drop(theirs);
        assert!(poll_briefly(&spinning, &ours, long));
        // Both came back at once, not after the five seconds.
        assert!(start.elapsed() < long);
        assert!(!spinning.load(Ordering::Relaxed), "the turn is given back");
    }

    #[tokio::test]
    async fn gives_up_after_the_spin_and_when_off_or_taken() {
        let (ours, _theirs) = pair();
        let spinning = AtomicBool::new(false);
        let start = Instant::now();
        assert!(!poll_briefly(&spinning, &ours, Duration::from_micros(300)));
        assert!(start.elapsed() >= Duration::from_micros(300));
        assert!(!spinning.load(Ordering::Relaxed));
        assert!(!poll_briefly(&spinning, &ours, Duration::ZERO));
        spinning.store(true, Ordering::Relaxed);
        let start = Instant::now();
        assert!(!poll_briefly(&spinning, &ours, Duration::from_secs(5)));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(
            spinning.load(Ordering::Relaxed),
            "another connection's turn is left alone"
        );
    }

    #[test]
    fn counts_open_connections() {
        let open = AtomicUsize::new(0);
        let a = Open::count_in(&open);
        let b = Open::count_in(&open);
        assert_eq!(a.count(), 2);
        drop(b);
        assert_eq!(a.count(), 1);
        drop(a);
        assert_eq!(open.load(Ordering::Relaxed), 0);
    }
}
