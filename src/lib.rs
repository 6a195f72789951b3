//! omg: one fast SDK for the packages on a Linux machine.
//!
//! This facade re-exports the crates of the workspace and wires a backend to the domain's
//! [`Engine`]:
//!
//! ```no_run
//! # async fn demo() -> omg::Result<()> {
//! let engine = omg::Omg::builder().build()?; // libalpm on Arch, libapt-pkg on Debian
//! let results = engine.search(&omg::SearchQuery::new("firefox").with_limit(5)).await?;
//! for hit in results.hits {
//!     println!("{} {}", hit.package.name, hit.package.version);
//! }
//! # Ok(()) }
//! ```
//!
//! Crates: [`ports`] (types and port traits, implement [`ports::PackageBackend`] for your own
//! system), [`domain`] (version ordering, ranking, the Engine), `alpm` and `apt` (the
//! backends).
//!
//! # Cargo features
//!
//! - `alpm` (default): the libalpm backend (Arch); needs libalpm 16 to build.
//! - `apt` (default): the libapt-pkg backend (Debian, Ubuntu); needs libapt-pkg to build.
//!
//! With one of them off, choosing that backend is [`Error::BackendNotBuilt`]:
//! `cargo add omg --no-default-features --features apt` builds on a Debian machine without
//! libalpm.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
mod builder;
pub mod status;

pub use builder::{detect_backend, os_release_path, BackendChoice, Omg, OmgBuilder};
#[cfg(feature = "alpm")]
pub use omg_adapters_alpm as alpm;
#[cfg(feature = "apt")]
pub use omg_adapters_apt as apt;
pub use omg_domain as domain;
pub use omg_domain::{Engine, Index};
pub use omg_ports as ports;
pub use omg_ports::{
    Error, ListKind, Package, PackageBackend, PackageSummary, Result, SearchQuery, SearchResults,
    Status,
};
