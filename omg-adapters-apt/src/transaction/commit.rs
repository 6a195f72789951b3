//! Carrying a transaction out through libapt: the system lock, the acquire system for the
//! archives (or the lists), dpkg as libapt's package manager runs it.

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use omg_ports::{Error, Plan, ProgressSink, Result, Transaction, TransactionOutcome};
use rust_apt::Cache;

use super::bridge::ffi;
use super::lock::{wait_for, Wait};
use super::progress::{Control, Naming, Reporter};
use super::{clean, dpkg, plan, Settings};
use crate::error::{self, library};

/// Everything a commit needs besides the cache.
pub(crate) struct Context<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) sink: Arc<dyn ProgressSink>,
    pub(crate) control: Arc<Control>,
}

impl Context<'_> {
    fn wait<'p>(&'p self, paths: &'p [PathBuf]) -> Wait<'p> {
        Wait {
            paths,
            timeout: self.settings.lock_timeout,
            sink: &self.sink,
            control: &self.control,
        }
    }

    fn interrupted_check(&self, what: &str) -> Result<()> {
        if self.control.cancelled() {
            return Err(Error::Interrupted(format!("{what}; nothing was changed")));
        }
        Ok(())
    }
}

/// Carries out `tx` on `cache`, which it consumes.
pub(crate) fn commit(
    cache: Cache,
    tx: &Transaction,
    ctx: &Context<'_>,
) -> Result<TransactionOutcome> {
    ctx.interrupted_check("interrupted before it started")?;
    match tx {
        Transaction::Refresh => refresh(cache, ctx),
        Transaction::CleanCache { keep } => {
            drop(cache);
            clean_cache(clean::Keep::Newest(*keep), ctx)
        }
        Transaction::CleanCacheUninstalled => {
            let installed = super::installed_versions(&cache);
            drop(cache);
            clean_cache(clean::Keep::Installed(&installed), ctx)
        }
        _ => change(cache, tx, ctx),
    }
}

/// libapt's `_system->Lock()` (dpkg's `lock-frontend`, then `lock`), held until dropped.
struct SystemLock;

impl SystemLock {
    fn take(ctx: &Context<'_>) -> Result<SystemLock> {
        let paths = [
            ctx.settings.dpkg_dir.join("lock-frontend"),
            ctx.settings.dpkg_dir.join("lock"),
        ];
        wait_for(&ctx.wait(&paths), || match rust_apt::util::apt_lock() {
            Ok(()) => Ok(Ok(SystemLock)),
            Err(e) => Ok(Err(error::messages(&e))),
        })
    }
}

impl Drop for SystemLock {
    fn drop(&mut self) {
        rust_apt::util::apt_unlock();
    }
}

/// An install, removal or upgrade.
fn change(cache: Cache, tx: &Transaction, ctx: &Context<'_>) -> Result<TransactionOutcome> {
    let archives = &ctx.settings.archives;
    let marked = plan::mark(&cache, tx)?;
    if let Some(pkg) = cache
        .get_changes(true)
        .find(|pkg| pkg.marked_delete() && pkg.is_essential())
    {
        return Err(Error::InvalidRequest(format!(
            "{} is an essential package; omg does not remove essential packages (use apt-get if you really mean it)",
            pkg.fullname(true)
        )));
    }
    let mark_manual = !marked.mark_manual.is_empty();
    let plan = plan::build(&cache, marked, archives);
    check_space(archives, plan.download_size)?;
    if plan.installed_size_delta > 0 {
        check_space(&ctx.settings.root, plan.installed_size_delta.unsigned_abs())?;
    }
    let _system = SystemLock::take(ctx)?;
    if plan.actions.is_empty() {
        if mark_manual && !ffi::write_state_file(&cache) {
            return Err(library(&error::take_messages()));
        }
        return Ok(TransactionOutcome::default());
    }

    let mut reporter = Reporter::new(ctx.sink.clone(), ctx.control.clone(), Naming::Package);
    let mut installer = ffi::new_installer(&cache);
    let archives_text = archives.to_string_lossy().into_owned();
    let archive_lock = [archives.join("lock")];
    let mut failures = Vec::new();
    wait_for(&ctx.wait(&archive_lock), || {
        let Some(installer) = installer.as_mut() else {
            return Err(library(&error::take_messages()));
        };
        match installer.fetch(&mut reporter, &archives_text, &mut failures) {
            0 => Ok(Ok(())),
            1 => Ok(Err(error::take_messages())),
            2 => Err(fetch_error(&failures)),
            3 => Err(Error::Interrupted(
                "the download was stopped; nothing was installed or removed".to_owned(),
            )),
            _ => Err(library(&error::take_messages())),
        }
    })?;
    ctx.interrupted_check("stopped after the download")?;

    // From here on dpkg changes the system: an interrupt is too late, dpkg finishes.
    ctx.control.enter_dpkg();
    rust_apt::util::apt_unlock_inner();
    let result = match installer.as_mut() {
        Some(installer) => installer.install(&mut reporter),
        None => 1,
    };
    drop(installer);
    let messages = error::take_messages();
    if result != 0 || !reporter.dpkg_errors.is_empty() {
        return Err(dpkg::error(
            &reporter.dpkg_errors,
            &messages,
            &ctx.settings.root,
            plan.installed_size_delta,
        ));
    }
    reporter.install_finished();
    Ok(TransactionOutcome {
        actions: plan.actions,
        ..TransactionOutcome::default()
    })
}

