//! `omg --backend apt audit` end to end over a fixture apt root (a dpkg status with
//! `Source:` fields, a repository list with candidates, os-release naming bookworm) and the
//! Debian tracker's JSON and its DSA and DLA lists served from 127.0.0.1: real libapt, real
//! binaries, exact findings.
//! The same root as Ubuntu 22.04 against an osv.dev-style `all.zip` of Ubuntu OSV records.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
// The remote adapter's test server (tiny_http on 127.0.0.1 with ETag / 304).
use omg_testkit::http as feed_server;

use std::fs;
use std::path::Path;

use common::omg;
use feed_server::Server;
use serde_json::{json, Value};

/// The repository: candidates for some installed packages.
const PACKAGES: &str = "\
Package: libssl3
Source: openssl
Version: 3.0.13-1~deb12u1
Architecture: amd64
Description: Secure Sockets Layer toolkit - shared libraries

Package: libfoo1
Source: foo
Version: 1.10-1
Architecture: amd64
Description: foo library

Package: libbin
Source: srcv (1.0-2)
Version: 6
Architecture: amd64
Description: a binary with a version of its own

";

/// dpkg's status: what is installed.
const STATUS: &str = "\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

Package: libfoo1
Status: install ok installed
Architecture: amd64
Source: foo
Version: 1.9-1
Description: foo library

Package: bar
Status: install ok installed
Architecture: amd64
Version: 1:1.0
Description: epoch 1

Package: rc
Status: install ok installed
Architecture: amd64
Source: rcpkg
Version: 1.0~rc1
Description: a release candidate

Package: baz
Status: install ok installed
Architecture: amd64
Version: 2.0
Description: issues that do not count

Package: libbin
Status: install ok installed
Architecture: amd64
Source: srcv (1.0-1)
Version: 5
Description: a binary with a version of its own

";

/// The Debian tracker's JSON, shaped like the real one (other releases, nodsa, TEMP ids).
const DEBIAN_FEED: &str = r#"{
 "openssl": {
  "CVE-2024-0001": {"description": "a fixed issue", "scope": "remote", "debianbug": 1000001,
   "releases": {
    "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.11-1~deb12u2",
      "bookworm-security": "3.0.13-1~deb12u1"}, "fixed_version": "3.0.13-1~deb12u1", "urgency": "medium"},
    "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1w-0+deb11u1"},
      "fixed_version": "1.1.1n-0+deb11u5", "urgency": "high"}}},
  "TEMP-0000000-ABCDEF": {"description": "no CVE yet", "scope": "local",
   "releases": {"bookworm": {"status": "open", "repositories": {"bookworm": "3.0.11-1~deb12u2"},
      "urgency": "not yet assigned", "nodsa": "Minor issue", "nodsa_reason": ""}}}
 },
 "foo": {
  "CVE-2024-0002": {"scope": "remote",
   "releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "1.10-1"},
      "fixed_version": "1.10-1", "urgency": "high"}}}
 },
 "bar": {
  "CVE-2024-0003": {"scope": "remote",
   "releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "1:1.0"},
      "fixed_version": "2.0", "urgency": "high"}}}
 },
 "rcpkg": {
  "CVE-2024-0004": {"scope": "local",
   "releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "1.0~rc1"},
      "fixed_version": "1.0", "urgency": "low**"}}}
 },
 "baz": {
  "CVE-2024-0005": {"releases": {"bookworm": {"status": "undetermined", "repositories": {"bookworm": "2.0"}, "urgency": "high"}}},
  "CVE-2024-0006": {"releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "2.0"}, "fixed_version": "0", "urgency": "high"}}},
  "CVE-2024-0007": {"releases": {"bullseye": {"status": "open", "repositories": {"bullseye": "2.0"}, "urgency": "high"}}}
 },
 "srcv": {
  "CVE-2024-0008": {"releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "1.0-2"},
      "fixed_version": "1.0-2", "urgency": "unimportant"}}}
 }
}"#;

