//! `omg use`, `omg runtimes`, `omg which`, `omg exec`, `omg current` and the shell hook,
//! through the real `omg` binary against a server on 127.0.0.1 serving node's, go's and
//! bun's real index formats with small real archives (tar.xz, tar.gz, zip) whose binaries
//! are shell scripts printing their version.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use std::path::Path;

use common::omg_bin;
use omg_ports::ArchiveFormat;
use omg_testkit::runtimes::{BunReleases, GoDl, NodeDist, Tamper, TestServer};
use runtimes_world::World;

fn node_world(format: ArchiveFormat) -> (TestServer, World) {
    let server = TestServer::start();
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", format);
        dist.release("21.6.1", None, Tamper::None)
            .release("20.11.1", Some("Iron"), Tamper::None)
            .release("20.9.0", Some("Iron"), Tamper::None)
            .release("18.19.0", Some("Hydrogen"), Tamper::None)
            .release("19.0.0", None, Tamper::WrongSum)
            .release("17.0.0", None, Tamper::NoSum)
            .release("16.0.0", None, Tamper::Truncated)
            .release("15.0.0", None, Tamper::DotDot)
            .release("14.0.0", None, Tamper::LinkOut);
        dist.mirror()
    };
    let world = World::new(&[("node", mirror)]);
    (server, world)
}

