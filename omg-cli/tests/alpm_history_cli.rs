//! `omg history show / undo / redo` end to end on a pacman root built by the test: real
//! package files on a file:// repository, real libalpm transactions through the real
//! binaries; after each undo `pacman -Q` on the same root must equal what it listed before
//! the transaction undone, and after each redo what it listed after it; `pacman -Qqd` that
//! what came back as a dependency is one again.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::PathBuf;

use common::{omg, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use tempfile::TempDir;

struct Env {
    _dir: TempDir,
    root: FixtureRoot,
    history: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut root = FixtureRoot::create(&dir.path().join("root")).expect("fixture root");
        root.publish("core", &[app("1.0-1"), pkg("lib", "1.0-1")])
            .expect("publish");
        root.install_local(&[]).expect("local db");
        let history = dir.path().join("history.redb");
        Env {
            _dir: dir,
            root,
            history,
        }
    }

    fn omg(&self, args: &[&str]) -> Run {
        let conf = self.root.config_path();
        let mut all = vec![
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
        ];
        all.extend(args);
        omg(
            &all,
            &[
                ("OMG_HISTORY_FILE", self.history.to_str().expect("UTF-8")),
                ("OMG_SOCKET", "/nonexistent/omgd.sock"),
                ("USER", "tester"),
                ("SUDO_USER", "tester"),
            ],
        )
    }

    /// `pacman -Q` on the root: the oracle. Without pacman the test cannot compare, which
    /// fails under CI.
    fn pacman_q(&self) -> String {
        match common::pacman(&self.root.config_path(), &["-Q"]) {
            Some(run) => run.stdout,
            None => {
                omg_testkit::skip("the cross-check with pacman: no pacman");
                String::from("<no pacman>")
            }
        }
    }

    /// `pacman -Qqd`: the packages installed as dependencies.
    fn pacman_qd(&self) -> String {
        common::pacman(&self.root.config_path(), &["-Qqd"]).map_or_else(
            || {
                omg_testkit::skip("the cross-check with pacman: no pacman");
                String::from("<no pacman>")
            },
            |run| run.stdout,
        )
    }

    /// The id of the newest history entry.
    fn last_id(&self) -> String {
        let history = self.omg(&["--json", "history"]).json();
        let last = history.as_array().and_then(|a| a.last()).expect("an entry");
        last["id"].as_u64().expect("id").to_string()
    }

    fn entries(&self) -> usize {
        let history = self.omg(&["--json", "history", "--limit", "1000"]).json();
        history.as_array().map(Vec::len).unwrap_or(0)
    }

    /// Runs `args`, which must succeed, and returns the new entry's id.
    #[track_caller]
    fn write(&self, args: &[&str]) -> String {
        let run = self.omg(args);
        run.expect_code(0);
        self.last_id()
    }

    /// `omg history undo <id> --yes`; then pacman -Q must be `want`.
    #[track_caller]
    fn undo(&self, id: &str, want: &str) -> String {
        let undone = self.write(&["history", "undo", id, "--yes"]);
        assert_eq!(self.pacman_q(), want, "after undoing {id}");
        undone
    }
}

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
        .desc(format!("the {name} package"))
        .file(
            format!("usr/share/{name}/data"),
            format!("{name} {version}\n"),
        )
}

fn app(version: &str) -> FixturePackage {
    pkg("app", version).depends(["lib"])
}

