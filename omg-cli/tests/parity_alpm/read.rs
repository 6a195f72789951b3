//! Differential tests: read (see main.rs). `omg files` (pacman -Ql), `omg owns`
//! (pacman -Qo), `omg list <name>...` (pacman -Q name) and `omg mark` (pacman -D) on the
//! same roots, compared as sets of lines and of names.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

use crate::common::Run;
use crate::world;

/// A root with three packages installed by pacman itself from their package files (so the
/// local database has their file lists, and the files are on disk).
struct Installed {
    _dir: tempfile::TempDir,
    root: FixtureRoot,
}

impl Installed {
    fn new() -> Option<Installed> {
        let dir = tempfile::tempdir().unwrap();
        let mut root = FixtureRoot::create(dir.path()).unwrap();
        let packages = [
            FixturePackage::new("omg-tool", "1.0-1")
                .file("usr/bin/omg-tool", "#!/bin/sh\n")
                .file("usr/share/omg-tool/data.txt", "data")
                .file("usr/share/doc/omg-tool/README", "read me"),
            FixturePackage::new("omg-lib", "2.1-3")
                .file("usr/lib/libomg.so.2", "elf")
                .file("usr/share/doc/omg-lib/README", "read me"),
            FixturePackage::new("omg-data", "1:0.5-1").file("usr/share/omg-data/a b.txt", "x"),
        ];
        root.publish("core", &packages).unwrap();
        root.install_local(&[]).unwrap();
        let files: Vec<String> = packages
            .iter()
            .map(|p| root.package_path("core", p).display().to_string())
            .collect();
        let mut args = vec!["-U", "--noconfirm"];
        args.extend(files.iter().map(String::as_str));
        let run = world::pacman(&root.config_path(), &args)?;
        run.expect_code(0);
        Some(Installed { _dir: dir, root })
    }

    fn conf(&self) -> PathBuf {
        self.root.config_path()
    }

    fn omg(&self, args: &[&str]) -> Run {
        world::omg(&self.conf(), args)
    }

    fn pacman(&self, args: &[&str]) -> Run {
        world::pacman(&self.conf(), args).expect("pacman ran before")
    }

    fn path(&self, relative: &str) -> String {
        self.root.root().join(relative).display().to_string()
    }
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(str::to_string).collect()
}

#[test]
fn files_agree_with_pacman_ql() {
    let Some(r) = Installed::new() else {
        return;
    };
    let args = ["omg-tool", "omg-lib", "omg-data"];
    let ours = r.omg(&[&["files"][..], &args].concat());
    let theirs = r.pacman(&[&["-Ql"][..], &args].concat());
    assert_eq!(lines(ours.ok()), lines(theirs.ok()));
    assert!(ours.stdout.contains("omg-tool "), "{}", ours.stdout);
    // -q: the paths alone (pacman -Qlq).
    let ours = r.omg(&["files", "-q", "omg-data"]);
    let theirs = r.pacman(&["-Qlq", "omg-data"]);
    assert_eq!(lines(ours.ok()), lines(theirs.ok()));
    // JSON: the same paths.
    let json = r.omg(&["files", "omg-lib", "--json"]).json();
    let paths: BTreeSet<String> = json[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, lines(r.pacman(&["-Qlq", "omg-lib"]).ok()));
    assert_eq!(json[0]["version"], "2.1-3");
}

#[test]
fn files_of_a_package_that_is_not_installed_fail_after_the_others() {
    let Some(r) = Installed::new() else {
        return;
    };
    let ours = r.omg(&["files", "omg-tool", "omg-nope"]);
    let theirs = r.pacman(&["-Ql", "omg-tool", "omg-nope"]);
    assert_ne!(theirs.code, Some(0));
    ours.expect_code(3);
    assert_eq!(lines(&ours.stdout), lines(&theirs.stdout));
    assert!(theirs.stderr.contains("omg-nope"));
    assert!(
        ours.stderr.contains("'omg-nope' was not found"),
        "{}",
        ours.stderr
    );
}

