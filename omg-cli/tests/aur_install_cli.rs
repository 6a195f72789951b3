//! `omg install` of AUR packages against the test AUR on 127.0.0.1: the plan across the
//! repositories and the AUR, the review (accepted, refused for a high warning, needing a
//! terminal), makepkg run as a non-root user, and the packages installed into a throw-away
//! pacman root, checked with pacman itself (`-Q`, `-Qe`, `-Qd`, `-Qk`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::aur::{seen, World};
use omg_testkit::aur::{git, EVIL_LINE, REPO_DEP};

#[test]
fn a_chain_of_aur_packages_is_built_as_the_user_and_installed_with_its_reasons() {
    let Some(w) = World::new() else { return };
    let dry = w.omg(&["install", "aur-app", "--dry-run"]);
    assert_eq!(dry.code, Some(0), "{}\n{}", dry.stdout, dry.stderr);
    let order: Vec<&str> = dry
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("   "))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(order, ["aur-base", "aur-lib", "aur-app"], "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains(&format!(":: Repository packages needed first: {REPO_DEP}")),
        "{}",
        dry.stdout
    );
    assert!(!w.cache().exists(), "a dry run clones nothing");

    let run = w.omg(&["install", "aur-app", "--review=accept", "--yes"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(":: aur-lib 1.2.3-1:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("+pkgname = aur-lib"),
        "the diff: {}",
        run.stdout
    );
    assert_eq!(
        w.pacman_q(""),
        ["aur-app", "aur-base", "aur-lib", REPO_DEP],
        "pacman -Q"
    );
    assert_eq!(w.pacman_q("e"), ["aur-app"], "explicit");
    assert_eq!(
        w.pacman_q("d"),
        ["aur-base", "aur-lib", REPO_DEP],
        "dependencies"
    );
    let check = w.pacman(&["-Qk", "aur-app", "aur-lib", "aur-base"]);
    assert!(check.status.success(), "pacman -Qk: {check:?}");
    // Built by the user, reviewed: AUR_SEEN is the commit built.
    let clone = w.clone_dir("aur-app");
    let owner = std::fs::metadata(&clone).unwrap();
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&owner), w.user.uid);
    assert_eq!(seen(&clone), git(&clone, &["rev-parse", "HEAD"]).trim());
    // One history entry for the whole install.
    let history = w.omg(&["--json", "history"]);
    let entries: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1, "{}", history.stdout);
    // Installed already: nothing to build.
    let again = w.omg(&["install", "aur-app", "--review=accept", "--yes"]);
    assert_eq!(again.code, Some(0), "{}\n{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("aur-app is up to date"),
        "{}\n{}",
        again.stdout,
        again.stderr
    );
}

#[test]
fn a_high_warning_refuses_the_build_unless_allowed_and_a_review_needs_a_terminal() {
    let Some(mut w) = World::new() else { return };
    let first = w.omg(&["install", "aur-evil-update", "--review=accept", "--yes"]);
    assert_eq!(first.code, Some(0), "{}\n{}", first.stdout, first.stderr);
    let clone = w.clone_dir("aur-evil-update");
    let reviewed = seen(&clone);
    w.aur.publish_evil_update();
    // No terminal and no --review: refused before anything is built.
    let no_tty = w.omg(&["install", "aur-evil-update", "--yes"]);
    assert_ne!(no_tty.code, Some(0));
    assert!(no_tty.stderr.contains("terminal"), "{}", no_tty.stderr);
    let refused = w.omg(&["install", "aur-evil-update", "--review=accept", "--yes"]);
    assert_ne!(refused.code, Some(0), "{}", refused.stdout);
    assert!(
        refused.stdout.contains("fetch-and-run"),
        "{}",
        refused.stdout
    );
    assert!(refused.stdout.contains(EVIL_LINE), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("--allow-risky"),
        "{}",
        refused.stderr
    );
    assert_eq!(seen(&clone), reviewed, "a refused review leaves AUR_SEEN");
    let version = w.pacman(&["-Q", "aur-evil-update"]);
    assert!(
        String::from_utf8_lossy(&version.stdout).contains("aur-evil-update 1.0-1"),
        "{version:?}"
    );
    // --review=skip says what it skips (the build then runs the evil line and fails
    // offline, which is not what this test is about).
    let skipped = w.omg(&["install", "aur-evil-update", "--review=skip", "--dry-run"]);
    assert_eq!(skipped.code, Some(0), "{}", skipped.stderr);
}
