//! The write half of the backend: plans and commits of [`Transaction`]s through libalpm, on
//! the worker thread.
//!
//! - `Install`, `Remove` and `Upgrade` open a transaction handle configured from all of
//!   `pacman.conf` ([`handle`]), take libalpm's lock through `alpm_trans_init` ([`lock`]),
//!   add the targets ([`targets`]; `Upgrade` is `alpm_sync_sysupgrade`, a full system
//!   upgrade), prepare, read what libalpm would add and remove ([`plan`]), and either release
//!   (plan) or commit with progress ([`callbacks`]) and release; a `Remove` leaves
//!   `HoldPkg` packages out (`RemoveHeld` takes them too; [`hold`]). Errors become typed
//!   [`omg_ports::Error`]s ([`errors`]).
//! - Before a commit that installs, every package file is checked to write nothing outside
//!   the root ([`confine`]); files still to be downloaded are downloaded first by a
//!   download-only transaction ([`package_files`]), after which the transaction is prepared
//!   again and committed.
//! - `Refresh` updates every sync database with libalpm's downloader (`alpm_db_update`).
//! - `CleanCache` deletes old package files from the cache directories ([`clean`]).
//! - After a commit the reading session is opened again, so later reads see the new state.
//!
//! A plan changes nothing. It takes the lock like pacman when the database directory is
//! writable (root); otherwise (a dry run as a normal user) it prepares without the lock.

mod archive;
mod callbacks;
mod clean;
mod confine;
mod errors;
mod events;
mod handle;
mod hold;
pub(crate) mod interrupt;
pub(crate) mod lock;
pub(crate) mod old_versions;
mod package_files;
mod plan;
mod siglevel;
mod targets;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

use alpm::TransFlag;
use omg_ports::{
    ActionKind, Error, Plan, ProgressSink, RefreshedDatabase, Result, Transaction,
    TransactionOutcome,
};

use crate::config::Resolved;
use crate::health::Damage;
use crate::session::Session;
use handle::TxHandle;
use interrupt::Interrupt;

impl Session {
    /// What `tx` would do; changes nothing.
    pub fn plan(&mut self, tx: &Transaction) -> Result<Plan> {
        if !matches!(tx, Transaction::Refresh) {
            if let Some(e) = self.damage() {
                return Err(e);
            }
        }
        let cfg = &self.cfg;
        match tx {
            Transaction::CleanCache { keep } => clean::plan(&cfg.cache_dirs, Some(*keep), &[]),
            Transaction::CleanCacheUninstalled => {
                clean::plan(&cfg.cache_dirs, None, &self.installed_versions())
            }
            Transaction::Refresh => Ok(refresh_plan(cfg, &self.damaged)),
            Transaction::Remove { names, recursive } => {
                let (_, held, mut plan) = self.without_held(names, *recursive)?;
                plan.warnings.extend(hold::left_out(&held));
                plan.held = held;
                Ok(plan)
            }
            _ => {
                let mut h = TxHandle::open(cfg, Arc::new(Interrupt::default()))?;
                let flags = if writable(&cfg.dbpath) {
                    TransFlag::NONE
                } else {
                    TransFlag::NO_LOCK
                };
                begin(&mut h, cfg, tx, flags, None)?;
                let plan = prepare(&mut h, tx).map(|notes| {
                    let mut plan = plan::from_prepared(&h.alpm);
                    plan.warnings.splice(0..0, notes);
                    plan
                });
                release(&mut h);
                let mut plan = plan?;
                if matches!(tx, Transaction::RemoveHeld { .. }) {
                    let held = hold::held(&plan, &cfg.conf.hold_pkgs);
                    let warnings = hold::warnings(&held);
                    plan.warnings.extend(warnings);
                }
                Ok(plan)
            }
        }
    }