#[test]
fn node_install_use_exec_which_hook_uninstall() {
    for format in [ArchiveFormat::TarXz, ArchiveFormat::TarGz] {
        let (_server, w) = node_world(format);

        // The remote list in node's order, with LTS lines.
        let remote = w.omg("proj", &["--json", "runtimes", "list", "--remote", "node"]);
        let remote = remote.expect_code(0).json();
        assert_eq!(remote[0]["version"], "21.6.1");
        assert_eq!(remote[1]["lts"], "Iron");

        // `omg use node 20`: installs the newest 20.x, writes .nvmrc as typed.
        let used = w.omg("proj", &["--json", "use", "node", "20"]);
        let used = used.expect_code(0).json();
        assert_eq!(used["version"], "20.11.1", "{format:?}");
        assert_eq!(used["installed_now"], true);
        assert_eq!(
            std::fs::read_to_string(w.path("proj/.nvmrc")).unwrap(),
            "20\n"
        );
        assert_eq!(w.entries("node"), vec!["20.11.1"]);

        // Run the fake node through omg exec, by spec and by the version file.
        let run = w.omg("proj", &["exec", "node@20", "--", "node"]);
        assert_eq!(run.ok(), "v20.11.1\n");
        let run = w.omg("proj/sub/deeper", &["exec", "node", "--", "node"]);
        assert_eq!(run.ok(), "v20.11.1\n");
        // The in-tree npm link survived unpacking.
        let run = w.omg("proj", &["exec", "node@20.11", "--", "npm"]);
        assert_eq!(run.ok(), "npm fake\n");

        // which: the version and the file that decided it, for the runtime and a binary.
        let which = w
            .omg("proj/sub", &["--json", "which", "node"])
            .expect_code(0)
            .json();
        assert_eq!(which["version"], "20.11.1");
        assert_eq!(
            which["origin"]["path"],
            w.path("proj/.nvmrc").to_string_lossy().as_ref()
        );
        let npm = w.omg("proj/sub", &["which", "npm"]);
        assert!(npm.ok().starts_with("node 20.11.1 "), "{}", npm.stdout);
        // Other tools' name of the runtime is the runtime (as for use and exec).
        let nodejs = w
            .omg("proj/sub", &["--json", "which", "nodejs"])
            .expect_code(0)
            .json();
        assert_eq!(nodejs, which);
        assert!(
            nodejs["binary"]
                .as_str()
                .is_some_and(|b| b.ends_with("/bin/node")),
            "{nodejs}"
        );
        let text = w.omg("proj/sub", &["which", "NodeJS"]);
        assert_eq!(text.ok(), w.omg("proj/sub", &["which", "node"]).ok());

        // A global default applies where no file decides.
        let g = w.omg(
            "elsewhere",
            &["--json", "use", "node", "lts/hydrogen", "--global"],
        );
        assert_eq!(g.expect_code(0).json()["version"], "18.19.0");
        let run = w.omg("elsewhere", &["exec", "node", "--", "node"]);
        assert_eq!(run.ok(), "v18.19.0\n");
        let which = w
            .omg("elsewhere", &["--json", "which", "node"])
            .expect_code(0)
            .json();
        assert_eq!(which["origin"]["kind"], "global");
        // ... but the nearest file wins below proj.
        let which = w
            .omg("proj", &["--json", "which", "node"])
            .expect_code(0)
            .json();
        assert_eq!(which["version"], "20.11.1");

        // current lists what is active and why.
        let cur = w
            .omg("proj/sub", &["--json", "current"])
            .expect_code(0)
            .json();
        assert_eq!(cur[0]["runtime"], "node");
        assert_eq!(cur[0]["version"], "20.11.1");
        assert_eq!(cur[0]["spec"], "20");

        // The bash hook puts the right node first on PATH as the directory changes.
        let script = format!(
            "eval \"$('{}' hook bash)\"; cd '{}'; _omg_hook; node; cd '{}'; _omg_hook; node; \
             '{}' hook-env bash | wc -c",
            omg_bin().display(),
            w.path("proj/sub").display(),
            w.path("elsewhere").display(),
            omg_bin().display(),
        );
        let out = w
            .command(Path::new("/bin/bash"), "home")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "v20.11.1\nv18.19.0\n0\n",
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // zsh and fish: their hooks fire on `cd` by themselves (chpwd_functions; a handler
        // of PWD), even in a non-interactive shell.
        for (shell, script) in [
            (
                "zsh",
                format!(
                    "eval \"$('{}' hook zsh)\"; cd '{}'; node; cd '{}'; node",
                    omg_bin().display(),
                    w.path("proj/sub").display(),
                    w.path("elsewhere").display(),
                ),
            ),
            (
                "fish",
                format!(
                    "'{}' hook fish | source; cd '{}'; node; cd '{}'; node",
                    omg_bin().display(),
                    w.path("proj/sub").display(),
                    w.path("elsewhere").display(),
                ),
            ),
        ] {
            let Some(path) = common::tool_path(shell) else {
                continue;
            };
            let out = w
                .command(&path, "home")
                .args(["-c", &script])
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "v20.11.1\nv18.19.0\n",
                "{shell}'s hook; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        // list marks the active version.
        let list = w
            .omg("proj", &["--json", "runtimes", "list"])
            .expect_code(0)
            .json();
        let rows = list.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows
            .iter()
            .any(|r| r["version"] == "20.11.1" && r["active"] == true));

        // An unknown version names the closest ones; nothing is installed.
        let unknown = w.omg("proj", &["use", "node", "20.12"]);
        unknown.expect_code(3);
        assert!(
            unknown.stderr.contains("closest: 20.11.1, 20.9.0"),
            "{}",
            unknown.stderr
        );
        let unknown = w.omg(
            "proj",
            &["--json", "runtimes", "install", "node", "lts/nope"],
        );
        unknown.expect_code(3);
        assert_eq!(unknown.json()["error"]["kind"], "unknown_version");
        assert_eq!(
            unknown.json()["error"]["suggestions"],
            serde_json::json!(["lts/iron", "lts/hydrogen"])
        );

        // Uninstall: gone, and `which` now says how to get it back.
        let rm = w.omg("proj", &["runtimes", "uninstall", "node", "20"]);
        assert!(rm.ok().starts_with("removed node 20.11.1"));
        assert_eq!(w.entries("node"), vec!["18.19.0"]);
        let which = w.omg("proj", &["which", "node"]);
        which.expect_code(3);
        assert!(
            which.stderr.contains("node 20 is not installed"),
            "{}",
            which.stderr
        );
    }
}

