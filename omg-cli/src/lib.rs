//! `omg`, the thin client: the command users run. It answers the shell hook, shell
//! completion ([`complete`]) and omgd's control itself ([`Route::Client`](omg_cli_core::route::Route::Client)), asks a running
//! omgd that serves the same configuration for the reads it serves ([`fast_path`]), and
//! `exec`s the helper `omg-backend` (crate omg-backend), installed beside it, for everything
//! else. Its dependency graph holds no package backend, no HTTP client and no redb (a test
//! checks with `cargo metadata`), so it starts in about the time of an empty program.

pub mod arena;
pub mod complete;
pub mod daemon_cmd;
pub mod fast_path;
pub mod hook;
pub mod hook_mise;
pub mod quick_args;
pub mod shell;
