//! The one thread that owns the libalpm handle.
//!
//! `Alpm` is not `Sync`, and `Db`/`Package` borrow from it, so every call into libalpm happens
//! on a dedicated thread. Async callers send it a boxed job over a std channel and await the
//! answer on a `tokio::sync::oneshot`. When the backend is dropped the channel closes, the
//! thread leaves its loop and releases the handle, and the drop waits for that: a thread still
//! tearing libalpm down while the process runs its exit handlers corrupts the heap.
//!
//! [`Worker::release`] closes the handle and drops what was read (the sync databases' index,
//! the local database, whatever libalpm loaded): an idle omgd gives back about 20 MB on a
//! 21,000-package root. The next job opens the configuration again first, as
//! [`Worker::spawn`] did.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use omg_ports::{Error, Result};
use tokio::sync::oneshot;

use crate::config::Resolved;
use crate::session::Session;

/// Work for the libalpm thread: given the open session, or the error of opening it again
/// after a [`Worker::release`].
type Job = Box<dyn FnOnce(Result<&mut Session>) + Send>;

/// What the libalpm thread is sent.
enum Message {
    Run(Job),
    /// Close the session; answered once it is closed.
    Release(oneshot::Sender<()>),
}

/// The name used in [`Error::BackendGone`].
const BACKEND: &str = "alpm";

/// A handle to the libalpm thread.
#[derive(Debug)]
pub(crate) struct Worker {
    /// `None` only while dropping.
    jobs: Option<mpsc::Sender<Message>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread, opens `cfg` on it and waits until the databases are read and
    /// checked; their errors are returned here.
    pub fn spawn(cfg: Resolved) -> Result<Worker> {
        let (jobs, inbox) = mpsc::channel::<Message>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<()>>(1);
        let thread = thread::Builder::new()
            .name("omg-alpm".into())
            .spawn(move || {
                let mut session = match Session::open(&cfg) {
                    Ok(session) => Some(session),
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                if ready_tx.send(Ok(())).is_err() {
                    return;
                }
                drop(ready_tx);
                while let Ok(message) = inbox.recv() {
                    match message {
                        Message::Run(job) => job(opened(&cfg, &mut session)),
                        Message::Release(done) => {
                            drop(session.take());
                            tracing::debug!("alpm worker: libalpm closed until the next query");
                            let _ = done.send(());
                        }
                    }
                }
                tracing::debug!("alpm worker: backend dropped, releasing libalpm");
            })
            .map_err(|e| Error::Library {
                library: "libalpm".into(),
                message: format!("cannot start the worker thread: {e}"),
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Worker {
                jobs: Some(jobs),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                // The thread is leaving after a failed open: let it finish first.
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(gone())
            }
        }
    }

    /// Runs `f` on the libalpm thread and returns its answer. A panic inside `f` (the `alpm`
    /// crate panics on text that is not UTF-8) becomes an error and the thread keeps serving.
    /// After a lenient open that found a damaged sync database, `f` does not run: the answer
    /// is that database's error.
    pub async fn run<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Session) -> R + Send + 'static,
    {
        self.run_inner(true, f).await
    }

    /// Like [`Worker::run`], also after a lenient open found a damaged sync database: for
    /// plans and commits, which refuse everything but a refresh themselves.
    pub async fn run_even_damaged<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Session) -> R + Send + 'static,
    {
        self.run_inner(false, f).await
    }

    /// Closes libalpm and drops what was read; the next job opens the configuration again.
    pub async fn release(&self) {
        let (done, closed) = oneshot::channel();
        if let Some(jobs) = &self.jobs {
            if jobs.send(Message::Release(done)).is_ok() {
                let _ = closed.await;
            }
        }
    }

    async fn run_inner<R, F>(&self, check_damage: bool, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Session) -> R + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |session| {
            let session = match session {
                Ok(session) => session,
                Err(e) => {
                    let _ = reply.send(Err(e));
                    return;
                }
            };
            if check_damage {
                if let Some(e) = session.damage() {
                    let _ = reply.send(Err(e));
                    return;
                }
            }
            let result = panic::catch_unwind(AssertUnwindSafe(|| f(session))).map_err(|payload| {
                Error::Library {
                    library: "libalpm".into(),
                    message: format!(
                        "reading the package databases failed ({}); a refresh downloads them again",
                        panic_message(payload.as_ref())
                    ),
                }
            });
            let _ = reply.send(result);
        });
        self.jobs
            .as_ref()
            .ok_or_else(gone)?
            .send(Message::Run(job))
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

