//! The write half of a backend: transactions, their plans and progress.

use serde::{Deserialize, Serialize};

use crate::InstallReason;

/// A change to the system's packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transaction {
    /// Install these packages (and their dependencies). A package already installed at its
    /// newest version is left alone with a warning in the plan ("already the newest
    /// version", as apt says; pacman's `--needed`), and so is a provided name an installed
    /// package already provides. Names may be `repository/name`; the apt backend also takes
    /// `name=version` and `name/release`. A path to a package file (starting with `/`, `./`
    /// or `../` and ending in `.pkg.tar*` or `.deb`) installs that file with its
    /// dependencies from the repositories, like `pacman -U` and `apt install ./x.deb`.
    Install(Vec<String>),
    /// Like [`Transaction::Install`], but packages already installed at the same version
    /// are installed again (`pacman -S`, `apt install --reinstall`).
    Reinstall(Vec<String>),
    /// Remove these packages; with `recursive`, also the dependencies nothing else needs.
    Remove {
        /// Packages to remove.
        names: Vec<String>,
        /// Also remove dependencies that become unneeded.
        recursive: bool,
    },
    /// Like [`Transaction::Remove`], including packages the system holds (pacman.conf's
    /// `HoldPkg`), which `Remove` leaves out ([`Plan::held`]): for after the user confirmed
    /// them, as pacman asks. The apt backend still refuses essential packages.
    RemoveHeld {
        /// Packages to remove.
        names: Vec<String>,
        /// Also remove dependencies that become unneeded.
        recursive: bool,
    },
    /// Upgrade every installed package that has a newer version.
    Upgrade,
    /// Download fresh package databases.
    Refresh,
    /// Delete downloaded package files from the backend's cache, keeping the newest `keep`
    /// versions of each package (`0` deletes them all).
    CleanCache {
        /// How many versions of each package to keep.
        keep: usize,
    },
    /// Delete downloaded package files from the backend's cache except those of the
    /// versions installed now (`pacman -Sc`).
    CleanCacheUninstalled,
}

impl Transaction {
    /// A short verb for messages and history: `install`, `remove`, `upgrade`, `refresh`, `clean`.
    pub fn verb(&self) -> &'static str {
        match self {
            Transaction::Install(_) | Transaction::Reinstall(_) => "install",
            Transaction::Remove { .. } | Transaction::RemoveHeld { .. } => "remove",
            Transaction::Upgrade => "upgrade",
            Transaction::Refresh => "refresh",
            Transaction::CleanCache { .. } | Transaction::CleanCacheUninstalled => "clean",
        }
    }
}

/// What happens to one package (or cached file) in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Newly installed.
    Install,
    /// Replaced by a newer version.
    Upgrade,
    /// Replaced by an older version.
    Downgrade,
    /// The same version installed again.
    Reinstall,
    /// Removed.
    Remove,
    /// A cached package file deleted by [`Transaction::CleanCache`] or
    /// [`Transaction::CleanCacheUninstalled`] (`name` is the file path).
    DeleteFile,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAction {
    /// What happens.
    pub kind: ActionKind,
    /// Package name (a file path for [`ActionKind::DeleteFile`]).
    pub name: String,
    /// The installed version before the transaction, if any.
    pub old_version: Option<String>,
    /// The version after the transaction, if the package stays installed.
    pub new_version: Option<String>,
    /// Repository the new version comes from, when known.
    pub repository: Option<String>,
    /// Bytes to download for this step (0 when the file is already cached).
    pub download_size: u64,
    /// Installed size of the new version, or of the removed package / deleted file.
    pub installed_size: u64,
    /// Why the package is installed: asked for explicitly, or pulled in as a dependency.
    pub reason: Option<InstallReason>,
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
    /// Things the user should know before confirming (held packages, replaced packages, ...).
    pub warnings: Vec<String>,
    /// Packages asked to be removed that the system holds (pacman.conf's `HoldPkg`) and a
    /// [`Transaction::Remove`] therefore leaves out (the warnings say so); a
    /// [`Transaction::RemoveHeld`] of the same names removes them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
}

impl Plan {
    /// True when the transaction would change nothing.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// Progress reported while a transaction runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
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
    /// Progress within the current step, in percent (0–100).
    StepProgress {
        /// The package or item the step works on.
        item: String,
        /// Percent done.
        percent: u8,
    },
    /// A message from the package library or a package's scriptlet (a warning, a note, the
    /// wait for another package manager's lock).
    Message {
        /// `info`, `warning` or `error`.
        level: String,
        /// The text.
        text: String,
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
    /// For [`Transaction::Refresh`]: each package database, downloaded or up to date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<RefreshedDatabase>,
}

/// One package database a [`Transaction::Refresh`] looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshedDatabase {
    /// The repository (alpm) or the source's list (apt, as libapt describes it).
    pub name: String,
    /// True when a new copy was downloaded; false when the copy on disk was up to date
    /// (pacman: `core is up to date`; apt: `Hit:`).
    pub downloaded: bool,
    /// Bytes downloaded (0 when up to date).
    pub size: u64,
}

/// One installed package and the names of the installed packages it depends on, for `why`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyNode {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Explicitly installed or pulled in as a dependency.
    pub reason: InstallReason,
    /// Installed packages that satisfy its dependencies (resolved through provides).
    pub depends: Vec<String>,
    /// Installed packages that satisfy its optional dependencies.
    pub optional: Vec<String>,
}
