//! Shell completion end to end: the script `omg completions <shell>` prints, loaded in the
//! real shell, calls back into the real thin client (`omg __complete`), which asks a real
//! omgd on a private socket for package names (a fixture pacman root, compared with
//! pacman's own lists) and reads the runtimes directory for runtimes and their versions.
//! Names from outside that a shell would read as code never reach it; without omgd the
//! call prints nothing, exits 0 and never starts the helper.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::daemon::start_with;
use common::{isolate, omg, omg_bin, omgd_bin, pacman, runtime_installed, tool_path};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use omg_transport_uds::{BlockingClient, ClientConfig, Request, Response};

/// Names a shell would run or expand if it evaluated a candidate; libalpm accepts them all
/// in a sync database (it only refuses names that are themselves glob patterns).
const HOSTILE: [&str; 3] = [
    "fo$(touch${IFS}HACKED)",
    "fo`touch${IFS}HACKED`",
    "fo;touch${IFS}HACKED",
];

fn fixture(dir: &Path) -> FixtureRoot {
    let pkg = |name: &str| FixturePackage::new(name, "1.0-1").desc("a package");
    let mut root = FixtureRoot::create(dir).expect("fixture root");
    let mut core: Vec<FixturePackage> = ["foo", "foobar", "fontconfig", "fish", "bash"]
        .into_iter()
        .map(pkg)
        .collect();
    core.extend(HOSTILE.map(pkg));
    root.add_sync_db("core", &core).expect("core");
    // `foo` again in another repository: one completion.
    root.add_sync_db("extra", &[pkg("foo"), pkg("vim")])
        .expect("extra");
    root.install_local(&[pkg("foobar"), pkg("fish"), pkg("bash")])
        .expect("local");
    root
}

/// A directory holding nothing but `omg` (as `omg` on PATH for the scripts' `command omg`).
fn bin_dir(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(omg_bin(), bin.join("omg")).unwrap();
    bin
}

/// A shell with `bin` first on PATH, hermetic like `omg` itself, in `cwd`, with `env`.
fn shell(program: &Path, bin: &Path, cwd: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(program);
    isolate(&mut cmd)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        // Never the helper: a completion must not need it.
        .env("OMG_BACKEND_BIN", "/nonexistent/omg-backend")
        .envs(env.iter().copied())
        .current_dir(cwd);
    cmd
}

