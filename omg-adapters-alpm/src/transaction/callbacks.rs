//! libalpm's callbacks on a transaction handle, turned into [`ProgressEvent`]s, answers to its
//! questions, and the errors it logs.
//!
//! Events map to [`ProgressEvent::Step`] as follows: each package operation (install,
//! upgrade, downgrade, reinstall, remove) is a step numbered among all package operations of
//! the transaction; each hook run is numbered among the hooks of its phase (libalpm's own
//! count); every other phase (checking dependencies, downloading, checking integrity, ...) is a
//! step `1 of 1` of its own. Progress within a step ([`ProgressEvent::StepProgress`]) comes from
//! libalpm's progress callback; download bytes ([`ProgressEvent::Download`]) from its download
//! callback; scriptlet output, `.pacnew`/`.pacsave` notes, optional dependencies left behind
//! and libalpm's warnings become [`ProgressEvent::Message`]s.
//!
//! Events arrive through [`super::events`] (the `alpm` crate's event wrapper reads them
//! misaligned). Every callback also applies a pending [`super::interrupt::Interrupt`] request: they all run
//! on the worker thread inside `alpm_trans_commit`, so that is where `alpm_trans_interrupt` is
//! called (see the safety argument in [`super::interrupt`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use alpm::{
    Alpm, AnyDownloadEvent, AnyQuestion, DownloadEvent, DownloadResult, LogLevel, Progress,
    Question,
};
use omg_ports::{ProgressEvent, ProgressSink};

use super::confine::Identity;
use super::events::{event_cb, TxEvent};
use super::interrupt::Interrupt;

/// State the callbacks share with the transaction code, on the worker thread.
pub(crate) struct Shared {
    sink: RefCell<Option<Arc<dyn ProgressSink>>>,
    /// Errors libalpm logged since the last [`Shared::take_errors`].
    errors: RefCell<Vec<String>>,
    /// Package files libalpm found corrupt (from its "delete it?" question).
    corrupted: RefCell<Vec<String>>,
    interrupt: Arc<Interrupt>,
    /// The handle, while `alpm_trans_commit` runs (null otherwise).
    handle: Cell<*mut alpm_sys::alpm_handle_t>,
    /// libalpm applied an interrupt during this commit.
    interrupted: Cell<bool>,
    /// libalpm reported `TRANSACTION_DONE` (it does not when it was interrupted).
    done: Cell<bool>,
    /// Package operations started, and how many there are.
    operations: Cell<(usize, usize)>,
    /// SIGINT's handler when the downloads started: libalpm ignores SIGINT in this process
    /// while its download process runs; the download callback puts the handler back, so
    /// that a SIGINT sent to this process alone still interrupts.
    sigint: Cell<Option<libc::sigaction>>,
    /// Databases a refresh found downloaded (`true`) or up to date (`false`), with bytes.
    refreshed: RefCell<Vec<(String, bool, u64)>>,
    /// The package files checked before this commit: where libalpm looks for each, and
    /// the file that was checked ([`Shared::verify_checked`]).
    checked: RefCell<Vec<(Vec<std::path::PathBuf>, Identity)>>,
    /// Files found changed since they were checked, and deleted.
    replaced: RefCell<Vec<std::path::PathBuf>>,
    /// Where libalpm downloads when it does so in this process (canonical).
    download_dirs: Vec<std::path::PathBuf>,
}