#[test]
fn spoiled_node_releases_install_nothing() {
    let (_server, w) = node_world(ArchiveFormat::TarXz);
    let cases = [
        ("19.0.0", 8, "checksum mismatch for node-v19.0.0-"),
        ("17.0.0", 8, "no published sha256 for node-v17.0.0-"),
        ("16.0.0", 8, "download of http://127.0.0.1:"),
        ("15.0.0", 8, "has an unsafe entry"),
        ("14.0.0", 8, "link points outside"),
    ];
    for (version, code, message) in cases {
        let run = w.omg("proj", &["runtimes", "install", "node", version]);
        run.expect_code(code);
        assert!(run.stderr.contains(message), "{version}: {}", run.stderr);
        assert!(run.stderr.contains("nothing was installed") || version == "16.0.0");
        assert_eq!(
            w.entries("node"),
            Vec::<String>::new(),
            "{version} left files"
        );
        assert!(!w.path("escaped").exists());
    }
    // Both sums are named on a mismatch.
    let run = w.omg("proj", &["--json", "runtimes", "install", "node", "19"]);
    let e = &run.json()["error"];
    assert_eq!(e["kind"], "checksum_mismatch");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("expected sha256 ") && msg.contains(", got "),
        "{msg}"
    );
}

#[test]
fn go_and_bun_install_activate_and_run() {
    let server = TestServer::start();
    let go_mirror = {
        let mut go = GoDl::new(&server, "/go");
        go.release("1.23rc1", false, Tamper::None)
            .release("1.22.1", true, Tamper::None)
            .release("1.22.0", true, Tamper::None)
            .release("1.21.0", true, Tamper::WrongSum)
            .release("1.20.0", true, Tamper::DotDot);
        go.mirror()
    };
    let bun_mirror = {
        let mut bun = BunReleases::new(&server, "/bun");
        bun.release("1.1.0", Tamper::None)
            .release("1.0.30", Tamper::NoSum)
            .release("1.0.0", Tamper::Truncated);
        bun.mirror()
    };
    let w = World::new(&[("go", go_mirror), ("bun", bun_mirror)]);

    // go.mod's toolchain line decides; exec installs what it names.
    w.write(
        "proj/go.mod",
        "module example.com/p\n\ngo 1.22\n\ntoolchain go1.22.0\n",
    );
    let run = w.omg("proj/sub", &["exec", "go", "--", "go"]);
    assert!(
        run.ok().starts_with("go version go1.22.0 "),
        "{}",
        run.stdout
    );
    // `omg use go 1.22` is content with the installed 1.22.0 and writes .go-version, which
    // beats go.mod in the same directory.
    let used = w
        .omg("proj", &["--json", "use", "go", "1.22"])
        .expect_code(0)
        .json();
    assert_eq!(used["version"], "1.22.0");
    assert_eq!(used["installed_now"], false);
    // `latest` asks the source: the newest stable (never the rc); then 1.22 means 1.22.1.
    let latest = w
        .omg("proj", &["--json", "runtimes", "install", "go"])
        .expect_code(0)
        .json();
    assert_eq!(latest["version"], "1.22.1");
    assert_eq!(
        std::fs::read_to_string(w.path("proj/.go-version")).unwrap(),
        "1.22\n"
    );
    let which = w
        .omg("proj/sub", &["--json", "which", "go"])
        .expect_code(0)
        .json();
    assert_eq!(which["version"], "1.22.1");
    let golang = w
        .omg("proj/sub", &["--json", "which", "golang"])
        .expect_code(0)
        .json();
    assert_eq!(golang, which);
    let run = w.omg("proj", &["exec", "go@1.23rc1", "--", "go"]);
    assert!(
        run.ok().starts_with("go version go1.23rc1 "),
        "{}",
        run.stdout
    );
    let bad = w.omg("proj", &["runtimes", "install", "go", "1.21.0"]);
    bad.expect_code(8);
    assert!(
        bad.stderr.contains("checksum mismatch for go1.21.0."),
        "{}",
        bad.stderr
    );
    let bad = w.omg("proj", &["runtimes", "install", "go", "1.20.0"]);
    bad.expect_code(8);
    assert!(bad.stderr.contains("unsafe entry"), "{}", bad.stderr);
    let unknown = w.omg("proj", &["runtimes", "install", "go", "1.19"]);
    unknown.expect_code(3);
    assert!(
        unknown.stderr.contains("closest: 1.20.0"),
        "{}",
        unknown.stderr
    );

    // bun: zip assets from the releases API.
    let used = w.omg("proj", &["use", "bun", "1.1"]);
    assert!(used.ok().contains("using bun 1.1.0"), "{}", used.stdout);
    assert_eq!(
        std::fs::read_to_string(w.path("proj/.bun-version")).unwrap(),
        "1.1\n"
    );
    let run = w.omg("proj/sub/deeper", &["exec", "bun", "--", "bun"]);
    assert_eq!(run.ok(), "1.1.0\n");
    let bad = w.omg("proj", &["runtimes", "install", "bun", "1.0.30"]);
    bad.expect_code(8);
    assert!(
        bad.stderr.contains("no published sha256 for bun-"),
        "{}",
        bad.stderr
    );
    let bad = w.omg("proj", &["runtimes", "install", "bun", "1.0.0"]);
    bad.expect_code(8);
    assert!(
        bad.stderr.contains("download of http://127.0.0.1:"),
        "{}",
        bad.stderr
    );
    assert_eq!(w.entries("bun"), vec!["1.1.0"]);
    let mut go = w.entries("go");
    go.sort();
    assert_eq!(go, vec!["1.22.0", "1.22.1", "1.23rc1"]);

    // current shows both, with their files.
    let cur = w.omg("proj", &["--json", "current"]).expect_code(0).json();
    let names: Vec<&str> = cur
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["runtime"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["bun", "go"]);
}

