//! `omg install / update / remove / clean / sync / why / history` end to end on a pacman
//! root built by the test: real package files on a file:// repository, real libalpm
//! transactions through the real binaries, the results checked on disk and with pacman.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{omg, pacman, Run};
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
        root.publish("core", &[app("1.0-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
            .expect("publish");
        root.install_local(&[]).expect("local db");
        let history = dir.path().join("history.redb");
        Env {
            _dir: dir,
            root,
            history,
        }
    }

    /// `omg --backend alpm --config <fixture> args...`, never asking a daemon or the host's
    /// history.
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
            ],
        )
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.root.root().join(rel)
    }

    /// `pacman -Q` on the root, or `None` without pacman (a failure under CI).
    fn pacman_q(&self) -> Option<String> {
        match Command::new("pacman")
            .arg("--config")
            .arg(self.root.config_path())
            .arg("-Q")
            .env("LC_ALL", "C")
            .output()
        {
            Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
            Err(e) => {
                omg_testkit::skip(&format!("the cross-check with pacman: no pacman ({e})"));
                None
            }
        }
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

fn lib(version: &str) -> FixturePackage {
    pkg("lib", version)
}

/// Stdout of a successful write (its progress lines go to stderr).
#[track_caller]
fn done(run: &Run) -> &str {
    run.expect_code(0);
    &run.stdout
}

fn content(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn install_update_remove_clean_through_omg() {
    let mut env = Env::new();

    // Dry run: the plan, nothing changed.
    let dry = env.omg(&["install", "app", "--dry-run"]);
    let text = dry.ok();
    assert!(text.starts_with("ACTION"), "{text}");
    assert!(text.contains("install  app "), "{text}");
    assert!(text.contains("install  lib "), "{text}");
    assert!(text.contains("2 to install"), "{text}");
    assert!(!env.file("usr/share/app/data").exists());
    let json = env.omg(&["--json", "install", "app", "--dry-run"]).json();
    assert_eq!(json["verb"], "install");
    let actions = json["plan"]["actions"].as_array().expect("actions");
    let names: Vec<&str> = actions.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"app") && names.contains(&"lib"), "{json}");

    // Not on a terminal and no --yes: refused, nothing changed.
    let refused = env.omg(&["install", "app"]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(!env.file("usr/share/app/data").exists());

    // Unknown package: exit 3 with a suggestion.
    let unknown = env.omg(&["install", "ap", "--yes"]);
    unknown.expect_code(3);
    assert!(
        unknown.stderr.contains("did you mean"),
        "{}",
        unknown.stderr
    );

    // Install.
    let installed = env.omg(&["install", "app", "--yes"]);
    installed.expect_code(0);
    assert!(
        installed.stdout.contains("installed app 1.0-1")
            && installed.stdout.contains("installed lib 1.0-1"),
        "{}",
        installed.stdout
    );
    assert_eq!(content(&env.file("usr/share/app/data")), "app 1.0-1\n");
    assert_eq!(content(&env.file("usr/share/lib/data")), "lib 1.0-1\n");
    if let Some(q) = env.pacman_q() {
        assert_eq!(q, "app 1.0-1\nlib 1.0-1\n");
    }
    // Installing it again changes nothing... except a reinstall, as pacman -S does.
    let why = env.omg(&["why", "lib"]);
    assert_eq!(
        why.ok(),
        "lib 1.0-1 was installed as a dependency\n  app -> lib\nrequired by: app\n"
    );
    let why_app = env.omg(&["--json", "why", "app"]).json();
    assert_eq!(why_app["reason"], "explicit");
    env.omg(&["why", "tool"]).expect_code(3);

    // A newer app on the server: sync, outdated, update.
    env.root
        .publish_to_server("core", &[app("1.1-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
        .expect("publish 1.1");
    env.omg(&["sync", "--yes"]).expect_code(0);
    let outdated = env.omg(&["outdated"]);
    let text = outdated.ok();
    assert!(
        text.contains("app") && text.contains("1.0-1") && text.contains("1.1-1"),
        "{text}"
    );
    let update = env.omg(&["--json", "update", "--yes"]);
    update.expect_code(0);
    let lines: Vec<serde_json::Value> = update
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    // update refreshes first (the databases were fetched by the sync above).
    let refreshed = lines
        .iter()
        .position(|l| l["event"] == "done" && l["verb"] == "refresh")
        .expect("the refresh's done line");
    assert_eq!(lines[refreshed]["databases"][0]["downloaded"], false);
    let lines = &lines[refreshed + 1..];
    assert_eq!(lines[0]["event"], "plan", "{}", update.stdout);
    assert!(
        lines.iter().any(|l| l["event"] == "step"),
        "{}",
        update.stdout
    );
    let last = lines.last().expect("a done line");
    assert_eq!(last["event"], "done");
    assert_eq!(last["actions"][0]["kind"], "upgrade");
    assert_eq!(last["actions"][0]["old_version"], "1.0-1");
    assert_eq!(last["actions"][0]["new_version"], "1.1-1");
    assert_eq!(content(&env.file("usr/share/app/data")), "app 1.1-1\n");
    assert_eq!(
        done(&env.omg(&["update", "--yes"])),
        "core is up to date\nnothing to do\n"
    );

    // Remove keeps the dependency, which becomes an orphan; clean --orphans removes it.
    let removed = env.omg(&["remove", "app", "--yes"]);
    assert!(
        done(&removed).contains("removed app 1.1-1"),
        "{}",
        removed.stdout
    );
    assert!(!env.file("usr/share/app/data").exists());
    assert!(env.file("usr/share/lib/data").exists());
    let orphans = env.omg(&["-q", "list", "--orphans"]);
    assert_eq!(orphans.ok(), "lib\n");
    let clean = env.omg(&["clean", "--orphans", "--yes"]);
    assert!(
        done(&clean).contains("removed lib 1.0-1"),
        "{}",
        clean.stdout
    );
    assert!(!env.file("usr/share/lib/data").exists());
    if let Some(q) = env.pacman_q() {
        assert_eq!(q, "");
    }

    // The cache holds the downloaded files; clean --cache --keep 0 deletes them.
    let cached = |env: &Env| {
        std::fs::read_dir(env.root.cache_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().to_string_lossy().contains(".pkg.tar"))
                    .count()
            })
            .unwrap_or(0)
    };
    assert!(cached(&env) >= 3, "app 1.0, app 1.1 and lib are cached");
    let dry_clean = env.omg(&["clean", "--cache", "--dry-run"]);
    assert!(
        dry_clean.ok().contains("files to delete"),
        "{}",
        dry_clean.stdout
    );
    env.omg(&["clean", "--cache", "--yes"]).expect_code(0);
    assert_eq!(cached(&env), 0);

    // Remove -r takes the dependency along.
    env.omg(&["install", "app", "--yes"]).expect_code(0);
    let recursive = env.omg(&["remove", "-r", "app", "--yes"]);
    let text = done(&recursive);
    assert!(
        text.contains("removed app") && text.contains("removed lib"),
        "{text}"
    );

    // The history has every transaction, oldest first.
    let history = env.omg(&["--json", "history"]).json();
    let verbs: Vec<&str> = history
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["verb"].as_str())
        .collect();
    assert_eq!(
        verbs,
        [
            "install", "refresh", "refresh", "upgrade", "refresh", "remove", "remove", "clean",
            "install", "remove"
        ]
    );
    assert!(history[0]["command"]
        .as_str()
        .unwrap_or("")
        .contains("install app --yes"));
    assert_eq!(history[0]["result"]["status"], "success");
    let text = env.omg(&["history", "--limit", "2"]);
    let text = text.ok();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains("install app") || text.contains("install  "),
        "{text}"
    );
}