#[test]
fn owners_agree_with_pacman_qo() {
    let Some(r) = Installed::new() else {
        return;
    };
    // A file, a directory two packages own, a path through `..`, a file with a space.
    for path in [
        r.path("usr/bin/omg-tool"),
        r.path("usr/share/doc/"),
        r.path("usr/share/doc"),
        r.path("usr/share/omg-tool/../omg-data/a b.txt"),
        r.path("usr/lib/libomg.so.2"),
    ] {
        let ours = r.omg(&["owns", &path]);
        let theirs = r.pacman(&["-Qo", &path]);
        assert_eq!(lines(ours.ok()), lines(theirs.ok()), "{path}");
        let ours = r.omg(&["owns", "-q", &path]);
        let theirs = r.pacman(&["-Qoq", &path]);
        assert_eq!(lines(ours.ok()), lines(theirs.ok()), "{path}");
    }
    // Through a symbolic link to the directory: the parent is resolved, as pacman does.
    let link = r.root.root().join("linked");
    std::os::unix::fs::symlink(r.root.root().join("usr/bin"), &link).unwrap();
    let through = format!("{}/omg-tool", link.display());
    assert_eq!(
        lines(r.omg(&["owns", &through]).ok()),
        lines(r.pacman(&["-Qo", &through]).ok())
    );
}

#[test]
fn unowned_and_missing_paths_fail_like_pacman_qo() {
    let Some(r) = Installed::new() else {
        return;
    };
    let stray = r.path("usr/share/stray.txt");
    fs::write(&stray, "nobody's").unwrap();
    let missing = r.path("usr/share/missing.txt");
    let owned = r.path("usr/bin/omg-tool");
    let ours = r.omg(&["owns", &owned, &stray, &missing]);
    let theirs = r.pacman(&["-Qo", &owned, &stray, &missing]);
    // pacman exits with the number of paths it could not answer; omg with 1.
    assert_eq!(theirs.code, Some(2));
    ours.expect_code(1);
    assert_eq!(lines(&ours.stdout), lines(&theirs.stdout));
    for path in [&stray, &missing] {
        assert!(theirs.stderr.contains(path.as_str()), "{}", theirs.stderr);
        assert!(ours.stderr.contains(path.as_str()), "{}", ours.stderr);
    }
    // Outside the root: nobody owns it.
    let outside = std::env::temp_dir();
    let outside = outside.display().to_string();
    assert_eq!(
        r.omg(&["owns", &outside]).code,
        r.pacman(&["-Qo", &outside]).code
    );
}

#[test]
fn list_names_agree_with_pacman_q() {
    let w = world::large();
    let installed: Vec<&str> = w.installed.iter().map(|p| p.name.as_str()).collect();
    let (a, b) = (installed[0], installed[installed.len() / 2]);
    let ours = w.omg(&["list", b, a]);
    let Some(theirs) = w.pacman(&["-Q", b, a]) else {
        return;
    };
    // pacman -Q prints `name version` in the order asked, as omg does in a pipe.
    assert_eq!(ours.ok(), theirs.ok());
    let ours = w.omg(&["list", "-q", a]);
    let theirs = w.pacman(&["-Qq", a]).unwrap();
    assert_eq!(ours.ok(), theirs.ok());
    // A name that is not installed: the others, then an error.
    let not_installed = w
        .sync_packages()
        .map(|(_, p)| p.name.as_str())
        .find(|n| !installed.contains(n))
        .unwrap();
    let ours = w.omg(&["list", a, not_installed, "omg-nope"]);
    let theirs = w.pacman(&["-Q", a, not_installed, "omg-nope"]).unwrap();
    assert_eq!(theirs.code, Some(1));
    ours.expect_code(3);
    assert_eq!(ours.stdout, theirs.stdout);
    for name in [not_installed, "omg-nope"] {
        assert!(theirs.stderr.contains(name));
        assert!(ours.stderr.contains(&format!("'{name}' was not found")));
    }
    // With --explicit: only explicitly installed ones (pacman -Qe name).
    let dep = w
        .installed
        .iter()
        .find(|p| p.reason == omg_ports::InstallReason::Dependency)
        .unwrap();
    let ours = w.omg(&["list", "--explicit", &dep.name]);
    let theirs = w.pacman(&["-Qe", &dep.name]).unwrap();
    assert_ne!(theirs.code, Some(0));
    assert_ne!(ours.code, Some(0));
    assert_eq!(ours.stdout, theirs.stdout);
}

