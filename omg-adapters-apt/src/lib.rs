//! omg's [`PackageBackend`](omg_ports::PackageBackend) over libapt-pkg (Debian, Ubuntu),
//! through `rust-apt`.
//!
//! ```no_run
//! use omg_adapters_apt::{AptBackend, AptConfig};
//! use omg_ports::PackageBackend;
//!
//! # async fn run() -> omg_ports::Result<()> {
//! let apt = AptBackend::open(AptConfig::host())?;
//! let bash = apt.package("bash").await?;
//! let index = apt.packages().await?;
//! # Ok(()) }
//! ```
//!
//! # Threads
//!
//! libapt's configuration is process-wide, its cache is neither `Send` nor `Sync`, and two
//! caches opened at once on two threads crash the process. Every libapt call of this crate
//! therefore runs on one process-wide worker thread, started on first use; [`AptBackend`]
//! values of any configuration, on any thread, send it jobs and await the answers. A job for
//! another [`AptConfig`] than the last one reloads libapt's configuration, the values libapt
//! derives from it once per process (architectures, languages, compressors), and the cache.
//! A dead worker makes every call [`omg_ports::Error::BackendGone`].
//!
//! # Binary cache
//!
//! Opening libapt's cache parses every list file (half a second for Debian's archive)
//! unless libapt can map a valid `pkgcache.bin`, which Debian's container images turn off
//! and which only root may write where apt keeps it. So libapt keeps one in omg's cache
//! directory instead ([`CacheDir`]: `$XDG_CACHE_HOME/omg/apt` by default), named after the
//! configuration; libapt checks it against the lists and dpkg's status on every open and
//! rebuilds it when they changed. [`AptBackend::with_cache_dir`] moves or turns it off.
//!
//! # Descriptions
//!
//! libapt reads descriptions one record at a time, which takes minutes for a whole
//! archive whose lists are compressed (as in Debian's container images). The index reads
//! them instead by streaming each list file libapt built its cache from once (`.lz4`,
//! `.gz`, `.xz`, `.zst` or plain), on a separate thread while the worker walks the cache.
//!
//! # Candidates and marks
//!
//! [`PackageBackend::packages`](omg_ports::PackageBackend::packages),
//! [`installed`](omg_ports::PackageBackend::installed) and
//! [`package`](omg_ports::PackageBackend::package) take candidates from libapt's policy
//! and auto-installed marks from `extended_states`, as libapt's DepCache does, without
//! building it (a quarter of a second); only `upgradable` and `orphans` need it.
//!
//! # Transactions
//!
//! [`PackageBackend::plan`](omg_ports::PackageBackend::plan) and
//! [`commit`](omg_ports::PackageBackend::commit) go through libapt as apt does: the
//! DepCache's marks and problem resolver, dpkg's locks (waited for up to
//! [`AptBackend::with_lock_timeout`]), the acquire system, and dpkg run by libapt's package
//! manager. A small C++ bridge drives the acquire system and the package manager so a
//! download can be interrupted and each failed item is known.

#![warn(missing_docs)]

mod backend;
mod binary_cache;
mod config;
mod convert;
mod deb822;
mod error;
mod files;
mod fingerprint;
mod graph;
mod lists;
mod policy;
mod query;
mod record;
mod refresh;
mod sources;
mod transaction;
mod version;
mod worker;

pub use backend::AptBackend;
pub use binary_cache::CacheDir;
pub use config::AptConfig;
pub use version::compare_versions;
