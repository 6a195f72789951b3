//! omg's language runtimes on disk.
//!
//! - [`RuntimesHome`]: the layout, `$XDG_DATA_HOME/omg/runtimes/<runtime>/<version>/` (else
//!   `~/.local/share/omg/runtimes`), what is installed there, and uninstalling.
//! - [`Installer`]: installs one version from a [`RuntimeProvider`](omg_ports::RuntimeProvider)
//!   through the [`Fetcher`](omg_ports::Fetcher) port: download, verify the published sha256
//!   (fail closed), unpack into a temporary directory beside the target refusing entries that
//!   escape it, apply the provider's layout, then one `rename` into place.
//! - [`GlobalDefaults`]: the versions `omg use --global` sets, in
//!   `$XDG_CONFIG_HOME/omg/runtimes.toml`.
//! - [`read_version_files`]: the version files from a directory up to `/`, as
//!   [`DirFiles`](omg_ports::DirFiles) for the domain's resolver (`omg_domain::runtime`).
//!
//! An install is invisible until its final rename: a failure (checksum, unsafe entry,
//! truncated download) removes the temporary directory, and one left by a killed process is
//! a hidden `.tmp-*` directory that is never listed as installed and is removed by the next
//! install of that runtime.
//!
//! Concurrent omg processes take turns through [`lock`]'s advisory locks: one install of a
//! version at a time (`.locks/<runtime>-<version>.lock`: the second waits and then finds it
//! installed, so it downloads once), a staging directory's own `.lock` held while its install
//! runs (the sweep leaves a held one alone, whatever process ids say), and one writer of a
//! version file's directory or of the global defaults at a time.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addon;
mod defaults;
mod home;
mod install;
pub mod lock;
mod plain_http;
mod unpack;
mod version_files;

pub use defaults::GlobalDefaults;
pub use home::{InstallRecord, InstalledRuntime, RuntimesHome, RECORD_FILE};
pub use install::Installer;
pub use unpack::{unpack, unpack_within, UnpackLimits};
pub use version_files::{read_version_files, read_version_files_with, write_version_file};
