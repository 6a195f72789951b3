//! omg's own mise: with no mise configured or on PATH, omg downloads a pinned mise release
//! from a server on 127.0.0.1 laid out as mise's GitHub releases
//! (`v<version>/mise-v<version>-linux-<arch>.tar.gz` holding `mise/bin/mise`, and
//! `v<version>/SHASUMS256.txt` naming `./mise-v...`, as mise's installer mise.run reads
//! them), verifies it and hands the runtime to it.
//!
//! The real mise (npm's `@jdxcode/mise-linux-x64`, fetched by scripts/setup-system.sh) drives
//! node through omg, from omg-testkit's node mirror (mise's `MISE_NODE_MIRROR_URL`), with its
//! data, cache, config and state directories in the test's temporary directory and no way
//! out to the network. The checksum cases use a stand-in mise script.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::omg_bin;
use omg_adapters_releases::MISE_VERSION;
use omg_ports::ArchiveFormat;
use omg_testkit::minisign::{mise_key, TestMinisignKey};
use omg_testkit::runtimes::{build, sha256_hex, Entry, NodeDist, Tamper, TestServer};
use runtimes_world::World;

/// scripts/setup-system.sh's `MISE_TEST_VERSION`: the npm package it fetched.
fn test_mise_version() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/setup-system.sh");
    let text = std::fs::read_to_string(&script).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("MISE_TEST_VERSION="))
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("scripts/setup-system.sh pins MISE_TEST_VERSION")
}

/// The real mise binary: `$OMG_TEST_MISE_BIN`, else where scripts/setup-system.sh puts it
/// (`~/.cache/omg-test/mise/<version>/package/bin/mise`); `None` (skipped) without it.
fn real_mise() -> Option<PathBuf> {
    let path = std::env::var_os("OMG_TEST_MISE_BIN")
        .map(PathBuf::from)
        .or_else(|| {
            let home = std::env::var_os("HOME")?;
            Some(
                Path::new(&home)
                    .join(".cache/omg-test/mise")
                    .join(test_mise_version())
                    .join("package/bin/mise"),
            )
        })
        .filter(|p| p.is_file());
    if path.is_none() {
        omg_testkit::skip(
            "no real mise binary: run scripts/setup-system.sh (npm's @jdxcode/mise-linux-x64) \
             or set OMG_TEST_MISE_BIN",
        );
    }
    path
}

/// mise's name of this machine (`linux-x64`).
fn mise_platform() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "linux-arm64",
        _ => "linux-x64",
    }
}

/// The real mise as a release archive (`mise/bin/mise`), made once by tar and gzip.
fn real_archive(mise: &Path) -> &'static [u8] {
    static ARCHIVE: OnceLock<Vec<u8>> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("mise/bin")).unwrap();
        std::fs::copy(mise, dir.path().join("mise/bin/mise")).unwrap();
        let out = std::process::Command::new("tar")
            .current_dir(dir.path())
            .args(["-c", "-I", "gzip -1", "-f", "mise.tar.gz", "mise"])
            .status()
            .unwrap();
        assert!(out.success(), "tar could not pack mise");
        std::fs::read(dir.path().join("mise.tar.gz")).unwrap()
    })
}

/// Publishes `archive` as mise `version` under `/mise`, with a SHASUMS256.txt holding
/// `sum` for it (its own sum when `None`; no line at all for `Some("")`), signed as mise
/// signs it (`SHASUMS256.txt.minisig`) by the key the test worlds trust as mise's.
fn publish_mise(server: &TestServer, version: &str, archive: &[u8], sum: Option<&str>) -> String {
    let file = format!("mise-v{version}-{}.tar.gz", mise_platform());
    server.put(&format!("/mise/v{version}/{file}"), archive.to_vec());
    let own = sha256_hex(archive);
    let mut sums = format!("{}  ./mise-v{version}-macos-arm64.tar.gz\n", "0".repeat(64));
    match sum {
        Some("") => {}
        Some(s) => sums.push_str(&format!("{s}  ./{file}\n")),
        None => sums.push_str(&format!("{own}  ./{file}\n")),
    }
    server.put(
        &format!("/mise/v{version}/SHASUMS256.txt.minisig"),
        mise_key().sign(sums.as_bytes()),
    );
    server.put(&format!("/mise/v{version}/SHASUMS256.txt"), sums);
    format!("/mise/v{version}/{file}")
}