/// node's version files as nvm, npm and mise read them, through `omg exec` and `omg which`.
#[test]
fn node_version_files_as_nvm_and_npm_read_them() {
    let (_server, w) = node_world(ArchiveFormat::TarXz);
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel)).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    let exec = |rel: &str| w.omg(rel, &["exec", "node", "--", "node"]);
    let which = |rel: &str| w.omg(rel, &["--json", "which", "node"]);

    // nvm: `lts/-1` is the LTS line before the newest (Hydrogen before Iron).
    dir("lts1", ".nvmrc", "lts/-1\n");
    assert_eq!(exec("lts1").ok(), "v18.19.0\n");

    // npm: devEngines.runtime's range with all its comparators (21.6.1 is >=20, not <21).
    let dev = |range: &str| {
        format!(r#"{{"devEngines":{{"runtime":{{"name":"node","version":"{range}"}}}}}}"#)
    };
    dir("dev", "package.json", &dev(">=20 <21"));
    assert_eq!(exec("dev").ok(), "v20.11.1\n");
    // npm: `a || b` is the highest version of either.
    dir("union", "package.json", &dev("18 || 20"));
    assert_eq!(which("union").expect_code(0).json()["version"], "20.11.1");
    // npm: ^20.11.2 needs 20.11.2 or above in 20.x: nothing here satisfies it.
    dir("caret", "package.json", &dev("^20.11.2"));
    let run = exec("caret");
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("^20.11.2"), "{}", run.stderr);

    // nvm and mise: engines.node does not override the repository's .nvmrc; a version
    // outside it is a warning.
    dir("repo", ".nvmrc", "20\n");
    dir("repo/pkg", "package.json", r#"{"engines":{"node":">=21"}}"#);
    let run = which("repo/pkg");
    let j = run.expect_code(0).json();
    assert_eq!(j["version"], "20.11.1", "{j}");
    assert_eq!(
        j["origin"]["path"],
        w.path("repo/.nvmrc").to_string_lossy().as_ref()
    );
    assert!(
        run.stderr.contains("warning: node 20.11.1") && run.stderr.contains(">=21"),
        "{}",
        run.stderr
    );
    // The same warning in the JSON, for scripts (docs/json.md: `warnings`).
    let warnings = j["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{j}");
    assert!(
        warnings[0].as_str().unwrap().starts_with("node 20.11.1 ")
            && warnings[0].as_str().unwrap().contains(">=21"),
        "{j}"
    );
    let current = w
        .omg("repo/pkg", &["--json", "current"])
        .expect_code(0)
        .json();
    assert_eq!(current[0]["warnings"], j["warnings"], "{current}");

    // nvm's `system`: the node on PATH, nothing of omg's.
    let sysbin = w.path("sysbin");
    std::fs::create_dir_all(&sysbin).unwrap();
    let fake = sysbin.join("node");
    std::fs::write(&fake, "#!/bin/sh\necho system node\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", sysbin.display());
    dir("sys", ".nvmrc", "system\n");
    let run = w.omg_env("sys", &["exec", "node", "--", "node"], &[("PATH", &path)]);
    assert_eq!(run.ok(), "system node\n");
}