    /// Carries out `tx`, reporting to `sink`; `interrupt` is the backend's Ctrl-C path.
    pub fn commit(
        &mut self,
        tx: &Transaction,
        sink: Arc<dyn ProgressSink>,
        interrupt: Arc<Interrupt>,
    ) -> Result<TransactionOutcome> {
        if !matches!(tx, Transaction::Refresh) {
            if let Some(e) = self.damage() {
                return Err(e);
            }
        }
        let cfg = self.cfg.clone();
        let operation = operation(tx);
        match tx {
            Transaction::CleanCache { .. } | Transaction::CleanCacheUninstalled => {
                for dir in &cfg.cache_dirs {
                    if dir.exists() {
                        require_writable(dir, &operation)?;
                    }
                }
                let (keep, installed) = match tx {
                    Transaction::CleanCache { keep } => (Some(*keep), Vec::new()),
                    _ => (None, self.installed_versions()),
                };
                let actions = clean::commit(&cfg.cache_dirs, keep, &installed, sink.as_ref())?;
                Ok(TransactionOutcome {
                    actions,
                    ..TransactionOutcome::default()
                })
            }
            Transaction::Refresh => {
                require_writable(&cfg.dbpath, &operation)?;
                // A damaged database may look up to date to libalpm (it compares dates):
                // it goes first, so that it is downloaded like a missing one.
                for damage in self.damaged.iter().filter(|d| d.reason.is_some()) {
                    match std::fs::remove_file(&damage.path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(source) => {
                            return Err(Error::Io {
                                path: damage.path.clone(),
                                source,
                            })
                        }
                    }
                }
                let result = refresh(&cfg, sink, interrupt);
                self.reopen_after(result.map(|databases| TransactionOutcome {
                    databases,
                    ..TransactionOutcome::default()
                }))
            }
            Transaction::Remove { names, recursive } => {
                // The same split as the plan's: held packages are left out.
                let (tx, held, plan) = self.without_held(names, *recursive)?;
                if plan.is_empty() && !held.is_empty() {
                    return Err(hold::refusal(
                        &held.iter().map(String::as_str).collect::<Vec<_>>(),
                    ));
                }
                for warning in hold::left_out(&held) {
                    sink.event(omg_ports::ProgressEvent::Message {
                        level: "warning".into(),
                        text: warning,
                    });
                }
                require_writable(&cfg.root, &operation)?;
                require_writable(&cfg.dbpath, &operation)?;
                let result = commit_packages(&cfg, &tx, true, sink, interrupt);
                self.reopen_after(result)
            }
            _ => {
                require_writable(&cfg.root, &operation)?;
                require_writable(&cfg.dbpath, &operation)?;
                let result = commit_packages(&cfg, tx, false, sink, interrupt);
                self.reopen_after(result)
            }
        }
    }

    /// A `Remove` of `names` with pacman.conf's `HoldPkg` applied: the transaction that
    /// removes what is not held, the held packages it leaves out, and its plan. Held
    /// targets are dropped; held packages `recursive` would take as unneeded dependencies
    /// are kept, and the others removed by name; when a kept one needs one of them the
    /// removal is refused. Every target held: an empty plan.
    fn without_held(
        &mut self,
        names: &[String],
        recursive: bool,
    ) -> Result<(Transaction, Vec<String>, Plan)> {
        let patterns = self.cfg.conf.hold_pkgs.clone();
        let (rest, mut held) = hold::split(names, &patterns);
        if rest.is_empty() {
            let nothing = Transaction::RemoveHeld {
                names: rest,
                recursive,
            };
            return Ok((nothing, held, Plan::default()));
        }
        let tx = Transaction::RemoveHeld {
            names: rest,
            recursive,
        };
        let plan = self.plan(&tx)?;
        let still: Vec<String> = hold::held(&plan, &patterns)
            .into_iter()
            .map(String::from)
            .collect();
        if still.is_empty() {
            return Ok((tx, held, plan));
        }
        let names: Vec<String> = plan
            .actions
            .iter()
            .filter(|a| a.kind == ActionKind::Remove && !still.contains(&a.name))
            .map(|a| a.name.clone())
            .collect();
        let tx = Transaction::RemoveHeld {
            names,
            recursive: false,
        };
        let plan = self
            .plan(&tx)
            .map_err(|_| hold::refusal(&still.iter().map(String::as_str).collect::<Vec<_>>()))?;
        held.extend(still);
        Ok((tx, held, plan))
    }

    /// Every installed package as (name, version).
    fn installed_versions(&self) -> Vec<(String, String)> {
        self.alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|p| (p.name().to_string(), p.version().to_string()))
            .collect()
    }

    /// Opens the session again after a transaction that may have changed the databases; a
    /// failure of the transaction wins over a failure to reopen.
    fn reopen_after<T>(&mut self, result: Result<T>) -> Result<T> {
        let reopened = self.reopen();
        match (result, reopened) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
            (Ok(v), Ok(())) => Ok(v),
        }
    }
}

