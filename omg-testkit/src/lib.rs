//! Test support shared by omg's crates; a dev-dependency only, never published: pacman roots
//! with real sync and local databases and package files ([`alpm`]), documents served from 127.0.0.1
//! with conditional requests ([`http`]: security feeds), a test AUR on 127.0.0.1 with real
//! package repositories and makepkg as a build user ([`aur`]), runtime sources served from
//! 127.0.0.1 in their real formats ([`runtimes`]), OpenPGP keys the tests make and sign
//! with ([`pgp`]), and skipping a check only outside CI.
//!
//! A test that needs a tool or a privilege the machine lacks may skip its check on a
//! developer's machine, with a note, but never under CI (`CI` set): there a skip would
//! let a suite go green without having tested anything, so it fails instead.

#![forbid(unsafe_code)]
// Test support: a failed set-up is a failed test, so it may unwrap, expect and panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod alpm;
pub mod aur;
pub mod http;
pub mod minisign;
pub mod pgp;
pub mod runtimes;

use std::path::PathBuf;

/// True when running under CI (the `CI` variable is set, as CI services and `.ci/run` do).
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Skips a check for `why` (what is missing): a note on stderr on a developer's machine; a
/// panic, failing the test, under CI. The caller returns right after.
///
/// ```
/// # fn have_tool() -> bool { true }
/// if !have_tool() {
///     return omg_testkit::skip("pacman is not installed");
/// }
/// ```
#[track_caller]
pub fn skip(why: &str) {
    assert!(
        !under_ci(),
        "a check was skipped under CI ({why}): CI must provide what every test needs \
         (scripts/debian-packages.txt, running as root)"
    );
    eprintln!("note: skipped: {why}");
}

/// True when this process runs as root; otherwise [`skip`]s with `why_root`.
#[track_caller]
pub fn require_root(why_root: &str) -> bool {
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false);
    if !root {
        skip(&format!("not root, and {why_root}"));
    }
    root
}

/// `program` on `PATH`; otherwise `None` after [`skip`]ping.
#[track_caller]
pub fn require_tool(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        skip(&format!("{program} is not installed"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_on_path_is_found() {
        assert!(require_tool("sh").is_some());
    }

    /// Run by [`a_skip_fails_under_ci_and_notes_elsewhere`] in a child process of its own
    /// (the environment is the process's): skips when asked to.
    #[test]
    fn skipping_child() {
        if std::env::var_os("OMG_TESTKIT_SKIP_CHILD").is_some() {
            if require_tool("omg-testkit-no-such-tool").is_none() {
                return;
            }
            panic!("a tool that does not exist was found");
        }
    }

    #[test]
    fn a_skip_fails_under_ci_and_notes_elsewhere() {
        let child = |ci: bool| {
            let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
            cmd.args(["--exact", "tests::skipping_child", "--nocapture"])
                .env("OMG_TESTKIT_SKIP_CHILD", "1")
                .env_remove("CI");
            if ci {
                cmd.env("CI", "true");
            }
            cmd.output().unwrap()
        };
        let outside = child(false);
        let stderr = String::from_utf8_lossy(&outside.stderr);
        assert!(outside.status.success(), "{stderr}");
        assert!(
            stderr.contains("note: skipped: omg-testkit-no-such-tool is not installed"),
            "{stderr}"
        );
        let under_ci = child(true);
        let stderr = String::from_utf8_lossy(&under_ci.stderr);
        assert!(!under_ci.status.success(), "{stderr}");
        assert!(
            stderr.contains(
                "a check was skipped under CI (omg-testkit-no-such-tool is not installed)"
            ),
            "{stderr}"
        );
    }
}
