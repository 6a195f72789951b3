//! omg's [`PackageBackend`](omg_ports::PackageBackend) over libalpm 16 (pacman 7.1), through
//! the `alpm` crate.
//!
//! ```no_run
//! # async fn demo() -> omg_ports::Result<()> {
//! use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
//! use omg_ports::PackageBackend;
//!
//! let backend = AlpmBackend::open(AlpmConfig::default())?; // /etc/pacman.conf
//! for pkg in backend.upgradable().await? {
//!     println!("{} -> {}", pkg.name, pkg.version);
//! }
//! # Ok(()) }
//! ```
//!
//! - [`pacman_conf`] reads `pacman.conf` (options, repositories in order, `Include`).
//! - [`AlpmBackend::open`] starts one thread that owns the libalpm handle (`Alpm` is not
//!   `Sync`, and `Db`/`Package` borrow from it); the async methods send it jobs and await the
//!   answers. It registers the repositories in `pacman.conf` order and reads every sync
//!   database with a streaming reader of its own (one pass, in parallel, keeping the four
//!   fields the package index needs), while libalpm loads the local database.
//! - [`PackageBackend::packages`](omg_ports::PackageBackend::packages) is served from what
//!   that reader kept; the other queries make libalpm load the sync databases, on first use.
//! - Transactions ([`PackageBackend::plan`](omg_ports::PackageBackend::plan),
//!   [`PackageBackend::commit`](omg_ports::PackageBackend::commit)) run on the same thread
//!   with a fresh libalpm handle configured from all of `pacman.conf` (servers, signature
//!   levels, GPG directory, log file, hooks, `IgnorePkg`, ...): `Install` (names, `repo/name`,
//!   groups, provided names), `Remove` (`recursive` like `pacman -Rs`), `Upgrade` (full
//!   system upgrade), `Refresh` (libalpm's downloader) and `CleanCache` (like
//!   `paccache -rk N`). A plan changes nothing; after a commit the reading session is opened
//!   again, so later reads see the new state. libalpm's callbacks become
//!   [`omg_ports::ProgressEvent`]s and its questions are answered like
//!   `pacman --noconfirm`, defensively (documented on the answering function).
//! - The lock: when `db.lck` exists, a live holder (found through `/proc/*/fd`) is waited for
//!   up to [`AlpmConfig::lock_timeout`] (then [`omg_ports::Error::Locked`]); a lock nobody
//!   holds is [`omg_ports::Error::StaleLock`] at once. omg never deletes a lock file.
//! - [`PackageBackend::interrupt`](omg_ports::PackageBackend::interrupt) stops a commit
//!   after the package libalpm is changing (`alpm_trans_interrupt`, called on the worker
//!   thread from libalpm's own callbacks; the safety argument is in `transaction/interrupt.rs`).
//! - [`PackageBackend::dependency_graph`](omg_ports::PackageBackend::dependency_graph): each
//!   installed package with the installed packages satisfying its depends and optdepends.
//!
//! # Damaged databases
//!
//! libalpm does not fail on a sync database that is missing, truncated, not an archive or
//! has a malformed entry: it logs (at most) and serves zero packages from it. So `open` checks
//! every repository's `<dbpath>/sync/<repo>.db` and fails with an error naming the file (both
//! messages tell the user to run `omg sync`):
//!
//! 1. absent: [`Error::MissingDatabase`](omg_ports::Error::MissingDatabase);
//! 2. not a regular file (a symbolic link is followed, as libalpm follows it, to a regular
//!    file; a directory, FIFO, socket or device such as `/dev/zero` is refused from its
//!    `stat`, unread), empty (0 bytes), or not starting with the signature of a format
//!    libalpm reads (gzip, zstd, xz, bzip2, lz4, lzip, lzma, lzop, lrzip, compress, plain
//!    tar): [`Error::CorruptDatabase`](omg_ports::Error::CorruptDatabase);
//! 3. reading it meets an error libalpm would log (truncated stream, an entry not named
//!    `name-version/`, a `%NAME%` that disagrees with its entry, not a tar inside the
//!    compression, ...): corrupt, with libalpm's message as the reason. The streaming reader
//!    mirrors libalpm's rules and messages for gzip, zstd, xz and plain tar; databases in the
//!    other compressions are loaded by libalpm at open and its logged errors count;
//! 4. it reads cleanly with zero packages: a genuinely empty repository, accepted with a
//!    warning, when the file is at most 16 KiB (an empty archive is a few dozen bytes
//!    compressed, at most one 10 KiB tar record uncompressed); corrupt when larger;
//! 5. a name, version, description or architecture is not UTF-8 (the `alpm` crate cannot
//!    represent it): corrupt;
//! 6. past a bound of the streaming reader, checked as each header claims a size, before the
//!    data is read: a file over 256 MiB, an archive unpacking to more than 256 MiB (or,
//!    past 32 MiB, to more than 100 times the file's size: a decompression bomb), a GNU
//!    long name or pax header over 64 KiB (libarchive's "Special header too large" is at
//!    1 MiB), a `desc` file over 16 MiB, more than 250,000 packages or 16 MiB of names,
//!    versions and descriptions, a zstd window over 32 MiB or xz needing over 72 MiB to
//!    decode: corrupt, the reason naming the bound. None comes near a real database (Arch's
//!    `extra.db`: about 15,000 packages, 8 MB of gzip). Files in the other compressions are
//!    bounded by their size only; libalpm reads them.
//!
//! When a later query makes libalpm load a sync database and libalpm logs errors (the file
//! changed since `open`), that query and every later one needing libalpm's sync databases
//! fail with [`Error::CorruptDatabase`](omg_ports::Error::CorruptDatabase) for it.
//!
//! Warnings, such as unknown `%KEYS%` a newer pacman may write, never fail a database. The
//! local database is more forgiving, like pacman: its errors are logged, and only a local
//! database that loads nothing while libalpm reports errors is corrupt.

#![warn(missing_docs)]

mod backend;
mod config;
mod convert;
mod files;
mod fingerprint;
mod graph;
mod health;
pub mod pacman_conf;
mod queries;
mod satisfier;
mod session;
mod sources;
mod syncdb;
mod transaction;
mod version;
mod worker;

#[doc(hidden)]
pub mod fuzzing;

pub use backend::AlpmBackend;
pub use config::{AlpmConfig, DEFAULT_LOCK_TIMEOUT};
pub use version::compare_versions;
