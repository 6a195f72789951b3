//! What `omg install` shows while makepkg builds AUR packages, and Ctrl-C during a build,
//! against the test AUR on 127.0.0.1 and a throw-away pacman root: the plain start and end
//! lines on a pipe, the spinner line on a terminal, the `build` events of `--json`, a
//! failed build's line and log, and a
//! SIGINT that stops a long build(): omg exits 130 at once, no process of the build is
//! left, nothing is installed, the lock is released and the next install works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::aur::{json_lines, World};
use omg_testkit::aur::AurPkg;

/// The marker the slow package's build() prints before it sleeps.
const SLOW_MARKER: &str = "omg-test: the slow build() sleeps now";

/// omg's build log of `base`.
fn log_of(w: &World, base: &str) -> PathBuf {
    w.cache().join("omg/aur/logs").join(format!("{base}.log"))
}

/// The index of the first line of `text` starting with `prefix`.
#[track_caller]
fn line_at(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}:\n{text}"))
}

#[test]
fn a_pipe_shows_each_build_starting_and_built_and_the_log_is_kept() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&["install", "aur-lib", "--review=accept", "--yes"]);
    run.expect_code(0);
    let out = &run.stdout;
    let base_start = line_at(out, ":: Building aur-base 1.0-1...");
    let base_built = line_at(out, ":: Built aur-base 1.0-1 in ");
    let lib_start = line_at(out, ":: Building aur-lib 1.2.3-1...");
    let lib_built = line_at(out, ":: Built aur-lib 1.2.3-1 in ");
    assert!(
        base_start < base_built && base_built < lib_start && lib_start < lib_built,
        "{out}"
    );
    for line in out.lines().filter(|l| l.starts_with(":: Built ")) {
        let secs = line
            .strip_suffix(" s")
            .and_then(|l| l.rsplit(' ').next())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(secs.parse::<u64>().is_ok(), "whole seconds: {line}");
    }
    // makepkg's output is in the log only.
    assert!(!out.contains("Starting build()"), "{out}");
    assert!(!run.stderr.contains("Starting build()"), "{}", run.stderr);
    for base in ["aur-base", "aur-lib"] {
        let log = std::fs::read_to_string(log_of(&w, base)).unwrap();
        assert!(log.contains("==> Starting build()..."), "{base}: {log}");
    }
    assert_eq!(w.pacman_q(""), ["aur-base", "aur-lib", "repo-dep"]);
}

/// `cmd` run by `script` on a new pseudo-terminal (its stdin, stdout and stderr), with the
/// same variables; `script`'s stdout is everything the terminal showed.
fn in_a_terminal(cmd: &Command) -> Command {
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_str().unwrap().replace('\'', "'\\''"));
    let mut line = quote(cmd.get_program());
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let mut script = Command::new("script");
    script.args(["-qefc", &line, "/dev/null"]);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => script.env(key, v),
            None => script.env_remove(key),
        };
    }
    script
}

#[test]
fn a_terminal_shows_a_line_with_the_time_and_the_log_s_last_line() {
    let Some(mut w) = World::new() else { return };
    if common::tool_stdout("script", &["--version"]).is_none() {
        return;
    }
    let mut pkg = AurPkg::new("aur-tty", "1.0");
    pkg.build_lines = vec!["echo 'omg-test: compiling'".into(), "sleep 2".into()];
    w.aur.publish(pkg);
    let cmd = w.command(&["install", "aur-tty", "--review=accept", "--yes"]);
    let out = in_a_terminal(&cmd)
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    // Each drawing of the line: `\r`, erase the line, the text (padded to the width).
    let drawn: Vec<&str> = screen
        .split('\r')
        .map(|d| d.trim_start_matches("\u{1b}[2K").trim_end())
        .filter(|d| d.starts_with(":: Building aur-tty 1.0-1  "))
        .collect();
    assert!(
        drawn
            .iter()
            .any(|d| d.starts_with(":: Building aur-tty 1.0-1  0:00")),
        "the spinner line with its clock: {screen:?}"
    );
    assert!(
        drawn.iter().any(|d| d.ends_with("  omg-test: compiling")),
        "the log's last line beside the clock: {drawn:#?}"
    );
    assert!(
        drawn.iter().all(|d| d.chars().count() <= 80),
        "within 80 columns: {drawn:#?}"
    );
    assert!(
        !screen.contains(":: Building aur-tty 1.0-1..."),
        "no plain line on a terminal: {screen:?}"
    );
    assert!(screen.contains(":: Built aur-tty 1.0-1 in "), "{screen:?}");
    assert_eq!(w.pacman_q(""), ["aur-tty"]);

    // A terminal that cannot move the cursor gets the plain lines.
    let cmd = w.command(&["install", "aur-base", "--review=accept", "--yes"]);
    let out = in_a_terminal(&cmd)
        .env("TERM", "dumb")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains(":: Building aur-base 1.0-1...\r\n"),
        "{screen:?}"
    );
    assert!(screen.contains(":: Built aur-base 1.0-1 in "), "{screen:?}");
    assert!(!screen.contains("\u{1b}[2K"), "no drawing: {screen:?}");
    assert_eq!(w.pacman_q(""), ["aur-base", "aur-tty"]);
}

