//! `omg install / update / remove / clean / sync / why / history` end to end on a pacman
//! root built by the test: real package files on a file:// repository, real libalpm
//! transactions through the real binaries, the results checked on disk and with pacman.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{omg, Run};
use omg_adapters_alpm::fixtures::{FixturePackage, FixtureRoot};
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
                assert!(
                    std::env::var_os("CI").is_none(),
                    "pacman is needed in CI: {e}"
                );
                println!("note: no pacman ({e}); skipping the cross-check");
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
    assert_eq!(done(&env.omg(&["update", "--yes"])), "nothing to do\n");

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
        ["install", "refresh", "upgrade", "remove", "remove", "clean", "install", "remove"]
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
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        println!("note: not root, so this test cannot drop to another user; skipped");
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
