//! Packages: the full record shown by `info`, and the summary kept in the search index.

use serde::{Deserialize, Serialize};

/// Why a package is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "lowercase")]
pub enum InstallReason {
    /// The user asked for it (pacman: explicitly installed; apt: manually installed).
    Explicit,
    /// It was pulled in to satisfy another package (pacman: as a dependency; apt: automatic).
    Dependency,
}

/// The installed state of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Installed {
    /// The installed version (may differ from the version available in the repositories).
    pub version: String,
    /// Why it is installed.
    pub reason: InstallReason,
    /// When it was installed, in seconds since the Unix epoch, when the backend records it.
    pub date: Option<i64>,
}

/// One line of the package index: what search needs and shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct PackageSummary {
    /// Package name.
    pub name: String,
    /// The version available from `repository` (for a package only installed locally, the
    /// installed version).
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Repository it comes from (`core`, `extra`, `bookworm/main`, ...; `local` when it is only
    /// installed).
    pub repository: String,
    /// Architecture (`x86_64`, `amd64`, `any`, `all`, ...).
    pub architecture: String,
    /// Installed state, when installed.
    pub installed: Option<Installed>,
    /// The names it provides (virtual packages, sonames, ...) without their version
    /// constraints (`sh`, not `sh=5.2`): search matches them, as `pacman -Ss` and
    /// `apt-cache search` do. Empty when it provides nothing.
    #[serde(default)]
    pub provides: Vec<String>,
}

/// The full record of one package, as `omg info` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Package {
    /// Package name.
    pub name: String,
    /// The available version (or the installed one for a package found only locally).
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Repository it comes from, `local` when it is only installed.
    pub repository: String,
    /// Architecture.
    pub architecture: String,
    /// Size of the package file to download, in bytes, when known.
    pub download_size: Option<u64>,
    /// Size on disk once installed, in bytes, when known.
    pub installed_size: Option<u64>,
    /// Upstream home page.
    pub url: Option<String>,
    /// Licenses.
    pub licenses: Vec<String>,
    /// Dependencies, in the backend's own syntax (`glibc>=2.38`, `libc6 (>= 2.34)`).
    pub depends: Vec<String>,
    /// Optional dependencies (pacman's optdepends; apt's Recommends and Suggests).
    pub optdepends: Vec<String>,
    /// Virtual packages and sonames this package provides.
    pub provides: Vec<String>,
    /// Packages it conflicts with.
    pub conflicts: Vec<String>,
    /// Packages it replaces.
    pub replaces: Vec<String>,
    /// Installed state, when installed.
    pub installed: Option<Installed>,
}

impl Package {
    /// The summary of this package, as the search index keeps it.
    pub fn summary(&self) -> PackageSummary {
        PackageSummary {
            name: self.name.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            repository: self.repository.clone(),
            architecture: self.architecture.clone(),
            installed: self.installed.clone(),
            provides: self
                .provides
                .iter()
                .map(|p| PackageSummary::provided_name(p).to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }
}

impl PackageSummary {
    /// The repository of a package only installed, found in no repository.
    pub const LOCAL: &'static str = "local";

    /// The name in a provides entry, without its version constraint: `sh` of `sh=5.2-1`
    /// (pacman), `mail-transport-agent` of `mail-transport-agent (= 1.0)` (apt), `libfoo.so`
    /// of `libfoo.so=1-64`.
    pub fn provided_name(relation: &str) -> &str {
        let relation = relation.trim_start();
        let end = relation
            .find(|c: char| matches!(c, '=' | '<' | '>' | '(') || c.is_whitespace())
            .unwrap_or(relation.len());
        &relation[..end]
    }

    /// True when installed at a version other than the available one.
    pub fn installed_differs(&self) -> bool {
        self.installed
            .as_ref()
            .is_some_and(|i| i.version != self.version)
    }
}
