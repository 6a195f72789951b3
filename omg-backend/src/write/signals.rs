//! SIGINT, SIGTERM and SIGHUP during a write command: all three stop it the same way.
//!
//! The handlers are installed before the first plan, so a signal never kills the process
//! while it holds a package manager's lock. Outside a commit the signal is remembered and
//! the command stops before its next step ([`Stop::check`]: nothing was changed). During a
//! commit it goes to the backend's interrupt (libalpm stops a download at once and package
//! changes after the current package; apt stops a download and lets dpkg finish), retried
//! every 50 ms until the backend accepts it, so a signal that arrives just before the
//! backend starts committing is not lost. The backend then ends the transaction cleanly,
//! releases its lock, and the command exits with 130.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use omg_ports::{Error, PackageBackend, Result};
use tokio::signal::unix::{signal, SignalKind};

/// How often a pending request is offered to the backend again.
const RETRY: Duration = Duration::from_millis(50);
/// How long the backend may refuse before omg says it is waiting for the step to finish.
const PATIENCE: Duration = Duration::from_secs(1);

/// The signal state of one write command.
pub struct Stop {
    state: Arc<State>,
}

struct State {
    /// A signal arrived (shared with work that polls it, such as a build).
    requested: Arc<AtomicBool>,
    /// A commit is running.
    committing: AtomicBool,
    /// Work that polls `requested` and ends at once is running (a build).
    stopping_at_once: AtomicBool,
    /// The backend accepted the interrupt of the running commit.
    accepted: AtomicBool,
    backend: Arc<dyn PackageBackend>,
}

impl Stop {
    /// Installs the handlers and starts listening (on the current tokio runtime).
    pub fn listen(backend: Arc<dyn PackageBackend>) -> Result<Stop> {
        let install = |kind: SignalKind| {
            signal(kind).map_err(|e| Error::Library {
                library: "signals".into(),
                message: format!("cannot handle signals: {e}"),
            })
        };
        let mut int = install(SignalKind::interrupt())?;
        let mut term = install(SignalKind::terminate())?;
        let mut hup = install(SignalKind::hangup())?;
        let state = Arc::new(State {
            requested: Arc::new(AtomicBool::new(false)),
            committing: AtomicBool::new(false),
            stopping_at_once: AtomicBool::new(false),
            accepted: AtomicBool::new(false),
            backend,
        });
        let listener = state.clone();
        tokio::spawn(async move {
            loop {
                let name = tokio::select! {
                    _ = int.recv() => "SIGINT",
                    _ = term.recv() => "SIGTERM",
                    _ = hup.recv() => "SIGHUP",
                };
                tracing::info!("{name} received");
                if !listener.requested.swap(true, Ordering::SeqCst) {
                    if listener.committing.load(Ordering::SeqCst) {
                        listener.offer();
                    } else if listener.stopping_at_once.load(Ordering::SeqCst) {
                        eprintln!("omg: {name}: stopping now; nothing more will be changed");
                    } else {
                        eprintln!("omg: {name}: stopping before the next step");
                    }
                }
            }
        });
        let retrier = state.clone();
        tokio::spawn(async move {
            let mut refused = Duration::ZERO;
            let mut warned = false;
            loop {
                tokio::time::sleep(RETRY).await;
                if !retrier.pending() {
                    refused = Duration::ZERO;
                    continue;
                }
                if !retrier.offer() {
                    refused += RETRY;
                    if refused >= PATIENCE && !warned {
                        warned = true;
                        eprintln!("omg: this step cannot be interrupted; waiting for it to finish");
                    }
                }
            }
        });
        Ok(Stop { state })
    }

    /// [`Error::Interrupted`] once a signal arrived outside a commit: the command stops
    /// before changing anything more.
    pub fn check(&self) -> Result<()> {
        if self.state.requested.load(Ordering::SeqCst) {
            return Err(Error::Interrupted(
                "stopped by a signal before the next step; nothing more was changed".into(),
            ));
        }
        Ok(())
    }

    /// The flag a signal sets, for blocking work that polls it (makepkg's runs).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.state.requested)
    }

    /// Marks the start and the end of work that polls [`Stop::flag`] and ends as soon as
    /// it turns (a build): a signal then says it stops now, not before the next step.
    pub fn stopping_at_once(&self, on: bool) {
        self.state.stopping_at_once.store(on, Ordering::SeqCst);
    }

    /// Marks the start and the end of a commit.
    pub fn committing(&self, on: bool) {
        if on {
            self.state.accepted.store(false, Ordering::SeqCst);
        }
        self.state.committing.store(on, Ordering::SeqCst);
    }
}

impl State {
    /// A signal waits for the running commit to accept it.
    fn pending(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
            && self.committing.load(Ordering::SeqCst)
            && !self.accepted.load(Ordering::SeqCst)
    }

    /// Asks the backend to interrupt; true when it accepted.
    fn offer(&self) -> bool {
        if self.backend.interrupt() {
            if !self.accepted.swap(true, Ordering::SeqCst) {
                eprintln!("omg: interrupting at the next safe point...");
            }
            true
        } else {
            false
        }
    }
}