/// The typed error for the items libapt failed to fetch.
fn fetch_error(failures: &[ffi::FetchFailure]) -> Error {
    let Some(failure) = failures
        .iter()
        .find(|f| !f.transient)
        .or_else(|| failures.first())
    else {
        return library(&error::take_messages());
    };
    error::take_messages();
    let text = failure.error.to_lowercase();
    let corrupt = failure.auth
        || text.contains("hash sum mismatch")
        || text.contains("size mismatch")
        || text.contains("unexpected size");
    if corrupt {
        let path = failure
            .uri
            .strip_prefix("file:")
            .map(|p| PathBuf::from(format!("/{}", p.trim_start_matches('/'))))
            .unwrap_or_else(|| PathBuf::from(&failure.file));
        Error::CorruptPackage {
            path,
            reason: failure.error.trim().replace('\n', " "),
        }
    } else {
        Error::Download {
            url: failure.uri.clone(),
            reason: failure.error.trim().replace('\n', " "),
        }
    }
}

/// Fails with [`Error::DiskSpace`] when the file system of `dir` has fewer than `needed`
/// bytes available, as apt checks it (`f_bavail`).
fn check_space(dir: &Path, needed: u64) -> Result<()> {
    if needed == 0 {
        return Ok(());
    }
    let Some(available) = free_space(dir) else {
        return Ok(());
    };
    if available < needed {
        return Err(Error::DiskSpace {
            mount: dir.to_path_buf(),
            needed,
            available,
        });
    }
    Ok(())
}

/// Bytes available on the file system of `dir`, if it can be asked.
pub(crate) fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs is plain data, filled in by the call.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a pointer to a live statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// `apt update`: every source's lists through libapt's acquire system, under the lists'
/// lock.
fn refresh(cache: Cache, ctx: &Context<'_>) -> Result<TransactionOutcome> {
    let mut reporter = Reporter::new(ctx.sink.clone(), ctx.control.clone(), Naming::Description);
    let lock = [ctx.settings.lists.join("lock")];
    let failed = wait_for(&ctx.wait(&lock), || {
        match ffi::update_lists(&cache, &mut reporter) {
            0 => Ok(Ok(false)),
            2 => Ok(Ok(true)),
            1 => Ok(Err(error::take_messages())),
            3 => Err(Error::Interrupted(
                "the refresh was stopped; the lists downloaded so far are kept".to_owned(),
            )),
            _ => Err(library(&error::take_messages())),
        }
    })?;
    drop(cache);
    let messages = error::take_messages();
    if failed {
        let reason = reporter
            .failures
            .first()
            .map(|(_, e)| e.clone())
            .unwrap_or_else(|| messages.join("; "));
        let url = reporter
            .failures
            .first()
            .map(|(item, _)| item.clone())
            .unwrap_or_else(|| "the package lists".to_owned());
        return Err(Error::Download { url, reason });
    }
    Ok(TransactionOutcome {
        databases: std::mem::take(&mut reporter.refreshed),
        ..TransactionOutcome::default()
    })
}

/// Deletes cached archives under the archives' lock.
fn clean_cache(keep: clean::Keep<'_>, ctx: &Context<'_>) -> Result<TransactionOutcome> {
    let archives = &ctx.settings.archives;
    let path = archives.join("lock");
    let text = path.to_string_lossy().into_owned();
    let lock = [path];
    let _fd: OwnedFd = wait_for(&ctx.wait(&lock), || {
        let fd = ffi::lock_file(&text);
        if fd < 0 {
            return Ok(Err(error::take_messages()));
        }
        // SAFETY: libapt's GetLock returned a descriptor nobody else owns.
        Ok(Ok(unsafe { OwnedFd::from_raw_fd(fd) }))
    })?;
    let plan: Plan = clean::plan(archives, keep)?;
    clean::delete(&plan)?;
    Ok(TransactionOutcome {
        actions: plan.actions,
        ..TransactionOutcome::default()
    })
}
