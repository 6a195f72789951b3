//! The daemon path: `omg` answered by a real `omgd` prints byte for byte what direct mode
//! prints, and never uses a daemon that serves another configuration.
//!
//! `omgd` is found beside `omg` (a workspace build puts both in one directory). When it is
//! missing the tests say so and pass, except under CI, where they fail.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::daemon::{start_with, Daemon};
use common::{omg, omg_bin, omgd_bin, runtime_installed, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

fn fixture(dir: &Path) -> FixtureRoot {
    let pkg = |name: &str, version: &str, desc: &str| FixturePackage::new(name, version).desc(desc);
    let vim = pkg(
        "vim",
        "9.1.1000-1",
        "Vi Improved, a highly configurable text editor",
    );
    let bash = pkg("bash", "5.2.037-1", "The GNU Bourne Again shell").depends(["readline"]);
    let readline = pkg("readline", "8.2.013-1", "GNU readline library");
    let mut root = FixtureRoot::create(dir).expect("fixture root");
    root.add_sync_db(
        "core",
        &[
            bash.clone(),
            readline.clone(),
            pkg("vim-runtime", "9.1.1000-1", "Vi Improved, runtime files"),
        ],
    )
    .expect("core");
    root.add_sync_db(
        "extra",
        &[
            vim.clone(),
            pkg(
                "neovim",
                "0.10.4-1",
                "Fork of Vim aiming to improve user experience",
            ),
            pkg("gvim", "9.1.1000-1", "Vi Improved, with a GUI"),
        ],
    )
    .expect("extra");
    root.install_local(&[
        vim,
        bash.with_version("5.2.026-2"),
        readline.as_dependency(),
    ])
    .expect("local");
    root
}

fn start(omgd: &Path, conf: &Path, dir: &Path) -> Daemon {
    let conf = conf.to_str().expect("UTF-8");
    start_with(omgd, &["--backend", "alpm", "--config", conf], dir, &[])
}

/// `omg args` answered by the daemon only: the direct-mode helper is made unreachable.
fn via_daemon(args: &[&str], socket: &Path) -> Run {
    let socket = socket.to_str().expect("UTF-8 path");
    omg(
        args,
        &[("OMG_SOCKET", socket), ("OMG_BACKEND_BIN", "/nonexistent")],
    )
}

/// Each of `commands` (after the `backend` options) prints the same, with the same exit code,
/// through the daemon as in direct mode.
fn assert_same_as_direct(backend: &[&str], commands: &[Vec<&str>], socket: &Path) {
    for command in commands {
        let mut args = backend.to_vec();
        args.extend(command);
        let mut direct_args = args.clone();
        direct_args.push("--no-daemon");
        let direct = omg(&direct_args, &[]);
        let served = via_daemon(&args, socket);
        assert_eq!(
            (served.code, &served.stdout, &served.stderr),
            (direct.code, &direct.stdout, &direct.stderr),
            "omg {args:?}: daemon and direct mode differ"
        );
    }
}

#[test]
fn daemon_answers_are_byte_identical_to_direct_mode() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let conf = root.config_path().to_str().expect("UTF-8").to_string();
    let daemon = start(&omgd, &root.config_path(), dir.path());
    let commands: Vec<Vec<&str>> = vec![
        vec!["search", "vim"],
        vec!["search", "vim", "--limit", "2"],
        vec!["search", "vi", "improved"],
        vec!["--json", "search", "vim"],
        vec!["-q", "search", "vim", "--installed"],
        vec!["info", "vim", "bash"],
        vec!["--json", "info", "readline"],
        vec!["info", "vimm"],
        vec!["--json", "info", "vimm"],
        vec!["list"],
        vec!["list", "--explicit"],
        vec!["explicit"],
        vec!["--json", "explicit"],
        vec!["list", "--orphans"],
        vec!["list", "--upgradable"],
        vec!["status"],
        vec!["--json", "status"],
        vec!["search", " "],
        // Nothing found is exit code 1 through omgd too; --limit 0 is no limit.
        vec!["search", "zzzzzz"],
        vec!["--json", "search", "zzzzzz"],
        vec!["search", "vim", "--limit", "0"],
        vec!["search", "vi-improved"],
        // Since protocol 4.1: why, from omgd's dependency graph, errors included.
        vec!["why", "readline"],
        vec!["--json", "why", "readline"],
        vec!["why", "vim"],
        vec!["-q", "why", "bash"],
        // In a repository, not installed; unknown: exit 3 with the closest installed names.
        vec!["why", "neovim"],
        vec!["why", "vimm"],
        vec!["--json", "why", "vimm"],
    ];
    let backend = ["--backend", "alpm", "--config", conf.as_str()];
    assert_same_as_direct(&backend, &commands, &daemon.socket);
}