const LIST_PREFIX: &str = "omg.invalid_debian_dists_omgtest";

fn apt_root(root: &Path) {
    for d in [
        "etc/apt/apt.conf.d",
        "etc/apt/preferences.d",
        "etc/apt/sources.list.d",
        "var/lib/apt/lists/partial",
        "var/lib/dpkg",
        "var/cache/apt/archives/partial",
    ] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    let write = |path: &str, text: &str| fs::write(root.join(path), text).unwrap();
    write(
        "etc/apt/sources.list",
        "deb [trusted=yes] http://omg.invalid/debian omgtest main\n",
    );
    write(
        "etc/apt/apt.conf.d/10omg",
        "APT::Architecture \"amd64\";\nAPT::Architectures { \"amd64\"; };\n\
         Dir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n",
    );
    write(
        &format!("var/lib/apt/lists/{LIST_PREFIX}_Release"),
        "Origin: omg\nLabel: omg\nSuite: testing\nCodename: omgtest\n\
         Architectures: amd64\nComponents: main\n",
    );
    write(
        &format!("var/lib/apt/lists/{LIST_PREFIX}_main_binary-amd64_Packages"),
        PACKAGES,
    );
    write("var/lib/dpkg/status", STATUS);
    write("var/lib/apt/extended_states", "");
    write(
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
         VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
    );
}

#[allow(clippy::too_many_arguments)] // one expected finding, field by field
fn finding(
    package: &str,
    installed: &str,
    source: Option<&str>,
    compared: &str,
    fixed: Option<&str>,
    severity: &str,
    ids: &[&str],
    unfixed: &[&str],
    candidate: Option<&str>,
    upgrade_fixes: bool,
) -> Value {
    json!({
        "package": package, "installed": installed, "source": source,
        "compared_version": compared, "fixed": fixed, "severity": severity,
        "ids": ids, "unfixed": unfixed, "candidate": candidate, "upgrade_fixes": upgrade_fixes,
    })
}

/// The tracker's `data/DSA/list`, shaped like the real one: newest first, several
/// releases, an advisory without CVEs, notes, another source with the same CVE.
const DSA_LIST: &str = "\
[02 Mar 2024] DSA-5900-1 openssl - security update
	{CVE-2024-0001}
	[bookworm] - openssl 3.0.13-1~deb12u1
[01 Mar 2024] DSA-5899-1 foo - security update
	[bookworm] - foo 1.10-1
	NOTE: no CVE id was assigned
[20 Feb 2024] DSA-5850-1 openssl1.1 - security update
	{CVE-2024-0001}
	[bookworm] - openssl1.1 1.1.1w-1~deb12u1
[10 Jan 2024] DSA-5800-1 openssl - security update
	{CVE-2024-0001 CVE-2023-9999}
	[bullseye] - openssl 1.1.1n-0+deb11u5
";

/// The tracker's `data/DLA/list`: one for another release, one for the host's.
const DLA_LIST: &str = "\
[05 Mar 2024] DLA-4100-1 srcv - LTS security update
	{CVE-2024-0008}
	[bookworm] - srcv 1.0-2
[04 Mar 2024] DLA-4099-1 foo - LTS security update
	{CVE-2024-0002}
	[bullseye] - foo 1.10-0+deb11u1
";