impl Shared {
    /// Installs every callback on `alpm` and returns the state they share; `download_dirs`
    /// are where libalpm writes its downloads.
    pub fn install(
        alpm: &Alpm,
        interrupt: Arc<Interrupt>,
        download_dirs: Vec<std::path::PathBuf>,
    ) -> Rc<Shared> {
        let shared = Rc::new(Shared {
            sink: RefCell::new(None),
            errors: RefCell::new(Vec::new()),
            corrupted: RefCell::new(Vec::new()),
            interrupt,
            handle: Cell::new(std::ptr::null_mut()),
            interrupted: Cell::new(false),
            done: Cell::new(false),
            operations: Cell::new((0, 0)),
            sigint: Cell::new(None),
            refreshed: RefCell::new(Vec::new()),
            checked: RefCell::new(Vec::new()),
            replaced: RefCell::new(Vec::new()),
            download_dirs,
        });
        alpm.set_log_cb(shared.clone(), |level, message, s: &mut Rc<Shared>| {
            s.log(level, message)
        });
        // SAFETY: the context is the `Shared` that `TxHandle` keeps alive until after the
        // handle is released (its `alpm` field drops first); `event_cb` only reads the event
        // struct libalpm passes for each type.
        unsafe {
            alpm_sys::alpm_option_set_eventcb(
                alpm.as_alpm_handle_t(),
                Some(event_cb),
                Rc::as_ptr(&shared) as *mut std::ffi::c_void,
            );
        }
        alpm.set_progress_cb(
            shared.clone(),
            |progress, item, percent, howmany, current, s: &mut Rc<Shared>| {
                s.progress(progress, item, percent, howmany, current)
            },
        );
        alpm.set_dl_cb(shared.clone(), |file, event, s: &mut Rc<Shared>| {
            s.download(file, event)
        });
        alpm.set_question_cb(shared.clone(), |question, s: &mut Rc<Shared>| {
            s.question(question)
        });
        shared
    }

    /// Where events go from now on.
    pub fn set_sink(&self, sink: Option<Arc<dyn ProgressSink>>) {
        *self.sink.borrow_mut() = sink;
    }

    /// Sends `event` to the sink, if there is one.
    pub fn emit(&self, event: ProgressEvent) {
        let sink = self.sink.borrow().clone();
        if let Some(sink) = sink {
            sink.event(event);
        }
    }

    /// The errors logged since the last call.
    pub fn take_errors(&self) -> Vec<String> {
        std::mem::take(&mut *self.errors.borrow_mut())
    }

    /// The package files libalpm found corrupt since the last call.
    pub fn take_corrupted(&self) -> Vec<String> {
        std::mem::take(&mut *self.corrupted.borrow_mut())
    }

    /// Arms interrupts for a commit on `handle` of `operations` package operations.
    pub fn begin_commit(&self, handle: *mut alpm_sys::alpm_handle_t, operations: usize) {
        self.handle.set(handle);
        self.interrupted.set(false);
        self.done.set(false);
        self.operations.set((0, operations));
    }

    /// Disarms interrupts; returns (interrupted, transaction done, operations started).
    pub fn end_commit(&self) -> (bool, bool, usize) {
        self.handle.set(std::ptr::null_mut());
        (
            self.interrupted.get(),
            self.done.get(),
            self.operations.get().0,
        )
    }

    /// libalpm starts downloading: an interrupt from now on stops the download process.
    pub(crate) fn downloads_start(&self) {
        self.interrupt.set_downloading(true);
        let mut current = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
        // SAFETY: a null new action only reads the current one into `current`.
        let read = unsafe { libc::sigaction(libc::SIGINT, std::ptr::null(), current.as_mut_ptr()) };
        // SAFETY: zeroed is a valid sigaction, and sigaction filled it on success.
        let current = unsafe { current.assume_init() };
        let handled = read == 0
            && current.sa_sigaction != libc::SIG_IGN
            && current.sa_sigaction != libc::SIG_DFL;
        self.sigint.set(handled.then_some(current));
    }

    /// libalpm has finished downloading.
    pub(crate) fn downloads_end(&self) {
        self.interrupt.set_downloading(false);
        self.sigint.set(None);
    }

    /// During a download: restores the SIGINT handler libalpm set aside, and stops the
    /// download if an interrupt is pending (in its process, or in this one).
    fn during_download(&self) {
        if let Some(handler) = self.sigint.take() {
            // SAFETY: `handler` is the action read by `downloads_start`; reinstalling it is
            // what libalpm itself does once the download ends.
            unsafe { libc::sigaction(libc::SIGINT, &handler, std::ptr::null_mut()) };
        }
        self.interrupt.poll_download();
        self.interrupt.stop_in_process(&self.download_dirs);
    }