/// Install, remove or upgrade: init (waiting for the lock), targets, prepare, the package
/// files (downloaded first by a download-only transaction when some are missing) checked to
/// stay inside the root ([`confine`]), commit, release.
fn commit_packages(
    cfg: &Resolved,
    tx: &Transaction,
    refuse_held: bool,
    sink: Arc<dyn ProgressSink>,
    interrupt: Arc<Interrupt>,
) -> Result<TransactionOutcome> {
    let mut h = TxHandle::open(cfg, interrupt.clone())?;
    h.shared.set_sink(Some(sink.clone()));
    begin(&mut h, cfg, tx, TransFlag::NONE, Some(sink.as_ref()))?;
    let result = prepare(&mut h, tx).and_then(|_| {
        let plan = plan::from_prepared(&h.alpm);
        if plan.is_empty() {
            return Ok(TransactionOutcome::default());
        }
        if refuse_held {
            let held = hold::held(&plan, &cfg.conf.hold_pkgs);
            if !held.is_empty() {
                return Err(hold::refusal(&held));
            }
        }
        interrupt.set_running(true);
        let outcome = checked_commit(&mut h, cfg, tx, plan, sink.as_ref(), &interrupt);
        interrupt.set_running(false);
        outcome
    });
    release(&mut h);
    result
}

/// The prepared transaction on `h` whose plan is `plan`: its package files downloaded
/// (by a transaction of their own when some are missing, after which the transaction is
/// prepared again), checked, and committed.
fn checked_commit(
    h: &mut TxHandle,
    cfg: &Resolved,
    tx: &Transaction,
    mut plan: Plan,
    sink: &dyn ProgressSink,
    interrupt: &Interrupt,
) -> Result<TransactionOutcome> {
    let mut files = package_files::of_transaction(&h.alpm)?;
    if files.iter().any(|f| f.download) {
        release(h);
        begin(h, cfg, tx, TransFlag::DOWNLOAD_ONLY, Some(sink))?;
        prepare(h, tx)?;
        run_commit(h, cfg, interrupt, 0)?;
        if interrupt.is_requested() {
            return Err(Error::Interrupted(
                "stopped after the download; nothing was installed or removed".into(),
            ));
        }
        release(h);
        begin(h, cfg, tx, TransFlag::NONE, Some(sink))?;
        prepare(h, tx)?;
        // The same plan, unless another package manager ran in between; what was
        // downloaded is what the first plan said.
        let downloaded = std::mem::replace(&mut plan, plan::from_prepared(&h.alpm));
        for action in &mut plan.actions {
            if let Some(before) = downloaded
                .actions
                .iter()
                .find(|a| a.name == action.name && a.new_version == action.new_version)
            {
                action.download_size = before.download_size;
            }
        }
        plan.download_size = plan.actions.iter().map(|a| a.download_size).sum();
        files = package_files::of_transaction(&h.alpm)?;
        if let Some(missing) = files.iter().find(|f| f.download) {
            return Err(Error::Library {
                library: "libalpm".into(),
                message: format!(
                    "{} is still missing from the cache after its download (did another \
                     package manager change the cache meanwhile?); run the command again",
                    missing.path.display()
                ),
            });
        }
    }
    let identities = if files.is_empty() {
        Vec::new()
    } else {
        check_files(h, cfg, &files, interrupt)?
    };
    h.shared.set_checked(
        files
            .into_iter()
            .zip(identities)
            .filter(|(f, _)| !f.candidates.is_empty())
            .map(|(f, identity)| (f.candidates, identity))
            .collect(),
    );
    let operations = plan.actions.len();
    let committed = run_commit(h, cfg, interrupt, operations);
    let replaced = h.shared.take_replaced();
    h.shared.set_checked(Vec::new());
    if let Some(path) = replaced.into_iter().next() {
        return Err(Error::CorruptPackage {
            path,
            reason: "it changed after omg checked it, so it was deleted from the cache and \
                     nothing was installed; run the command again"
                .into(),
        });
    }
    let (interrupted, done, started) = committed?;
    if interrupted && !done {
        return Err(Error::Interrupted(format!(
            "stopped after {started} of {operations} package changes; every package is \
             either fully changed or untouched and the package database matches the \
             files on disk. Run the command again to finish"
        )));
    }
    Ok(TransactionOutcome {
        actions: plan.actions,
        ..TransactionOutcome::default()
    })
}

