//! omg's AUR adapter: the answers of aurweb's RPC v5 and the metadata dump parsed within
//! bounds ([`rpc`], [`dump`]), [`AurRpc`] (the [`AurSource`](omg_ports::AurSource) over any
//! [`Fetcher`](omg_ports::Fetcher), `omg-adapters-http`'s `HttpFetcher` in omg), and the
//! `.SRCINFO` parser ([`srcinfo`]), the package bases' git clones ([`repo`]: fetch, review
//! diff, `AUR_SEEN`, checkout, VCS checks) and the build ([`makepkg`]: paru's sequence of
//! makepkg runs as a non-root user), and the local record of who maintained each base
//! ([`people`]).
//!
//! ```no_run
//! # async fn demo(fetcher: std::sync::Arc<dyn omg_ports::Fetcher>) -> omg_ports::Result<()> {
//! use omg_adapters_aur::AurRpc;
//! use omg_ports::{AurSearchBy, AurSource};
//!
//! let aur = AurRpc::new(fetcher);
//! for pkg in aur.search("yay", AurSearchBy::Name).await? {
//!     println!("{} {}", pkg.name, pkg.version);
//! }
//! let full = aur.info(&["yay".to_owned()]).await?;
//! # let _ = full;
//! # Ok(()) }
//! ```
//!
//! Every answer is hostile until read: bodies, strings, lists and counts have bounds
//! ([`limits`]) and passing one is an error, never a silent cut. Server text quoted in an
//! error has its control characters escaped.

// The only unsafe code (libc's geteuid, getpwnam_r and kill) is in `sys`.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod dirs;
pub mod dump;
mod escape;
pub mod limits;
pub mod makepkg;
pub mod people;
pub mod repo;
pub mod rpc;
mod run;
mod source;
pub mod srcinfo;
mod sys;

#[doc(hidden)]
pub mod fuzzing;

pub use dump::{parse_dump, parse_dump_map};
pub use makepkg::{BuildUser, Makepkg};
pub use repo::{ls_remote, valid_pkgbase, vcs_sources, AurRepo, RepoFile, RepoFileKind, VcsSource};
pub use rpc::parse_rpc;
pub use source::{AurRpc, DEFAULT_DUMP_URL, DEFAULT_RPC_URL, INFO_CHUNK};
pub use srcinfo::{parse_srcinfo, read_srcinfo};
