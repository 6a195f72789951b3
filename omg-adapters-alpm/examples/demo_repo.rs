//! Writes a pacman root for trying transactions by hand (scripts/demo-transactions.sh): a
//! `core` repository on a file:// server with `app 1.0-1` (which depends on `lib`) and
//! `lib 1.0-1`, nothing installed; and, in `DIR/next`, the same repository with `app 1.1-1`,
//! to copy over the first server's directory for an upgrade. Prints the pacman.conf path,
//! then the two server directories.
//!
//! `cargo run -p omg-adapters-alpm --example demo_repo -- DIR`

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::PathBuf;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
        .desc(format!("the {name} demo package"))
        .file(
            format!("usr/share/{name}/README"),
            format!("{name} {version}\n"),
        )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: demo_repo DIR")?
        .into();
    let mut root = FixtureRoot::create(&dir.join("root"))?;
    root.publish(
        "core",
        &[pkg("app", "1.0-1").depends(["lib"]), pkg("lib", "1.0-1")],
    )?;
    root.install_local(&[])?;
    let mut next = FixtureRoot::create(&dir.join("next"))?;
    next.publish_to_server(
        "core",
        &[pkg("app", "1.1-1").depends(["lib"]), pkg("lib", "1.0-1")],
    )?;
    println!("{}", root.config_path().display());
    println!("{}", root.server_dir("core").display());
    println!("{}", next.server_dir("core").display());
    Ok(())
}