/// Two identical roots with installed packages (local database only).
fn twin_roots() -> (tempfile::TempDir, FixtureRoot, FixtureRoot) {
    let dir = tempfile::tempdir().unwrap();
    let packages = [
        FixturePackage::new("omg-a", "1.0-1"),
        FixturePackage::new("omg-b", "1.0-1").as_dependency(),
        FixturePackage::new("omg-c", "1.0-1"),
        FixturePackage::new("omg-d", "1.0-1").as_dependency(),
    ];
    let make = |name: &str| {
        let mut root = FixtureRoot::create(&dir.path().join(name)).unwrap();
        root.add_sync_db("core", &packages).unwrap();
        root.install_local(&packages).unwrap();
        root
    };
    let (ours, theirs) = (make("omg"), make("pacman"));
    (dir, ours, theirs)
}

fn reasons(conf: &Path) -> Option<(String, String)> {
    let explicit = world::pacman(conf, &["-Qqe"])?.stdout;
    let deps = world::pacman(conf, &["-Qqd"])?.stdout;
    Some((explicit, deps))
}

#[test]
fn mark_agrees_with_pacman_d() {
    let (_dir, ours, theirs) = twin_roots();
    let (our_conf, their_conf) = (ours.config_path(), theirs.config_path());
    let before = reasons(&our_conf);
    let Some(before) = before else {
        return;
    };
    // A dry run changes nothing.
    let dry = world::omg(&our_conf, &["mark", "--dependency", "omg-a", "--dry-run"]);
    assert!(
        dry.ok().contains("omg-a: would be marked"),
        "{}",
        dry.stdout
    );
    assert_eq!(reasons(&our_conf).unwrap(), before);
    for (omg_args, pacman_args) in [
        (
            &["mark", "--dependency", "omg-a", "omg-c"][..],
            &["-D", "--asdeps", "omg-a", "omg-c"][..],
        ),
        (
            &["mark", "--explicit", "omg-b"],
            &["-D", "--asexplicit", "omg-b"],
        ),
        // Already so: nothing changes, both succeed.
        (&["mark", "--asdeps", "omg-d"], &["-D", "--asdeps", "omg-d"]),
    ] {
        world::omg(&our_conf, omg_args).ok();
        world::pacman(&their_conf, pacman_args)
            .unwrap()
            .expect_code(0);
        assert_eq!(reasons(&our_conf), reasons(&their_conf), "{omg_args:?}");
    }
    assert_eq!(reasons(&our_conf).unwrap().1, "omg-a\nomg-c\nomg-d\n");
    // A name that is not installed: both fail; omg changes nothing (pacman -D changes the
    // others: docs/parity.md).
    let after = reasons(&our_conf).unwrap();
    let run = world::omg(&our_conf, &["mark", "--explicit", "omg-a", "omg-nope"]);
    run.expect_code(3);
    assert!(
        run.stderr.contains("'omg-nope' was not found"),
        "{}",
        run.stderr
    );
    let pacman = world::pacman(&their_conf, &["-D", "--asexplicit", "omg-nope"]).unwrap();
    assert_ne!(pacman.code, Some(0));
    assert_eq!(reasons(&our_conf).unwrap(), after);
    // JSON: the changes.
    let json = world::omg(&our_conf, &["mark", "--explicit", "omg-a", "--json"]).json();
    assert_eq!(
        json,
        serde_json::json!([{ "name": "omg-a", "from": "dependency", "to": "explicit" }])
    );
}

#[test]
fn mark_is_recorded_in_the_history() {
    let (_dir, ours, _) = twin_roots();
    let conf = ours.config_path();
    let history = ours.dir().join("history.redb");
    let history = history.display().to_string();
    let env = [("OMG_HISTORY_FILE", history.as_str())];
    let conf_text = conf.display().to_string();
    let args = |extra: &[&str]| -> Vec<String> {
        ["--backend", "alpm", "--config", conf_text.as_str()]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    crate::common::omg(&args(&["mark", "--dependency", "omg-a"]), &env).ok();
    let json = crate::common::omg(&args(&["history", "--json"]), &env).json();
    let entries = json.as_array().expect("history entries");
    assert_eq!(entries.len(), 1, "{json}");
    assert_eq!(entries[0]["verb"], "mark");
    assert!(entries[0]["command"]
        .as_str()
        .unwrap()
        .contains("mark --dependency omg-a"));
}