/// [`confine::check`] with its progress on the sink, as a step of its own.
fn check_files(
    h: &TxHandle,
    cfg: &Resolved,
    files: &[package_files::PackageFile],
    interrupt: &Interrupt,
) -> Result<Vec<confine::Identity>> {
    let step = "checking that the packages stay inside the root";
    h.shared.emit(omg_ports::ProgressEvent::Step {
        message: step.into(),
        current: 1,
        total: 1,
    });
    let total = files.len();
    let mut progress = |done: usize| {
        h.shared.emit(omg_ports::ProgressEvent::StepProgress {
            item: step.into(),
            percent: (done * 100 / total.max(1)) as u8,
        })
    };
    confine::check(&cfg.root, files, &mut progress, &|| {
        interrupt.is_requested()
    })
}

/// `alpm_trans_commit` of the prepared transaction on `h` with `operations` package
/// operations, interrupts armed; returns (interrupted, transaction done, operations
/// started).
fn run_commit(
    h: &mut TxHandle,
    cfg: &Resolved,
    interrupt: &Interrupt,
    operations: usize,
) -> Result<(bool, bool, usize)> {
    h.shared.begin_commit(h.alpm.as_alpm_handle_t(), operations);
    let before = download_dirs(cfg);
    let one_at_a_time = forking();
    let committed = match h.alpm.trans_commit() {
        Ok(()) => Ok(()),
        Err(_) if interrupt.stopped_download() => {
            h.shared.take_errors();
            Err(download_stopped())
        }
        Err(e) => {
            let logged = h.shared.take_errors();
            Err(errors::commit(
                &e,
                cfg.cache_dirs.first().map(|p| p.as_path()),
                &h.shared.take_corrupted(),
                &logged,
            ))
        }
    };
    drop(one_at_a_time);
    // libalpm 16 makes a `download-XXXXXX` directory in the cache for each commit that
    // downloads in its sandbox, and leaves it behind (empty) when there was nothing to
    // download.
    for dir in download_dirs(cfg).difference(&before) {
        let _ = std::fs::remove_dir(dir);
    }
    let state = h.shared.end_commit();
    committed.map(|()| state)
}

/// The `download-*` directories in the cache directories.
fn download_dirs(cfg: &Resolved) -> std::collections::BTreeSet<std::path::PathBuf> {
    cfg.cache_dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with("download-")
                && e.file_type().is_ok_and(|t| t.is_dir())
        })
        .map(|e| e.path())
        .collect()
}

/// `alpm_trans_init` with `flags`, waiting for another process's lock unless `NO_LOCK`.
fn begin(
    h: &mut TxHandle,
    cfg: &Resolved,
    tx: &Transaction,
    flags: TransFlag,
    sink: Option<&dyn ProgressSink>,
) -> Result<()> {
    let flags = match tx {
        Transaction::Remove {
            recursive: true, ..
        }
        | Transaction::RemoveHeld {
            recursive: true, ..
        } => flags | TransFlag::RECURSE,
        _ => flags,
    };
    let shared = h.shared.clone();
    let alpm = &h.alpm;
    lock::with_lock(
        &cfg.lock_path(),
        cfg.lock_timeout,
        |event| {
            if let Some(sink) = sink {
                sink.event(event)
            }
        },
        || alpm.trans_init(flags),
        |e| errors::generic(e, &shared.take_errors()),
    )
}

/// Adds `tx`'s targets and prepares the transaction; returns the notes for the plan
/// (targets left alone because they are up to date).
fn prepare(h: &mut TxHandle, tx: &Transaction) -> Result<Vec<String>> {
    let notes = match tx {
        Transaction::Install(names) => targets::add_installs(&h.alpm, names, false)?,
        Transaction::Reinstall(names) => targets::add_installs(&h.alpm, names, true)?,
        Transaction::Remove { names, .. } | Transaction::RemoveHeld { names, .. } => {
            targets::add_removals(&h.alpm, names)?;
            Vec::new()
        }
        Transaction::Upgrade => {
            h.alpm
                .sync_sysupgrade(false)
                .map_err(|e| errors::generic(e, &h.shared.take_errors()))?;
            Vec::new()
        }
        Transaction::Refresh
        | Transaction::CleanCache { .. }
        | Transaction::CleanCacheUninstalled => Vec::new(),
    };
    h.shared.take_errors();
    let removing = matches!(
        tx,
        Transaction::Remove { .. } | Transaction::RemoveHeld { .. }
    );
    let shared = h.shared.clone();
    // Nothing left to add (every target up to date): libalpm would refuse an empty
    // transaction ("transaction is empty"); the plan is empty.
    if h.alpm.trans_add().is_empty() && h.alpm.trans_remove().is_empty() && !notes.is_empty() {
        return Ok(notes);
    }
    h.alpm
        .trans_prepare()
        .map_err(|e| errors::prepare(&e, removing, &shared.take_errors()))?;
    Ok(notes)
}

