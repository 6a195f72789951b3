//! Packages: the full record shown by `info`, and the summary kept in the search index.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{RelationKind, Validation, VersionEntry};

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
    /// Installed state, when installed. Boxed: most summaries are of packages not
    /// installed, and an index holds one per package (with the AUR's, 120,000), so an
    /// absent state costs 8 bytes instead of 48.
    pub installed: Option<Box<Installed>>,
    /// The names it provides (virtual packages, sonames, ...) without their version
    /// constraints (`sh`, not `sh=5.2`): search matches them, as `pacman -Ss` and
    /// `apt-cache search` do. Empty when it provides nothing.
    #[serde(default)]
    pub provides: Vec<String>,
}

/// The full record of one package, as `omg info` shows it.
///
/// Fields a backend does not have are `None` (pacman has no `Section`, apt no `Groups`); a
/// field the backend has but that is empty for this package is `Some` of an empty list.
/// `omg info` shows exactly the fields that are present.
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
    /// Licenses (pacman; `None` where the backend does not record them).
    pub licenses: Option<Vec<String>>,
    /// Package groups it belongs to (pacman's `Groups`).
    pub groups: Option<Vec<String>>,
    /// Who built the package (pacman's `Packager`).
    pub packager: Option<String>,
    /// Who maintains the package (apt's `Maintainer`).
    pub maintainer: Option<String>,
    /// The archive section (apt's `Section`: `shells`, `utils`, ...).
    pub section: Option<String>,
    /// When the package was built, in seconds since the Unix epoch (pacman's `Build Date`).
    pub build_date: Option<i64>,
    /// How the package file can be checked (pacman's `Validated By`; empty means none).
    pub validated_by: Option<Vec<Validation>>,
    /// Whether the installed package has an install script (pacman -Qi's `Install Script`).
    pub install_script: Option<bool>,
    /// The description's text after its first line (apt's long description), lines joined
    /// with `\n`, paragraphs separated by an empty line.
    pub long_description: Option<String>,
    /// Relationships, by kind, in the backend's own syntax (`glibc>=2.38`,
    /// `libc6 (>= 2.34)`, `python: for the scripts`). A kind the backend records for this
    /// package is present, even when empty (pacman always has `depends`); one it does not
    /// is absent.
    pub relations: BTreeMap<RelationKind, Vec<String>>,
    /// The optional dependencies (entries of [`RelationKind::OptDepends`]) that an installed
    /// package satisfies (pacman -Si's `[installed]`).
    pub installed_optdepends: Vec<String>,
    /// The versions the backend knows, with their priorities and sources (apt's version
    /// table as `apt-cache policy` shows it; empty for backends without one).
    pub versions: Vec<VersionEntry>,
    /// Installed state, when installed.
    pub installed: Option<Installed>,
}

impl Package {
    /// The entries of one kind of relation (empty when absent).
    pub fn relation(&self, kind: RelationKind) -> &[String] {
        self.relations.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The summary of this package, as the search index keeps it.
    pub fn summary(&self) -> PackageSummary {
        PackageSummary {
            name: self.name.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            repository: self.repository.clone(),
            architecture: self.architecture.clone(),
            installed: self.installed.clone().map(Box::new),
            provides: self
                .relation(RelationKind::Provides)
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
