//! The version files of a project (`.nvmrc`, `.tool-versions`, `mise.toml`, ...): which names
//! exist, and one directory's files as the adapter read them (`omg-adapters-runtimes`) for
//! the domain to resolve (`omg_domain::runtime::resolve`).

use std::path::PathBuf;

/// Every file name the resolver reads, in the order it consults them within one directory
/// (`omg_domain::runtime` documents the rules); the adapter reads only these.
pub const VERSION_FILES: &[&str] = &[
    // mise's configuration files, highest precedence first (mise's documented order).
    ".mise.local.toml",
    "mise.local.toml",
    ".mise.toml",
    "mise.toml",
    ".mise/config.toml",
    "mise/config.toml",
    ".config/mise.toml",
    ".config/mise/config.toml",
    // asdf's, below mise's own files and above the single-runtime ones (as in mise).
    ".tool-versions",
    ".nvmrc",
    ".node-version",
    "package.json",
    ".python-version",
    ".python-versions",
    "pyproject.toml",
    ".go-version",
    "go.work",
    "go.mod",
    // rustup: where both are present, the legacy file is used.
    "rust-toolchain",
    "rust-toolchain.toml",
    ".ruby-version",
    ".java-version",
    ".sdkmanrc",
    ".bun-version",
];

/// The version files found in one directory: `(file name, contents)` pairs, any order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirFiles {
    /// The directory.
    pub dir: PathBuf,
    /// The version files present in it (names from [`VERSION_FILES`]) and their contents.
    pub files: Vec<(String, String)>,
}
