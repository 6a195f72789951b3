//! omgd's background audit: it fetches the security feed (from 127.0.0.1 here), and `omg
//! status` then shows the vulnerable count and the data's age — the same through omgd and in
//! direct mode, which both read the summary the audit saved.

mod common;
// The remote adapter's test server (tiny_http on 127.0.0.1 with ETag / 304).
#[path = "../../omg-adapters-remote/tests/common/mod.rs"]
mod feed_server;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{omg, omgd_bin};
use feed_server::Server;
use omg_adapters_alpm::fixtures::{FixturePackage, FixtureRoot};

const FEED: &str = r#"[
  {"name": "AVG-1", "packages": ["bash"], "status": "Fixed", "severity": "High",
   "type": "arbitrary code execution", "affected": "5.1-1", "fixed": "5.2-1",
   "ticket": null, "issues": ["CVE-2024-0001"], "advisories": []}
]"#;

#[test]
fn omgd_audits_in_the_background_and_status_shows_it() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let mut root = FixtureRoot::create(&dir.path().join("root")).expect("root");
    root.add_sync_db(
        "core",
        &[FixturePackage::new("bash", "5.2-1").desc("The GNU Bourne Again shell")],
    )
    .expect("core");
    root.install_local(&[FixturePackage::new("bash", "5.1-1")])
        .expect("local");
    let server = Server::start();
    server.put("/all.json", FEED, Some("\"f1\""), None);
    let feed = server.url("/all.json");
    let cache = dir.path().join("cache");
    let config_home = dir.path().join("config");
    let env = [
        ("XDG_CACHE_HOME", cache.to_str().expect("UTF-8")),
        ("XDG_CONFIG_HOME", config_home.to_str().expect("UTF-8")),
        ("OMG_AUDIT_ARCH_FEED", feed.as_str()),
    ];
    let conf = root.config_path();
    let conf = conf.to_str().expect("UTF-8");
    let socket = dir.path().join("run/omgd.sock");
    std::fs::create_dir_all(socket.parent().expect("dir")).expect("run dir");
    std::fs::set_permissions(
        socket.parent().expect("dir"),
        std::fs::Permissions::from_mode(0o700),
    )
    .expect("chmod");
    let status = |daemon: bool| {
        let mut args = vec!["--backend", "alpm", "--config", conf, "status"];
        let mut vars = env.to_vec();
        let socket = socket.to_str().expect("UTF-8");
        if daemon {
            vars.push(("OMG_SOCKET", socket));
            vars.push(("OMG_BACKEND_BIN", "/nonexistent"));
        } else {
            args.push("--no-daemon");
        }
        omg(&args, &vars)
    };

    let before = status(false);
    assert!(!before.ok().contains("vulnerable"), "{}", before.stdout);

    let mut child = Command::new(&omgd)
        .args([
            "--backend",
            "alpm",
            "--config",
            conf,
            "--audit-secs",
            "3600",
        ])
        .arg("--socket")
        .arg(&socket)
        .arg("--state")
        .arg(dir.path().join("state.redb"))
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("omgd starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let served = loop {
        let run = status(true);
        if run.code == Some(0) && run.stdout.contains("vulnerable") {
            break run;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("omgd never showed the audit: {run:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    let text = served.ok();
    assert!(
        text.contains(
            "vulnerable  1 (1 high; 1 fixed by omg update) from the Arch security feed, "
        ),
        "{text}"
    );
    assert!(server.hits().iter().any(|h| h.path == "/all.json"));
    // Direct mode reads the same saved summary (its age, in seconds, may have moved on).
    assert_eq!(without_age(status(false).ok()), without_age(text));
    let json = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf,
            "--json",
            "--no-daemon",
            "status",
        ],
        &env,
    )
    .json();
    assert_eq!(json["security"]["vulnerable"], 1);
    assert_eq!(json["security"]["high"], 1);
}

/// `text` with the feed's age ("from the Arch security feed, 3 s old") masked.
fn without_age(text: &str) -> String {
    text.lines()
        .map(|line| match line.rfind(", ") {
            Some(i) if line.ends_with(" old") => format!("{}, <age> old", &line[..i]),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