#[test]
fn json_shows_each_build_as_started_then_built_events() {
    let Some(w) = World::new() else { return };
    let run = w.omg(&["--json", "install", "aur-lib", "--review=accept", "--yes"]);
    run.expect_code(0);
    let events = json_lines(&run);
    let builds: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "build").collect();
    let seen: Vec<(&str, &str)> = builds
        .iter()
        .map(|e| (e["base"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("aur-base", "started"),
            ("aur-base", "built"),
            ("aur-lib", "started"),
            ("aur-lib", "built"),
        ],
        "{}",
        run.stdout
    );
    for e in &builds {
        let version = if e["base"] == "aur-base" {
            "1.0-1"
        } else {
            "1.2.3-1"
        };
        assert_eq!(e["version"], version, "{e}");
        assert!(e["seconds"].is_u64(), "{e}");
        if e["state"] == "started" {
            assert_eq!(e["seconds"], 0, "{e}");
        }
        let log = Path::new(e["log"].as_str().unwrap());
        assert_eq!(log, log_of(&w, e["base"].as_str().unwrap()), "{e}");
        assert!(log.is_file(), "{e}");
    }
    // Every review before the first build; the last build before the end of the write.
    let first_build = events.iter().position(|e| e["event"] == "build").unwrap();
    let last_review = events.iter().rposition(|e| e["event"] == "review").unwrap();
    assert!(last_review < first_build, "{}", run.stdout);
    assert_eq!(events.last().unwrap()["event"], "done", "{}", run.stdout);
    // The plain lines went to stderr.
    assert!(
        run.stderr.contains(":: Building aur-base 1.0-1..."),
        "{}",
        run.stderr
    );
    assert_eq!(w.pacman_q(""), ["aur-base", "aur-lib", "repo-dep"]);
}

#[test]
fn a_failed_build_says_so_and_its_error_quotes_the_kept_log() {
    let Some(mut w) = World::new() else { return };
    let mut broken = AurPkg::new("aur-broken", "1.0");
    broken.build_lines = vec!["echo 'omg-test: about to fail'".into(), "false".into()];
    w.aur.publish(broken);
    let run = w.omg(&["install", "aur-broken", "--review=accept", "--yes"]);
    assert_eq!(run.code.map(|c| c != 0), Some(true), "{run:?}");
    let start = line_at(&run.stdout, ":: Building aur-broken 1.0-1...");
    let end = line_at(&run.stdout, ":: Building aur-broken 1.0-1 failed after ");
    assert!(start < end, "{}", run.stdout);
    assert!(!run.stdout.contains(":: Built "), "{}", run.stdout);
    let log = log_of(&w, "aur-broken");
    assert!(
        run.stderr.contains(&log.display().to_string()),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("omg-test: about to fail"),
        "the log's tail: {}",
        run.stderr
    );
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .contains("omg-test: about to fail"));
    assert!(w.pacman_q("").is_empty());
}