/// mise kept inside the test: its directories in the world, node from `node_mirror`, no
/// lookups at mise's own hosts, and every other request sent to a closed port.
fn mise_env(w: &World, server: &TestServer, node_mirror: &str) -> Vec<(String, String)> {
    let p = |s: &str| w.path(s).to_string_lossy().into_owned();
    let mut env: Vec<(String, String)> = [
        ("MISE_DATA_DIR", p("mise/data")),
        ("MISE_CACHE_DIR", p("mise/cache")),
        ("MISE_CONFIG_DIR", p("mise/config")),
        ("MISE_STATE_DIR", p("mise/state")),
        // mise's node: `node.mirror_url`; the fixtures are not signed (`node.gpg_verify`),
        // their sha256 is checked (`node.verify`, on by default).
        ("MISE_NODE_MIRROR_URL", format!("{node_mirror}/")),
        ("MISE_NODE_GPG_VERIFY", "false".into()),
        // mise's `use_versions_host`: no version lists from mise-versions.jdx.dev.
        ("MISE_USE_VERSIONS_HOST", "false".into()),
        ("MISE_YES", "1".into()),
        ("OMG_RUNTIMES_MISE_MIRROR", format!("{}/mise", server.base)),
        ("OMG_RUNTIMES_MISE_VERSION", test_mise_version()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for proxy in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        env.push((proxy.into(), "http://127.0.0.1:9".into()));
    }
    env.push(("NO_PROXY".into(), "127.0.0.1".into()));
    env
}

fn node_mirror(server: &TestServer) -> String {
    let mut dist = NodeDist::new(server, "/node", ArchiveFormat::TarGz);
    dist.release("20.11.1", Some("Iron"), Tamper::None);
    dist.mirror()
}

fn doctor_mise_line(w: &World, env: &[(&str, &str)]) -> String {
    let run = w.omg_env("proj", &["doctor"], env);
    run.stdout
        .lines()
        .find(|l| l.contains("mise"))
        .unwrap_or_else(|| panic!("no mise check in:\n{}", run.stdout))
        .to_string()
}

fn borrowed(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The real mise, downloaded and verified by omg, installs and runs node from the local
/// mirror: `omg use core:node 20.11.1` is `mise use core:node@20.11.1` (mise's backend
/// prefix: the name is not one omg installs itself), which writes mise.toml as mise does.
#[test]
fn omg_downloads_mise_verifies_it_and_drives_node_through_it() {
    let Some(mise) = real_mise() else { return };
    let server = TestServer::start();
    let version = test_mise_version();
    let tarball = publish_mise(&server, &version, real_archive(&mise), None);
    let node = node_mirror(&server);
    let w = World::new(&[]);
    let env = mise_env(&w, &server, &node);
    let env = borrowed(&env);

    let before = doctor_mise_line(&w, &env);
    assert!(before.contains("downloads mise"), "{before}");
    assert!(before.contains(&version), "{before}");

    let run = w.omg_env("proj", &["use", "core:node", "20.11.1"], &env);
    run.expect_code(0);
    assert!(run.stderr.contains("installing mise"), "{}", run.stderr);
    // mise reached nothing but the local server (a failed lookup is a WARN).
    assert!(!run.stderr.contains("WARN"), "{}", run.stderr);
    let toml = std::fs::read_to_string(w.path("proj/mise.toml")).unwrap();
    assert!(toml.contains("node = \"20.11.1\""), "{toml}");
    let bundled = w.path("data/omg/mise").join(&version).join("bin/mise");
    assert!(bundled.is_file(), "{}", bundled.display());
    assert!(w.path("mise/data/installs/node/20.11.1").is_dir());

    // Through `mise exec`: the node mise installed from the mirror answers.
    let run = w.omg_env("proj", &["exec", "core:node@20.11.1", "--", "node"], &env);
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), "v20.11.1", "{}", run.stderr);

    // Installed once: the next command uses it without downloading again.
    w.omg_env("proj", &["use", "core:node", "20.11.1"], &env)
        .expect_code(0);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == tarball)
            .count(),
        1
    );

    let after = doctor_mise_line(&w, &env);
    assert!(after.contains("omg's own"), "{after}");
    assert!(after.contains(&format!("({version} ")), "{after}");

    // One hook for both: where a file names a tool mise manages (here mise's own
    // `core:node`, as `mise use` and asdf write `.tool-versions`), omg's hook puts the bin
    // directory mise gives for it (`mise bin-paths`, as `mise activate` would) on PATH, with
    // omg's bundled mise, and `node` runs in the shell.
    w.write("elsewhere/.tool-versions", "core:node 20.11.1\n");
    let hook = w.omg_env("elsewhere", &["hook-env", "bash"], &env);
    hook.expect_code(0);
    let bin = w.path("mise/data/installs/node/20.11.1/bin");
    assert!(
        hook.stdout.contains(&bin.to_string_lossy().into_owned()),
        "{}\n{}",
        hook.stdout,
        hook.stderr
    );
    let script = format!(
        "eval \"$('{}' hook-env bash)\"; node; eval \"$('{}' hook-env bash)\"; echo \"again:$?\"",
        omg_bin().display(),
        omg_bin().display()
    );
    let shell = w
        .command(Path::new("/bin/bash"), "elsewhere")
        .envs(env.iter().copied())
        .args(["--norc", "-c", &script])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&shell.stdout);
    assert_eq!(
        stdout.trim(),
        "v20.11.1\nagain:0",
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
}