/// Multi-tool files in mise's order within a directory, and asdf's fallbacks.
#[test]
fn multi_tool_files_in_mise_order() {
    let (_server, w) = node_world(ArchiveFormat::TarXz);
    for v in ["20.11.1", "18.19.0"] {
        w.omg("home", &["runtimes", "install", "node", v])
            .expect_code(0);
    }
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel).join(file).parent().unwrap()).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    let which = |rel: &str| {
        let j = w
            .omg(rel, &["--json", "which", "node"])
            .expect_code(0)
            .json();
        let origin = j["origin"]["path"].as_str().unwrap_or("").to_string();
        (j["version"].as_str().unwrap_or("").to_string(), origin)
    };
    // mise: .tool-versions beats .nvmrc, and .config/mise.toml beats .tool-versions.
    dir("m", ".nvmrc", "21\n");
    dir("m", ".tool-versions", "nodejs 18.19.0\n");
    let here = |f: &str| w.path("m").join(f).to_string_lossy().into_owned();
    assert_eq!(which("m"), ("18.19.0".to_string(), here(".tool-versions")));
    dir("m", ".config/mise.toml", "[tools]\nnode = \"20\"\n");
    assert_eq!(
        which("m"),
        ("20.11.1".to_string(), here(".config/mise.toml"))
    );
    // mise: mise.local.toml beats every other file of the directory.
    dir("m", "mise.local.toml", "[tools]\nnode = \"18\"\n");
    assert_eq!(which("m"), ("18.19.0".to_string(), here("mise.local.toml")));
    // asdf: `nodejs 21 20` falls back to 20 when 21 is not installed.
    dir("asdf", ".tool-versions", "nodejs 21 20\n");
    assert_eq!(which("asdf").0, "20.11.1");
    assert_eq!(
        w.omg("asdf", &["exec", "node", "--", "node"]).ok(),
        "v20.11.1\n"
    );
}

/// go.mod and go.work as the go command reads them, through `omg exec` and `omg which`.
#[test]
fn go_files_as_the_go_command_reads_them() {
    let server = TestServer::start();
    let go_mirror = {
        let mut go = GoDl::new(&server, "/go");
        go.release("1.22.1", true, Tamper::None)
            .release("1.22.0", true, Tamper::None);
        go.mirror()
    };
    let w = World::new(&[("go", go_mirror)]);
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel)).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    // go: a toolchain line older than the go line does not lower it.
    dir(
        "old",
        "go.mod",
        "module o\n\ngo 1.22.1\n\ntoolchain go1.22.0\n",
    );
    let run = w.omg("old", &["exec", "go", "--", "go"]);
    assert!(
        run.ok().starts_with("go version go1.22.1 "),
        "{}",
        run.stdout
    );
    // go: inside a workspace, go.work's go line decides, not the module's go.mod.
    dir("ws", "go.work", "go 1.22.0\n\nuse ./svc\n");
    dir("ws/svc", "go.mod", "module svc\n\ngo 1.22.1\n");
    let run = w.omg("ws/svc", &["exec", "go", "--", "go"]);
    assert!(
        run.ok().starts_with("go version go1.22.0 "),
        "{}",
        run.stdout
    );
    let j = w
        .omg("ws/svc", &["--json", "which", "go"])
        .expect_code(0)
        .json();
    assert_eq!(
        j["origin"]["path"],
        w.path("ws/go.work").to_string_lossy().as_ref()
    );
}

