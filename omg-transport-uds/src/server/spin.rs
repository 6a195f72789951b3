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
//! The peek goes to the socket itself (`crate::poll`): the runtime's own readiness is only
//! refreshed when the worker polls its driver. Once bytes are there, the ordinary read finds
//! them after one `epoll_wait` that returns at once.
//!
//! [`ServerConfig::spin`]: super::ServerConfig::spin

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::UnixStream;

/// Peek at `stream` for at most `spin`: true when bytes (or the end of the stream, or an
/// error, which the read reports) arrived in time. False at once when polling is off, cannot
/// pay (one CPU), or another connection holds the turn.
pub(crate) fn poll_briefly(spinning: &AtomicBool, stream: &UnixStream, spin: Duration) -> bool {
    if spin.is_zero()
        || spinning
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
    {
        return false;
    }
    let _turn = Turn(spinning);
    crate::poll::spin_until_readable(stream.as_raw_fd(), spin)
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
    use std::time::Instant;

    fn pair() -> (UnixStream, std::os::unix::net::UnixStream) {
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        (UnixStream::from_std(ours).unwrap(), theirs)
    }

    #[tokio::test]
    async fn one_connection_polls_at_a_time_and_gives_the_turn_back() {
        let (ours, mut theirs) = pair();
        let spinning = AtomicBool::new(false);
        let long = Duration::from_secs(5);
        spinning.store(true, Ordering::Relaxed);
        theirs.write_all(b"x").unwrap();
        let start = Instant::now();
        assert!(
            !poll_briefly(&spinning, &ours, long),
            "another connection polls"
        );
        assert!(start.elapsed() < long);
        assert!(spinning.load(Ordering::Relaxed), "its turn is left alone");
        spinning.store(false, Ordering::Relaxed);
        // Bytes are waiting: seen at once where polling pays, not polled for otherwise.
        let start = Instant::now();
        let seen = poll_briefly(&spinning, &ours, long);
        assert!(start.elapsed() < long);
        assert_eq!(seen, crate::poll::several_cpus());
        assert!(!spinning.load(Ordering::Relaxed), "the turn is given back");
        assert!(!poll_briefly(&spinning, &ours, Duration::ZERO));
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