/// bash's COMPREPLY after the script's `_omg` completes the last of `words`.
fn bash_complete(
    bash: &Path,
    bin: &Path,
    cwd: &Path,
    env: &[(&str, &str)],
    words: &[&str],
) -> Vec<String> {
    let script = cwd.join("omg.bash");
    if !script.exists() {
        std::fs::write(&script, omg(&["completions", "bash"], &[]).ok()).unwrap();
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let code = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _omg; \
         for c in \"${{COMPREPLY[@]}}\"; do printf '%s\\n' \"$c\"; done",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let out = shell(bash, bin, cwd, env)
        .args(["--norc", "--noprofile", "-c", &code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{words:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The names pacman lists (`-Slq` for the sync databases, `-Qq` installed) that start with
/// `prefix` and that a shell may be given, sorted and without duplicates.
fn pacman_names(conf: &Path, args: &[&str], prefix: &str) -> Option<Vec<String>> {
    let run = pacman(conf, args)?;
    let mut names: Vec<String> = run
        .ok()
        .lines()
        .filter(|n| n.starts_with(prefix) && !HOSTILE.contains(n))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

/// The fixture root in `dir` and an omgd serving it: its pacman.conf and the daemon.
fn fixture_daemon(omgd: &Path, dir: &Path) -> (PathBuf, common::daemon::Daemon) {
    let conf = fixture(&dir.join("root")).config_path();
    let daemon = start_with(
        omgd,
        &["--backend", "alpm", "--config", conf.to_str().unwrap()],
        dir,
        &[],
    );
    (conf, daemon)
}

#[test]
fn bash_completes_package_names_from_omgd() {
    let Some(omgd) = omgd_bin() else { return };
    let Some(bash) = tool_path("bash") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (conf, daemon) = fixture_daemon(&omgd, dir.path());
    let conf_str = conf.to_str().unwrap();
    let socket = daemon.socket.to_str().unwrap();
    let bin = bin_dir(dir.path());
    let cwd = dir.path().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let env = [("OMG_SOCKET", socket)];
    let complete = |words: &[&str]| {
        let mut line = vec!["omg", "--backend", "alpm", "--config", conf_str];
        line.extend_from_slice(words);
        bash_complete(&bash, &bin, &cwd, &env, &line)
    };

    let all_fo = complete(&["install", "fo"]);
    assert_eq!(all_fo, ["fontconfig", "foo", "foobar"]);
    assert_eq!(complete(&["i", "vim", "fo"]), all_fo);
    assert_eq!(complete(&["info", "fi"]), ["fish"]);
    assert_eq!(complete(&["remove", "fo"]), ["foobar"]);
    assert_eq!(complete(&["remove", "-r", "f"]), ["fish", "foobar"]);
    assert_eq!(complete(&["why", ""]), ["bash", "fish", "foobar"]);
    assert_eq!(complete(&["files", "b"]), ["bash"]);
    assert!(complete(&["install", "zz"]).is_empty());
    // The peer's lists, as data.
    if let Some(available) = pacman_names(&conf, &["-Slq"], "fo") {
        assert_eq!(all_fo, available);
        assert_eq!(
            complete(&["remove", ""]),
            pacman_names(&conf, &["-Qq"], "").unwrap()
        );
    }
    // Commands and options come from the command line itself.
    assert_eq!(complete(&["inst"]), ["install"]);
    assert_eq!(complete(&["remove", "--rec"]), ["--recursive"]);

    // omgd serves the hostile names (pacman lists them too), yet they never reach the
    // shell, and nothing ran.
    let (_, served) = BlockingClient::connect_and_request(
        &daemon.socket,
        &ClientConfig::default(),
        Request::Complete {
            prefix: "fo".into(),
            installed: false,
            limit: 100,
        },
    )
    .unwrap();
    let Response::Suggestions(served) = served else {
        panic!("{served:?}")
    };
    for name in HOSTILE {
        assert!(served.iter().any(|n| n == name), "{name} {served:?}");
    }
    let raw = omg(
        &[
            "__complete",
            "6",
            "omg",
            "--backend",
            "alpm",
            "--config",
            conf_str,
            "install",
            "fo",
        ],
        &env,
    );
    assert_eq!(raw.ok(), "fontconfig\nfoo\nfoobar\n");
    assert!(!cwd.join("HACKED").exists());
    assert!(std::fs::read_dir(&cwd)
        .unwrap()
        .all(|e| e.unwrap().file_name() == "omg.bash"));

    // A daemon serving another configuration names no packages.
    let other = dir.path().join("other.conf");
    std::fs::copy(&conf, &other).unwrap();
    let line = [
        "omg",
        "--backend",
        "alpm",
        "--config",
        other.to_str().unwrap(),
        "install",
        "fo",
    ];
    assert!(bash_complete(&bash, &bin, &cwd, &env, &line).is_empty());
    // Nor when the line says --no-daemon.
    assert!(complete(&["install", "--no-daemon", "fo"]).is_empty());
}

#[test]
fn fish_and_zsh_complete_package_names_from_omgd() {
    let Some(omgd) = omgd_bin() else { return };
    let Some(fish) = tool_path("fish") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (conf, daemon) = fixture_daemon(&omgd, dir.path());
    let conf_str = conf.to_str().unwrap();
    let bin = bin_dir(dir.path());
    let script = dir.path().join("omg.fish");
    std::fs::write(&script, omg(&["completions", "fish"], &[]).ok()).unwrap();
    let code = format!(
        "source '{}'; complete -C'omg --backend alpm --config {conf_str} remove f'",
        script.display()
    );
    let out = shell(
        &fish,
        &bin,
        dir.path(),
        &[
            ("OMG_SOCKET", daemon.socket.to_str().unwrap()),
            ("HOME", dir.path().to_str().unwrap()),
        ],
    )
    .args(["--no-config", "-c", &code])
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "fish\nfoobar\n");

    // zsh: the script's function, with `compadd` (a builtin only a completion widget may
    // call) replaced by one that prints what it is given.
    let Some(zsh) = tool_path("zsh") else { return };
    let script = dir.path().join("_omg");
    std::fs::write(&script, omg(&["completions", "zsh"], &[]).ok()).unwrap();
    let code = format!(
        "compdef() {{ :; }}; compadd() {{ shift; print -rl -- \"$@\"; }}; \
         _files() {{ print -r -- FILES; }}; source '{}'; \
         words=(omg --backend alpm --config '{conf_str}' install fo); CURRENT=7; _omg; \
         words=(omg --backend alpm --config '{conf_str}' remove zz); CURRENT=7; _omg",
        script.display()
    );
    let out = shell(
        &zsh,
        &bin,
        dir.path(),
        &[("OMG_SOCKET", daemon.socket.to_str().unwrap())],
    )
    .args(["-f", "-c", &code])
    .output()
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "fontconfig\nfoo\nfoobar\nFILES\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn runtimes_and_their_installed_versions_complete_from_disk() {
    let Some(bash) = tool_path("bash") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    runtime_installed(&data, "node", "20.11.1");
    runtime_installed(&data, "node", "18.19.0");
    runtime_installed(&data, "go", "1.22.1");
    runtime_installed(&data, "node", "$(touch${IFS}HACKED)");
    let bin = bin_dir(dir.path());
    let cwd = dir.path().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let env = [("XDG_DATA_HOME", data.to_str().unwrap())];
    let complete = |words: &[&str]| {
        let mut line = vec!["omg"];
        line.extend_from_slice(words);
        bash_complete(&bash, &bin, &cwd, &env, &line)
    };
    let native = ["bun", "go", "java", "node", "python", "ruby", "rust"];
    assert_eq!(complete(&["use", ""]), native);
    assert_eq!(complete(&["use", "n"]), ["node"]);
    assert_eq!(complete(&["runtimes", "install", "r"]), ["ruby", "rust"]);
    assert_eq!(complete(&["runtimes", "list", ""]), native);
    assert_eq!(complete(&["which", "g"]), ["go"]);
    assert_eq!(complete(&["runtimes", "uninstall", ""]), ["go", "node"]);
    assert_eq!(
        complete(&["runtimes", "uninstall", "node", ""]),
        ["20.11.1", "18.19.0"]
    );
    assert_eq!(complete(&["use", "--global", "nodejs", "1"]), ["18.19.0"]);
    assert_eq!(complete(&["use", "go", ""]), ["1.22.1"]);
    assert_eq!(complete(&["exec", "no"]), ["node"]);
    assert_eq!(
        complete(&["exec", "node@"]),
        ["node@20.11.1", "node@18.19.0"]
    );
    assert!(complete(&["runtimes", "uninstall", "python", ""]).is_empty());
    assert!(!cwd.join("HACKED").exists());
}

#[test]
fn without_omgd_a_completion_prints_nothing_and_never_starts_the_helper() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    std::fs::create_dir_all(&run_dir).unwrap();
    std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let socket = run_dir.join("omgd.sock");
    let socket_str = socket.to_str().unwrap();
    let words = [
        "__complete",
        "4",
        "omg",
        "--backend",
        "alpm",
        "install",
        "fo",
    ];
    let no_helper = ("OMG_BACKEND_BIN", "/nonexistent/omg-backend");
    // No socket at all (the default one too: common::isolate points it at nothing).
    assert_eq!(omg(&words, &[no_helper]).ok(), "");
    assert_eq!(
        omg(&words, &[no_helper, ("OMG_SOCKET", socket_str)]).ok(),
        ""
    );
    // A socket nobody listens on any more.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    assert_eq!(
        omg(&words, &[no_helper, ("OMG_SOCKET", socket_str)]).ok(),
        ""
    );
    // A listener that accepts and never answers: the short timeout gives up.
    std::fs::remove_file(&socket).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let mut cmd = Command::new(omg_bin());
    isolate(&mut cmd)
        .args(words)
        .env(no_helper.0, no_helper.1)
        .env("OMG_SOCKET", socket_str)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let (_held, _) = listener.accept().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "omg __complete waits for a silent omgd"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!((out.stdout.len(), out.stderr.len()), (0, 0));
}