#[test]
fn install_upgrade_and_remove_are_undone_and_redone() {
    let mut env = Env::new();
    let empty = env.pacman_q();

    // Install, shown in full.
    let install = env.write(&["install", "app", "--yes"]);
    let installed = env.pacman_q();
    assert_eq!(installed, "app 1.0-1\nlib 1.0-1\n");
    let show = env.omg(&["history", "show", &install]);
    let text = show.ok();
    assert!(text.contains("Command:     omg "), "{text}");
    assert!(text.contains("install app --yes"), "{text}");
    assert!(text.contains("User:        tester"), "{text}");
    assert!(text.contains("Result:      ok"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["install", "app", "1.0-1"]),
        "{text}"
    );
    let json = env.omg(&["--json", "history", "show", &install]).json();
    assert_eq!(json["verb"], "install");
    assert_eq!(json["user"], "tester");
    let actions = json["actions"].as_array().expect("actions");
    assert_eq!(actions.len(), 2, "{json}");
    assert!(actions
        .iter()
        .all(|a| a["old_version"].is_null() && a["new_version"] == "1.0-1"));
    let missing = env.omg(&["history", "show", "99"]);
    missing.expect_code(2);
    assert!(
        missing.stderr.contains("no transaction 99"),
        "{}",
        missing.stderr
    );

    // Undo the install: a dry run changes nothing; then both packages go.
    let dry = env.omg(&["history", "undo", &install, "--dry-run"]);
    let text = dry.ok();
    assert!(text.contains("remove") && text.contains("app"), "{text}");
    assert_eq!(env.pacman_q(), installed);
    let undo_install = env.undo(&install, &empty);
    let recorded = env
        .omg(&["--json", "history", "show", &undo_install])
        .json();
    assert_eq!(recorded["verb"], "undo");
    assert!(recorded["command"]
        .as_str()
        .unwrap_or("")
        .contains(&format!("history undo {install} --yes")));
    // Redo it: installed again, from the package cache, lib as a dependency again.
    let redo = env.omg(&["history", "redo", &install, "--yes"]);
    redo.expect_code(0);
    assert!(
        redo.stdout
            .contains("lib: install reason set to installed as a dependency"),
        "{}",
        redo.stdout
    );
    assert_eq!(env.pacman_q(), installed);
    assert_eq!(env.pacman_qd(), "lib\n");

    // Upgrade: the new app on the server, needing a new package, then undo: app back to
    // 1.0-1 from the cache (one transaction), then the new package removed (another), one
    // history entry for both.
    env.root
        .publish_to_server(
            "core",
            &[
                app("1.1-1").depends(["lib", "extra"]),
                pkg("lib", "1.0-1"),
                pkg("extra", "1.0-1"),
            ],
        )
        .expect("publish 1.1");
    let upgrade = env.write(&["update", "--yes"]);
    let upgraded = env.pacman_q();
    assert_eq!(upgraded, "app 1.1-1\nextra 1.0-1\nlib 1.0-1\n");
    let undo_upgrade = env.undo(&upgrade, &installed);
    let entry = env
        .omg(&["--json", "history", "show", &undo_upgrade])
        .json();
    let kinds: Vec<(&str, &str)> = entry["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| Some((a["kind"].as_str()?, a["name"].as_str()?)))
        .collect();
    assert_eq!(
        kinds,
        [("downgrade", "app"), ("remove", "extra")],
        "{entry}"
    );
    // Redo the upgrade, then redo its undo: 1.1-1, then 1.0-1 again.
    env.write(&["history", "redo", &upgrade, "--yes"]);
    assert_eq!(env.pacman_q(), upgraded);
    env.write(&["history", "redo", &undo_upgrade, "--yes"]);
    assert_eq!(env.pacman_q(), installed);

    // Remove with its dependency, undone: app 1.0-1 is no longer in the repository, only in
    // the cache; lib comes back as a dependency, as it was.
    let remove = env.write(&["remove", "-r", "app", "--yes"]);
    assert_eq!(env.pacman_q(), empty);
    env.undo(&remove, &installed);
    assert_eq!(env.pacman_qd(), "lib\n");
    let entry = env
        .omg(&["--json", "history", "show", &env.last_id()])
        .json();
    assert_eq!(entry["verb"], "undo");
    assert_eq!(entry["reasons"][0]["name"], "lib", "{entry}");

    // Removed again, and the old package file deleted from the cache: the undo names the
    // package and version, and changes nothing (no package, no history entry).
    let remove = env.write(&["remove", "app", "--yes"]);
    let before = env.pacman_q();
    let mut deleted = 0;
    for entry in std::fs::read_dir(env.root.cache_dir()).expect("cache dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("app-1.0-1-") {
            std::fs::remove_file(&path).expect("rm");
            deleted += 1;
        }
    }
    assert!(deleted >= 1, "app 1.0-1 was in the cache");
    let entries = env.entries();
    for args in [
        &["history", "undo", remove.as_str(), "--yes"][..],
        &["history", "undo", remove.as_str(), "--dry-run"],
    ] {
        let refused = env.omg(args);
        refused.expect_code(2);
        assert!(
            refused
                .stderr
                .contains("neither in the package cache nor in a repository: app 1.0-1;"),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(env.pacman_q(), before);
    assert_eq!(env.entries(), entries);
}

#[test]
fn entries_that_changed_no_package_are_refused() {
    let env = Env::new();
    let sync = env.write(&["sync", "--yes"]);
    let refused = env.omg(&["history", "undo", &sync, "--yes"]);
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("changed no installed package"),
        "{}",
        refused.stderr
    );
    // `omg history` and `omg history list` are the same list.
    assert_eq!(
        env.omg(&["history", "--limit", "5"]).ok(),
        env.omg(&["history", "list", "--limit", "5"]).ok()
    );
}