#[test]
fn a_failed_transaction_is_typed_and_recorded() {
    let mut env = Env::new();
    env.root
        .publish(
            "core",
            &[
                pkg("broken", "1.0-1").depends(["missing-lib>=2"]),
                lib("1.0-1"),
            ],
        )
        .expect("publish");
    let run = env.omg(&["install", "broken", "--yes"]);
    run.expect_code(8);
    assert!(
        run.stderr.contains("missing-lib") && run.stderr.contains("broken"),
        "{}",
        run.stderr
    );
    let json = env.omg(&["--json", "install", "broken", "--yes"]);
    json.expect_code(8);
    let last: serde_json::Value =
        serde_json::from_str(json.stdout.lines().last().unwrap_or("{}")).expect("JSON error");
    assert_eq!(last["error"]["kind"], "unsatisfiable", "{}", json.stdout);
}

#[test]
fn without_root_a_write_says_so_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if !omg_testkit::require_root("this test cannot drop to another user") {
        return;
    }
    let env = Env::new();
    std::fs::set_permissions(env._dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let conf = env.root.config_path();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(common::omg_bin());
        cmd.args(["--backend", "alpm", "--config"])
            .arg(&conf)
            .args(args)
            .env("OMG_SOCKET", "/nonexistent/omgd.sock")
            .env("OMG_HISTORY_FILE", &env.history)
            // nobody cannot read root's home, where the configuration would be looked for.
            .env("XDG_CONFIG_HOME", env._dir.path().join("config"))
            .env("XDG_CACHE_HOME", env._dir.path().join("cache"));
        // SAFETY: setgid/setuid are async-signal-safe; 65534 is `nobody`.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        cmd.output().expect("run omg as nobody")
    };
    let out = run(&["install", "app", "--yes"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("install app needs root") && stderr.contains("sudo"),
        "{stderr}"
    );
    assert!(!env.file("usr/share/app/data").exists());
    // A dry run needs no root.
    let dry = run(&["install", "app", "--dry-run"]);
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).contains("2 to install"));
}

