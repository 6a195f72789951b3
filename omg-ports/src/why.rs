//! Why an installed package is there: the answer of `omg why` (computed by `omg-domain`'s
//! `why` over the installed dependency graph).

use serde::{Deserialize, Serialize};

use crate::InstallReason;

/// Why one installed package is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct WhyReport {
    /// The package asked about.
    pub name: String,
    /// Its installed version.
    pub version: String,
    /// Installed explicitly, or as a dependency.
    pub reason: InstallReason,
    /// Installed packages that depend on it, sorted.
    pub required_by: Vec<String>,
    /// Installed packages that list it as an optional dependency, sorted.
    pub optional_for: Vec<String>,
    /// Dependency chains from an explicitly installed package to this one (both ends
    /// included), shortest first, at most `omg_domain::why::MAX_CHAINS`.
    pub chains: Vec<Vec<String>>,
    /// How many explicitly installed packages need it, directly or not (there can be more
    /// than the chains shown).
    pub needed_by_explicit: usize,
}

impl WhyReport {
    /// True when nothing installed needs it and it was not asked for: an orphan.
    pub fn is_orphan(&self) -> bool {
        self.reason == InstallReason::Dependency && self.required_by.is_empty()
    }
}