/// The resolution rules end to end: which file decides, across nested directories.
#[test]
fn version_files_decide_across_nested_directories() {
    let (_server, w) = node_world(ArchiveFormat::TarXz);
    for v in ["20.11.1", "18.19.0", "21.6.1"] {
        w.omg("home", &["runtimes", "install", "node", v])
            .expect_code(0);
    }
    w.write("proj/.tool-versions", "nodejs 21.6.1\n");
    w.write(
        "proj/sub/package.json",
        r#"{"engines":{"node":">=18"},"volta":{"node":"18.19.0"}}"#,
    );
    w.write("proj/sub/deeper/package.json", r#"{"name":"no-node-here"}"#);
    std::fs::create_dir_all(w.path("proj/sub/deeper/nvm")).unwrap();
    w.write("proj/sub/deeper/nvm/.nvmrc", "lts/iron\n");
    let cases = [
        ("proj", "21.6.1", "proj/.tool-versions"),
        ("proj/sub", "18.19.0", "proj/sub/package.json"),
        ("proj/sub/deeper", "18.19.0", "proj/sub/package.json"),
        (
            "proj/sub/deeper/nvm",
            "20.11.1",
            "proj/sub/deeper/nvm/.nvmrc",
        ),
    ];
    for (cwd, version, file) in cases {
        let which = w
            .omg(cwd, &["--json", "which", "node"])
            .expect_code(0)
            .json();
        assert_eq!(which["version"], version, "in {cwd}");
        assert_eq!(
            which["origin"]["path"],
            w.path(file).to_string_lossy().as_ref(),
            "in {cwd}"
        );
        let run = w.omg(cwd, &["exec", "node", "--", "node"]);
        assert_eq!(run.ok(), format!("v{version}\n"), "in {cwd}");
    }
    let none = w.omg("elsewhere", &["which", "node"]);
    none.expect_code(1);
    assert!(
        none.stderr.contains("has no version here"),
        "{}",
        none.stderr
    );
}

/// mise delegation, with a stand-in `mise` script that records its arguments.
#[test]
fn other_runtimes_go_through_mise() {
    let w = World::new(&[]);
    let bin = w.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = w.path("mise.log");
    let mise = bin.join("mise");
    std::fs::write(
        &mise,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\necho \"fake mise $1\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&mise, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let with_mise = [("PATH", path.as_str())];
    let cases: [(&[&str], &str); 6] = [
        (&["use", "deno", "1.40"], "use deno@1.40"),
        (
            &["use", "deno", "1.40", "--global"],
            "use --global deno@1.40",
        ),
        (&["runtimes", "install", "zig", "0.11"], "install zig@0.11"),
        (
            &["runtimes", "uninstall", "zig", "0.11"],
            "uninstall zig@0.11",
        ),
        (&["runtimes", "list", "--remote", "deno"], "ls-remote deno"),
        (
            &["exec", "deno@1.40", "--", "deno", "--version"],
            "exec deno@1.40 -- deno --version",
        ),
    ];
    for (args, want) in cases {
        let _ = std::fs::remove_file(&log);
        let run = w.omg_env("proj", args, &with_mise);
        run.expect_code(0);
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            format!("{want}\n"),
            "{args:?}"
        );
    }
    // Configured instead of on PATH.
    std::fs::create_dir_all(w.path("config/omg")).unwrap();
    w.write(
        "config/omg/config.toml",
        &format!("[runtimes]\nmise = \"{}\"\n", mise.display()),
    );
    let _ = std::fs::remove_file(&log);
    w.omg("proj", &["use", "deno", "2"]).expect_code(0);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "use deno@2\n");
    std::fs::remove_file(w.path("config/omg/config.toml")).unwrap();

    // Without mise, and mise's releases out of reach: omg's own mise cannot be downloaded,
    // and it says so.
    let run = w.omg("proj", &["use", "deno", "1.40"]);
    assert_ne!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("installing mise"), "{}", run.stderr);
    assert!(
        run.stderr.contains("127.0.0.1:9/no-mise-releases"),
        "{}",
        run.stderr
    );
    assert!(!w
        .path("data/omg/mise")
        .join(omg_adapters_releases::MISE_VERSION)
        .exists());
}

/// An install killed mid-download (SIGKILL: no cleanup runs) leaves only a hidden staging
/// directory: nothing is listed or activated, and the next install removes it.
#[test]
fn a_killed_install_leaves_nothing_usable_behind() {
    let server = TestServer::start();
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarXz);
        dist.release("21.6.1", None, Tamper::None).release(
            "20.11.1",
            Some("Iron"),
            Tamper::Stalled,
        );
        dist.mirror()
    };
    let w = World::new(&[("node", mirror)]);
    let mut child = w
        .command(omg_bin(), "proj")
        .args(["use", "node", "20.11.1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until part of the archive is on disk inside the staging directory.
    let node_dir = w.runtimes_dir("node");
    let partial_on_disk = || -> bool {
        let Ok(entries) = std::fs::read_dir(&node_dir) else {
            return false;
        };
        entries.filter_map(|e| e.ok()).any(|e| {
            std::fs::read_dir(e.path())
                .map(|files| {
                    files
                        .filter_map(|f| f.ok())
                        .any(|f| f.metadata().is_ok_and(|m| m.len() > 0))
                })
                .unwrap_or(false)
        })
    };
    while !partial_on_disk() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "omg exited before the stall"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let left = w.entries("node");
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".tmp-"), "{left:?}");
    assert!(
        !w.path("proj/.nvmrc").exists(),
        "the version file was written"
    );
    let list = w
        .omg("proj", &["--json", "runtimes", "list"])
        .expect_code(0)
        .json();
    assert_eq!(list, serde_json::json!([]));
    // The next install sweeps the leftover of the dead process.
    w.omg("proj", &["runtimes", "install", "node", "21"])
        .expect_code(0);
    assert_eq!(w.entries("node"), vec!["21.6.1"]);
}

