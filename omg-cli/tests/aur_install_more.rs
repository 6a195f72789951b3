//! More of `omg install` with AUR packages, against the test AUR on 127.0.0.1 and a
//! throw-away pacman root, each result checked with pacman itself (`-Q`, `-Qe`, `-Qd`,
//! `-Qi`, `-Qk`) and omg's output: a split base, a choice between providers, a versioned
//! dependency the AUR does not meet, a maintainer change, a source hidden from the
//! .SRCINFO, a VCS package following its upstream, and the `--json` events.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::aur::{has_seen, json_lines, review_events, seen, warnings_coded, World};
use common::Run;
use omg_testkit::alpm::FixturePackage;
use omg_testkit::aur::{git, AurFixture, AurPkg};

/// Panics unless `run` failed, showing both streams.
#[track_caller]
fn failed(run: &Run) {
    assert!(
        run.code.is_some_and(|c| c != 0),
        "expected a failure\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
}

/// Every `:: Building <base> ...` line, in order.
fn builds(run: &Run) -> Vec<String> {
    let text = format!("{}{}", run.stdout, run.stderr);
    text.lines()
        .filter_map(|l| l.strip_prefix(":: Building "))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect()
}

/// The package files under `dir` (`*.pkg.tar*`), recursively.
fn package_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            found.extend(package_files(&path));
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains(".pkg.tar"))
        {
            found.push(path.display().to_string());
        }
    }
    found
}

/// The review line of warning `code` (`  <severity> <code>[ <file>:<line>]: <message>`).
fn warning_line<'a>(text: &'a str, code: &str) -> Option<&'a str> {
    text.lines().find(|l| {
        l.starts_with("  ")
            && l.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.trim_end_matches(':') == code)
    })
}

fn severity_of(line: &str) -> &str {
    line.split_whitespace().next().unwrap()
}

#[test]
fn a_split_base_is_built_once_and_installs_the_needed_packages_with_their_reasons() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&["install", "aur-split-b", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(":: AUR packages to build (1)"),
        "one base: {}",
        run.stdout
    );
    let plan_line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("   aur-split "))
        .unwrap_or_else(|| panic!("no plan line for aur-split: {}", run.stdout));
    assert!(plan_line.contains("aur-split-b"), "{plan_line}");
    assert!(
        plan_line.contains("aur-split-a (dependency)"),
        "{plan_line}"
    );
    assert_eq!(builds(&run), ["aur-split"], "{}", run.stdout);
    assert_eq!(w.pacman_q(""), ["aur-split-a", "aur-split-b"], "pacman -Q");
    assert_eq!(w.pacman_q("e"), ["aur-split-b"], "explicit");
    assert_eq!(w.pacman_q("d"), ["aur-split-a"], "dependencies");
    assert_eq!(
        w.pacman_qi("aur-split-a", "Install Reason"),
        "Installed as a dependency for another package"
    );
    assert_eq!(
        w.pacman_qi("aur-split-b", "Depends On"),
        "aur-split-a",
        "the package function's depends"
    );
    let check = w.pacman(&["-Qk", "aur-split-a", "aur-split-b"]);
    assert!(check.status.success(), "pacman -Qk: {check:?}");
    assert!(w
        .root
        .root()
        .join("usr/share/aur-split-b/aur-split.txt")
        .is_file());
}

