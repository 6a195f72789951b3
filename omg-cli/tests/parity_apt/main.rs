//! Differential tests against apt and dpkg on this host: omg (`--backend apt`) and
//! `apt-cache`, `apt-get -s`, `dpkg-query`, `apt-mark` read the same apt state and their
//! answers are compared as data. A difference that is deliberate is listed in
//! docs/parity.md; everything else must agree.

#[path = "../common/mod.rs"]
mod common;
mod world;

mod info;
mod info_installed;
mod output;
mod plans;
mod read;
mod search;
