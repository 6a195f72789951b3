//! Connections waiting for their client's next request, oldest first. When every connection
//! slot is taken, a new client takes the place of the connection idle longest, so idle
//! clients cannot lock everyone else out.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// The idle connections, keyed by when they became idle (a sequence number).
#[derive(Debug, Default)]
pub(crate) struct IdleList {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    waiting: BTreeMap<u64, (u64, Arc<Notify>)>,
}

/// A connection's place in the [`IdleList`], given up when dropped.
pub(crate) struct IdleGuard<'a> {
    list: &'a IdleList,
    seq: u64,
}

impl IdleList {
    /// Records connection `conn` as idle; `evict` is notified if a new client takes its place.
    pub(crate) fn enter(&self, conn: u64, evict: &Arc<Notify>) -> IdleGuard<'_> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = inner.next;
        inner.next += 1;
        inner.waiting.insert(seq, (conn, Arc::clone(evict)));
        IdleGuard { list: self, seq }
    }

    /// Asks the connection idle longest to close; the connection it was, if any.
    pub(crate) fn evict_oldest(&self) -> Option<u64> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (_, (conn, evict)) = inner.waiting.pop_first()?;
        // Stored as a permit if the connection is between two waits: it closes at its next.
        evict.notify_one();
        Some(conn)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.waiting.len()
    }
}

impl Drop for IdleGuard<'_> {
    fn drop(&mut self) {
        let mut inner = self
            .list
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        inner.waiting.remove(&self.seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_is_evicted_first() {
        let list = IdleList::default();
        let (a, b) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let first = list.enter(1, &a);
        let second = list.enter(2, &b);
        assert_eq!(list.evict_oldest(), Some(1));
        drop(first);
        assert_eq!(list.len(), 1);
        drop(second);
        assert_eq!(list.evict_oldest(), None);
    }

    #[tokio::test]
    async fn an_evicted_connection_is_told() {
        let list = IdleList::default();
        let evict = Arc::new(Notify::new());
        let _guard = list.enter(7, &evict);
        assert_eq!(list.evict_oldest(), Some(7));
        tokio::time::timeout(std::time::Duration::from_secs(1), evict.notified())
            .await
            .expect("notified");
    }

    #[test]
    fn a_connection_that_is_busy_again_is_not_evicted() {
        let list = IdleList::default();
        let evict = Arc::new(Notify::new());
        drop(list.enter(3, &evict));
        assert_eq!(list.evict_oldest(), None);
    }
}
