//! `omg audit` end to end: the real `omg` and `omg-backend` binaries, feeds in the trackers'
//! real formats served from 127.0.0.1 (with ETag and 304), a fixture pacman root (libalpm)
//! and a fixture apt root with a dpkg status (libapt), and the feed cache in a temporary
//! `XDG_CACHE_HOME`. The expected findings are exact, including the version pairs string
//! comparison gets wrong.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
// The remote adapter's test server (tiny_http on 127.0.0.1 with ETag / 304).
use omg_testkit::http as feed_server;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{backend_bin, omg, Run};
use feed_server::Server;
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use serde_json::{json, Value};
use tempfile::TempDir;

/// An Arch tracker `all.json` excerpt, shaped like the real one.
const ARCH_FEED: &str = r#"[
 {"name": "AVG-2843", "packages": ["openssl"], "status": "Fixed", "severity": "High",
  "type": "arbitrary code execution", "affected": "3.0.7-1", "fixed": "3.0.8-1", "ticket": null,
  "issues": ["CVE-2023-0286", "CVE-2023-0215"], "advisories": ["ASA-202302-1"]},
 {"name": "AVG-2901", "packages": ["foo"], "status": "Fixed", "severity": "Medium",
  "type": "denial of service", "affected": "1.9-1", "fixed": "1.10-1", "ticket": null,
  "issues": ["CVE-2024-1001"], "advisories": []},
 {"name": "AVG-2902", "packages": ["bar"], "status": "Fixed", "severity": "High",
  "type": "information disclosure", "affected": "1.9-1", "fixed": "2.0-1", "ticket": null,
  "issues": ["CVE-2024-1002"], "advisories": []},
 {"name": "AVG-2903", "packages": ["baz"], "status": "Fixed", "severity": "High",
  "type": "information disclosure", "affected": "1.8-1", "fixed": "1.9-1", "ticket": null,
  "issues": ["CVE-2024-1003"], "advisories": []},
 {"name": "AVG-2904", "packages": ["sudo"], "status": "Vulnerable", "severity": "Critical",
  "type": "privilege escalation", "affected": "1.9.13.p3-1", "fixed": null, "ticket": "78001",
  "issues": ["CVE-2024-1004"], "advisories": []},
 {"name": "AVG-2905", "packages": ["zlib"], "status": "Not affected", "severity": "High",
  "type": "unknown", "affected": "1.3-1", "fixed": null, "ticket": null,
  "issues": ["CVE-2024-1005"], "advisories": []},
 {"name": "AVG-2906", "packages": ["glibc", "lib32-glibc"], "status": "Fixed", "severity": "Low",
  "type": "denial of service", "affected": "2.38-1", "fixed": "2.38-2", "ticket": null,
  "issues": ["CVE-2024-1006"], "advisories": ["ASA-202401-1"]},
 {"name": "AVG-2907", "packages": ["glibc"], "status": "Testing", "severity": "High",
  "type": "arbitrary code execution", "affected": "2.38-2", "fixed": "2.38-3", "ticket": null,
  "issues": ["CVE-2024-1007"], "advisories": []}
]"#;

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
}

/// A pacman root: installed versions against core's candidates.
fn arch_root(dir: &Path) -> FixtureRoot {
    let mut root = FixtureRoot::create(&dir.join("root")).unwrap();
    root.add_sync_db(
        "core",
        &[
            pkg("bar", "1:1.0-1"),
            pkg("baz", "1.10-1"),
            pkg("foo", "1.10-1"),
            pkg("glibc", "2.38-2"),
            pkg("openssl", "3.0.8-1"),
            pkg("sudo", "1.9.13.p3-1"),
            pkg("zlib", "1.3-1"),
        ],
    )
    .unwrap();
    root.install_local(&[
        pkg("bar", "1:1.0-1"),  // 1:1.0-1 > 2.0-1: the epoch wins
        pkg("baz", "1.10-1"),   // 1.10-1 > 1.9-1
        pkg("foo", "1.9-1"),    // 1.9-1 < 1.10-1, though "1.9" > "1.10" as strings
        pkg("glibc", "2.38-1"), // pkgrel: 2.38-1 < 2.38-2 < 2.38-3
        pkg("openssl", "3.0.7-1"),
        pkg("sudo", "1.9.13.p3-1"), // no fix yet
        pkg("zlib", "1.3-1"),       // "Not affected"
    ])
    .unwrap();
    root
}

struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config/omg")).unwrap();
        Env { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cache(&self) -> PathBuf {
        self.path().join("cache")
    }

    fn config(&self, text: &str) {
        std::fs::write(self.path().join("config/omg/config.toml"), text).unwrap();
    }

    fn vars(&self) -> Vec<(String, String)> {
        vec![
            ("XDG_CACHE_HOME".into(), self.cache().display().to_string()),
            (
                "XDG_CONFIG_HOME".into(),
                self.path().join("config").display().to_string(),
            ),
        ]
    }

    fn omg(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let vars = self.vars();
        let mut env: Vec<(&str, &str)> =
            vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        env.extend_from_slice(extra);
        omg(args, &env)
    }
}

fn findings(run: &Run) -> Vec<Value> {
    run.json()["findings"].as_array().unwrap().clone()
}

#[allow(clippy::too_many_arguments)] // one expected finding, field by field
fn finding(
    package: &str,
    installed: &str,
    fixed: Option<&str>,
    severity: &str,
    ids: &[&str],
    unfixed: &[&str],
    candidate: Option<&str>,
    upgrade_fixes: bool,
) -> Value {
    json!({
        "package": package, "installed": installed, "source": null,
        "compared_version": installed, "fixed": fixed, "severity": severity,
        "ids": ids, "unfixed": unfixed, "candidate": candidate, "upgrade_fixes": upgrade_fixes,
    })
}

fn arch_expected() -> Vec<Value> {
    vec![
        finding(
            "sudo",
            "1.9.13.p3-1",
            None,
            "critical",
            &["AVG-2904", "CVE-2024-1004"],
            &["AVG-2904"],
            None,
            false,
        ),
        finding(
            "glibc",
            "2.38-1",
            Some("2.38-3"),
            "high",
            &[
                "ASA-202401-1",
                "AVG-2906",
                "AVG-2907",
                "CVE-2024-1006",
                "CVE-2024-1007",
            ],
            &[],
            Some("2.38-2"),
            false,
        ),
        finding(
            "openssl",
            "3.0.7-1",
            Some("3.0.8-1"),
            "high",
            &["ASA-202302-1", "AVG-2843", "CVE-2023-0215", "CVE-2023-0286"],
            &[],
            Some("3.0.8-1"),
            true,
        ),
        finding(
            "foo",
            "1.9-1",
            Some("1.10-1"),
            "medium",
            &["AVG-2901", "CVE-2024-1001"],
            &[],
            Some("1.10-1"),
            true,
        ),
    ]
}

#[test]
fn arch_findings_304_malformed_and_offline() {
    let env = Env::new();
    let root = arch_root(env.path());
    let conf = root.config_path().display().to_string();
    let server = Server::start();
    server.put(
        "/all.json",
        ARCH_FEED,
        Some("\"a1\""),
        Some("Tue, 01 Oct 2024 10:00:00 GMT"),
    );
    env.config(&format!(
        "[audit]\narch_feed = \"{}\"\n",
        server.url("/all.json")
    ));
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "--backend",
            "alpm",
            "--config",
            conf.as_str(),
            "audit",
            "--json",
        ];
        args.extend_from_slice(extra);
        env.omg(&args, &[])
    };

    let first = audit(&[]);
    first.expect_code(10);
    assert_eq!(first.stderr, "");
    assert_eq!(findings(&first), arch_expected());
    let report = first.json();
    assert_eq!(report["feed"]["origin"], "downloaded");
    assert_eq!(report["feed"]["kind"], "arch");
    assert_eq!(
        report["summary"],
        json!({"vulnerable": 4, "critical": 1, "high": 2, "medium": 1, "low": 0, "unknown": 0,
               "fixed_by_update": 2, "no_fix_yet": 2})
    );

    // Unchanged on the server: a conditional request, 304, the same findings from the cache.
    let second = audit(&[]);
    second.expect_code(10);
    assert_eq!(findings(&second), arch_expected());
    assert_eq!(second.json()["feed"]["origin"], "not-modified");
    let hits = server.hits();
    assert_eq!((hits.len(), hits[1].status), (2, 304));
    assert_eq!(hits[1].if_none_match.as_deref(), Some("\"a1\""));

    // Filters: --severity and --upgradable select, and decide the exit code.
    let critical = audit(&["--severity", "critical"]);
    critical.expect_code(10);
    assert_eq!(findings(&critical), arch_expected()[..1].to_vec());
    let upgradable = audit(&["--upgradable", "--severity", "high"]);
    upgradable.expect_code(10);
    assert_eq!(findings(&upgradable), vec![arch_expected()[2].clone()]);

    // A truncated new copy: the previous good copy is kept and used, with a warning.
    server.put(
        "/all.json",
        &ARCH_FEED[..ARCH_FEED.len() / 2],
        Some("\"a2\""),
        None,
    );
    let truncated = audit(&[]);
    truncated.expect_code(10);
    assert_eq!(findings(&truncated), arch_expected());
    assert_eq!(truncated.json()["feed"]["origin"], "cache");
    assert!(
        truncated.stderr.starts_with(&format!(
            "omg: warning: arch ({}) is malformed:",
            server.url("/all.json")
        )),
        "{}",
        truncated.stderr
    );
    assert!(truncated
        .stderr
        .contains("using the cached copy of the Arch security feed"));

    // The environment overrides the file: a URL nothing serves fails, and the cache of the
    // other URL is not used for it.
    let missing = server.url("/nowhere.json");
    let run = env.omg(
        &["--backend", "alpm", "--config", &conf, "audit", "--offline"],
        &[("OMG_AUDIT_ARCH_FEED", &missing)],
    );
    run.expect_code(1);
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: no cached copy of the arch feed ({missing}); run `omg audit` once \
             with network access first\n"
        )
    );

    // Offline: the cache only; the server is not asked.
    let before = server.hits().len();
    let offline = audit(&["--offline"]);
    offline.expect_code(10);
    assert_eq!(findings(&offline), arch_expected());
    assert_eq!(server.hits().len(), before);
}