/// The processes (pid, command line) whose working directory is under `dir`.
fn processes_in(dir: &Path) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cwd) = std::fs::read_link(entry.path().join("cwd")) else {
            continue;
        };
        if cwd.starts_with(dir) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            found.push((pid, text));
        }
    }
    found
}

/// Waits (at most `limit`) for `what` to hold.
fn wait_for(limit: Duration, mut what: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    what()
}

/// Kills `child` and what it started in `dir` (for a failing test, so nothing outlives it).
fn reap(child: &mut Child, dir: &Path) {
    let _ = child.kill();
    let _ = child.wait();
    for (pid, _) in processes_in(dir) {
        // SAFETY: kill with a pid read from /proc; at worst the process is gone.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}

#[test]
fn ctrl_c_during_a_build_stops_makepkg_and_leaves_nothing_behind() {
    let Some(mut w) = World::new() else { return };
    let mut slow = AurPkg::new("aur-slow", "1.0");
    slow.build_lines = vec![format!("echo '{SLOW_MARKER}'"), "sleep 600".into()];
    w.aur.publish(slow);
    let (out_path, err_path) = (w.dir.path().join("stdout"), w.dir.path().join("stderr"));
    let mut child = w
        .command(&["install", "aur-slow", "--review=accept", "--yes"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("omg starts");
    let cache = w.cache();
    let log = log_of(&w, "aur-slow");
    let sleeping = || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.contains(SLOW_MARKER))
            && processes_in(&cache)
                .iter()
                .any(|(_, cmd)| cmd.starts_with("sleep 600"))
    };
    if !wait_for(Duration::from_secs(120), sleeping) {
        reap(&mut child, &cache);
        panic!(
            "build() never started\n--- stdout\n{}\n--- stderr\n{}\n--- log\n{}",
            std::fs::read_to_string(&out_path).unwrap_or_default(),
            std::fs::read_to_string(&err_path).unwrap_or_default(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    // SAFETY: kill with the pid of our own child (omg execs its backend in place).
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let signalled = Instant::now();
    let mut status = None;
    wait_for(Duration::from_secs(10), || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let took = signalled.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap();
    let stderr = std::fs::read_to_string(&err_path).unwrap();
    let Some(status) = status else {
        reap(&mut child, &cache);
        panic!("omg still runs 10 s after SIGINT\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    };
    println!("omg stopped {took:?} after SIGINT");
    let left = {
        let mut left = processes_in(&cache);
        // A process killed a moment ago may still be reaped.
        if !left.is_empty() {
            wait_for(Duration::from_secs(2), || processes_in(&cache).is_empty());
            left = processes_in(&cache);
        }
        left
    };
    if !left.is_empty() {
        reap(&mut child, &cache);
    }
    assert!(left.is_empty(), "the build left processes behind: {left:?}");
    assert_eq!(
        status.code(),
        Some(130),
        "--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(took < Duration::from_secs(5), "omg took {took:?} to stop");
    assert!(
        stdout.contains(":: Building aur-slow 1.0-1 was stopped after "),
        "{stdout}"
    );
    assert!(stderr.contains("stopped by a signal"), "{stderr}");
    // The build stops at once, and omg says so (not "before the next step").
    assert!(
        stderr.contains("omg: SIGINT: stopping now; nothing more will be changed")
            && !stderr.contains("before the next step"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&log.display().to_string()),
        "names the log: {stderr}"
    );
    assert!(
        stderr.contains("aur-slow was not built; nothing was installed from the AUR; to go on, run `omg install aur-slow`"),
        "says what happened and what to run: {stderr}"
    );
    assert_eq!(w.installed_version("aur-slow"), None);
    assert!(w.pacman_q("").is_empty(), "nothing installed");
    assert!(
        !w.root.dbpath().join("db.lck").exists(),
        "the libalpm lock is released"
    );
    let kept = std::fs::read_to_string(&log).unwrap();
    assert!(kept.contains(SLOW_MARKER), "{kept}");
    assert!(kept.contains("==> omg: stopped by a signal"), "{kept}");

    let again = w.omg(&["install", "aur-base", "--review=accept", "--yes"]);
    again.expect_code(0);
    assert_eq!(w.pacman_q(""), ["aur-base"]);
}
