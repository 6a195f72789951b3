//! The pieces the `omg` binaries share: the command line, output rendering, exit codes, and
//! the daemon path of the thin client.
//!
//! Two binaries come from this crate. `omg` is what users run: it links neither libalpm nor
//! libapt-pkg, so it starts in about the time of an empty program, and it hands commands it
//! cannot answer itself to `omg-backend`, the helper installed beside it that links the
//! backends (it `exec`s it with the same arguments). This library depends on `omg-ports`
//! only, so both binaries can use it.

pub mod arena;
pub mod args;
pub mod audit;
pub mod daemon_cmd;
pub mod exit;
pub mod fast_path;
pub mod quick_args;
pub mod render;
pub mod runtimes;
pub mod search;
