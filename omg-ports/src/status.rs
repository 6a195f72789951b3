//! System status counts and the package lists behind them.

use serde::{Deserialize, Serialize};

/// Which installed packages to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// Every installed package.
    Installed,
    /// Packages the user asked for (not pulled in as dependencies).
    Explicit,
    /// Packages installed as dependencies that nothing installed needs any more.
    Orphans,
    /// Installed packages with a newer version available.
    Upgradable,
}

/// Counts describing the package state of the system.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Status {
    /// Which backend produced it (`alpm`, `apt`, ...).
    pub backend: String,
    /// Packages known to the repositories (the size of the search index).
    pub available: usize,
    /// Installed packages.
    pub installed: usize,
    /// Explicitly installed packages.
    pub explicit: usize,
    /// Orphaned dependencies.
    pub orphans: usize,
    /// Packages with an update available.
    pub upgradable: usize,
}
