//! omg's [`Store`](omg_ports::Store) over [redb](https://docs.rs/redb): the daemon's
//! persistent state (the package index as of a database fingerprint, and the last status),
//! one set per backend configuration.
//!
//! ```no_run
//! # async fn demo(backend: omg_ports::BackendInfo, fp: omg_ports::Fingerprint) -> omg_ports::Result<()> {
//! use omg_adapters_store::RedbStore;
//! use omg_ports::Store;
//!
//! let store = RedbStore::open(std::path::Path::new("/home/me/.local/state/omg/state.redb"))?;
//! if let Some(packages) = store.load_index(&backend, &fp).await? {
//!     println!("{} packages, no need to re-read the databases", packages.len());
//! }
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! Three tables, each keyed by the backend configuration ([`BackendInfo`](omg_ports::BackendInfo))
//! as a JSON string (`{"name":"alpm","root":"/","config":"/etc/pacman.conf","version_scheme":"alpm"}`):
//!
//! | table | value |
//! | --- | --- |
//! | `index_header` | the [`Fingerprint`](omg_ports::Fingerprint) the index was read at, its number of chunks and packages |
//! | `index_chunks` | the index in chunks of 1,024 packages, `Vec<PackageSummary>` each, keyed by (backend, chunk number) |
//! | `status` | the last [`StatusSnapshot`](omg_ports::StatusSnapshot) |
//!
//! `save_index` writes both index tables in one transaction, so they always agree, and
//! `load_index` reads both in one snapshot; a fingerprint that does not match is rejected
//! without decoding the packages.
//!
//! # Format
//!
//! Every value is one byte of format version ([`FORMAT_VERSION`]) followed by the
//! [bitcode](https://docs.rs/bitcode) encoding of the value. A value written in another format
//! version, or that does not decode, is logged and treated as absent (the next save overwrites
//! it): the daemon then reads the package databases again, it never fails or panics for it.
//!
//! # Durability
//!
//! Every save commits with [`redb::Durability::Immediate`]: once it returned `Ok`, a
//! `kill -9` or a crash at any later moment loses nothing of it. The database is opened with
//! redb's integrity check, so a file damaged outside redb is refused with
//! [`Error::Storage`](omg_ports::Error::Storage) rather than trusted, and a file left by a crash
//! is repaired on open.
//!
//! # Blocking
//!
//! redb's calls block on the disk; every one runs on tokio's blocking pool
//! ([`tokio::task::spawn_blocking`]) (in place when polled outside a tokio runtime). Encoding
//! an index (about 10 ms for 63,000 packages) happens on the calling task, which saves cloning
//! the packages; on a multi-thread runtime inside [`tokio::task::block_in_place`], so the
//! worker's other tasks move elsewhere meanwhile. [`RedbStore::open`] blocks (about 20 ms for such an index: it checks the
//! whole file).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod aur;
mod codec;
mod error;
mod feeds;
mod history;
mod index;
mod key;
mod open;
mod store;
mod tables;
mod txn;

pub use codec::FORMAT_VERSION;
pub use history::RedbHistory;
pub use store::RedbStore;
