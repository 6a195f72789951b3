//! The write half of a backend: transactions, their plans and progress.

use serde::{Deserialize, Serialize};

/// A change to the system's packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transaction {
    /// Install these packages (and their dependencies).
    Install(Vec<String>),
    /// Remove these packages; with `recursive`, also the dependencies nothing else needs.
    Remove {
        /// Packages to remove.
        names: Vec<String>,
        /// Also remove dependencies that become unneeded.
        recursive: bool,
    },
    /// Upgrade every installed package that has a newer version.
    Upgrade,
    /// Download fresh package databases.
    Refresh,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlannedAction {
    /// A package that will be installed.
    Install {
        /// Package name.
        name: String,
        /// Version to install.
        version: String,
    },
    /// A package that will be upgraded (or downgraded).
    Upgrade {
        /// Package name.
        name: String,
        /// Installed version.
        from: String,
        /// Version it moves to.
        to: String,
    },
    /// A package that will be removed.
    Remove {
        /// Package name.
        name: String,
        /// Installed version.
        version: String,
    },
}

/// What a transaction would do, computed without changing anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Steps in the order the backend would take them.
    pub actions: Vec<PlannedAction>,
    /// Bytes to download.
    pub download_size: u64,
    /// Change of installed size in bytes (negative when space is freed).
    pub installed_size_delta: i64,
}

/// Progress reported while a transaction runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgressEvent {
    /// Bytes of a download so far.
    Download {
        /// What is downloaded (a file or package name).
        item: String,
        /// Bytes received.
        done: u64,
        /// Total bytes, when known.
        total: Option<u64>,
    },
    /// A step of the transaction started (`installing foo`, `checking keys`, ...).
    Step {
        /// Human-readable description.
        message: String,
        /// Index of this step, counting from 1.
        current: usize,
        /// Number of steps.
        total: usize,
    },
}

/// Receives progress events; implemented by the CLI's progress bars, a GUI, or a log.
pub trait ProgressSink: Send + Sync {
    /// Called for each event, on the backend's thread: keep it quick.
    fn event(&self, event: ProgressEvent);
}

/// The result of a committed transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransactionOutcome {
    /// The steps that were carried out.
    pub actions: Vec<PlannedAction>,
}