/// The Debian findings of the fixture, with the DSA/DLA numbers or without them.
fn debian_expected(dsa: bool, dla: bool) -> Vec<Value> {
    let ids = |cves: &[&'static str], numbers: &[(bool, &'static str)]| -> Vec<&'static str> {
        let mut ids: Vec<&str> = cves.to_vec();
        ids.extend(numbers.iter().filter(|(on, _)| *on).map(|(_, id)| *id));
        ids.sort_unstable();
        ids
    };
    vec![
        finding(
            "libfoo1",
            "1.9-1",
            Some("foo"),
            "1.9-1",
            Some("1.10-1"),
            "high",
            &["CVE-2024-0002"],
            &[],
            Some("1.10-1"),
            true,
        ),
        finding(
            "libssl3",
            "3.0.11-1~deb12u1",
            Some("openssl"),
            "3.0.11-1~deb12u1",
            Some("3.0.13-1~deb12u1"),
            "medium",
            &ids(
                &["CVE-2024-0001", "TEMP-0000000-ABCDEF"],
                &[(dsa, "DSA-5900-1")],
            ),
            &["TEMP-0000000-ABCDEF"],
            Some("3.0.13-1~deb12u1"),
            true,
        ),
        finding(
            "libbin",
            "5",
            Some("srcv"),
            "1.0-1",
            Some("1.0-2"),
            "low",
            &ids(&["CVE-2024-0008"], &[(dla, "DLA-4100-1")]),
            &[],
            Some("6"),
            true,
        ),
        finding(
            "rc",
            "1.0~rc1",
            Some("rcpkg"),
            "1.0~rc1",
            Some("1.0"),
            "low",
            &["CVE-2024-0004"],
            &[],
            None,
            false,
        ),
    ]
}

/// `omg --backend apt --root ROOT audit --json EXTRA...` with the feeds at `server`.
fn debian_audit(dir: &Path, server: &Server, extra: &[&str]) -> common::Run {
    let root = dir.join("root").display().to_string();
    let cache = dir.join("cache").display().to_string();
    let config = dir.join("config").display().to_string();
    let (json, dsa, dla) = (
        server.url("/json"),
        server.url("/DSA/list"),
        server.url("/DLA/list"),
    );
    let mut args = vec!["--backend", "apt", "--root", &root, "audit", "--json"];
    args.extend_from_slice(extra);
    omg(
        &args,
        &[
            ("XDG_CACHE_HOME", &cache),
            ("XDG_CONFIG_HOME", &config),
            ("OMG_AUDIT_DEBIAN_FEED", &json),
            ("OMG_AUDIT_DEBIAN_DSA_FEED", &dsa),
            ("OMG_AUDIT_DEBIAN_DLA_FEED", &dla),
        ],
    )
}

#[test]
fn debian_findings_through_source_packages() {
    let dir = tempfile::tempdir().unwrap();
    apt_root(&dir.path().join("root"));
    let server = Server::start();
    server.put("/json", DEBIAN_FEED, Some("\"d1\""), None);
    server.put("/DSA/list", DSA_LIST, Some("\"s1\""), None);
    server.put(
        "/DLA/list",
        DLA_LIST,
        None,
        Some("Tue, 05 Mar 2024 10:00:00 GMT"),
    );
    let url = server.url("/json");
    let run = |extra: &[&str]| debian_audit(dir.path(), &server, extra);
    let first = run(&[]);
    first.expect_code(10);
    assert_eq!(first.stderr, "");
    let report = first.json();
    assert_eq!(report["feed"]["kind"], "debian");
    assert_eq!(report["feed"]["release"], "bookworm");
    let expected = debian_expected(true, true);
    assert_eq!(report["findings"].as_array().unwrap(), &expected);

    // A second run is answered 304 (the JSON and both lists) and served from the cache.
    let second = run(&["--severity", "high"]);
    second.expect_code(10);
    assert_eq!(second.stderr, "");
    assert_eq!(second.json()["feed"]["origin"], "not-modified");
    assert_eq!(
        second.json()["findings"].as_array().unwrap(),
        &expected[..1]
    );
    let statuses = |run: std::ops::Range<usize>| -> Vec<(String, u16)> {
        let mut hits: Vec<(String, u16)> = server.hits()[run]
            .iter()
            .map(|h| (h.path.clone(), h.status))
            .collect();
        hits.sort();
        hits
    };
    let all = |status: u16| -> Vec<(String, u16)> {
        ["/DLA/list", "/DSA/list", "/json"]
            .iter()
            .map(|p| ((*p).to_owned(), status))
            .collect()
    };
    assert_eq!(server.hits().len(), 6, "{:?}", server.hits());
    assert_eq!(statuses(0..3), all(200));
    assert_eq!(statuses(3..6), all(304));

    // Offline needs no server, and the numbers come from the cache.
    let offline = debian_audit(dir.path(), &server, &["--offline"]);
    offline.expect_code(10);
    assert_eq!(offline.stderr, "");
    assert_eq!(offline.json()["findings"].as_array().unwrap(), &expected);
    assert_eq!(server.hits().len(), 6, "offline must not touch the network");
    let dsa_url = server.url("/DSA/list");
    drop(server);

    // The server is gone: the cache is used, with a warning naming each download.
    let root = dir.path().join("root").display().to_string();
    let cache = dir.path().join("cache").display().to_string();
    let config = dir.path().join("config").display().to_string();
    let dla_url = dsa_url.replace("/DSA/", "/DLA/");
    let online = omg(
        &["--backend", "apt", "--root", &root, "audit", "--json"],
        &[
            ("XDG_CACHE_HOME", &cache),
            ("XDG_CONFIG_HOME", &config),
            ("OMG_AUDIT_DEBIAN_FEED", &url),
            ("OMG_AUDIT_DEBIAN_DSA_FEED", &dsa_url),
            ("OMG_AUDIT_DEBIAN_DLA_FEED", &dla_url),
        ],
    );
    online.expect_code(10);
    assert_eq!(online.json()["feed"]["origin"], "cache");
    assert_eq!(online.json()["findings"].as_array().unwrap(), &expected);
    assert!(
        online
            .stderr
            .starts_with(&format!("omg: warning: download of {url} failed")),
        "{}",
        online.stderr
    );
    for (ids, title, list_url) in [
        ("DSA", "the Debian DSA list", &dsa_url),
        ("DLA", "the Debian DLA list", &dla_url),
    ] {
        let line = format!(
            "omg: warning: {ids} numbers come from the cached copy of {title}: download of \
             {list_url} failed"
        );
        assert!(online.stderr.contains(&line), "{}", online.stderr);
    }
}

