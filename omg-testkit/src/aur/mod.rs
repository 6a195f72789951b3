//! A test AUR on 127.0.0.1: the oracle side of omg's AUR client.
//!
//! - [`AurServer`]: aurweb's RPC v5 (search, info, suggest, errors, the legacy `/rpc`
//!   form), the metadata dumps with ETags, and the package repositories over git's smart
//!   HTTP protocol (`git http-backend`); switches for rate limiting (429), a truncated
//!   dump, the result cap, and a package set that changes at run time. Its JSON is written here by hand in aurweb's
//!   field names ([`AurRecord`]), never through omg's own types.
//! - [`AurFixture`]: the catalogue of packages (a dependency chain down to a repository
//!   package, a split base, a provider choice, a VCS package with its upstream, an update
//!   turning malicious, a maintainer change, a source hidden from the .SRCINFO), each a real
//!   git repository with a PKGBUILD and matching .SRCINFO that builds offline.
//! - [`build_user`] and [`makepkg_as`]: makepkg as a non-root user.
//!
//! ```no_run
//! use omg_testkit::aur::{build_user, makepkg_as, AurFixture};
//! # fn demo(dir: &std::path::Path) {
//! let aur = AurFixture::create(&dir.join("aur"));
//! let url = aur.server().url("/rpc/v5/info?arg[]=aur-app"); // for the client under test
//! let clone_from = aur.clone_url("aur-app");
//! if let Some(user) = build_user() {
//!     let run = makepkg_as(&user, &aur.work_dir("aur-base"), &["--noconfirm"], &[]);
//!     assert!(run.status.success(), "{}", run.stderr);
//! }
//! # let _ = (url, clone_from); }
//! ```

mod client;
mod fixture;
mod git;
mod git_http;
mod makepkg;
mod pkgbuild;
pub mod query;
mod record;
mod rpc;
mod server;

pub use client::{http_get, http_request, Resp};
pub use fixture::{AurFixture, EVIL_LINE, HIDDEN_SOURCE, REPO_DEP};
pub use git::git;
pub use makepkg::{build_user, makepkg_as, BuildUser, MakepkgRun, BUILD_USER};
pub use pkgbuild::{AurPkg, SplitPkg};
pub use record::AurRecord;
pub use rpc::{error as rpc_error, SEARCH_BYS};
pub use server::{AurHit, AurServer, DEFAULT_MAX_RESULTS};
