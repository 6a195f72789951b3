//! omgd's background audit: it fetches the security feed (from 127.0.0.1 here), and `omg
//! status` then shows the vulnerable count and the data's age — the same through omgd and in
//! direct mode, which both read the summary the audit saved.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
// The remote adapter's test server (tiny_http on 127.0.0.1 with ETag / 304).
use omg_testkit::http as feed_server;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{omg, omgd_bin};
use feed_server::Server;
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

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

/// An Arch feed with findings of every kind: fixed by the pending upgrade, fixed upstream
/// only, no fix at all; two severities.
const FINDINGS: &str = r#"[
  {"name": "AVG-1", "packages": ["bash"], "status": "Fixed", "severity": "High",
   "type": "arbitrary code execution", "affected": "5.1-1", "fixed": "5.2-1",
   "ticket": null, "issues": ["CVE-2024-0001"], "advisories": ["ASA-202401-1"]},
  {"name": "AVG-2", "packages": ["readline"], "status": "Fixed", "severity": "Medium",
   "type": "denial of service", "affected": "8.1-1", "fixed": "8.3-1",
   "ticket": null, "issues": ["CVE-2024-0002"], "advisories": []},
  {"name": "AVG-3", "packages": ["sudo"], "status": "Vulnerable", "severity": "Critical",
   "type": "privilege escalation", "affected": "1.9-1", "fixed": null,
   "ticket": null, "issues": ["CVE-2024-0003"], "advisories": []}
]"#;