/// A search whose output passes 64 KiB comes from omgd as a sealed memory file copied to
/// stdout (protocol 4.6); it prints what direct mode prints, to a file and to a pipe that
/// closes early. The helper is unreachable, so a refused file would fail the command.
#[test]
fn large_searches_come_as_a_file_and_print_as_direct_mode_prints() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(&dir.path().join("root")).expect("fixture root");
    let many: Vec<FixturePackage> = (0..1200)
        .map(|i| {
            FixturePackage::new(format!("libtest-{i:04}"), "1.0-1").desc(format!(
                "A library for testing answers that come as a file, number {i}"
            ))
        })
        .collect();
    root.add_sync_db("extra", &many).expect("extra");
    let conf = root.config_path().to_str().expect("UTF-8").to_string();
    let daemon = start(&omgd, &root.config_path(), dir.path());
    let backend = ["--backend", "alpm", "--config", conf.as_str()];
    let commands = vec![
        vec!["search", "libtest"],
        vec!["--json", "search", "libtest"],
        vec!["search", "libtest", "--limit", "10"],
    ];
    assert_same_as_direct(&backend, &commands, &daemon.socket);
    let served = via_daemon(
        &[&backend[..], &["search", "libtest"]].concat(),
        &daemon.socket,
    );
    assert!(
        served.stdout.len() > 64 * 1024,
        "{} bytes",
        served.stdout.len()
    );
    // Into a pipe that closes after the first line: no error, nothing on stderr.
    let socket = daemon.socket.to_str().expect("UTF-8");
    let script = format!(
        "set -o pipefail; {} {} search libtest | head -n 1",
        omg_bin().display(),
        backend.join(" ")
    );
    let mut bash = std::process::Command::new("bash");
    let out = common::isolate(&mut bash)
        .args(["-c", &script])
        .env("OMG_SOCKET", socket)
        .env("OMG_BACKEND_BIN", "/nonexistent")
        .output()
        .expect("bash");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "extra/libtest-0000 1.0-1\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_daemon_for_another_configuration_is_not_used() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let daemon = start(&omgd, &root.config_path(), dir.path());
    // Same content, another file: omg must not take the daemon's answers for it.
    let other = dir.path().join("other.conf");
    std::fs::copy(root.config_path(), &other).expect("copy");
    let run = via_daemon(
        &[
            "--backend",
            "alpm",
            "--config",
            other.to_str().expect("UTF-8"),
            "status",
        ],
        &daemon.socket,
    );
    // The daemon was refused, so omg fell back to its (unreachable) helper.
    run.expect_code(5);
    // And the matching configuration is served.
    let conf = root.config_path();
    let conf = conf.to_str().expect("UTF-8");
    via_daemon(
        &["--backend", "alpm", "--config", conf, "status"],
        &daemon.socket,
    )
    .ok();
}

#[test]
fn apt_daemon_on_the_host_answers_like_direct_mode() {
    let Some(omgd) = omgd_bin() else { return };
    if common::tool_stdout("dpkg-query", &["-W", "dpkg"]).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let daemon = start_with(&omgd, &["--backend", "apt"], dir.path(), &[]);
    // The first status of a 60,000-package apt cache takes omgd a few seconds (a debug build
    // on a busy machine can pass omg's 2 s patience): wait until it has it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while via_daemon(&["--backend", "apt", "status"], &daemon.socket).code != Some(0) {
        assert!(Instant::now() < deadline, "omgd never answered status");
        std::thread::sleep(Duration::from_millis(500));
    }
    let commands: Vec<Vec<&str>> = vec![
        vec!["search", "dpkg"],
        vec!["--json", "search", "text", "editor", "--limit", "5"],
        vec!["-q", "search", "libc", "--installed"],
        vec!["info", "bash", "coreutils"],
        vec!["info", "bashh"],
        vec!["list", "--explicit"],
        vec!["status"],
        vec!["outdated"],
        vec!["why", "dpkg"],
        vec!["why", "dpkgg"],
    ];
    assert_same_as_direct(&["--backend", "apt"], &commands, &daemon.socket);
}