#[test]
fn a_package_of_a_split_base_is_installed_without_the_others() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&["install", "aur-split-a", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert_eq!(builds(&run), ["aur-split"], "{}", run.stdout);
    assert!(
        run.stdout
            .lines()
            .any(|l| l == "   aur-split 1.0-1: aur-split-a"),
        "only aur-split-a is planned: {}",
        run.stdout
    );
    let installs: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("install "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(installs, ["aur-split-a"], "{}", run.stdout);
    assert_eq!(w.pacman_q(""), ["aur-split-a"], "pacman -Q");
    assert_eq!(w.pacman_q("e"), ["aur-split-a"], "explicit");
    assert!(!w.pacman(&["-Q", "aur-split-b"]).status.success());
}

#[test]
fn several_providers_need_a_choice_and_an_installed_provider_is_used() {
    let Some(w) = World::new() else { return };
    let refused = w.omg(&["install", "aur-needs-virtual", "--review=accept", "--yes"]);
    failed(&refused);
    for name in ["aur-virtual", "aur-prov-one", "aur-prov-two"] {
        assert!(
            refused.stderr.contains(name),
            "the error names {name}: {}",
            refused.stderr
        );
    }
    assert_eq!(builds(&refused), Vec::<String>::new());
    assert!(w.pacman_q("").is_empty(), "nothing installed");
    for base in ["aur-needs-virtual", "aur-prov-one", "aur-prov-two"] {
        assert!(!w.clone_dir(base).exists(), "{base} was not cloned");
    }

    w.omg(&["install", "aur-prov-one", "--review=accept", "--yes"])
        .expect_code(0);
    assert_eq!(w.pacman_q(""), ["aur-prov-one"]);
    let run = w.omg(&["install", "aur-needs-virtual", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(":: AUR packages to build (1)"),
        "{}",
        run.stdout
    );
    assert_eq!(builds(&run), ["aur-needs-virtual"], "{}", run.stdout);
    assert!(!run.stdout.contains("aur-prov-two"), "{}", run.stdout);
    assert!(!w.clone_dir("aur-prov-two").exists());
    assert_eq!(w.pacman_q(""), ["aur-needs-virtual", "aur-prov-one"]);
    assert_eq!(w.pacman_q("e"), ["aur-needs-virtual", "aur-prov-one"]);
    assert_eq!(
        w.pacman_qi("aur-needs-virtual", "Depends On"),
        "aur-virtual"
    );
}

#[test]
fn a_versioned_dependency_the_aur_does_not_meet_stops_before_anything_is_installed() {
    let Some(mut w) = World::new() else { return };
    // aur-app needs aur-lib>=1.2: the AUR now has aur-lib 1.1 only.
    let mut lib = w.aur.pkg("aur-lib").clone();
    lib.pkgver = "1.1".into();
    lib.files = vec![("aur-lib.txt".into(), "aur-lib 1.1\n".into())];
    w.aur.publish(lib);
    assert_eq!(w.aur.server().record("aur-lib").unwrap().version, "1.1-1");

    for args in [
        &["install", "aur-app", "--dry-run"][..],
        &["install", "aur-app", "--review=accept", "--yes"][..],
    ] {
        let run = w.omg(args);
        failed(&run);
        assert!(
            run.stderr.contains("aur-app needs aur-lib>=1.2"),
            "names the dependency and who needs it: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("1.1-1"),
            "names the AUR's version: {}",
            run.stderr
        );
        assert_eq!(builds(&run), Vec::<String>::new(), "{}", run.stdout);
    }
    assert!(
        w.pacman_q("").is_empty(),
        "nothing installed, not even repo-dep"
    );
    for base in ["aur-app", "aur-lib", "aur-base"] {
        assert!(!w.clone_dir(base).exists(), "{base} was not cloned");
    }
}

#[test]
fn a_maintainer_change_is_a_medium_warning_and_the_build_goes_on() {
    let Some(mut w) = World::new() else { return };
    let first = w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"]);
    first.expect_code(0);
    assert!(
        warning_line(&first.stdout, "maintainer-changed").is_none(),
        "{}",
        first.stdout
    );
    assert_eq!(
        w.installed_version("aur-new-maint").as_deref(),
        Some("1.0-1")
    );

    w.aur.change_maintainer("aur-new-maint", Some("mallory"));
    let mut pkg = w.aur.pkg("aur-new-maint").clone();
    pkg.pkgver = "1.1".into();
    pkg.files = vec![("aur-new-maint.txt".into(), "aur-new-maint 1.1\n".into())];
    pkg.last_modified += 86_400;
    w.aur.publish(pkg);

    // `omg outdated` lists the AUR's upgrade as `paru -Qu` does, in pacman -Qu's line: the
    // installed version as pacman -Q has it, the new one as the RPC has it.
    let outdated = w.omg(&["outdated"]);
    outdated.expect_code(0);
    assert_eq!(w.pacman_q("m")[..], ["aur-new-maint"], "pacman -Qm");
    assert_eq!(outdated.stdout, "aur-new-maint 1.0-1 -> 1.1-1\n");
    let json: serde_json::Value =
        serde_json::from_str(&w.omg(&["--json", "outdated"]).stdout).unwrap();
    assert_eq!(json[0]["repository"], "aur", "{json}");
    assert_eq!(json[0]["version"], "1.1-1", "{json}");
    assert_eq!(json[0]["installed"]["version"], "1.0-1", "{json}");
    // An AUR that does not answer: a warning, and the repositories' upgrades (none).
    let offline = w.omg_with(
        &["outdated"],
        &[("OMG_AUR_RPC_URL", "http://127.0.0.1:9/rpc")],
    );
    offline.expect_code(0);
    assert_eq!(offline.stdout, "everything is up to date\n");
    assert!(
        offline
            .stderr
            .contains("the AUR was not asked for upgrades"),
        "{}",
        offline.stderr
    );

    let run = w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"]);
    run.expect_code(0);
    let line = warning_line(&run.stdout, "maintainer-changed")
        .unwrap_or_else(|| panic!("no maintainer-changed warning: {}", run.stdout));
    assert_eq!(severity_of(line), "medium", "{line}");
    assert!(line.contains("alice") && line.contains("mallory"), "{line}");
    assert_eq!(builds(&run), ["aur-new-maint"], "{}", run.stdout);
    assert_eq!(
        w.installed_version("aur-new-maint").as_deref(),
        Some("1.1-1")
    );
    let clone = w.clone_dir("aur-new-maint");
    assert_eq!(seen(&clone), git(&clone, &["rev-parse", "HEAD"]));

    // Accepted: the next review compares with mallory, and has nothing to say about it.
    let mut pkg = w.aur.pkg("aur-new-maint").clone();
    pkg.pkgrel = "2".into();
    w.aur.publish(pkg);
    let again = w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"]);
    again.expect_code(0);
    assert!(
        warning_line(&again.stdout, "maintainer-changed").is_none(),
        "{}",
        again.stdout
    );
    assert_eq!(
        w.installed_version("aur-new-maint").as_deref(),
        Some("1.1-2")
    );
}

/// The maintainers of `history` (omgd's `<base>.omg-people.json`), oldest first.
fn recorded_maintainers(history: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(history) else {
        return Vec::new();
    };
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    list.iter()
        .map(|p| p["maintainer"].as_str().unwrap_or("(orphan)").to_string())
        .collect()
}

/// omgd beside `w` (the same AUR, cache and state), refreshing the dump every second, and
/// the directory of its socket and state.
fn omgd_recording(omgd: &Path, w: &World) -> (common::daemon::Daemon, tempfile::TempDir) {
    let env = w.daemon_env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("OMG_AUR_REFRESH_SECS", "1"));
    let dir = tempfile::tempdir().unwrap();
    let conf = w.root.config_path();
    let daemon = common::daemon::start_with(
        omgd,
        &["--backend", "alpm", "--config", conf.to_str().unwrap()],
        dir.path(),
        &env,
    );
    (daemon, dir)
}

/// Waits (60 s at most) until omgd's record of `base` names `want`, oldest first.
#[track_caller]
fn wait_for_maintainers(w: &World, base: &str, want: &[&str]) {
    let history = w.cache().join(format!("omg/aur/{base}.omg-people.json"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let got = recorded_maintainers(&history);
        if got == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "omgd recorded {got:?}, not {want:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// omgd records who maintains each base the user reviewed at every refresh of the dump
/// that saw a change, so that a takeover handed back before the next review still shows:
/// the endpoints alone (alice then, alice now) would hide mallory.
#[test]
fn a_takeover_handed_back_between_two_reviews_shows_from_omgds_record() {
    let Some(omgd) = common::omgd_bin() else {
        return;
    };
    let Some(mut w) = World::new() else { return };
    w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"])
        .expect_code(0);
    let (_daemon, daemon_dir) = omgd_recording(&omgd, &w);
    wait_for_maintainers(&w, "aur-new-maint", &["alice"]);
    w.aur.change_maintainer("aur-new-maint", Some("mallory"));
    wait_for_maintainers(&w, "aur-new-maint", &["alice", "mallory"]);
    w.aur.change_maintainer("aur-new-maint", Some("alice"));
    wait_for_maintainers(&w, "aur-new-maint", &["alice", "mallory", "alice"]);

    let mut pkg = w.aur.pkg("aur-new-maint").clone();
    pkg.pkgrel = "2".into();
    w.aur.publish(pkg);
    // With omgd running, `outdated` still lists the AUR's upgrade (the helper asks the RPC).
    let socket = daemon_dir.path().join("run/omgd.sock");
    let outdated = w.omg_with(&["outdated"], &[("OMG_SOCKET", socket.to_str().unwrap())]);
    outdated.expect_code(0);
    assert_eq!(outdated.stdout, "aur-new-maint 1.0-1 -> 1.0-2\n");
    let run = w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"]);
    run.expect_code(0);
    let line = warning_line(&run.stdout, "maintainer-changed")
        .unwrap_or_else(|| panic!("no maintainer-changed warning: {}", run.stdout));
    assert_eq!(severity_of(line), "medium", "{line}");
    assert!(line.contains("alice -> mallory -> alice"), "{line}");
    assert_eq!(
        w.installed_version("aur-new-maint").as_deref(),
        Some("1.0-2")
    );
}

/// A package that omg never reviewed (installed by another helper: omg has no record of
/// who maintained it then) is compared with its maintainer at install, as omgd recorded it
/// (paru and yay keep no such record).
#[test]
fn a_package_installed_without_omgs_review_is_compared_with_its_maintainer_at_install() {
    let Some(omgd) = common::omgd_bin() else {
        return;
    };
    let Some(mut w) = World::new() else { return };
    w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"])
        .expect_code(0);
    // As if another helper had installed it: no record of omg's review.
    std::fs::remove_file(w.cache().join("omg/aur/aur-new-maint.omg-seen.json")).unwrap();
    let (_daemon, _dir) = omgd_recording(&omgd, &w);
    wait_for_maintainers(&w, "aur-new-maint", &["alice"]);
    w.aur.change_maintainer("aur-new-maint", Some("mallory"));
    wait_for_maintainers(&w, "aur-new-maint", &["alice", "mallory"]);
    let mut pkg = w.aur.pkg("aur-new-maint").clone();
    pkg.pkgrel = "2".into();
    w.aur.publish(pkg);
    let run = w.omg(&["install", "aur-new-maint", "--review=accept", "--yes"]);
    run.expect_code(0);
    let line = warning_line(&run.stdout, "maintainer-changed")
        .unwrap_or_else(|| panic!("no maintainer-changed warning: {}", run.stdout));
    assert!(line.contains("from alice to mallory"), "{line}");
}

#[test]
fn a_source_hidden_from_the_srcinfo_is_a_high_warning_that_refuses_the_build() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&["install", "aur-hidden-source", "--review=accept", "--yes"]);
    failed(&run);
    let line = warning_line(&run.stdout, "srcinfo-mismatch")
        .unwrap_or_else(|| panic!("no srcinfo-mismatch warning: {}", run.stdout));
    assert_eq!(severity_of(line), "high", "{line}");
    assert!(
        line.contains("https://example.invalid/helper.sh"),
        "names the hidden source: {line}"
    );
    assert!(run.stderr.contains("--allow-risky"), "{}", run.stderr);
    assert_eq!(builds(&run), Vec::<String>::new(), "{}", run.stdout);
    let pkgs = package_files(&w.cache().join("omg").join("aur"));
    assert!(pkgs.is_empty(), "nothing built: {pkgs:?}");
    let clone = w.clone_dir("aur-hidden-source");
    assert!(clone.is_dir(), "cloned for the review");
    assert!(!has_seen(&clone), "a refused review sets no AUR_SEEN");
    assert!(w.pacman_q("").is_empty(), "nothing installed");
}

#[test]
fn a_vcs_package_is_rebuilt_at_its_upstreams_new_commit() {
    let Some(mut w) = World::new() else { return };
    let first_version = format!("{}-1", w.aur.upstream_pkgver());
    let run = w.omg(&["install", "aur-vcs-git", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(":: Repository packages needed first: git"),
        "its makedepends: {}",
        run.stdout
    );
    assert_eq!(
        w.installed_version("aur-vcs-git").as_deref(),
        Some(first_version.as_str())
    );
    assert_eq!(w.pacman_q("e"), ["aur-vcs-git"], "explicit");
    assert_eq!(w.pacman_q("d"), ["git"], "the make dependency");

    w.aur.add_upstream_commit("upstream: second commit");
    let second_version = format!("{}-1", w.aur.upstream_pkgver());
    assert_ne!(first_version, second_version);
    let run = w.omg(&[
        "install",
        "aur-vcs-git",
        "--review=accept",
        "--yes",
        "--reinstall",
    ]);
    run.expect_code(0);
    assert_eq!(builds(&run), ["aur-vcs-git"], "{}", run.stdout);
    assert_eq!(
        w.installed_version("aur-vcs-git").as_deref(),
        Some(second_version.as_str()),
        "{}",
        run.stdout
    );
    let readme =
        std::fs::read_to_string(w.root.root().join("usr/share/aur-vcs-git/README")).unwrap();
    assert!(readme.contains("upstream: second commit"), "{readme}");
    assert_eq!(w.pacman_q("e"), ["aur-vcs-git"], "still explicit");
    let check = w.pacman(&["-Qk", "aur-vcs-git"]);
    assert!(check.status.success(), "pacman -Qk: {check:?}");
}

/// `omg update --devel` asks every recorded VCS source at once, each within
/// `[aur] vcs_timeout_secs`: sources that accept and never answer cost one timeout, not one
/// each, are named in warnings, and do not hide the upstream that moved.
#[test]
fn devel_asks_every_vcs_source_at_once_and_a_silent_one_is_a_warning() {
    let Some(mut w) = World::new() else { return };
    let run = w.omg(&[
        "install",
        "aur-vcs-git",
        "aur-new-maint",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    // A server that accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let silent: Vec<String> = (1..=4)
        .map(|i| format!("http://127.0.0.1:{port}/silent-{i}.git"))
        .collect();
    // aur-new-maint follows three silent sources; aur-vcs-git one more beside its own.
    let record = |clone: &Path| {
        let mut name = clone.as_os_str().to_os_string();
        name.push(".omg-vcs.json");
        std::path::PathBuf::from(name)
    };
    let head = "0123456789abcdef0123456789abcdef01234567";
    let others: serde_json::Map<String, serde_json::Value> = silent[..3]
        .iter()
        .map(|u| (u.clone(), serde_json::json!([null, head])))
        .collect();
    std::fs::write(
        record(&w.clone_dir("aur-new-maint")),
        serde_json::Value::Object(others).to_string(),
    )
    .unwrap();
    let vcs_record = record(&w.clone_dir("aur-vcs-git"));
    let mut own: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&vcs_record).unwrap()).unwrap();
    own[&silent[3]] = serde_json::json!([null, head]);
    std::fs::write(&vcs_record, own.to_string()).unwrap();

    w.aur.add_upstream_commit("upstream: moved");
    let moved_version = format!("{}-1", w.aur.upstream_pkgver());
    let timeout = [("OMG_AUR_VCS_TIMEOUT_SECS", "3")];
    let update = |extra: &[&str]| {
        let mut args = vec![
            "update",
            "--no-refresh",
            "--devel",
            "--review=accept",
            "--yes",
        ];
        args.extend_from_slice(extra);
        let start = std::time::Instant::now();
        let run = w.omg_with(&args, &timeout);
        (run, start.elapsed())
    };
    let (plan, took) = update(&["--dry-run"]);
    plan.expect_code(0);
    // One after the other, the four would take 12 s.
    assert!(
        took < std::time::Duration::from_secs(8),
        "took {took:?}\n{}",
        plan.stderr
    );
    for url in &silent {
        assert!(
            plan.stderr
                .lines()
                .any(|l| l.starts_with("omg: warning: the VCS source") && l.contains(url.as_str())),
            "no warning naming {url}:\n{}",
            plan.stderr
        );
    }
    assert!(
        plan.stdout.contains("aur-vcs-git (its VCS source moved)"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("aur-new-maint"), "{}", plan.stdout);

    let (run, _) = update(&[]);
    run.expect_code(0);
    assert_eq!(builds(&run), ["aur-vcs-git"], "{}", run.stdout);
    assert_eq!(
        w.installed_version("aur-vcs-git").as_deref(),
        Some(moved_version.as_str())
    );
}

/// A name one slip from a package of the sync databases (`repo-dpe` next to `repo-dep`) is
/// a typosquat warning in the review, in text and in `--json`; a normal name is not.
#[test]
fn a_name_one_slip_from_a_repository_package_is_a_typosquat_warning() {
    let Some(mut w) = World::new() else { return };
    w.aur.publish(AurPkg::new("repo-dpe", "1.0"));
    let run = w.omg(&[
        "install",
        "repo-dpe",
        "aur-base",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    let squats: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("typosquat"))
        .collect();
    assert_eq!(squats.len(), 1, "{}", run.stdout);
    assert!(
        squats[0].contains("the name repo-dpe") && squats[0].contains("the popular repo-dep"),
        "{}",
        run.stdout
    );
    assert_eq!(w.pacman_q(""), ["aur-base", "repo-dpe"]);

    // New versions: both are reviewed again.
    for base in ["repo-dpe", "aur-base"] {
        let mut pkg = w.aur.pkg(base).clone();
        pkg.pkgver = "1.1".into();
        pkg.files = vec![(format!("{base}.txt"), format!("{base} 1.1\n"))];
        w.aur.publish(pkg);
    }
    let run = w.omg(&[
        "--json",
        "install",
        "repo-dpe",
        "aur-base",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    let reviews = review_events(&run);
    assert_eq!(reviews.len(), 2, "{}", run.stdout);
    for review in &reviews {
        let squat = !warnings_coded(review, "typosquat").is_empty();
        assert_eq!(squat, review["base"] == "repo-dpe", "{review}");
    }
}

/// The AUR publishes no account ages: a maintainer whose every AUR package (the RPC's
/// search by maintainer) was first submitted in the last 14 days is likely a new account,
/// the pattern of the malware uploads of 2025; the review says so, with the date.
#[test]
fn a_maintainer_whose_packages_are_all_new_is_a_new_account_warning() {
    let Some(mut w) = World::new() else { return };
    w.aur.publish(AurPkg::new("fresh-tool", "1.0"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(w.aur.server().update("fresh-tool", |r| {
        r.maintainer = Some("fresh-account".into());
        r.first_submitted = now - 2 * 86_400;
        r.num_votes = 40;
    }));
    let run = w.omg(&[
        "--json",
        "install",
        "fresh-tool",
        "aur-base",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    let reviews = review_events(&run);
    assert_eq!(reviews.len(), 2, "{}", run.stdout);
    for review in &reviews {
        let fresh = warnings_coded(review, "new-maintainer");
        if review["base"] == "fresh-tool" {
            assert_eq!(fresh.len(), 1, "{review}");
            assert_eq!(fresh[0]["severity"], "medium", "{review}");
            let message = fresh[0]["message"].as_str().unwrap();
            assert!(message.contains("fresh-account"), "{message}");
        } else {
            // omgtest's packages were first submitted in 2023.
            assert!(fresh.is_empty(), "{review}");
        }
    }
    assert_eq!(w.pacman_q(""), ["aur-base", "fresh-tool"]);
}

/// `omg install <name>` where only AUR packages provide `name`: the one provider is built;
/// several without a terminal are an error listing them; a repository package providing it
/// wins over the AUR.
#[test]
fn a_name_only_providers_have_is_resolved_to_a_provider() {
    let Some(mut w) = World::new() else { return };
    let several = w.omg(&["install", "aur-virtual", "--review=accept", "--yes"]);
    failed(&several);
    for name in ["aur-virtual", "aur-prov-one", "aur-prov-two"] {
        assert!(
            several.stderr.contains(name),
            "the error names {name}: {}",
            several.stderr
        );
    }
    assert!(w.pacman_q("").is_empty(), "nothing installed");

    // aur-vcs-git alone provides aur-vcs.
    let one = w.omg(&["install", "aur-vcs", "--review=accept", "--yes"]);
    one.expect_code(0);
    assert_eq!(builds(&one), ["aur-vcs-git"], "{}", one.stdout);
    assert_eq!(w.pacman_q("e"), ["aur-vcs-git"], "the provider, explicit");

    // A repository package providing aur-prov-name beats the AUR's aur-prov-one.
    let mut one = w.aur.pkg("aur-prov-one").clone();
    one.provides.push("aur-prov-name".into());
    w.aur.publish(one);
    let mut repo = AurFixture::repo_packages();
    repo.push(FixturePackage::new("repo-provider", "1.0-1").provides(["aur-prov-name"]));
    w.root.publish("core", &repo).unwrap();
    let run = w.omg(&["install", "aur-prov-name", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert_eq!(builds(&run), Vec::<String>::new(), "{}", run.stdout);
    assert!(w.pacman_q("").contains(&"repo-provider".to_string()));
    assert!(!w.pacman_q("").contains(&"aur-prov-one".to_string()));
}

#[test]
fn json_prints_the_plan_the_reviews_and_the_write_as_one_event_per_line() {
    let Some(w) = World::new() else { return };
    // aur-prov-two is orphaned: its review has a warning to show.
    let run = w.omg(&[
        "--json",
        "install",
        "aur-base",
        "aur-prov-two",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    let events = json_lines(&run);
    assert!(
        events.iter().all(serde_json::Value::is_object),
        "{}",
        run.stdout
    );
    let kind = |e: &serde_json::Value| e["event"].as_str().unwrap_or("").to_string();
    assert_eq!(kind(&events[0]), "aur-plan", "{}", run.stdout);
    let bases: Vec<&str> = events[0]["builds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["base"].as_str().unwrap())
        .collect();
    assert_eq!(bases.len(), 2, "{}", events[0]);
    assert!(bases.contains(&"aur-base") && bases.contains(&"aur-prov-two"));

    let reviews: Vec<&serde_json::Value> = events.iter().filter(|e| kind(e) == "review").collect();
    assert_eq!(reviews.len(), 2, "{}", run.stdout);
    let first_review = events.iter().position(|e| kind(e) == "review").unwrap();
    assert_eq!(
        first_review, 1,
        "the reviews follow the plan: {}",
        run.stdout
    );
    assert!(
        events[1..3].iter().all(|e| kind(e) == "review"),
        "every review before any write: {}",
        run.stdout
    );
    let mut codes = Vec::new();
    for r in &reviews {
        assert!(r["commit"].as_str().is_some_and(|c| c.len() == 40), "{r}");
        for w in r["warnings"].as_array().unwrap_or_else(|| panic!("{r}")) {
            let o = w.as_object().unwrap_or_else(|| panic!("{w}"));
            for key in ["severity", "code", "message", "file", "line", "evidence"] {
                assert!(o.contains_key(key), "{key} in {w}");
            }
            assert!(
                ["low", "medium", "high"].contains(&w["severity"].as_str().unwrap()),
                "{w}"
            );
            codes.push(w["code"].as_str().unwrap().to_string());
        }
    }
    let two = reviews
        .iter()
        .find(|r| r["base"] == "aur-prov-two")
        .unwrap();
    let orphaned = two["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "orphaned")
        .unwrap_or_else(|| panic!("aur-prov-two is orphaned: {two}"));
    assert_eq!(orphaned["severity"], "low");
    assert!(orphaned["file"].is_null() && orphaned["line"].is_null());

    let writes = &events[3..];
    assert!(!writes.is_empty(), "the write's events: {}", run.stdout);
    assert!(
        writes
            .iter()
            .all(|e| kind(e) != "aur-plan" && kind(e) != "review"),
        "{}",
        run.stdout
    );
    // The review text went to stderr, not among the events.
    assert!(run.stderr.contains(":: aur-base"), "{}", run.stderr);
    assert_eq!(w.pacman_q(""), ["aur-base", "aur-prov-two"], "pacman -Q");
    assert_eq!(w.pacman_q("e"), ["aur-base", "aur-prov-two"], "explicit");
}

#[test]
fn a_provider_named_on_the_command_line_meets_the_dependency() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&[
        "install",
        "aur-prov-two",
        "aur-needs-virtual",
        "--review=accept",
        "--yes",
    ]);
    run.expect_code(0);
    assert_eq!(
        builds(&run),
        ["aur-prov-two", "aur-needs-virtual"],
        "the provider first: {}",
        run.stdout
    );
    assert!(!w.clone_dir("aur-prov-one").exists());
    assert_eq!(w.pacman_q(""), ["aur-needs-virtual", "aur-prov-two"]);
    assert_eq!(w.pacman_q("e"), ["aur-needs-virtual", "aur-prov-two"]);
}

#[test]
fn an_installed_vcs_package_newer_than_the_aur_is_not_built_again() {
    let Some(mut w) = World::new() else { return };
    w.omg(&["install", "aur-vcs-git", "--review=accept", "--yes"])
        .expect_code(0);
    w.aur.add_upstream_commit("upstream: second commit");
    w.omg(&[
        "install",
        "aur-vcs-git",
        "--review=accept",
        "--yes",
        "--reinstall",
    ])
    .expect_code(0);
    let newer = w.installed_version("aur-vcs-git").unwrap();
    let run = w.omg(&["install", "aur-vcs-git", "--review=accept", "--yes"]);
    run.expect_code(0);
    assert_eq!(builds(&run), Vec::<String>::new(), "{}", run.stdout);
    assert!(
        run.stdout.contains("aur-vcs-git is up to date"),
        "{}",
        run.stdout
    );
    assert_eq!(w.installed_version("aur-vcs-git"), Some(newer));
}
