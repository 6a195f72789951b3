//! The python, rust, java and ruby providers against a real HTTP server on 127.0.0.1 that
//! serves each source's own index format and small archives built here, installed through
//! the real [`omg_adapters_runtimes::Installer`] and run.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_testkit::http as common;

#[path = "native_providers/support.rs"]
mod support;

#[path = "native_providers/python.rs"]
mod python;

#[path = "native_providers/rust.rs"]
mod rust;

#[path = "native_providers/java.rs"]
mod java;

#[path = "native_providers/ruby.rs"]
mod ruby;

#[path = "native_providers/paging.rs"]
mod paging;