/// `omg status` through omgd shows the runtimes as they are at that moment, like direct
/// mode: the very next status after a change (`omg runtimes install`, `omg use` write them
/// without telling omgd) is byte-identical, the installed versions and global defaults
/// included.
#[test]
fn omgd_status_shows_the_runtimes_of_the_moment() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let conf = root.config_path().to_str().expect("UTF-8").to_string();
    let config_home = dir.path().join("config");
    let data_home = dir.path().join("data");
    let env = [
        ("XDG_CONFIG_HOME", config_home.to_str().expect("UTF-8")),
        ("XDG_DATA_HOME", data_home.to_str().expect("UTF-8")),
    ];
    // omgd reads the runtimes from the same homes as omg.
    let daemon = start_with(
        &omgd,
        &["--backend", "alpm", "--config", conf.as_str()],
        dir.path(),
        &env,
    );
    let socket = daemon.socket.to_str().expect("UTF-8").to_string();
    let status = |daemon_path: bool, json: bool| {
        let mut args = vec!["--backend", "alpm", "--config", conf.as_str()];
        if json {
            args.push("--json");
        }
        args.push("status");
        let mut vars = env.to_vec();
        if daemon_path {
            vars.extend([
                ("OMG_SOCKET", socket.as_str()),
                ("OMG_BACKEND_BIN", "/nonexistent"),
            ]);
        } else {
            args.push("--no-daemon");
        }
        omg(&args, &vars)
    };
    let same = |want: &str| {
        for json in [false, true] {
            let served = status(true, json);
            assert_eq!(served.ok(), status(false, json).ok(), "json: {json}");
            if !json {
                assert!(served.stdout.contains(want), "{}", served.stdout);
            }
        }
    };
    same("upgradable  1\n");
    assert!(!status(true, false).ok().contains("runtimes"));
    std::fs::create_dir_all(config_home.join("omg")).expect("config dir");
    std::fs::write(
        config_home.join("omg/runtimes.toml"),
        "[global]\nnode = \"20\"\n",
    )
    .expect("runtimes.toml");
    same("runtimes    node (global default \"20\" is not installed; none installed)\n");
    runtime_installed(&data_home, "node", "20.11.1");
    runtime_installed(&data_home, "node", "18.19.0");
    runtime_installed(&data_home, "go", "1.22.0");
    same(
        "runtimes    go (installed 1.22.0)\n            \
         node 20.11.1 (global default \"20\"; installed 20.11.1, 18.19.0)\n",
    );
}

#[test]
fn doctor_checks_the_backend_and_whether_omgd_serves_it() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let conf = root.config_path();
    let conf_str = conf.to_str().expect("UTF-8");
    let socket = dir.path().join("run/omgd.sock");
    let socket_str = socket.to_str().expect("UTF-8");
    let doctor = |config: &str| {
        omg(
            &["--backend", "alpm", "--config", config, "--json", "doctor"],
            &[("OMG_SOCKET", socket_str)],
        )
    };
    let check = |run: &Run, name: &str| -> (String, String) {
        let all = run.json();
        let c = all
            .as_array()
            .expect("an array of checks")
            .iter()
            .find(|c| c["check"] == name)
            .unwrap_or_else(|| panic!("no {name} check: {all}"))
            .clone();
        (
            c["health"].as_str().unwrap_or_default().to_string(),
            c["detail"].as_str().unwrap_or_default().to_string(),
        )
    };

    let run = doctor(conf_str);
    run.expect_code(0);
    let (health, detail) = check(&run, "backend");
    assert_eq!(health, "ok", "{detail}");
    assert!(
        detail.ends_with(": 6 available, 3 installed, 1 upgradable"),
        "{detail}"
    );
    let (health, detail) = check(&run, "daemon");
    assert_eq!(health, "note");
    assert!(
        detail.starts_with(&format!("no omgd on {socket_str}")),
        "{detail}"
    );

    let _daemon = start(&omgd, &conf, dir.path());
    let run = doctor(conf_str);
    run.expect_code(0);
    let (health, detail) = check(&run, "daemon");
    assert_eq!(health, "ok", "{detail}");
    assert!(detail.contains("serves this configuration"), "{detail}");

    // Another configuration: its backend does not open (a problem, exit 1), and the omgd
    // running is not the one it would use.
    let missing = dir.path().join("missing.conf");
    let run = doctor(missing.to_str().expect("UTF-8"));
    run.expect_code(1);
    let (health, detail) = check(&run, "backend");
    assert_eq!(health, "problem");
    assert!(detail.contains("missing.conf"), "{detail}");
    let (health, detail) = check(&run, "daemon");
    assert_eq!(health, "note");
    assert!(detail.contains("serves another configuration"), "{detail}");

    // A configured value that every write would refuse.
    let run = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf_str,
            "--json",
            "doctor",
        ],
        &[
            ("OMG_SOCKET", socket_str),
            ("OMG_TRANSACTIONS_LOCK_TIMEOUT", "soon"),
        ],
    );
    run.expect_code(1);
    let (health, detail) = check(&run, "configuration");
    assert_eq!(health, "problem");
    assert!(detail.contains("lock_timeout"), "{detail}");
}

