//! What installed packages put on disk, and changes of why they are installed: the
//! answers of `omg files`, `omg owns` and `omg mark`.

use serde::{Deserialize, Serialize};

use crate::InstallReason;

/// The files of one installed package (`pacman -Ql`, `dpkg -L`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct PackageFiles {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Absolute paths as the package manager records them, in its order (pacman's
    /// directories end in `/`).
    pub files: Vec<String>,
}

/// An installed package that owns a path (`pacman -Qo`, `dpkg -S`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Owner {
    /// The path, as the package records it (absolute, relative to the backend's root).
    pub path: String,
    /// The owning package.
    pub name: String,
    /// Its installed version.
    pub version: String,
}

/// The install reason of one package, before and after `omg mark`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct ReasonChange {
    /// Package name.
    pub name: String,
    /// The reason it had.
    pub from: InstallReason,
    /// The reason it has now (the same as `from` when nothing had to change).
    pub to: InstallReason,
}