    /// Remembers the repository package files checked before the commit: for each, the
    /// places libalpm looks for it (in order) and the identity of the file checked.
    pub(crate) fn set_checked(&self, checked: Vec<(Vec<std::path::PathBuf>, Identity)>) {
        *self.checked.borrow_mut() = checked;
    }

    /// The files [`Shared::verify_checked`] deleted during the last commit.
    pub(crate) fn take_replaced(&self) -> Vec<std::path::PathBuf> {
        std::mem::take(&mut *self.replaced.borrow_mut())
    }

    /// When libalpm starts loading the package files (after its downloads and integrity
    /// checks, before it loads or extracts anything): each file it is about to load must
    /// be the one omg checked. Nothing should have changed them (omg predicts libalpm's
    /// downloads, and the cache belongs to root), but should libalpm have downloaded one
    /// again, or another process replaced it, the file it would take is deleted: libalpm
    /// then fails to find it, and the commit ends before anything is extracted.
    pub(crate) fn verify_checked(&self) {
        for (candidates, identity) in self.checked.borrow().iter() {
            for candidate in candidates {
                let Ok(m) = std::fs::metadata(candidate) else {
                    continue;
                };
                if !m.is_file() {
                    continue;
                }
                if Identity::of(&m) == *identity {
                    break;
                }
                tracing::warn!(
                    path = %candidate.display(),
                    "package file changed after it was checked; deleting it"
                );
                if std::fs::remove_file(candidate).is_ok() {
                    self.replaced.borrow_mut().push(candidate.clone());
                } else {
                    // libalpm would extract a file omg has not checked: nothing is
                    // extracted once the transaction is interrupted, which it accepts
                    // as soon as it is committing.
                    self.interrupt.force();
                    self.replaced.borrow_mut().push(candidate.clone());
                    break;
                }
            }
        }
    }

    /// The databases a refresh downloaded or found up to date, in the order libalpm said.
    pub fn take_refreshed(&self) -> Vec<(String, bool, u64)> {
        std::mem::take(&mut *self.refreshed.borrow_mut())
    }

    /// Applies a pending interrupt request, if libalpm accepts it now (it does once the
    /// transaction is committing, i.e. after downloads and checks; until then the request
    /// stays pending).
    fn poll_interrupt(&self) {
        let handle = self.handle.get();
        if handle.is_null() || !self.interrupt.is_requested() {
            return;
        }
        // SAFETY: `handle` is the live handle whose `alpm_trans_commit` is running on this
        // thread right now (set by `begin_commit` just before the call, cleared by
        // `end_commit` right after it); `alpm_trans_interrupt` only reads `handle->trans` and
        // writes its state field, which libalpm checks between packages. See interrupt.rs.
        let ret = unsafe { alpm_sys::alpm_trans_interrupt(handle) };
        if ret == 0 {
            self.interrupt.clear_request();
            self.interrupted.set(true);
            tracing::info!("libalpm accepted the interrupt; stopping after the current package");
        }
    }

    fn step(&self, message: impl Into<String>, current: usize, total: usize) {
        self.emit(ProgressEvent::Step {
            message: message.into(),
            current,
            total,
        });
    }

    fn message(&self, level: &str, text: impl Into<String>) {
        self.emit(ProgressEvent::Message {
            level: level.into(),
            text: text.into(),
        });
    }

    fn log(&self, level: LogLevel, message: &str) {
        let message = message.trim_end();
        if level.contains(LogLevel::ERROR) {
            tracing::debug!(target: "libalpm", "error: {message}");
            self.errors.borrow_mut().push(message.to_string());
        } else if level.contains(LogLevel::WARNING) {
            tracing::warn!(target: "libalpm", "{message}");
            self.message("warning", message);
        } else if level.contains(LogLevel::DEBUG) {
            tracing::debug!(target: "libalpm", "{message}");
        } else {
            tracing::trace!(target: "libalpm", "{message}");
        }
    }