/// omg talks only to its own user's daemon: a socket in a directory that is not private to
/// the user (another user may have made `/tmp/omg-$UID` first) is ignored before anything is
/// sent, with a warning under `-v`, and direct mode answers instead.
#[test]
fn a_socket_in_a_directory_others_control_is_ignored() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let conf = root.config_path().to_str().expect("UTF-8").to_string();
    let daemon = start(&omgd, &root.config_path(), dir.path());
    let backend = ["--backend", "alpm", "--config", conf.as_str()];
    let search = |extra: &[&str]| {
        let mut args = backend.to_vec();
        args.extend(["search", "vim"]);
        args.extend(extra);
        via_daemon(&args, &daemon.socket)
    };
    // Its own, private directory: omgd answers (the helper is unreachable).
    search(&[]).ok();
    let run_dir = daemon.socket.parent().expect("socket dir");
    let set_mode = |mode: u32| {
        std::fs::set_permissions(run_dir, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    // Others may replace the socket: not asked; the unreachable helper is tried instead.
    set_mode(0o755);
    let run = search(&["-v"]);
    set_mode(0o700);
    run.expect_code(5);
    assert!(
        run.stderr.starts_with(&format!(
            "omg: warning: ignoring the omgd socket {}: its directory {} has mode 755",
            daemon.socket.display(),
            run_dir.display()
        )),
        "{}",
        run.stderr
    );
    // Owned by another user (as root the test can hand the directory to `nobody`).
    if omg_testkit::require_root("cannot hand a directory to another user") {
        std::os::unix::fs::chown(run_dir, Some(65534), None).expect("chown");
        let run = search(&[]);
        std::os::unix::fs::chown(run_dir, Some(0), None).expect("chown");
        run.expect_code(5);
        assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    }
    search(&[]).ok();
}

/// `omg args` on a pseudo-terminal of `columns` columns, colours on, with `env`; `None`
/// without `script` (a failure under CI).
fn on_terminal(args: &[&str], columns: usize, env: &[(&str, &str)]) -> Option<Run> {
    let mut line = format!("TERM=xterm '{}'", omg_bin().display());
    for arg in args {
        line.push_str(&format!(" '{arg}'"));
    }
    common::on_terminal(&line, columns, env)
}

/// omgd renders a search as the client's terminal shows it (protocol 4.5 asks for the
/// text): with colours and fitted to the width, the bytes are direct mode's.
#[test]
fn searches_on_a_terminal_are_rendered_as_direct_mode_renders_them() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture(&dir.path().join("root"));
    let conf = root.config_path().to_str().expect("UTF-8").to_string();
    let daemon = start(&omgd, &root.config_path(), dir.path());
    let socket = daemon.socket.to_str().expect("UTF-8");
    for columns in [40, 60, 120] {
        for search in [vec!["search", "vi"], vec!["search", "zzzzzz"]] {
            let mut args = vec!["--backend", "alpm", "--config", conf.as_str()];
            args.extend(&search);
            let served = on_terminal(
                &args,
                columns,
                &[("OMG_SOCKET", socket), ("OMG_BACKEND_BIN", "/nonexistent")],
            );
            let Some(served) = served else { return };
            args.push("--no-daemon");
            let direct = on_terminal(&args, columns, &[]).expect("script");
            assert_eq!(
                (served.code, &served.stdout),
                (direct.code, &direct.stdout),
                "{columns} columns, {search:?}"
            );
            if search[1] == "vi" {
                assert!(served.stdout.contains("\x1b["), "no colours: {served:?}");
            }
        }
    }
    // The width is the client's: a narrower terminal gets other bytes from the same omgd.
    let args = [
        "--backend",
        "alpm",
        "--config",
        conf.as_str(),
        "search",
        "vi",
    ];
    let env = [("OMG_SOCKET", socket), ("OMG_BACKEND_BIN", "/nonexistent")];
    let narrow = on_terminal(&args, 40, &env).expect("script");
    let wide = on_terminal(&args, 120, &env).expect("script");
    assert_ne!(narrow.stdout, wide.stdout);
}
