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
    /// Packages the repositories offer: one per name and repository (`pacman -Sl | wc -l`;
    /// on apt, one per name with a candidate version), not counting installed packages no
    /// repository has.
    pub available: usize,
    /// Installed packages.
    pub installed: usize,
    /// Explicitly installed packages.
    pub explicit: usize,
    /// Orphaned dependencies.
    pub orphans: usize,
    /// Packages with an update available.
    pub upgradable: usize,
    /// Known vulnerabilities of the installed packages, as of the last audit (by `omg audit`
    /// or omgd's background refresh); `None` when no audit has run yet.
    pub security: Option<SecuritySummary>,
    /// The language runtimes omg manages for this user: installed versions and global
    /// defaults (what applies where no version file decides).
    pub runtimes: Vec<RuntimeStatus>,
}

/// One language runtime's installed versions and global default, for `omg status`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct RuntimeStatus {
    /// The runtime (`node`, `python`, ...).
    pub name: String,
    /// The global default's spec (`20`, `lts`), if one is set.
    pub default_spec: Option<String>,
    /// The installed version the global default selects, if any.
    pub default_version: Option<String>,
    /// Installed versions, newest first.
    pub installed: Vec<String>,
}

/// The outcome of the last security audit, for `omg status`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct SecuritySummary {
    /// Which feed (`the Debian security feed for bookworm`).
    pub feed: String,
    /// Installed packages with at least one known vulnerability.
    pub vulnerable: usize,
    /// Of those, rated critical.
    pub critical: usize,
    /// Of those, rated high.
    pub high: usize,
    /// Of those, fixed by the pending upgrade.
    pub fixable: usize,
    /// When the feed was downloaded, in seconds since the Unix epoch.
    pub fetched_at: i64,
    /// When the audit was computed, in seconds since the Unix epoch.
    pub audited_at: i64,
}
