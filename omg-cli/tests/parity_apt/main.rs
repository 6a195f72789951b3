//! Differential tests against apt and dpkg on this host: omg (`--backend apt`) and
//! `apt-cache`, `apt-get -s`, `dpkg-query`, `apt-mark` read the same apt state and their
//! answers are compared as data. A difference that is deliberate is listed in
//! docs/parity.md; everything else must agree.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "../common/mod.rs"]
mod common;
mod world;

mod info;
mod info_installed;
mod output;
mod plans;
mod read;
mod search;