/// `omg use` edits the file that decided the version, keeping its other content, as the
/// tools that own those files would; without one it writes the conventional file. (The peer
/// rules: asdf's .tool-versions keeps other tools; mise keeps [tools] and other tables; pyenv's
/// later .python-version lines are fallbacks.)
#[test]
fn use_edits_the_deciding_file_and_keeps_the_rest() {
    let (_server, w) = node_world(ArchiveFormat::TarXz);
    let put = |rel: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel).parent().unwrap()).unwrap();
        w.write(rel, contents);
    };
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    // .tool-versions in the project root decides for a subdirectory: edited there, the
    // other tools and the name as written kept.
    put(
        "asdf/.tool-versions",
        "python 3.11.7\nnodejs 18.19.0 # team\n",
    );
    std::fs::create_dir_all(w.path("asdf/sub")).unwrap();
    let used = w
        .omg("asdf/sub", &["--json", "use", "node", "20"])
        .expect_code(0)
        .json();
    assert_eq!(used["version"], "20.11.1");
    assert_eq!(
        std::fs::read_to_string(w.path("asdf/.tool-versions")).unwrap(),
        "python 3.11.7\nnodejs 20 # team\n"
    );
    assert!(!w.path("asdf/sub/.nvmrc").exists());
    assert!(!w.path("asdf/sub/.tool-versions").exists());
    // And `omg which` agrees with what was written.
    let which = w
        .omg("asdf/sub", &["--json", "which", "node"])
        .expect_code(0)
        .json();
    assert_eq!(which["version"], "20.11.1");

    // mise.toml: other tables and tools stay.
    put(
        "mise/mise.toml",
        "[env]\nNODE_ENV = \"dev\"\n\n[tools]\nnode = \"18\"\npython = \"3.12\"\n",
    );
    let mise_toml = w.path("mise/mise.toml");
    std::fs::set_permissions(
        &mise_toml,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    w.omg("mise", &["use", "node", "20.11.1"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&mise_toml).unwrap(),
        "[env]\nNODE_ENV = \"dev\"\n\n[tools]\nnode = \"20.11.1\"\npython = \"3.12\"\n"
    );
    // Replaced atomically, with the file's own permissions.
    assert_eq!(mode(&mise_toml), 0o600);

    // package.json decided (volta): the conventional .nvmrc beside it, which comes first.
    put(
        "volta/package.json",
        "{\"volta\": {\"node\": \"18.19.0\"}}\n",
    );
    w.omg("volta", &["use", "node", "20"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(w.path("volta/package.json")).unwrap(),
        "{\"volta\": {\"node\": \"18.19.0\"}}\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.path("volta/.nvmrc")).unwrap(),
        "20\n"
    );

    // A [tools] value over several lines is not rewritten: an error naming the file.
    put("multi/mise.toml", "[tools]\nnode = [\n  \"18\",\n]\n");
    let refused = w.omg("multi", &["use", "node", "20"]);
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("mise.toml decides node here"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(w.path("multi/mise.toml")).unwrap(),
        "[tools]\nnode = [\n  \"18\",\n]\n"
    );

    // Nothing decides: the conventional file, as before.
    std::fs::create_dir_all(w.path("fresh")).unwrap();
    w.omg("fresh", &["use", "node", "18"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(w.path("fresh/.nvmrc")).unwrap(),
        "18\n"
    );
    assert_eq!(mode(&w.path("fresh/.nvmrc")), 0o644);
}