/// `[runtimes] mise` wins over omg's own: nothing is downloaded, the configured binary runs.
#[test]
fn a_configured_mise_wins_over_omgs_own() {
    let Some(mise) = real_mise() else { return };
    let server = TestServer::start();
    let version = test_mise_version();
    let tarball = publish_mise(&server, &version, b"not fetched", None);
    let node = node_mirror(&server);
    let w = World::new(&[]);
    std::fs::create_dir_all(w.path("config/omg")).unwrap();
    w.write(
        "config/omg/config.toml",
        &format!("[runtimes]\nmise = \"{}\"\n", mise.display()),
    );
    let env = mise_env(&w, &server, &node);
    let env = borrowed(&env);

    let run = w.omg_env("proj", &["use", "core:node", "20.11.1"], &env);
    run.expect_code(0);
    assert!(!run.stderr.contains("installing mise"), "{}", run.stderr);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == tarball)
            .count(),
        0
    );
    assert!(!w.path("data/omg/mise").exists());
    let line = doctor_mise_line(&w, &env);
    assert!(line.contains("configured"), "{line}");
    assert!(line.contains(&format!("({version} ")), "{line}");
}

/// Fail closed (as omg's runtime installs): a wrong sha256 or none in SHASUMS256.txt installs
/// nothing and says so; the right one installs the pinned release ([`MISE_VERSION`] without
/// `mise_version`) and the command goes to it.
#[test]
fn omgs_own_mise_is_installed_only_when_its_sha256_matches() {
    let server = TestServer::start();
    let w = World::new(&[]);
    let log = w.path("mise.log");
    let script = format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display());
    let archive = build(
        ArchiveFormat::TarGz,
        &[
            Entry::Dir("mise/".into()),
            Entry::Dir("mise/bin/".into()),
            Entry::File("mise/bin/mise".into(), script.into_bytes(), 0o755),
        ],
    );
    let mirror = format!("{}/mise", server.base);
    let env = [("OMG_RUNTIMES_MISE_MIRROR", mirror.as_str())];
    let dir = w.path("data/omg/mise");
    let installed = || -> Vec<String> {
        std::fs::read_dir(&dir)
            .map(|it| {
                it.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default()
    };

    // Looking at what mise installed downloads nothing while omg's own is not there.
    let tarball = publish_mise(&server, MISE_VERSION, &archive, None);
    w.omg_env("proj", &["runtimes", "list", "zig"], &env)
        .expect_code(0);
    let run = w.omg_env("proj", &["which", "deno"], &env);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("not installed yet"), "{}", run.stderr);
    let run = w.omg_env("proj", &["runtimes", "uninstall", "zig", "0.11"], &env);
    assert!(run.stderr.contains("not installed"), "{}", run.stderr);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == tarball)
            .count(),
        0
    );
    assert!(!dir.exists());

    publish_mise(&server, MISE_VERSION, &archive, Some(&"e".repeat(64)));
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was installed"),
        "{}",
        run.stderr
    );
    assert_eq!(installed(), Vec::<String>::new());
    assert!(!log.exists());

    publish_mise(&server, MISE_VERSION, &archive, Some(""));
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("no published sha256"), "{}", run.stderr);
    assert_eq!(installed(), Vec::<String>::new());

    publish_mise(&server, MISE_VERSION, &archive, None);
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    run.expect_code(0);
    // Signed by mise's key (the world trusts the test's): no warning.
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(installed(), vec![MISE_VERSION.to_string()]);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "use deno@1.40\n");

    // `[runtimes] mise_version` pins another release, downloaded beside it.
    publish_mise(&server, "2025.1.0", &archive, None);
    let pinned = [
        ("OMG_RUNTIMES_MISE_MIRROR", mirror.as_str()),
        ("OMG_RUNTIMES_MISE_VERSION", "v2025.1.0"),
    ];
    w.omg_env("proj", &["runtimes", "install", "zig", "0.11"], &pinned)
        .expect_code(0);
    let mut both = installed();
    both.sort();
    assert_eq!(both, vec!["2025.1.0".to_string(), MISE_VERSION.to_string()]);
}