#[test]
fn ctrl_c_during_install_stops_cleanly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(&dir.path().join("root")).expect("fixture root");
    let names: Vec<String> = (0..120).map(|i| format!("bulk-{i:03}")).collect();
    let packages: Vec<FixturePackage> = names
        .iter()
        .map(|n| {
            (0..40).fold(FixturePackage::new(n.as_str(), "1.0-1"), |p, f| {
                p.file(format!("usr/share/{n}/file-{f:02}"), vec![b'x'; 4096])
            })
        })
        .collect();
    root.publish("core", &packages).expect("publish");
    root.install_local(&[]).expect("local db");
    let conf = root.config_path();
    let mut child = Command::new(common::omg_bin())
        .args(["--backend", "alpm", "--config"])
        .arg(&conf)
        .arg("install")
        .args(&names)
        .arg("--yes")
        .env("OMG_SOCKET", "/nonexistent/omgd.sock")
        .env("OMG_HISTORY_FILE", dir.path().join("history.redb"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("omg starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("stderr line");
        let installing = line.contains("installing");
        seen.push(line);
        if installing {
            break;
        }
    }
    // SAFETY: kill with a valid pid of our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    seen.extend(lines.map_while(Result::ok));
    let status = child.wait().expect("omg exits");
    let text = seen.join("\n");
    match status.code() {
        Some(130) => assert!(text.contains("interrupt"), "{text}"),
        Some(0) => println!("note: the install finished before the interrupt took effect"),
        other => panic!("exit {other:?}:\n{text}"),
    }
    assert!(
        !root.dbpath().join("db.lck").exists(),
        "the lock is released after Ctrl-C"
    );
    // Whatever was installed is complete: pacman -Qk finds every file.
    if let Ok(out) = Command::new("pacman")
        .arg("--config")
        .arg(&conf)
        .arg("-Qk")
        .env("LC_ALL", "C")
        .output()
    {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let summaries: Vec<&str> = all
            .lines()
            .filter(|l| l.contains(" total files, "))
            .collect();
        assert!(
            summaries.iter().all(|l| l.ends_with(" 0 missing files")),
            "{all}"
        );
        if status.code() == Some(130) {
            assert!(
                summaries.len() < names.len(),
                "interrupted, yet all installed:\n{all}"
            );
        }
    } else {
        assert!(std::env::var_os("CI").is_none(), "pacman is needed in CI");
    }
}

#[test]
fn a_held_lock_is_waited_for_as_configured_and_a_stale_one_is_reported() {
    let env = Env::new();
    let lock = env.root.dbpath().join("db.lck");
    std::fs::write(&lock, b"").expect("lock file");
    // A live holder: a process with the lock file open (as pacman has while it runs).
    let mut holder = Command::new("sleep")
        .arg("60")
        .stdin(std::fs::File::open(&lock).expect("open lock"))
        .spawn()
        .expect("sleep");
    let conf = env.root.config_path();
    let run = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
            "install",
            "app",
            "--yes",
        ],
        &[
            ("OMG_TRANSACTIONS_LOCK_TIMEOUT", "1"),
            ("OMG_SOCKET", "/nonexistent/omgd.sock"),
            ("OMG_HISTORY_FILE", env.history.to_str().expect("UTF-8")),
        ],
    );
    let _ = holder.kill();
    let _ = holder.wait();
    run.expect_code(7);
    assert!(
        run.stderr.contains(&format!("pid {}", holder.id())) && run.stderr.contains("waited 1 s"),
        "{}",
        run.stderr
    );
    // The holder is gone, the file stays: reported as stale with the exact remedy.
    let stale = env.omg(&["install", "app", "--yes"]);
    stale.expect_code(7);
    assert!(
        stale.stderr.contains(&format!("rm {}", lock.display())),
        "{}",
        stale.stderr
    );
    assert!(lock.exists(), "omg never deletes a lock file");
    // A bad setting is a clear configuration error.
    let bad = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
            "sync",
            "--yes",
        ],
        &[("OMG_TRANSACTIONS_LOCK_TIMEOUT", "soon")],
    );
    bad.expect_code(4);
    assert!(bad.stderr.contains("lock_timeout"), "{}", bad.stderr);
}

#[test]
fn after_a_transaction_a_running_omgd_answers_with_the_new_state_at_once() {
    use std::os::unix::fs::PermissionsExt;
    let Some(omgd) = common::omgd_bin() else {
        return;
    };
    let env = Env::new();
    let run_dir = env._dir.path().join("run");
    std::fs::create_dir_all(&run_dir).expect("run dir");
    std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let socket = run_dir.join("omgd.sock");
    let conf = env.root.config_path();
    // Polling the databases only every 10 minutes: only omg's Invalidate can update it.
    let mut daemon = Command::new(omgd)
        .args([
            "--backend",
            "alpm",
            "--audit-secs",
            "0",
            "--poll-ms",
            "600000",
            "--config",
        ])
        .arg(&conf)
        .arg("--socket")
        .arg(&socket)
        .arg("--state")
        .arg(env._dir.path().join("state.redb"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("omgd");
    let conf_s = conf.to_str().expect("UTF-8");
    let socket_s = socket.to_str().expect("UTF-8");
    let history = env.history.to_str().expect("UTF-8");
    let via_daemon = |args: &[&str]| {
        let mut all = vec!["--backend", "alpm", "--config", conf_s];
        all.extend(args);
        omg(
            &all,
            &[
                ("OMG_SOCKET", socket_s),
                ("OMG_BACKEND_BIN", "/nonexistent"),
            ],
        )
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while via_daemon(&["-q", "list"]).code != Some(0) {
        assert!(std::time::Instant::now() < deadline, "omgd did not answer");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(via_daemon(&["-q", "list"]).ok(), "");
    let install = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf_s,
            "install",
            "app",
            "--yes",
        ],
        &[("OMG_SOCKET", socket_s), ("OMG_HISTORY_FILE", history)],
    );
    install.expect_code(0);
    let listed = via_daemon(&["-q", "list"]);
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert_eq!(listed.ok(), "app\nlib\n");
}

/// `omg --backend alpm --config <conf> args...` with a history of the root's own.
fn omg_on(root: &FixtureRoot, args: &[&str]) -> Run {
    let conf = root.config_path();
    let history = root.dir().join("history.redb");
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
            ("OMG_HISTORY_FILE", history.to_str().expect("UTF-8")),
            ("OMG_SOCKET", "/nonexistent/omgd.sock"),
        ],
    )
}

