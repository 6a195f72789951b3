//! The shell's own choice of a runtime version (`OMG_<RUNTIME>_VERSION`, set by `omg shell`
//! through the `omg` function of the hook) and bash's `cd` hook, through the real `omg` and
//! real shells (bash always; zsh and fish where installed) against node releases served on
//! 127.0.0.1, whose `node` is a shell script printing its version.

// A test: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use std::path::Path;

use common::{omg_bin, Run};
use omg_ports::ArchiveFormat;
use omg_testkit::runtimes::{NodeDist, Tamper, TestServer};
use runtimes_world::World;

/// node 20.11.1 and 18.19.0 installed (21.6.1 only offered); `proj` says 20, `elsewhere`
/// says 18.
fn world() -> (TestServer, World) {
    let server = TestServer::start();
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
        dist.release("21.6.1", None, Tamper::None)
            .release("20.11.1", Some("Iron"), Tamper::None)
            .release("18.19.0", Some("Hydrogen"), Tamper::None);
        dist.mirror()
    };
    let w = World::new(&[("node", mirror)]);
    for v in ["20", "18"] {
        w.omg("home", &["runtimes", "install", "node", v])
            .expect_code(0);
    }
    w.write("proj/.nvmrc", "20\n");
    w.write("elsewhere/.nvmrc", "18\n");
    (server, w)
}