impl Drop for Worker {
    /// Closes the channel and waits until the thread has released libalpm.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("alpm worker thread panicked while shutting down");
            }
        }
    }
}

fn gone() -> Error {
    Error::BackendGone(BACKEND.into())
}

/// The session, opened again from `cfg` when a release closed it.
fn opened<'a>(cfg: &Resolved, session: &'a mut Option<Session>) -> Result<&'a mut Session> {
    if session.is_none() {
        tracing::debug!("alpm worker: opening libalpm again");
        *session = Some(Session::open(cfg)?);
    }
    session.as_mut().ok_or_else(gone)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unexpected panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_testkit::alpm::{FixturePackage, FixtureRoot};

    fn assert_gone(err: Error) {
        assert!(
            matches!(&err, Error::BackendGone(name) if name == "alpm"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the alpm backend is no longer running; restart omg"
        );
    }

    #[tokio::test]
    async fn a_thread_that_is_gone_is_backend_gone() {
        let (jobs, inbox) = mpsc::channel::<Message>();
        drop(inbox);
        let worker = Worker {
            jobs: Some(jobs),
            thread: None,
        };
        assert_gone(worker.run(|_| 1).await.unwrap_err());
    }

    #[tokio::test]
    async fn a_job_dropped_unanswered_is_backend_gone() {
        let (jobs, inbox) = mpsc::channel::<Message>();
        let thread = thread::spawn(move || {
            let job = inbox.recv();
            drop(job);
        });
        let worker = Worker {
            jobs: Some(jobs),
            thread: None,
        };
        assert_gone(worker.run(|_| 1).await.unwrap_err());
        thread.join().unwrap();
    }

    /// A worker over a root whose `core` holds one package, `a`.
    fn worker_over_one_package() -> (tempfile::TempDir, FixtureRoot, Worker) {
        let dir = tempfile::tempdir().unwrap();
        let mut root = FixtureRoot::create(dir.path()).unwrap();
        root.add_sync_db("core", &[FixturePackage::new("a", "1-1")])
            .unwrap();
        let worker =
            Worker::spawn(Resolved::load(&crate::AlpmConfig::new(root.config_path())).unwrap())
                .unwrap();
        (dir, root, worker)
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_thread_keeps_serving() {
        let (_dir, _root, worker) = worker_over_one_package();
        let err = worker
            .run(|_| -> usize { panic!("deliberate test panic") })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Library { message, .. } if message.contains("deliberate test panic")),
            "{err:?}"
        );
        assert_eq!(worker.run(|s| s.packages().len()).await.unwrap(), 1);
    }

    /// After a release the next query opens the root again, and sees what changed since.
    #[tokio::test]
    async fn a_released_session_is_opened_again_by_the_next_query() {
        let (_dir, mut root, worker) = worker_over_one_package();
        assert_eq!(worker.run(|s| s.packages().len()).await.unwrap(), 1);
        root.add_sync_db(
            "core",
            &[
                FixturePackage::new("a", "1-1"),
                FixturePackage::new("b", "1-1"),
            ],
        )
        .unwrap();
        // Still the session opened before the change.
        assert_eq!(worker.run(|s| s.packages().len()).await.unwrap(), 1);
        worker.release().await;
        assert_eq!(worker.run(|s| s.packages().len()).await.unwrap(), 2);
        // A root that cannot be opened any more is the next query's error.
        worker.release().await;
        std::fs::remove_file(root.sync_db_path("core")).unwrap();
        let err = worker.run(|s| s.packages().len()).await.unwrap_err();
        assert!(matches!(err, Error::MissingDatabase { .. }), "{err:?}");
    }

    #[test]
    fn panic_messages() {
        assert_eq!(panic_message(&"boom"), "boom");
        assert_eq!(panic_message(&String::from("bang")), "bang");
        assert_eq!(panic_message(&42), "unexpected panic");
    }
}