    /// An event decoded by [`super::events::event_cb`].
    pub(crate) fn on_event(&self, event: TxEvent) {
        self.poll_interrupt();
        match event {
            TxEvent::Phase(message) => self.step(message, 1, 1),
            TxEvent::Operation(message) => {
                let (started, total) = self.operations.get();
                let current = started + 1;
                self.operations.set((current, total.max(current)));
                self.step(message, current, total.max(current));
            }
            TxEvent::HookRun(message, position, total) => self.step(message, position, total),
            TxEvent::Message(level, text) => self.message(level, text),
            TxEvent::TransactionDone => self.done.set(true),
            TxEvent::Other => {}
        }
    }

    fn progress(&self, progress: Progress, item: &str, percent: i32, _howmany: usize, _n: usize) {
        self.poll_interrupt();
        let item = if item.is_empty() {
            match progress {
                Progress::ConflictsStart => "file conflicts",
                Progress::DiskspaceStart => "disk space",
                Progress::IntegrityStart => "package integrity",
                Progress::LoadStart => "package files",
                Progress::KeyringStart => "keyring",
                _ => "packages",
            }
        } else {
            item
        };
        self.emit(ProgressEvent::StepProgress {
            item: item.to_string(),
            percent: percent.clamp(0, 100) as u8,
        });
    }

    fn download(&self, file: &str, event: AnyDownloadEvent) {
        self.during_download();
        self.poll_interrupt();
        let item = file.to_string();
        match event.event() {
            DownloadEvent::Init(_) => self.emit(ProgressEvent::Download {
                item,
                done: 0,
                total: None,
            }),
            DownloadEvent::Progress(p) => self.emit(ProgressEvent::Download {
                item,
                done: u64::try_from(p.downloaded).unwrap_or(0),
                total: u64::try_from(p.total).ok().filter(|t| *t > 0),
            }),
            DownloadEvent::Completed(c) => match c.result {
                DownloadResult::Failed => {
                    self.message("error", format!("download of {file} failed"))
                }
                DownloadResult::UpToDate => {
                    if let Some(repo) = file.strip_suffix(".db") {
                        self.refreshed
                            .borrow_mut()
                            .push((repo.to_string(), false, 0));
                    }
                }
                DownloadResult::Success => {
                    let total = u64::try_from(c.total).unwrap_or(0);
                    if let Some(repo) = file.strip_suffix(".db") {
                        self.refreshed
                            .borrow_mut()
                            .push((repo.to_string(), true, total));
                    }
                    self.emit(ProgressEvent::Download {
                        item,
                        done: total,
                        total: Some(total),
                    })
                }
            },
            DownloadEvent::Retry(_) => self.message("warning", format!("retrying {file}")),
        }
    }

    /// Answers libalpm's questions as `pacman --noconfirm` would, defensively:
    ///
    /// - a target is in `IgnorePkg`/`IgnoreGroup`: install it anyway (**yes**; it was asked
    ///   for by name, pacman's default);
    /// - a package is replaced by another (`replaces`): **yes**, as pacman's default;
    /// - a package conflicts with an installed one, remove the installed one? **no**: the
    ///   transaction then fails with [`omg_ports::Error::Conflict`] and the user decides;
    /// - a downloaded package file is corrupt, delete it? **yes**, so that the next run
    ///   downloads it afresh (the transaction still fails with
    ///   [`omg_ports::Error::CorruptPackage`]);
    /// - import a missing PGP key? **no**: omg never changes the keyring on its own;
    /// - several packages provide a dependency: the **first** (pacman's default);
    /// - some packages have unresolvable dependencies, skip them and go on? **no**: the
    ///   transaction fails with [`omg_ports::Error::Unsatisfiable`].
    fn question(&self, question: AnyQuestion) {
        match question.question() {
            Question::InstallIgnorepkg(mut q) => q.set_install(true),
            Question::Replace(q) => q.set_replace(true),
            Question::Conflict(mut q) => q.set_remove(false),
            Question::Corrupted(mut q) => {
                self.corrupted.borrow_mut().push(q.filepath().to_string());
                q.set_remove(true)
            }
            Question::RemovePkgs(mut q) => q.set_skip(false),
            Question::SelectProvider(mut q) => q.set_index(0),
            Question::ImportKey(mut q) => q.set_import(false),
        }
    }
}