/// `shell -c script` in `home`, with the directory of the omg under test first on PATH (the
/// hook's `omg` function hands commands other than `shell` to the `omg` on PATH).
fn in_shell(w: &World, shell: &Path, script: &str) -> Run {
    let dir = omg_bin().parent().unwrap();
    let out = w
        .command(shell, "home")
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .args(["-c", script])
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn q(p: &Path) -> String {
    format!("'{}'", p.display())
}

/// rvm and mise: bash has no chpwd hook, so `cd` is wrapped; the version of the directory
/// entered is on PATH for the rest of the same command line, not only after the next prompt.
#[test]
fn bash_activates_on_cd_pushd_popd_in_the_same_line() {
    let (_server, w) = world();
    std::fs::create_dir_all(w.path("with space")).unwrap();
    w.write("with space/.nvmrc", "18\n");
    let script = format!(
        "eval \"$({omg} hook bash)\"
cd {proj} && node --version
cd {elsewhere} && node --version
cd {proj}/sub; echo \"cd=$?\"; node --version
cd /nonexistent/dir 2>/dev/null; echo \"cd=$?\"
cd -- {space} && node --version
cd - >/dev/null && node --version
pushd {elsewhere} >/dev/null && node --version
popd >/dev/null && node --version; echo \"popd=$?\"
popd 2>/dev/null; echo \"popd=$?\"",
        omg = q(omg_bin()),
        proj = q(&w.path("proj")),
        elsewhere = q(&w.path("elsewhere")),
        space = q(&w.path("with space")),
    );
    let run = in_shell(&w, Path::new("/bin/bash"), &script);
    assert_eq!(
        run.stdout,
        "v20.11.1\nv18.19.0\ncd=0\nv20.11.1\ncd=1\nv18.19.0\nv20.11.1\nv18.19.0\nv20.11.1\n\
         popd=0\npopd=1\n",
        "stderr: {}",
        run.stderr
    );
    // The one-line form of the task, as a user would type it.
    let out = w
        .command(Path::new("/bin/bash"), "home")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            &format!(
                "eval \"$({} hook bash)\"; cd {} && node --version",
                q(omg_bin()),
                q(&w.path("proj/sub/deeper"))
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "v20.11.1\n");
    assert!(out.status.success());
    // Under `set -euo pipefail` (a CI script loading the hook) a cd that succeeds is a
    // success: the hook's own status does not leak out of the wrapper.
    let script = format!(
        "set -euo pipefail; eval \"$({} hook bash)\"; cd {}; node --version; cd {}; \
         node --version; echo done",
        q(omg_bin()),
        q(&w.path("proj")),
        q(&w.path("elsewhere"))
    );
    let run = in_shell(&w, Path::new("/bin/bash"), &script);
    assert_eq!(
        run.stdout, "v20.11.1\nv18.19.0\ndone\n",
        "stderr: {}",
        run.stderr
    );
}

/// A `cd` function of the user's, defined before the hook, keeps working: it is called by
/// the wrapper (as `_omg_user_cd`), with the same arguments and its own exit status. Loading
/// the hook twice (a re-read ~/.bashrc) wraps it once.
#[test]
fn bash_keeps_the_users_own_cd_function() {
    let (_server, w) = world();
    let script = format!(
        "cd() {{ echo \"mine: $#\"; builtin cd \"$@\" || return 4; }}
eval \"$({omg} hook bash)\"
eval \"$({omg} hook bash)\"
cd {proj} && node --version
cd /nonexistent/dir 2>/dev/null; echo \"cd=$?\"
type -t _omg_user_cd _omg_user_pushd",
        omg = q(omg_bin()),
        proj = q(&w.path("proj")),
    );
    let run = in_shell(&w, Path::new("/bin/bash"), &script);
    assert_eq!(
        run.stdout, "mine: 1\nv20.11.1\nmine: 1\ncd=4\nfunction\n",
        "stderr: {}",
        run.stderr
    );
}

/// nvm's `nvm use`, pyenv's `pyenv shell` (PYENV_VERSION), mise's `mise shell`
/// (MISE_NODE_VERSION): the shell's choice beats every version file, in this shell only,
/// until it is dropped; a version not installed is accepted and said to be missing (mise).
#[test]
fn omg_shell_overrides_the_files_in_real_shells() {
    let (_server, w) = world();
    let omg = q(omg_bin());
    let proj = q(&w.path("proj"));
    let data = w.path("data").display().to_string();
    let bash = format!(
        "eval \"$({omg} hook bash)\"
cd {proj} && node --version
omg shell node 18 && node --version
echo \"var=$OMG_NODE_VERSION\"
cd sub && node --version
omg which node
omg shell node bogus; echo \"rc=$?\"
node --version
omg shell node --unset && node --version
echo \"var=${{OMG_NODE_VERSION-unset}}\"
export OMG_NODE_VERSION=lts/hydrogen; _omg_hook; node --version
unset OMG_NODE_VERSION; _omg_hook; node --version
omg shell node 21; echo \"rc=$?\"
case $(type -P node) in '{data}'*) echo omg-node ;; *) echo not-omg ;; esac
omg shell --help >/dev/null; echo \"help=$?\""
    );
    let zsh = bash
        .replace("hook bash", "hook zsh")
        .replace("type -P node", "whence -p node");
    let fish = format!(
        "{omg} hook fish | source
cd {proj}; and node --version
omg shell node 18; and node --version
echo \"var=$OMG_NODE_VERSION\"
cd sub; and node --version
omg which node
omg shell node bogus; echo \"rc=$status\"
node --version
omg shell node --unset; and node --version
set -q OMG_NODE_VERSION; or echo var=unset
set -gx OMG_NODE_VERSION lts/hydrogen; __omg_hook; node --version
set -e OMG_NODE_VERSION; __omg_hook; node --version
omg shell node 21; echo \"rc=$status\"
switch (command -s node); case '{data}*'; echo omg-node; case '*'; echo not-omg; end
omg shell --help >/dev/null; echo \"help=$status\""
    );
    for (shell, script) in [("bash", bash), ("zsh", zsh), ("fish", fish)] {
        let path = if shell == "bash" {
            Path::new("/bin/bash").to_path_buf()
        } else {
            match common::tool_path(shell) {
                Some(p) => p,
                None => continue,
            }
        };
        let run = in_shell(&w, &path, &script);
        let lines: Vec<&str> = run.stdout.lines().collect();
        let node_bin = w.runtimes_dir("node").join("18.19.0/bin/node");
        let want = [
            "v20.11.1".to_string(),
            "v18.19.0".into(),
            "var=18".into(),
            "v18.19.0".into(),
            format!("node 18.19.0 {}", node_bin.display()),
            "  decided by $OMG_NODE_VERSION (18)".into(),
            "rc=2".into(),
            "v18.19.0".into(),
            "v20.11.1".into(),
            "var=unset".into(),
            "v18.19.0".into(),
            "v20.11.1".into(),
            "rc=0".into(),
            "not-omg".into(),
            "help=0".into(),
        ];
        assert_eq!(lines, want, "{shell}; stderr: {}", run.stderr);
        // The invalid value named with its variable; 21 is not installed, and said so.
        assert!(
            run.stderr
                .contains("OMG_NODE_VERSION=\"bogus\" is not a node version"),
            "{shell}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "node 21 ($OMG_NODE_VERSION) is not installed; run `omg runtimes install node 21`"
            ),
            "{shell}: {}",
            run.stderr
        );
    }
}