/// A root whose repository `core` (app, lib, tool) is only on its server: no sync database,
/// no local database, as after a fresh install of pacman.conf alone.
fn fresh_root(dir: &Path) -> FixtureRoot {
    let mut root = FixtureRoot::create(dir).expect("fixture root");
    root.publish_to_server("core", &[app("1.0-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
        .expect("publish");
    root
}

/// A file's inode and modification time: a download replaces the file (a new inode).
fn identity(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.ino(), meta.modified().ok()?))
}

#[test]
fn sync_repairs_missing_empty_truncated_and_corrupt_databases() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 5] = [
        ("missing", |p| std::fs::remove_file(p).expect("rm")),
        ("empty", |p| std::fs::write(p, b"").expect("write")),
        ("truncated", |p| {
            let bytes = std::fs::read(p).expect("read");
            std::fs::write(p, &bytes[..bytes.len() / 2]).expect("write")
        }),
        ("corrupt", |p| {
            std::fs::write(p, b"not a database\n").expect("write")
        }),
        ("no sync directory", |p| {
            std::fs::remove_dir_all(p.parent().expect("sync dir")).expect("rm -r")
        }),
    ];
    for (what, damage) in damages {
        let env = Env::new();
        let db = env.root.sync_db_path("core");
        damage(&db);
        // A read needs the database and says to run omg sync.
        let search = env.omg(&["search", "app"]);
        assert_ne!(search.code, Some(0), "{what}");
        assert!(
            search.stderr.contains("omg sync"),
            "{what}: {}",
            search.stderr
        );
        // The command it recommends works, and repairs the database.
        let sync = env.omg(&["sync", "--yes"]);
        sync.expect_code(0);
        assert!(
            sync.stdout.contains("core downloaded"),
            "{what}: {}",
            sync.stdout
        );
        // The damage it repairs is no warning of its own (only -v tells).
        assert!(
            !sync.stderr.contains("WARN") && !sync.stderr.contains("run `omg sync`"),
            "{what}: {}",
            sync.stderr
        );
        env.omg(&["install", "app", "--yes"]).expect_code(0);
        if let Some(q) = env.pacman_q() {
            assert_eq!(q, "app 1.0-1\nlib 1.0-1\n", "{what}");
        }
    }
}

#[test]
fn sync_then_install_on_a_fresh_root_matches_pacman() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = fresh_root(&dir.path().join("omg"));
    let theirs = fresh_root(&dir.path().join("pacman"));
    // A repository added to pacman.conf after the last sync: its database is missing too.
    let sync = omg_on(&ours, &["sync", "--yes"]);
    sync.expect_code(0);
    let size = std::fs::metadata(ours.sync_db_path("core"))
        .expect("db")
        .len();
    assert_eq!(
        sync.stdout,
        format!(
            "core downloaded ({})\n",
            omg_cli_core::render::human_size(size)
        )
    );
    omg_on(&ours, &["install", "app", "--yes"]).expect_code(0);
    let Some(sy) = pacman(&theirs.config_path(), &["-Sy"]) else {
        return;
    };
    sy.expect_code(0);
    pacman(&theirs.config_path(), &["-S", "--noconfirm", "app"])
        .expect("pacman")
        .expect_code(0);
    let q = |root: &FixtureRoot| pacman(&root.config_path(), &["-Q"]).expect("pacman").stdout;
    assert_eq!(q(&ours), q(&theirs));
    assert_eq!(q(&ours), "app 1.0-1\nlib 1.0-1\n");

    // A repository added to pacman.conf afterwards: sync fetches it, install finds it.
    let mut ours = ours;
    let mut theirs = theirs;
    for root in [&mut ours, &mut theirs] {
        root.publish_to_server("extra", &[pkg("editor", "3.0-1")])
            .expect("publish extra");
    }
    assert_ne!(omg_on(&ours, &["search", "editor"]).code, Some(0));
    let sync = omg_on(&ours, &["--json", "sync", "--yes"]);
    sync.expect_code(0);
    let last = sync.stdout.lines().last().unwrap_or("");
    let done: serde_json::Value = serde_json::from_str(last).expect("JSON");
    let databases: Vec<(String, bool)> = done["databases"]
        .as_array()
        .expect("databases")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap_or("").to_string(),
                d["downloaded"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        databases,
        [("core".to_string(), false), ("extra".to_string(), true)]
    );
    // pacman does the same with each database: core is left alone, extra downloaded.
    let core = identity(&theirs.sync_db_path("core"));
    let sy = pacman(&theirs.config_path(), &["-Sy"]).expect("pacman");
    sy.expect_code(0);
    assert_eq!(identity(&theirs.sync_db_path("core")), core);
    assert!(theirs.sync_db_path("extra").exists());
    omg_on(&ours, &["install", "extra/editor", "--yes"]).expect_code(0);
    pacman(
        &theirs.config_path(),
        &["-S", "--noconfirm", "extra/editor"],
    )
    .expect("pacman")
    .expect_code(0);
    assert_eq!(q(&ours), q(&theirs));
}