#[test]
fn arch_text_output_through_omg_and_the_helper() {
    let env = Env::new();
    let root = arch_root(env.path());
    let conf = root.config_path().display().to_string();
    let server = Server::start();
    server.put("/all.json", ARCH_FEED, Some("\"a1\""), None);
    let url = server.url("/all.json");
    let run = env.omg(
        &[
            "--backend",
            "alpm",
            "--config",
            &conf,
            "audit",
            "--severity",
            "medium",
        ],
        &[("OMG_AUDIT_ARCH_FEED", &url)],
    );
    run.expect_code(10);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let cells = |line: &str| {
        line.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cells(lines[0]),
        ["PACKAGE", "INSTALLED", "FIXED", "SEVERITY", "FIX", "IDS"]
    );
    assert_eq!(
        cells(lines[1]),
        [
            "sudo",
            "1.9.13.p3-1",
            "none",
            "yet",
            "critical",
            "no",
            "fix",
            "available",
            "yet",
            "AVG-2904",
            "CVE-2024-1004"
        ]
    );
    assert_eq!(
        cells(lines[3]),
        [
            "openssl",
            "3.0.7-1",
            "3.0.8-1",
            "high",
            "omg",
            "update",
            "ASA-202302-1",
            "AVG-2843",
            "CVE-2023-0215",
            "CVE-2023-0286"
        ]
    );
    assert_eq!(
        lines[5],
        "4 vulnerable packages (1 critical, 2 high, 1 medium): 2 fixed by `omg update`, 1 fixed upstream but not yet in your repositories, 1 without a fix yet"
    );
    assert_eq!(
        lines[6],
        format!("data: the Arch security feed ({url}), downloaded now")
    );

    // The helper itself, run by hand, answers the same (from the cache now: a 304).
    let out = common::isolate(&mut Command::new(backend_bin()))
        .args([
            "--backend",
            "alpm",
            "--config",
            &conf,
            "audit",
            "--json",
            "--upgradable",
        ])
        .envs(env.vars())
        .env("OMG_AUDIT_ARCH_FEED", &url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["feed"]["origin"], "not-modified");
    let names: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["package"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["openssl", "foo"]);
}

#[test]
fn nothing_vulnerable_exits_zero() {
    let env = Env::new();
    let root = arch_root(env.path());
    let conf = root.config_path().display().to_string();
    let server = Server::start();
    server.put("/all.json", "[]", None, None);
    let url = server.url("/all.json");
    let run = env.omg(
        &["--backend", "alpm", "--config", &conf, "audit"],
        &[("OMG_AUDIT_ARCH_FEED", &url)],
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        format!(
            "no known vulnerabilities in the installed packages\n\
             data: the Arch security feed ({url}), downloaded now\n"
        )
    );
}