/// Without the hook's function nothing can set a variable in the calling shell: the binary
/// run directly prints no code and says how to load the hook.
#[test]
fn omg_shell_without_the_hook_says_how_to_get_it() {
    let (_server, w) = world();
    let run = w.omg("proj", &["shell", "node", "18"]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("eval \"$(omg hook bash)\""),
        "{}",
        run.stderr
    );
    // Through bash without the hook: the same, and the shell's variables are untouched.
    let script = format!(
        "PATH={}:$PATH; omg shell node 18; echo \"rc=$? var=${{OMG_NODE_VERSION-unset}}\"",
        q(omg_bin().parent().unwrap())
    );
    let run = in_shell(&w, Path::new("/bin/bash"), &script);
    assert_eq!(run.stdout, "rc=1 var=unset\n", "{}", run.stderr);
}

/// `omg which`, `omg exec`, `omg current` and `omg runtimes list` take the variable over the
/// files; an invalid value is an error naming it; `omg use` edits the files and says that
/// the variable still decides in this shell.
#[test]
fn the_override_decides_for_which_exec_current_and_list() {
    let (_server, w) = world();
    let env = [("OMG_NODE_VERSION", "18")];
    let which = w
        .omg_env("proj", &["--json", "which", "node"], &env)
        .expect_code(0)
        .json();
    assert_eq!(which["version"], "18.19.0");
    assert_eq!(
        which["origin"],
        serde_json::json!({"kind": "env", "variable": "OMG_NODE_VERSION"})
    );
    let run = w.omg_env("proj", &["exec", "node", "--", "node"], &env);
    assert_eq!(run.ok(), "v18.19.0\n");
    // An explicit version on the command line still wins.
    let run = w.omg_env("proj", &["exec", "node@20", "--", "node"], &env);
    assert_eq!(run.ok(), "v20.11.1\n");

    let both = [("OMG_NODE_VERSION", "18"), ("OMG_GO_VERSION", "1.22")];
    let current = w
        .omg_env("proj", &["--json", "current"], &both)
        .expect_code(0)
        .json();
    assert_eq!(current[0]["runtime"], "go");
    assert_eq!(current[0]["installed"], false);
    assert_eq!(current[0]["origin"]["variable"], "OMG_GO_VERSION");
    assert_eq!(current[1]["version"], "18.19.0");
    assert_eq!(current[1]["origin"]["kind"], "env");
    let text = w.omg_env("proj", &["current"], &both);
    assert!(
        text.ok()
            .lines()
            .any(|l| l.starts_with("node ") && l.ends_with(" $OMG_NODE_VERSION")),
        "{}",
        text.stdout
    );
    let list = w
        .omg_env("proj", &["--json", "runtimes", "list"], &env)
        .expect_code(0)
        .json();
    let active: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["active"] == true)
        .map(|r| &r["version"])
        .collect();
    assert_eq!(active, ["18.19.0"]);

    // Invalid: exit 2, the variable named.
    let bad = [("OMG_NODE_VERSION", "lts/nope/\u{1b}[31m")];
    let run = w.omg_env("proj", &["which", "node"], &bad);
    run.expect_code(2);
    assert!(
        run.stderr.contains("OMG_NODE_VERSION=\"lts/nope/"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    let run = w.omg_env("proj", &["--json", "current"], &[("OMG_GO_VERSION", "lts")]);
    run.expect_code(2);
    assert_eq!(run.json()["error"]["kind"], "invalid_request");

    // omg use: the file is what it changes; the variable still decides here.
    let run = w.omg_env("elsewhere", &["use", "node", "20"], &env);
    assert!(
        run.ok()
            .contains("note: $OMG_NODE_VERSION (18) overrides it in this shell"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(w.path("elsewhere/.nvmrc")).unwrap(),
        "20\n"
    );
}
