//! The parts of a full package record beyond its summary: typed relations, how the package
//! was validated, and apt's table of versions.

use serde::{Deserialize, Serialize};

/// A kind of relationship between packages, as the backends spell them.
///
/// The order is the order `omg info` shows them in (pacman's: provides, dependencies,
/// optional dependencies, reverse dependencies, conflicts, replaces), with apt's kinds next
/// to their nearest pacman kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// Virtual packages and sonames it provides (pacman's `provides`, apt's `Provides`).
    Provides,
    /// apt's `Pre-Depends`: needed, and configured, before it is unpacked.
    PreDepends,
    /// Needed to install it (pacman's `depends`, apt's `Depends`).
    Depends,
    /// pacman's `optdepends`: `name: why`.
    OptDepends,
    /// apt's `Recommends`: installed with it by default.
    Recommends,
    /// apt's `Suggests`.
    Suggests,
    /// apt's `Enhances`.
    Enhances,
    /// Installed packages that depend on it (pacman -Qi's `Required By`).
    RequiredBy,
    /// Installed packages that optionally depend on it (pacman -Qi's `Optional For`).
    OptionalFor,
    /// Packages it cannot be installed with (pacman's `conflicts`, apt's `Conflicts`).
    Conflicts,
    /// apt's `Breaks`: packages it breaks unless they are upgraded.
    Breaks,
    /// Packages it replaces (pacman's `replaces`, apt's `Replaces`).
    Replaces,
}

impl RelationKind {
    /// Every kind, in display order.
    pub const ALL: [RelationKind; 12] = [
        RelationKind::Provides,
        RelationKind::PreDepends,
        RelationKind::Depends,
        RelationKind::OptDepends,
        RelationKind::Recommends,
        RelationKind::Suggests,
        RelationKind::Enhances,
        RelationKind::RequiredBy,
        RelationKind::OptionalFor,
        RelationKind::Conflicts,
        RelationKind::Breaks,
        RelationKind::Replaces,
    ];
}

/// How the package manager can check a package file (pacman's `Validated By`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// An MD5 checksum.
    Md5,
    /// A SHA-256 checksum.
    Sha256,
    /// A PGP signature.
    Signature,
}

/// One version of a package in apt's version table (`apt-cache policy <pkg>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct VersionEntry {
    /// The version.
    pub version: String,
    /// Its pin priority (the number after the version in `apt-cache policy`).
    pub priority: i32,
    /// True for the installed version (`***`).
    pub installed: bool,
    /// True for the version apt would install.
    pub candidate: bool,
    /// Where it comes from, with each source's priority.
    pub sources: Vec<VersionSource>,
}

/// One place a version comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct VersionSource {
    /// The source's priority.
    pub priority: i32,
    /// The index it is listed in, as apt describes it
    /// (`http://deb.debian.org/debian bookworm/main amd64 Packages`, `/var/lib/dpkg/status`).
    pub index: String,
}