/// `omg audit` answered by omgd prints byte for byte what direct mode prints, with the same
/// exit code, for every flag; omgd audits with the client's [audit] settings (here
/// `OMG_AUDIT_ARCH_FEED`, which omgd's own environment sets to another URL) and the feed
/// cache of its XDG cache directory (the same as the client's here). Offline without a cached
/// feed, omgd declines and direct mode answers (and reports the missing feed).
#[test]
fn omg_audit_through_omgd_prints_what_direct_mode_prints() {
    let Some(omgd) = omgd_bin() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let mut root = FixtureRoot::create(&dir.path().join("root")).expect("root");
    root.add_sync_db(
        "core",
        &[
            FixturePackage::new("bash", "5.2-1"),
            FixturePackage::new("readline", "8.2-1"),
            FixturePackage::new("sudo", "1.9-1"),
        ],
    )
    .expect("core");
    root.install_local(&[
        FixturePackage::new("bash", "5.1-1"),
        FixturePackage::new("readline", "8.1-1"),
        FixturePackage::new("sudo", "1.9-1"),
    ])
    .expect("local");
    let server = Server::start();
    server.put("/all.json", FINDINGS, Some("\"f1\""), None);
    let feed = server.url("/all.json");
    // What omgd's own configuration says: a feed the client never asks for.
    let not_asked = server.url("/omgd-own.json");
    let cache = dir.path().join("cache");
    let config_home = dir.path().join("config");
    let homes = [
        ("XDG_CACHE_HOME", cache.to_str().expect("UTF-8")),
        ("XDG_CONFIG_HOME", config_home.to_str().expect("UTF-8")),
    ];
    let conf = root.config_path();
    let conf = conf.to_str().expect("UTF-8");
    let socket = dir.path().join("run/omgd.sock");
    let run_dir = socket.parent().expect("dir");
    std::fs::create_dir_all(run_dir).expect("run dir");
    std::fs::set_permissions(run_dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let mut child = Command::new(&omgd)
        .args(["--backend", "alpm", "--config", conf, "--audit-secs", "0"])
        .arg("--socket")
        .arg(&socket)
        .arg("--state")
        .arg(dir.path().join("state.redb"))
        .envs(homes)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("OMG_AUDIT_ARCH_FEED", &not_asked)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("omgd starts");
    let _stop = Kill(&mut child);
    let socket = socket.to_str().expect("UTF-8");
    // `daemon`: through omgd only (the helper unreachable), `direct`: --no-daemon; `helper`:
    // through omgd with the helper there to fall back to.
    let audit = |how: &str, args: &[&str]| {
        let mut all = vec!["--backend", "alpm", "--config", conf];
        all.extend(args);
        let mut vars = homes.to_vec();
        vars.push(("OMG_AUDIT_ARCH_FEED", feed.as_str()));
        match how {
            "direct" => all.push("--no-daemon"),
            "daemon" => vars.extend([("OMG_SOCKET", socket), ("OMG_BACKEND_BIN", "/nonexistent")]),
            _ => vars.push(("OMG_SOCKET", socket)),
        }
        omg(&all, &vars)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        assert!(Instant::now() < deadline, "omgd did not open its socket");
        std::thread::sleep(Duration::from_millis(20));
    }

    // No feed yet, offline: omgd declines (the unreachable helper is tried: exit 5); with
    // the helper there, the answer is direct mode's error.
    audit("daemon", &["audit", "--offline"]).expect_code(5);
    let direct = audit("direct", &["audit", "--offline"]);
    assert!(direct.stderr.contains("no cached copy"), "{direct:?}");
    let fell_back = audit("helper", &["audit", "--offline"]);
    assert_eq!(
        (fell_back.code, &fell_back.stdout, &fell_back.stderr),
        (direct.code, &direct.stdout, &direct.stderr)
    );

    // The first download by omgd: the same report direct mode gives for its download.
    let served = audit("daemon", &["audit"]);
    served.expect_code(10);
    assert!(
        served.stdout.contains("downloaded now"),
        "{}",
        served.stdout
    );
    let direct = audit("direct", &["audit"]);
    assert_eq!(
        direct.stdout,
        served
            .stdout
            .replace("downloaded now", "unchanged since the last download")
    );
    for args in [
        vec!["audit"],
        vec!["--json", "audit"],
        vec!["-q", "audit"],
        vec!["audit", "--severity", "high"],
        vec!["audit", "--severity", "critical", "--upgradable"],
        vec!["--json", "audit", "--severity", "critical", "--upgradable"],
        vec!["audit", "--upgradable"],
        vec!["audit", "--offline"],
        vec!["--json", "audit", "--offline"],
    ] {
        same_in_one_second(|| audit("direct", &args), || audit("daemon", &args), &args);
    }
    let hits = server.hits();
    assert!(hits.iter().all(|h| h.path == "/all.json"), "{hits:?}");
    assert!(hits.iter().any(|h| h.status == 304), "{hits:?}");
    // omgd's audit saved the summary `omg status` shows.
    let status = omg(
        &["--backend", "alpm", "--config", conf, "status"],
        &[
            homes[0],
            homes[1],
            ("OMG_SOCKET", socket),
            ("OMG_BACKEND_BIN", "/nonexistent"),
        ],
    );
    assert!(
        status
            .ok()
            .contains("vulnerable  3 (1 critical, 1 high; 1 fixed by omg update)"),
        "{}",
        status.stdout
    );
}

/// Runs `direct` and `served` until both ran within one second (the report's ages and
/// check times are in seconds), then asserts the same stdout, stderr and exit code.
fn same_in_one_second(
    direct: impl Fn() -> common::Run,
    served: impl Fn() -> common::Run,
    args: &[&str],
) {
    for _ in 0..5 {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let (d, s) = (direct(), served());
        let after = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        if before != after {
            continue;
        }
        assert_eq!(
            (s.code, &s.stdout, &s.stderr),
            (d.code, &d.stdout, &d.stderr),
            "omg {args:?}: omgd and direct mode differ"
        );
        assert!(matches!(d.code, Some(0 | 10)), "{d:?}");
        return;
    }
    panic!("omg {args:?}: five runs each straddled a second");
}

/// Kills omgd when the test ends, however it ends.
struct Kill<'a>(&'a mut std::process::Child);

impl Drop for Kill<'_> {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}
