//! `omg install` of AUR packages against the test AUR on 127.0.0.1: the plan across the
//! repositories and the AUR, the review (accepted, refused for a high warning, needing a
//! terminal), makepkg run as a non-root user, and the packages installed into a throw-away
//! pacman root, checked with pacman itself (`-Q`, `-Qe`, `-Qd`, `-Qk`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::aur::{seen, World};
use std::os::unix::fs::PermissionsExt;

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

/// `omg update` after the repositories: an AUR package with a newer version on the AUR is
/// rebuilt and upgraded, keeping its install reason; nothing newer: "up to date".
#[test]
fn update_upgrades_aur_packages_after_the_repositories_keeping_reasons() {
    let Some(mut w) = World::new() else { return };
    let first = w.omg(&["install", "aur-lib", "--review=accept", "--yes"]);
    assert_eq!(first.code, Some(0), "{}\n{}", first.stdout, first.stderr);
    let current = w.omg(&["update", "--no-refresh", "--review=accept", "--yes"]);
    assert_eq!(
        current.code,
        Some(0),
        "{}\n{}",
        current.stdout,
        current.stderr
    );
    assert!(
        current.stdout.contains(":: AUR packages are up to date"),
        "{}",
        current.stdout
    );
    let mut base = w.aur.pkg("aur-base").clone();
    base.pkgver = "1.1".into();
    base.files = vec![("aur-base.txt".into(), "aur-base 1.1\n".into())];
    w.aur.publish(base);
    let run = w.omg(&["update", "--no-refresh", "--review=accept", "--yes"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("aur-base 1.0-1 -> 1.1-1"),
        "{}",
        run.stdout
    );
    let q = w.pacman(&["-Q", "aur-base"]);
    assert_eq!(String::from_utf8_lossy(&q.stdout), "aur-base 1.1-1\n");
    assert_eq!(
        w.pacman_q("d"),
        ["aur-base", REPO_DEP],
        "still a dependency"
    );
    assert_eq!(w.pacman_q("e"), ["aur-lib"]);
}

/// `[aur] review_hook` sees the clone and the warnings, and vetoes by failing.
#[test]
fn the_review_hook_gets_the_warnings_and_may_veto() {
    let Some(w) = World::new() else { return };
    let seen = w.dir.path().join("hook-input.json");
    let hook = w.dir.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"$1 $2\" > {seen}.args\ncat > {seen}\nexit \"${{HOOK_EXIT:-0}}\"\n",
            seen = seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = hook.to_str().unwrap();
    let vetoed = w.omg_with(
        &["install", "aur-base", "--review=accept", "--yes"],
        &[("OMG_AUR_REVIEW_HOOK", hook), ("HOOK_EXIT", "3")],
    );
    assert_ne!(vetoed.code, Some(0), "{}", vetoed.stdout);
    assert!(vetoed.stderr.contains("vetoed"), "{}", vetoed.stderr);
    assert!(w.pacman_q("").is_empty(), "nothing installed");
    let warnings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(warnings[0]["code"], "few-votes", "{warnings}");
    let args = std::fs::read_to_string(format!("{}.args", seen.display())).unwrap();
    assert!(
        args.starts_with(w.clone_dir("aur-base").to_str().unwrap()),
        "{args}"
    );
    let allowed = w.omg_with(
        &["install", "aur-base", "--review=accept", "--yes"],
        &[("OMG_AUR_REVIEW_HOOK", hook)],
    );
    assert_eq!(
        allowed.code,
        Some(0),
        "{}\n{}",
        allowed.stdout,
        allowed.stderr
    );
    assert_eq!(w.pacman_q(""), ["aur-base"]);
}

/// `validpgpkeys` are checked in the builder's keyring before makepkg runs: without a
/// terminal a missing key is an error naming it and the command that imports it.
#[test]
fn a_missing_validpgpkey_stops_the_build_and_says_how_to_import_it() {
    let Some(w) = World::new() else { return };
    let fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
    let work = w.dir.path().join("signed-work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("signed.txt"), "signed\n").unwrap();
    std::fs::write(
        work.join("PKGBUILD"),
        format!(
            "pkgname=aur-signed\npkgver=1.0\npkgrel=1\npkgdesc='Signed sources'\narch=('any')\n\
             license=('MIT')\nvalidpgpkeys=('{fpr}')\nsource=('signed.txt')\nsha256sums=('SKIP')\n\
             package() {{\n\tinstall -Dm644 signed.txt \"$pkgdir/usr/share/aur-signed/signed.txt\"\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        work.join(".SRCINFO"),
        format!(
            "pkgbase = aur-signed\n\tpkgdesc = Signed sources\n\tpkgver = 1.0\n\tpkgrel = 1\n\
             \tarch = any\n\tlicense = MIT\n\tsource = signed.txt\n\tvalidpgpkeys = {fpr}\n\
             \tsha256sums = SKIP\n\npkgname = aur-signed\n"
        ),
    )
    .unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "initial"]);
    let bare = w.aur.dir().join("git").join("aur-signed.git");
    git(
        &w.aur.dir().join("git"),
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    w.aur
        .server()
        .put(omg_testkit::aur::AurRecord::new("aur-signed", "1.0-1"));
    let run = w.omg(&["install", "aur-signed", "--review=accept", "--yes"]);
    assert_ne!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stderr.contains(fpr), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("gpg --recv-keys {fpr}")),
        "{}",
        run.stderr
    );
    assert!(w.pacman_q("").is_empty());
}

/// A build that fails stops there: what was built before stays installed, the error names
/// makepkg's log (its last lines) and says what to run next.
#[test]
fn a_failed_build_keeps_what_was_installed_and_says_what_to_run_next() {
    let Some(mut w) = World::new() else { return };
    let mut lib = w.aur.pkg("aur-lib").clone();
    lib.pkgrel = "2".into();
    lib.build_lines = vec!["echo 'the compiler broke' >&2".into(), "false".into()];
    w.aur.publish(lib);
    let run = w.omg(&["install", "aur-app", "--review=accept", "--yes"]);
    assert_ne!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stderr.contains("the compiler broke"), "{}", run.stderr);
    assert!(run.stderr.contains("aur-lib.log"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("aur-lib was not built; aur-base stays installed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("run `omg install aur-app`"),
        "{}",
        run.stderr
    );
    assert_eq!(w.pacman_q(""), ["aur-base", REPO_DEP]);
}
