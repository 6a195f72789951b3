//! Interrupting a running commit from another thread (the Ctrl-C path).
//!
//! pacman calls `alpm_trans_interrupt` from its SIGINT handler. omg's commit runs on the
//! worker thread that owns the handle, and the interrupt comes from any other thread, so the
//! handle is never touched from that other thread at all: [`Interrupt::request`] only sets an
//! atomic flag. Every libalpm callback (event, progress, download, log) runs on the worker
//! thread inside `alpm_trans_commit`; each one checks the flag and, when it is set, calls
//! `alpm_trans_interrupt` on the handle right there, on the owning thread.
//!
//! # Safety argument
//!
//! - The raw handle pointer is published to the callbacks only between the start and the
//!   return of `alpm_trans_commit` (`Shared::begin_commit` / `Shared::end_commit`), and only on
//!   the worker thread, so the handle and its transaction are alive whenever it is used (the
//!   transaction is released after `end_commit`).
//! - `alpm_trans_interrupt` reads `handle->trans` and writes `trans->state`; it is called
//!   from a callback of the same thread, like pacman's handler interrupting its own thread, so
//!   there is no data race. libalpm checks the state between packages: the package being
//!   installed or removed is finished, the rest are left alone, and `alpm_trans_commit`
//!   returns normally without its `TRANSACTION_DONE` event (which is how omg tells).
//! - Before the transaction is committing (downloads, integrity and conflict checks),
//!   libalpm refuses the interrupt; the request then stays pending and is applied by the
//!   first callback after it starts committing, before the first package is changed.
//!
//! The local database therefore always matches the files on disk: every package is either
//! fully changed or untouched. The transaction is then released, which removes `db.lck`.

use std::sync::atomic::{AtomicBool, Ordering};

/// The interrupt state of one backend, shared between the caller's threads and the worker.
#[derive(Debug, Default)]
pub(crate) struct Interrupt {
    /// A commit is running.
    running: AtomicBool,
    /// Someone asked to stop it.
    requested: AtomicBool,
}

impl Interrupt {
    /// Asks the running commit to stop; false when none is running.
    pub fn request(&self) -> bool {
        if !self.running.load(Ordering::SeqCst) {
            return false;
        }
        self.requested.store(true, Ordering::SeqCst);
        true
    }

    /// Marks a commit as running (with no request pending) or finished.
    pub fn set_running(&self, running: bool) {
        self.requested.store(false, Ordering::SeqCst);
        self.running.store(running, Ordering::SeqCst);
    }

    pub(crate) fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    pub(crate) fn clear_request(&self) {
        self.requested.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_a_running_commit() {
        let i = Interrupt::default();
        assert!(!i.request());
        assert!(!i.is_requested());
        i.set_running(true);
        assert!(i.request());
        assert!(i.is_requested());
        i.set_running(false);
        assert!(!i.is_requested());
        assert!(!i.request());
    }
}