#[test]
fn debian_without_its_advisory_lists() {
    let dir = tempfile::tempdir().unwrap();
    apt_root(&dir.path().join("root"));
    let server = Server::start();
    server.put("/json", DEBIAN_FEED, Some("\"d1\""), None);
    // The DSA list's URL answers a login page, the DLA list's 404.
    server.put(
        "/DSA/list",
        "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
        None,
        None,
    );
    let (dsa_url, dla_url) = (server.url("/DSA/list"), server.url("/DLA/list"));
    let run = debian_audit(dir.path(), &server, &[]);
    run.expect_code(10);
    assert_eq!(
        run.json()["findings"].as_array().unwrap(),
        &debian_expected(false, false)
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "omg: warning: DSA numbers are missing from the findings: debian_dsa ({dsa_url}) \
             is malformed: line 1"
        )),
        "{}",
        run.stderr
    );
    assert!(
        lines[1].starts_with(&format!(
            "omg: warning: DLA numbers are missing from the findings: download of {dla_url} \
             failed"
        )),
        "{}",
        run.stderr
    );

    // Offline: the JSON is cached, the lists never were.
    let offline = debian_audit(dir.path(), &server, &["--offline"]);
    offline.expect_code(10);
    assert_eq!(
        offline.json()["findings"].as_array().unwrap(),
        &debian_expected(false, false)
    );
    assert_eq!(
        offline.stderr,
        format!(
            "omg: warning: DSA numbers are missing from the findings: no cached copy of the \
             debian_dsa feed ({dsa_url})\n\
             omg: warning: DLA numbers are missing from the findings: no cached copy of the \
             debian_dla feed ({dla_url})\n"
        )
    );

    // The DLA list appears: its numbers are attached, the DSA list is still missing.
    server.put("/DLA/list", DLA_LIST, Some("\"l1\""), None);
    let later = debian_audit(dir.path(), &server, &[]);
    later.expect_code(10);
    assert_eq!(
        later.json()["findings"].as_array().unwrap(),
        &debian_expected(false, true)
    );
    assert_eq!(later.stderr.lines().count(), 1, "{}", later.stderr);
}