/// mise's SHASUMS256.txt is signed with minisign (`SHASUMS256.txt.minisig`, mise's
/// `minisign.pub` key, shipped with omg): sums altered after signing, or signed by another
/// key, install nothing; a missing signature installs on the checksum with a warning, and
/// nothing with `require_signatures`.
#[test]
fn omgs_own_mise_is_installed_only_with_a_good_minisign_signature() {
    let server = TestServer::start();
    let w = World::new(&[]);
    let archive = build(
        ArchiveFormat::TarGz,
        &[
            Entry::Dir("mise/".into()),
            Entry::Dir("mise/bin/".into()),
            Entry::File("mise/bin/mise".into(), b"#!/bin/sh\n".to_vec(), 0o755),
        ],
    );
    let mirror = format!("{}/mise", server.base);
    let env = [("OMG_RUNTIMES_MISE_MIRROR", mirror.as_str())];
    let sums_path = format!("/mise/v{MISE_VERSION}/SHASUMS256.txt");
    let sig_path = format!("{sums_path}.minisig");
    let dir = w.path("data/omg/mise");
    let installed = || dir.join(MISE_VERSION).exists();
    publish_mise(&server, MISE_VERSION, &archive, None);
    let signed = String::from_utf8(server.get(&sums_path).unwrap()).unwrap();

    // Altered after signing: the line of another platform changed.
    server.put(&sums_path, signed.replacen('0', "1", 1));
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    assert_eq!(run.code, Some(8), "{}", run.stderr);
    assert!(
        run.stderr.contains("bad signature on SHASUMS256.txt"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("SHASUMS256.txt.minisig"),
        "{}",
        run.stderr
    );
    assert!(!installed());

    // Signed by a key that is not mise's.
    server.put(&sums_path, signed.clone());
    let stranger = TestMinisignKey::generate();
    server.put(&sig_path, stranger.sign(signed.as_bytes()));
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    assert_eq!(run.code, Some(8), "{}", run.stderr);
    assert!(run.stderr.contains(&stranger.key_id()), "{}", run.stderr);
    assert!(!installed());

    // No signature: refused when signatures are required, else a warning.
    server.remove(&sig_path);
    let strict = [
        ("OMG_RUNTIMES_MISE_MIRROR", mirror.as_str()),
        ("OMG_RUNTIMES_REQUIRE_SIGNATURES", "true"),
    ];
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &strict);
    assert_eq!(run.code, Some(8), "{}", run.stderr);
    assert!(!installed());
    let run = w.omg_env("proj", &["use", "deno", "1.40"], &env);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("SHASUMS256.txt is not signature-verified: no signature at"),
        "{}",
        run.stderr
    );
    assert!(installed());
}

/// Each tool's spec and the file that decides it.
type Decisions = std::collections::BTreeMap<String, (String, String)>;