#[test]
fn unchanged_databases_are_up_to_date_and_a_dry_run_sync_touches_nothing() {
    let mut env = Env::new();
    // The database on disk is older than the server's (Env::new dates it in the past).
    let first = env.omg(&["sync", "--yes"]);
    assert!(
        done(&first).starts_with("core downloaded ("),
        "{}",
        first.stdout
    );
    let sync = env.omg(&["sync", "--yes"]);
    assert_eq!(done(&sync), "core is up to date\n");
    assert!(!sync.stderr.contains("downloaded"), "{}", sync.stderr);
    // pacman agrees that nothing needs downloading: it leaves the file alone (in a pipe it
    // does not print "is up to date").
    let before = identity(&env.root.sync_db_path("core"));
    if let Some(sy) = pacman(&env.root.config_path(), &["-Sy"]) {
        sy.expect_code(0);
        assert_eq!(identity(&env.root.sync_db_path("core")), before);
    }

    // A new database on the server: a dry run says what it would fetch and changes nothing.
    env.root
        .publish_to_server("core", &[app("1.1-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
        .expect("publish 1.1");
    // Newer than the copy fetched a moment ago, even within the same second.
    std::fs::File::options()
        .write(true)
        .open(env.root.server_dir("core").join("core.db"))
        .and_then(|f| {
            f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        })
        .expect("date the new database");
    let db = env.root.sync_db_path("core");
    let before = std::fs::read(&db).expect("db");
    let modified = std::fs::metadata(&db).and_then(|m| m.modified()).ok();
    let entries = |env: &Env| {
        env.omg(&["--json", "history"])
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let recorded = entries(&env);
    let dry = env.omg(&["sync", "--dry-run"]);
    let text = dry.ok();
    assert!(text.contains("core"), "{text}");
    let json = env.omg(&["--json", "sync", "--dry-run"]);
    json.expect_code(0);
    assert_eq!(std::fs::read(&db).expect("db"), before);
    assert_eq!(
        std::fs::metadata(&db).and_then(|m| m.modified()).ok(),
        modified
    );
    assert_eq!(entries(&env), recorded, "a dry run writes no history");
    assert!(!env.root.dbpath().join("db.lck").exists());
    // The real one downloads it.
    let sync = env.omg(&["sync", "--yes"]);
    assert!(
        done(&sync).starts_with("core downloaded ("),
        "{}",
        sync.stdout
    );
    assert_ne!(std::fs::read(&db).expect("db"), before);
}

#[test]
fn update_refreshes_first_unless_told_not_to() {
    let mut env = Env::new();
    env.omg(&["install", "app", "--yes"]).expect_code(0);
    env.root
        .publish_to_server("core", &[app("1.1-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
        .expect("publish 1.1");
    // Without a refresh the databases on disk know of nothing newer.
    let stale = env.omg(&["update", "--no-refresh", "--yes"]);
    assert_eq!(done(&stale), "nothing to do\n");
    assert_eq!(content(&env.file("usr/share/app/data")), "app 1.0-1\n");
    // pacman -Syu: refresh, then upgrade.
    let update = env.omg(&["update", "--yes"]);
    let text = done(&update);
    assert!(text.starts_with("core downloaded ("), "{text}");
    assert!(text.contains("upgraded app 1.0-1 -> 1.1-1"), "{text}");
    assert_eq!(content(&env.file("usr/share/app/data")), "app 1.1-1\n");
    let again = env.omg(&["update", "--yes"]);
    assert_eq!(done(&again), "core is up to date\nnothing to do\n");
}

#[test]
fn installing_what_is_installed_is_nothing_to_do_unless_reinstalling() {
    let mut env = Env::new();
    env.root
        .publish(
            "core",
            &[
                app("1.0-1"),
                lib("1.0-1"),
                pkg("tool", "2.0-1"),
                pkg("bash", "5.2-1").provides(["sh"]),
            ],
        )
        .expect("publish");
    env.omg(&["install", "app", "bash", "--yes"]).expect_code(0);
    let history = |env: &Env| {
        env.omg(&["--json", "history"])
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let recorded = history(&env);
    let again = env.omg(&["install", "app", "--yes"]);
    assert_eq!(
        done(&again),
        "app is already the newest version (1.0-1)\nnothing to do\n"
    );
    assert_eq!(
        history(&env),
        recorded,
        "nothing happened, nothing recorded"
    );
    // A provided name whose provider is installed.
    let sh = env.omg(&["install", "sh", "--dry-run"]);
    assert!(sh.ok().ends_with("nothing to do\n"), "{}", sh.stdout);
    // Among other targets, only the others are installed.
    let json = env
        .omg(&["--json", "install", "app", "tool", "--dry-run"])
        .json();
    let names: Vec<&str> = json["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["tool"]);
    // pacman -S --needed agrees.
    if let Some(run) = pacman(
        &env.root.config_path(),
        &[
            "-S",
            "--needed",
            "--print",
            "--print-format",
            "%n",
            "app",
            "tool",
        ],
    ) {
        run.expect_code(0);
        assert_eq!(run.stdout.lines().collect::<Vec<_>>(), names);
    }
    // --reinstall forces it, as pacman -S does.
    let forced = env.omg(&["install", "--reinstall", "app", "--yes"]);
    assert!(
        done(&forced).contains("reinstalled app 1.0-1"),
        "{}",
        forced.stdout
    );
}

#[test]
fn a_local_package_file_installs_like_pacman_u() {
    let dir = tempfile::tempdir().expect("tempdir");
    let make = |name: &str| {
        let mut root = FixtureRoot::create(&dir.path().join(name)).expect("root");
        let published = root
            .publish("core", &[pkg("tool", "2.0-1")])
            .expect("publish");
        root.install_local(&[]).expect("local");
        let file = root.package_path("core", &published[0]);
        (root, file)
    };
    let (ours, file) = make("omg");
    let (theirs, their_file) = make("pacman");
    let run = omg_on(&ours, &["install", file.to_str().expect("UTF-8"), "--yes"]);
    assert!(
        done(&run).contains("installed tool 2.0-1"),
        "{}",
        run.stdout
    );
    let again = omg_on(&ours, &["install", file.to_str().expect("UTF-8"), "--yes"]);
    assert!(
        done(&again).contains("already the newest version"),
        "{}",
        again.stdout
    );
    let Some(u) = pacman(
        &theirs.config_path(),
        &["-U", "--noconfirm", their_file.to_str().expect("UTF-8")],
    ) else {
        return;
    };
    u.expect_code(0);
    let q = |root: &FixtureRoot| pacman(&root.config_path(), &["-Q"]).expect("pacman").stdout;
    assert_eq!(q(&ours), q(&theirs));
}

#[test]
fn clean_cache_keeps_installed_versions_like_pacman_sc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let make = |name: &str| {
        let mut root = FixtureRoot::create(&dir.path().join(name)).expect("root");
        root.publish("core", &[app("1.0-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
            .expect("publish");
        root.install_local(&[]).expect("local");
        omg_on(&root, &["install", "app", "tool", "--yes"]).expect_code(0);
        omg_on(&root, &["remove", "tool", "--yes"]).expect_code(0);
        root.publish_to_server("core", &[app("1.1-1"), lib("1.0-1"), pkg("tool", "2.0-1")])
            .expect("publish 1.1");
        omg_on(&root, &["update", "--yes"]).expect_code(0);
        root
    };
    let ours = make("omg");
    let theirs = make("pacman");
    let cached = |root: &FixtureRoot| -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(root.cache_dir())
            .expect("cache")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".pkg.tar"))
            .collect();
        files.sort();
        files
    };
    assert_eq!(cached(&ours).len(), 4, "{:?}", cached(&ours));
    let plan = omg_on(&ours, &["--json", "clean", "--cache", "--dry-run"]).json();
    let doomed: Vec<String> = plan["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
        .collect();
    assert_eq!(
        doomed,
        [
            "app-1.0-1-x86_64.pkg.tar.zst",
            "tool-2.0-1-x86_64.pkg.tar.zst"
        ]
    );
    omg_on(&ours, &["clean", "--cache", "--yes"]).expect_code(0);
    assert_eq!(
        cached(&ours),
        [
            "app-1.1-1-x86_64.pkg.tar.zst",
            "lib-1.0-1-x86_64.pkg.tar.zst"
        ]
    );
    if let Some(sc) = pacman(&theirs.config_path(), &["-Sc", "--noconfirm"]) {
        sc.expect_code(0);
        assert_eq!(cached(&ours), cached(&theirs));
    }
    // --keep N keeps the newest N of each package, installed or not (paccache -rk N).
    let keep = omg_on(
        &theirs,
        &["--json", "clean", "--cache", "--keep", "0", "--dry-run"],
    )
    .json();
    assert_eq!(keep["plan"]["actions"].as_array().map_or(0, Vec::len), 2);
}

/// A server for `dir` on 127.0.0.1 that sends each file at `rate` bytes per second
/// (0: at once), to catch a download in progress.
fn serve(dir: PathBuf, rate: usize) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                // `Range: bytes=N-`: libalpm resumes a partial download it kept.
                let mut from = 0;
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    if let Some(range) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                        from = range.trim().trim_end_matches('-').parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let file = dir.join(path.trim_start_matches('/'));
                let whole = match (path.contains(".."), std::fs::read(&file)) {
                    (false, Ok(body)) => body,
                    _ => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                        return;
                    }
                };
                let from = from.min(whole.len());
                let body = &whole[from..];
                let head = if from > 0 {
                    format!(
                        "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {from}-{}/{}\r\nConnection: close\r\n\r\n",
                        body.len(),
                        whole.len().saturating_sub(1),
                        whole.len()
                    )
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                };
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = if rate == 0 {
                    body.len().max(1)
                } else {
                    (rate / 10).max(1)
                };
                for part in body.chunks(chunk) {
                    if stream.write_all(part).is_err() {
                        return;
                    }
                    if rate > 0 {
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    }
                }
            });
        }
    });
    port
}

/// A root whose repository `core` holds `n` packages of `files` files of `size`
/// incompressible bytes each, served over HTTP at `rate` bytes per second.
fn http_root(
    dir: &Path,
    n: usize,
    files: usize,
    size: usize,
    rate: usize,
) -> (FixtureRoot, Vec<String>) {
    let mut root = FixtureRoot::create(dir).expect("fixture root");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut noise = |len: usize| -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    };
    let names: Vec<String> = (0..n).map(|i| format!("bulk-{i:03}")).collect();
    let packages: Vec<FixturePackage> = names
        .iter()
        .map(|name| {
            (0..files).fold(FixturePackage::new(name.as_str(), "1.0-1"), |p, f| {
                p.file(format!("usr/share/{name}/file-{f:02}"), noise(size))
            })
        })
        .collect();
    root.publish("core", &packages).expect("publish");
    root.install_local(&[]).expect("local db");
    let port = serve(root.dir().join("repos"), rate);
    let conf = std::fs::read_to_string(root.config_path()).expect("conf");
    let conf: String = conf
        .lines()
        .map(|l| {
            if l.starts_with("Server = file://") {
                format!("Server = http://127.0.0.1:{port}/$repo\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(root.config_path(), conf).expect("write conf");
    (root, names)
}

/// `omg install names --yes` on `root` in the background, stderr piped.
fn spawn_install(root: &FixtureRoot, names: &[String]) -> std::process::Child {
    install_command(root, names, &[])
        .spawn()
        .expect("omg starts")
}

/// `omg --backend alpm --config <root's> <options> install names --yes`.
fn install_command(root: &FixtureRoot, names: &[String], options: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = Command::new(common::omg_bin());
    cmd.args(["--backend", "alpm", "--config"])
        .arg(root.config_path())
        .args(options)
        .arg("install")
        .args(names)
        .arg("--yes")
        .env("OMG_SOCKET", "/nonexistent/omgd.sock")
        .env("OMG_HISTORY_FILE", root.dir().join("history.redb"))
        .env("XDG_CONFIG_HOME", "/nonexistent/omg-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/omg-tests/cache")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// After a signal: no lock, the local database matches the files (pacman -Qk), no package
/// left files without being recorded. Returns how many packages are installed.
#[track_caller]
fn consistent(root: &FixtureRoot, context: &str) -> usize {
    assert!(
        !root.dbpath().join("db.lck").exists(),
        "{context}: the lock is released"
    );
    let installed = pacman(&root.config_path(), &["-Qq"])
        .map(|r| r.stdout.lines().count())
        .unwrap_or(0);
    if let Some(qk) = pacman(&root.config_path(), &["-Qk"]) {
        let all = format!("{}{}", qk.stdout, qk.stderr);
        for line in all.lines().filter(|l| l.contains(" total files, ")) {
            assert!(line.ends_with(" 0 missing files"), "{context}: {all}");
        }
    }
    let on_disk = std::fs::read_dir(root.root().join("usr/share"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(
        on_disk, installed,
        "{context}: files of unrecorded packages"
    );
    installed
}

fn send(child: &std::process::Child, signal: i32) {
    // SAFETY: kill with the pid of our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
}

const SIGNALS: [(i32, &str); 3] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
];

#[test]
fn a_signal_during_a_download_stops_it_at_once() {
    for (signal, name) in SIGNALS {
        let dir = tempfile::tempdir().expect("tempdir");
        // 24 packages of 256 KiB at 512 KiB/s: the download alone takes 12 s.
        let (root, names) = http_root(&dir.path().join("root"), 24, 1, 256 * 1024, 512 * 1024);
        let mut child = spawn_install(&root, &names);
        let (status, took, text) = interrupt_download(&mut child, signal, 500, |_| {});
        assert_eq!(status.code(), Some(130), "{name}:\n{text}");
        assert!(
            took < std::time::Duration::from_secs(4),
            "{name}: the download went on for {took:?}:\n{text}"
        );
        assert!(text.contains("download was stopped"), "{name}:\n{text}");
        assert_eq!(consistent(&root, name), 0, "{name}: nothing installed");
        // Nothing half-downloaded is taken for a package afterwards: the install completes.
        let rest = omg_on(&root, &{
            let mut args: Vec<&str> = vec!["install"];
            args.extend(names.iter().map(String::as_str));
            args.push("--yes");
            args
        });
        rest.expect_code(0);
        assert_eq!(consistent(&root, name), names.len());
    }
}

/// Sends `signal` to `child` (an install) `settle_ms` after it prints its first
/// `downloading ` line, once `before` has looked at what it printed so far; then reads the
/// rest: the exit status, how long it took after the signal, and all of stderr.
fn interrupt_download(
    child: &mut std::process::Child,
    signal: libc::c_int,
    settle_ms: u64,
    before: impl FnOnce(&[String]),
) -> (std::process::ExitStatus, std::time::Duration, String) {
    use std::io::{BufRead, BufReader};
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        let downloading = line.starts_with("downloading ");
        seen.push(line);
        if downloading {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(settle_ms));
    before(&seen);
    let sent = std::time::Instant::now();
    send(child, signal);
    seen.extend(lines.map_while(Result::ok));
    let status = child.wait().expect("omg exits");
    (status, sent.elapsed(), seen.join("\n"))
}

/// Every file under `dir` whose name ends in `.part`.
fn partial_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                todo.push(path);
            } else if path.to_string_lossy().ends_with(".part") {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn ctrl_c_stops_a_download_running_in_omgs_own_process_at_once() {
    use std::os::unix::process::CommandExt;
    if !omg_testkit::require_root("this test cannot run omg as another user") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // 24 packages of 256 KiB at 512 KiB/s: the download alone takes 12 s.
    let (root, names) = http_root(&dir.path().join("root"), 24, 1, 256 * 1024, 512 * 1024);
    // As `nobody` (owning the whole root), libalpm cannot fork its download process: it
    // downloads inside omg-backend, like pacman does without DownloadUser.
    let chown = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir.path())
        .status()
        .expect("chown");
    assert!(chown.success());
    // With --root, a user who may write the root may change it without sudo.
    let root_dir = root.root();
    let options = [std::ffi::OsStr::new("--root"), root_dir.as_os_str()];
    let mut cmd = install_command(&root, &names, &options);
    cmd.env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"));
    // SAFETY: setgid/setuid are async-signal-safe; 65534 is `nobody`.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("omg starts as nobody");
    let (status, took, text) = interrupt_download(&mut child, libc::SIGINT, 1500, |seen| {
        assert!(
            !partial_files(&root.cache_dir()).is_empty(),
            "the download is under way: {seen:?}"
        );
    });
    println!("omg ended {took:?} after SIGINT");
    assert_eq!(status.code(), Some(130), "{text}");
    assert!(
        took < std::time::Duration::from_secs(2),
        "the download went on for {took:?}:\n{text}"
    );
    assert!(text.contains("download was stopped"), "{text}");
    assert_eq!(consistent(&root, "in-process download"), 0);
    assert_eq!(partial_files(&root.root()), Vec::<PathBuf>::new());
    let cached = std::fs::read_dir(root.cache_dir()).expect("cache").count();
    assert!(
        cached < names.len(),
        "the download did not finish: {cached}"
    );
}

#[test]
fn sigint_sigterm_and_sighup_at_random_points_leave_a_consistent_root() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.subsec_nanos() as u64 | 1);
    let mut state = seed;
    let mut random = |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below.max(1)
    };
    println!("seed {seed}");
    let dir = tempfile::tempdir().expect("tempdir");
    // How long an uninterrupted install takes, to pick points inside it.
    let (root, names) = http_root(&dir.path().join("timing"), 24, 40, 4096, 0);
    let clock = std::time::Instant::now();
    let mut child = spawn_install(&root, &names);
    assert!(child.wait().expect("omg").success());
    let whole = clock.elapsed().as_millis() as u64;
    consistent(&root, "uninterrupted");
    let mut interrupted = 0;
    for round in 0..3 {
        for (signal, name) in SIGNALS {
            let (root, names) =
                http_root(&dir.path().join(format!("{name}-{round}")), 24, 40, 4096, 0);
            let delay = random(whole);
            let child = spawn_install(&root, &names);
            std::thread::sleep(std::time::Duration::from_millis(delay));
            send(&child, signal);
            let out = child.wait_with_output().expect("omg exits");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let context = format!("{name} after {delay} of {whole} ms (seed {seed})");
            match out.status.code() {
                Some(130) => interrupted += 1,
                Some(0) => {}
                // Before omg has set up its handlers, the signal ends it as it would any
                // program; nothing was touched yet.
                None => {}
                other => panic!("{context}: exit {other:?}\n{stderr}"),
            }
            consistent(&root, &context);
        }
    }
    println!("{interrupted} of 9 runs were interrupted");
}

#[test]
fn a_held_package_is_left_out_without_a_terminal_and_asked_for_on_one() {
    let mut env = Env::new();
    env.root
        .publish(
            "core",
            &[
                app("1.0-1"),
                lib("1.0-1"),
                pkg("tool", "2.0-1"),
                pkg("libhold", "1-1"),
            ],
        )
        .expect("publish");
    let conf = env.root.config_path();
    let text = std::fs::read_to_string(&conf).expect("conf");
    std::fs::write(
        &conf,
        text.replacen("[options]\n", "[options]\nHoldPkg = libhold\n", 1),
    )
    .expect("conf");
    env.omg(&["install", "app", "tool", "libhold", "--yes"])
        .expect_code(0);

    // --yes, no terminal: the dry run and the real run leave libhold out, with the reason,
    // and remove the rest.
    let dry = env
        .omg(&["--json", "remove", "tool", "libhold", "--dry-run"])
        .json();
    let planned: Vec<&str> = dry["plan"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(planned, ["tool"]);
    assert_eq!(dry["plan"]["held"], serde_json::json!(["libhold"]));
    let real = env.omg(&["remove", "tool", "libhold", "--yes"]);
    let text = done(&real);
    assert!(text.contains("removed tool 2.0-1"), "{text}");
    assert!(!text.contains("removed libhold"), "{text}");
    assert!(
        real.stderr
            .contains("libhold is designated as HoldPkg in pacman.conf: not removed")
            || text.contains("libhold is designated as HoldPkg in pacman.conf: not removed"),
        "{}{}",
        real.stdout,
        real.stderr
    );
    assert!(env.file("usr/share/libhold/data").exists());
    // Only held targets: refused, nothing changed.
    for args in [
        &["remove", "libhold", "--yes"][..],
        &["remove", "libhold", "--dry-run"],
    ] {
        let refused = env.omg(args);
        refused.expect_code(2);
        assert!(refused.stderr.contains("HoldPkg"), "{}", refused.stderr);
    }
    // pacman --noconfirm refuses it too.
    if let Some(run) = pacman(&conf, &["-R", "--noconfirm", "libhold"]) {
        assert_ne!(run.code, Some(0));
        assert!(env.file("usr/share/libhold/data").exists());
    }

    // On a terminal omg asks pacman's question; yes removes it.
    let Some(script) = common::tool_path("script") else {
        return;
    };
    let command = format!(
        "{} --backend alpm --config {} remove libhold",
        common::omg_bin().display(),
        conf.display()
    );
    let mut child = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .env("OMG_HISTORY_FILE", &env.history)
        .env("OMG_SOCKET", "/nonexistent/omgd.sock")
        .env("XDG_CONFIG_HOME", "/nonexistent/omg-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/omg-tests/cache")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        // The HoldPkg question, then "Proceed?".
        let _ = stdin.write_all(b"y\n");
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let _ = stdin.write_all(b"y\n");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let out = child.wait_with_output().expect("script");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HoldPkg was found in target list. Do you want to continue? [y/N]"),
        "{text}"
    );
    assert!(text.contains("removed libhold 1-1"), "{text}");
    assert!(!env.file("usr/share/libhold/data").exists());
}