/// An OSV record as Ubuntu publishes them (`Ubuntu:<version>:LTS` and Pro ecosystems).
fn osv(id: &str, package: &str, events: &str, severity: &str) -> String {
    format!(
        r#"{{"schema_version": "1.7.0", "id": "{id}", "details": "d", "aliases": [],
  "upstream": ["{cve}"], "related": [],
  "severity": [{{"type": "Ubuntu", "score": "{severity}"}}],
  "published": "2024-01-01T00:00:00Z", "modified": "2024-02-01T00:00:00Z",
  "affected": [
   {{"package": {{"ecosystem": "Ubuntu:Pro:22.04:LTS", "name": "{package}"}},
     "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "99"}}]}}]}},
   {{"package": {{"ecosystem": "Ubuntu:22.04:LTS", "name": "{package}",
                 "purl": "pkg:deb/ubuntu/{package}?arch=source&distro=jammy"}},
     "ranges": [{{"type": "ECOSYSTEM", "events": {events}}}]}}]}}"#,
        cve = id.trim_start_matches("UBUNTU-"),
    )
}

fn zip_of(files: &[(String, String)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn ubuntu_findings_from_osv_records() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    apt_root(&root);
    fs::write(
        root.join("etc/os-release"),
        "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n",
    )
    .unwrap();
    let records = [
        (
            "UBUNTU-CVE-2024-0101",
            "openssl",
            r#"[{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]"#,
            "medium",
        ),
        (
            "UBUNTU-CVE-2024-0102",
            "foo",
            r#"[{"introduced": "0"}]"#,
            "negligible",
        ),
        (
            "UBUNTU-CVE-2024-0103",
            "bar",
            r#"[{"introduced": "0"}, {"fixed": "2.0"}]"#,
            "high",
        ),
        (
            "UBUNTU-CVE-2024-0104",
            "rcpkg",
            r#"[{"introduced": "0"}, {"fixed": "1.0"}]"#,
            "critical",
        ),
    ];
    let files: Vec<(String, String)> = records
        .iter()
        .map(|(id, p, e, s)| (format!("{id}.json"), osv(id, p, e, s)))
        .collect();
    let server = Server::start();
    server.put("/Ubuntu/all.zip", zip_of(&files), Some("\"u1\""), None);
    let cache = dir.path().join("cache").display().to_string();
    let url = server.url("/Ubuntu/all.zip");
    let root_arg = root.display().to_string();
    let run = omg(
        &["--backend", "apt", "--root", &root_arg, "audit", "--json"],
        &[("XDG_CACHE_HOME", &cache), ("OMG_AUDIT_UBUNTU_FEED", &url)],
    );
    run.expect_code(10);
    let report = run.json();
    assert_eq!(report["feed"]["kind"], "ubuntu");
    assert_eq!(report["feed"]["release"], "22.04");
    let expected = vec![
        finding(
            "rc",
            "1.0~rc1",
            Some("rcpkg"),
            "1.0~rc1",
            Some("1.0"),
            "critical",
            &["CVE-2024-0104", "UBUNTU-CVE-2024-0104"],
            &[],
            None,
            false,
        ),
        finding(
            "libssl3",
            "3.0.11-1~deb12u1",
            Some("openssl"),
            "3.0.11-1~deb12u1",
            Some("3.0.13-1~deb12u1"),
            "medium",
            &["CVE-2024-0101", "UBUNTU-CVE-2024-0101"],
            &[],
            Some("3.0.13-1~deb12u1"),
            true,
        ),
        finding(
            "libfoo1",
            "1.9-1",
            Some("foo"),
            "1.9-1",
            None,
            "low",
            &["CVE-2024-0102", "UBUNTU-CVE-2024-0102"],
            &["UBUNTU-CVE-2024-0102"],
            Some("1.10-1"),
            false,
        ),
    ];
    assert_eq!(report["findings"].as_array().unwrap(), &expected);
}