/// The version each tool gets in `cwd` and the file that decides it, as `tool -> (spec,
/// path)`: from `omg current --json`, and from the real mise (`mise ls --json` offline,
/// its `requested_version` and `source.path`) for the same files and `MISE_ENV`.
fn decisions(w: &World, mise: &Path, env: &[(&str, &str)], cwd: &str) -> (Decisions, Decisions) {
    let omg = w.omg_env(cwd, &["--json", "current"], env);
    omg.expect_code(0);
    let ours = omg
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["runtime"].as_str().unwrap().to_string(),
                (
                    r["spec"].as_str().unwrap().to_string(),
                    r["origin"]["path"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect();
    let out = w
        .command(mise, cwd)
        .envs(env.iter().copied())
        .args(["ls", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs = theirs
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(tool, entries)| {
            let e = entries.as_array()?.first()?;
            Some((
                tool.clone(),
                (
                    e["requested_version"].as_str()?.to_string(),
                    e["source"]["path"].as_str()?.to_string(),
                ),
            ))
        })
        .collect();
    (ours, theirs)
}

/// mise's configuration files as mise itself reads them, compared on the same trees:
/// `mise.<env>.local.toml` > `mise.local.toml` > `mise.<env>.toml` > `mise.toml` for each
/// `MISE_ENV` (several: the last the strongest), `.config/mise/config.<env>.toml` over
/// `.config/mise/config.toml` over `.config/mise/conf.d/*.toml` (the last alphabetically
/// first), nearer directories over farther ones, mise.toml over `.tool-versions`.
#[test]
fn mise_environments_and_conf_d_decide_as_mise_decides() {
    let Some(mise) = real_mise() else { return };
    let w = World::new(&[]);
    let files: &[(&str, &str)] = &[
        (
            "a/mise.toml",
            "[tools]\ndeno = \"1.1\"\nterraform = \"1.0\"\njq = \"1.5\"\n",
        ),
        ("a/mise.local.toml", "[tools]\ndeno = \"1.3\"\n"),
        (
            "a/mise.staging.toml",
            "[tools]\nterraform = \"1.2\"\ndeno = \"1.4\"\n",
        ),
        (
            "a/mise.staging.local.toml",
            "[tools]\nterraform = \"1.5\"\n",
        ),
        ("a/mise.ci.toml", "[tools]\ndeno = \"1.9\"\njq = \"1.6\"\n"),
        ("b/.config/mise/config.toml", "[tools]\ndeno = \"2.0\"\n"),
        (
            "b/.config/mise/conf.d/a.toml",
            "[tools]\ndeno = \"2.1\"\njq = \"1.6\"\n",
        ),
        ("b/.config/mise/conf.d/b.toml", "[tools]\njq = \"1.7\"\n"),
        (
            "b/.config/mise/config.staging.toml",
            "[tools]\ndeno = \"2.2\"\n",
        ),
        ("c/mise.toml", "[tools]\nterraform = \"1.0\"\n"),
        ("c/sub/.mise.staging.toml", "[tools]\nterraform = \"1.1\"\n"),
        ("c/sub/.tool-versions", "shellcheck 0.9.0\nterraform 0.1\n"),
    ];
    for (path, contents) in files {
        let full = w.path(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
    let server = TestServer::start();
    let base = mise_env(&w, &server, "http://127.0.0.1:9/node");
    let trusted = w.path("").to_string_lossy().into_owned();
    let mut compared = 0;
    for cwd in ["a", "b", "c/sub"] {
        for mise_env_value in ["", "staging", "ci,staging", "staging,ci"] {
            let mut env = borrowed(&base);
            env.extend([
                ("MISE_OFFLINE", "1"),
                ("MISE_TRUSTED_CONFIG_PATHS", trusted.as_str()),
                ("MISE_ENV", mise_env_value),
            ]);
            let (ours, theirs) = decisions(&w, &mise, &env, cwd);
            assert!(!theirs.is_empty(), "{cwd}");
            assert_eq!(ours, theirs, "in {cwd} with MISE_ENV={mise_env_value}");
            compared += theirs.len();
        }
    }
    assert!(compared >= 24, "{compared}");

    // Every kind of mise file in one directory, each giving jq another version: the winner
    // is compared, removed, and the next one compared, down to the last (the whole order).
    let every = [
        ".config/mise/conf.d/a.toml",
        ".config/mise/conf.d/b.toml",
        ".config/mise/config.toml",
        ".config/mise.toml",
        ".mise/config.toml",
        "mise/config.toml",
        "mise.toml",
        ".mise.toml",
        ".config/mise/config.local.toml",
        "mise.local.toml",
        ".mise.local.toml",
        "mise.ci.toml",
        "mise.ci.local.toml",
        ".config/mise/config.staging.toml",
        ".config/mise.staging.toml",
        "mise/config.staging.toml",
        "mise.staging.toml",
        ".mise/config.staging.toml",
        ".mise.staging.toml",
        "mise.staging.local.toml",
        ".mise.staging.local.toml",
    ];
    for mise_env_value in ["ci,staging", "staging,ci", ""] {
        for (i, path) in every.iter().enumerate() {
            let full = w.path("d").join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, format!("[tools]\njq = \"1.{i}\"\n")).unwrap();
        }
        let mut env = borrowed(&base);
        env.extend([
            ("MISE_OFFLINE", "1"),
            ("MISE_TRUSTED_CONFIG_PATHS", trusted.as_str()),
            ("MISE_ENV", mise_env_value),
        ]);
        let mut removed = 0;
        loop {
            let (ours, theirs) = decisions(&w, &mise, &env, "d");
            assert_eq!(
                ours, theirs,
                "with MISE_ENV={mise_env_value}, {removed} removed"
            );
            let Some((_, winner)) = theirs.get("jq") else {
                break;
            };
            std::fs::remove_file(winner).unwrap();
            removed += 1;
        }
        // Without an environment its files are not read at all.
        let read = if mise_env_value.is_empty() {
            11
        } else {
            every.len()
        };
        assert_eq!(removed, read, "MISE_ENV={mise_env_value}");
        std::fs::remove_dir_all(w.path("d")).unwrap();
    }
}
