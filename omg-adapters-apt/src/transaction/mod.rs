//! Transactions through libapt: plans from the DepCache's marks, commits through libapt's
//! acquire system and package manager (which runs dpkg), the locks apt takes, progress,
//! and interrupts.
//!
//! Every function here runs on the libapt worker thread, on a cache the transaction took
//! out of the worker ([`crate::worker::State::take_cache`]): the marks of a plan never
//! reach a later read, and the next job opens a cache that sees what a commit changed.
//!
//! # Interrupts
//!
//! [`Control::interrupt`] sets a flag that the acquire system's pulse (every 100 ms while a
//! download runs) and the lock waits check: the download stops at libapt's next safe point,
//! nothing is installed, and the locks are released. Once dpkg runs it is too late: dpkg
//! is left to finish (stopping it half-way leaves packages half-configured), and
//! `interrupt` answers false.

pub(crate) mod bridge;
mod broken;
mod clean;
mod commit;
mod dpkg;
pub(crate) mod local_deb;
mod lock;
pub(crate) mod old_versions;
mod plan;
mod progress;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use omg_ports::{Error, Plan, ProgressSink, Result, Transaction, TransactionOutcome};
use rust_apt::raw::config as apt;
use rust_apt::Cache;

pub(crate) use progress::Control;

use crate::config::Paths;

/// How long a commit waits for another package manager's lock unless told otherwise.
pub(crate) const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// Where a transaction works, read from the configuration libapt has loaded.
pub(crate) struct Settings {
    /// How long to wait for a lock another process holds.
    pub(crate) lock_timeout: Duration,
    /// `Dir::Cache::Archives`.
    pub(crate) archives: PathBuf,
    /// `Dir::State::Lists`.
    pub(crate) lists: PathBuf,
    /// dpkg's database directory (that of `Dir::State::status`), where its locks are.
    pub(crate) dpkg_dir: PathBuf,
    /// `Dir`: the root packages are installed under.
    pub(crate) root: PathBuf,
}

impl Settings {
    /// Worker thread only, with the configuration of `paths` loaded.
    fn load(paths: &Paths, lock_timeout: Duration) -> Settings {
        let dir = |key: &str, default: &str| {
            PathBuf::from(apt::find_dir(key.to_owned(), default.to_owned()))
        };
        Settings {
            lock_timeout,
            archives: dir("Dir::Cache::Archives", "/var/cache/apt/archives/"),
            lists: paths.lists.clone(),
            dpkg_dir: paths
                .status
                .parent()
                .map_or_else(|| PathBuf::from("/var/lib/dpkg"), PathBuf::from),
            root: dir("Dir", "/"),
        }
    }
}

/// What `tx` would do. Worker thread only.
pub(crate) fn plan(cache: Cache, paths: &Paths, tx: &Transaction) -> Result<Plan> {
    let settings = Settings::load(paths, DEFAULT_LOCK_TIMEOUT);
    match tx {
        Transaction::Refresh => Ok(Plan {
            warnings: vec![
                "a refresh downloads the package lists of every configured source; what changes is known only once they are fetched"
                    .to_owned(),
            ],
            ..Plan::default()
        }),
        Transaction::CleanCache { keep } => {
            drop(cache);
            clean::plan(&settings.archives, clean::Keep::Newest(*keep))
        }
        Transaction::CleanCacheUninstalled => {
            let installed = installed_versions(&cache);
            drop(cache);
            clean::plan(&settings.archives, clean::Keep::Installed(&installed))
        }
        _ => {
            let marked = plan::mark(&cache, tx)?;
            Ok(plan::build(&cache, marked, &settings.archives))
        }
    }
}

/// Carries out `tx`. Worker thread only.
pub(crate) fn commit(
    cache: Cache,
    paths: &Paths,
    tx: &Transaction,
    sink: Arc<dyn ProgressSink>,
    control: Arc<Control>,
    lock_timeout: Duration,
) -> Result<TransactionOutcome> {
    let settings = Settings::load(paths, lock_timeout);
    let ctx = commit::Context {
        settings: &settings,
        sink,
        control,
    };
    let outcome = commit::commit(cache, tx, &ctx);
    // Whatever libapt left on its stack belongs to this transaction.
    crate::error::take_messages();
    outcome
}

/// Every installed package as (name, version).
fn installed_versions(cache: &Cache) -> Vec<(String, String)> {
    cache
        .iter()
        .filter_map(|pkg| {
            let version = pkg.installed()?.version().to_owned();
            Some((pkg.name().to_owned(), version))
        })
        .collect()
}

/// [`Error::NeedsRoot`] unless this process runs as root.
pub(crate) fn require_root(tx: &Transaction) -> Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return Ok(());
    }
    let operation = match tx {
        Transaction::Install(names)
        | Transaction::Reinstall(names)
        | Transaction::Remove { names, .. }
        | Transaction::RemoveHeld { names, .. } => {
            format!("{} {}", tx.verb(), names.join(" "))
        }
        _ => tx.verb().to_owned(),
    };
    Err(Error::NeedsRoot { operation })
}
