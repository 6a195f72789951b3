//! The parts of the `omg` command that both of its processes use: the command line ([`args`])
//! and which process answers each command ([`route`]), output rendering ([`render`]), exit codes ([`exit`]),
//! the answers of the commands omgd also serves ([`search`], [`audit`]) and which runtime
//! version is active where ([`active`]), and shell completion ([`complete`]).
//!
//! `omg` (crate omg-cli) is the thin client users run; `omg-backend` (crate omg-backend) is
//! the helper that links the package backends. This crate links neither a backend nor an
//! HTTP client nor redb, so the thin client may use all of it.

#![forbid(unsafe_code)]
pub mod active;
pub mod answer;
pub mod args;
pub mod audit;
pub mod child;
pub mod complete;
pub mod exit;
pub mod render;
pub mod route;
pub mod search;

pub use answer::Answer;
