//! Differential tests against pacman 7.1: omg and pacman run on the same pacman roots and
//! their answers are compared as data (sets of names, fields), never as text. A difference
//! that is deliberate is listed in docs/parity.md; everything else must agree.
//!
//! Roots: [`world::large`], a realistic root generated from the host's apt lists (read
//! once per process, written once per target directory), and small roots each module builds
//! for its edge cases. Without pacman the tests fail under `CI=true` and are skipped
//! otherwise.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "../common/mod.rs"]
mod common;
mod world;

mod info;
mod output;
mod plans;
mod read;
mod search;