/// Releases the transaction (and with it `db.lck`); a failure is only logged.
fn release(h: &mut TxHandle) {
    if let Err(e) = h.alpm.trans_release() {
        tracing::warn!("libalpm could not release the transaction: {e}");
    }
}

/// `Refresh`: every sync database through libalpm's downloader, under the lock. Returns
/// each database, downloaded or up to date, in `pacman.conf` order.
fn refresh(
    cfg: &Resolved,
    sink: Arc<dyn ProgressSink>,
    interrupt: Arc<Interrupt>,
) -> Result<Vec<RefreshedDatabase>> {
    if cfg.repos.is_empty() {
        return Ok(Vec::new());
    }
    // libalpm creates the directory of its lock, not `sync/` itself.
    let sync = cfg.dbpath.join("sync");
    std::fs::create_dir_all(&sync).map_err(|source| Error::Io { path: sync, source })?;
    let mut h = TxHandle::open(cfg, interrupt.clone())?;
    h.shared.set_sink(Some(sink.clone()));
    let shared = h.shared.clone();
    let alpm = &mut h.alpm;
    interrupt.set_running(true);
    let one_at_a_time = forking();
    let result = lock::with_lock(
        &cfg.lock_path(),
        cfg.lock_timeout,
        |event| sink.event(event),
        || alpm.syncdbs_mut().update(false),
        |e| errors::generic(e, &shared.take_errors()),
    );
    drop(one_at_a_time);
    let stopped = interrupt.stopped_download();
    interrupt.set_running(false);
    if stopped {
        return Err(download_stopped());
    }
    result?;
    let seen = shared.take_refreshed();
    Ok(cfg
        .repos
        .iter()
        .map(|repo| {
            let (downloaded, size) = seen
                .iter()
                .find(|(name, ..)| name == repo)
                .map_or((false, 0), |(_, d, s)| (*d, *s));
            RefreshedDatabase {
                name: repo.clone(),
                downloaded,
                size,
            }
        })
        .collect())
}

/// Serializes the commits and refreshes of every backend in this process. libalpm forks its
/// download process with the user's record from `getpwnam`, whose buffer is shared by every
/// thread: two handles downloading at once (tests open many backends in one process) could
/// hand a download process the other's user.
fn forking() -> std::sync::MutexGuard<'static, ()> {
    static FORKS: std::sync::Mutex<()> = std::sync::Mutex::new(());
    FORKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The error of a transaction whose download an interrupt stopped.
fn download_stopped() -> Error {
    Error::Interrupted(
        "the download was stopped; nothing was installed or removed, and the package \
         databases are as before"
            .into(),
    )
}

/// The plan of `Refresh`: nothing to install, a note of what will be downloaded (and which
/// databases a lenient open found damaged, which makes it a forced refresh).
fn refresh_plan(cfg: &Resolved, damaged: &[Damage]) -> Plan {
    let mut warnings = vec![if cfg.repos.is_empty() {
        "no repositories are configured; nothing to refresh".to_string()
    } else {
        format!(
            "refresh downloads the package databases of {}",
            cfg.repos.join(", ")
        )
    }];
    for d in damaged {
        warnings.push(match &d.reason {
            None => format!("{} has no database yet ({})", d.repo, d.path.display()),
            Some(reason) => format!(
                "the database of {} is damaged ({reason}); it is downloaded again",
                d.repo
            ),
        });
    }
    Plan {
        warnings,
        ..Plan::default()
    }
}

/// `install foo bar`, `remove foo`, `upgrade`, ... for messages.
fn operation(tx: &Transaction) -> String {
    match tx {
        Transaction::Install(names)
        | Transaction::Reinstall(names)
        | Transaction::Remove { names, .. }
        | Transaction::RemoveHeld { names, .. } => {
            format!("{} {}", tx.verb(), names.join(" "))
        }
        Transaction::Refresh => "sync".into(),
        _ => tx.verb().into(),
    }
}

/// [`Error::NeedsRoot`] unless this process may write `path` (tests use a root of their
/// own, which needs no root).
fn require_writable(path: &Path, operation: &str) -> Result<()> {
    if writable(path) {
        Ok(())
    } else {
        Err(Error::NeedsRoot {
            operation: operation.to_string(),
        })
    }
}

/// `access(path, W_OK)`.
fn writable(path: &Path) -> bool {
    let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}
