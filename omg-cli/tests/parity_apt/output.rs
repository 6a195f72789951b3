//! Differential tests: output (see main.rs). In a pipe omg's search, list and outdated print
//! lines that carry the same data as apt-cache search, dpkg-query and apt list
//! --upgradable; on an 80-column terminal every line fits; the audit compares a binNMU
//! candidate by its source version, as apt-cache show's `Source:` field gives it.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::common;
use crate::world;

// The remote adapter's test server (tiny_http on 127.0.0.1), for the audit's feeds.
use omg_testkit::http as feed_server;

/// No apt on this host: nothing to compare (the suite's scaffold fails under CI for a
/// missing tool).
fn no_apt() -> bool {
    world::tool("apt-cache", &["--version"]).is_none()
}

/// omg's search in a pipe: `repository/name version [installed]`, then the description
/// indented by four spaces. Returns name -> (version, description).
fn records(text: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(head) = lines.next() {
        if head.contains(" matches shown; use --limit") {
            continue;
        }
        let mut words = head.split(' ');
        let (Some(path), Some(version)) = (words.next(), words.next()) else {
            panic!("not a search head line: {head:?}");
        };
        let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
        let description = lines.next().expect("a description line");
        let description = description
            .strip_prefix("    ")
            .unwrap_or_else(|| panic!("not indented: {description:?}"));
        out.insert(
            name.to_string(),
            (version.to_string(), description.to_string()),
        );
    }
    out
}

/// The packages both list carry the same description (apt-cache search's `name - text`).
#[test]
fn search_in_a_pipe_carries_apt_cache_s_descriptions() {
    if no_apt() {
        return;
    }
    for query in ["bash", "editor"] {
        let omg = world::omg(&["search", query, "--limit", "100000"]);
        let omg = records(omg.ok());
        let apt = world::tool_stdout("apt-cache", &["search", query]).expect("apt-cache");
        let apt: BTreeMap<&str, &str> = apt.lines().filter_map(|l| l.split_once(" - ")).collect();
        let both: Vec<&str> = apt
            .keys()
            .copied()
            .filter(|k| omg.contains_key(*k))
            .collect();
        assert!(both.len() > 5, "{query}: too few common hits");
        for name in both {
            // apt-cache in the C locale transliterates what is not ASCII (`—` becomes `??`,
            // `à` `?`): compare the rest.
            if omg[name].1.is_ascii() {
                assert_eq!(omg[name].1, apt[name], "{name}");
            }
        }
    }
}

/// `omg list` in a pipe is dpkg's installed packages with their versions; `omg outdated`
/// is apt list --upgradable's packages, from and to the same versions.
#[test]
fn list_and_outdated_in_a_pipe_agree_with_dpkg_and_apt() {
    if no_apt() {
        return;
    }
    let installed = world::tool_stdout(
        "dpkg-query",
        &[
            "-W",
            "-f",
            "${db:Status-Abbrev} ${binary:Package} ${Version}\n",
        ],
    )
    .expect("dpkg-query");
    // Every state but not-installed and config-files counts (apt's CurrentVer).
    let dpkg: BTreeSet<(String, String)> = installed
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (state, name, version) = (w.next()?, w.next()?, w.next()?);
            let s = state.chars().nth(1)?;
            (s != 'n' && s != 'c').then(|| {
                let name = name.split_once(':').map_or(name, |(n, _)| n);
                (name.to_string(), version.to_string())
            })
        })
        .collect();
    let list = world::omg(&["list"]);
    let omg: BTreeSet<(String, String)> = list
        .ok()
        .lines()
        .map(|l| {
            let (name, version) = l.split_once(' ').expect("name version");
            assert!(!version.contains(' '), "padded or more: {l:?}");
            let name = name.split_once(':').map_or(name, |(n, _)| n);
            (name.to_string(), version.to_string())
        })
        .collect();
    assert_eq!(omg, dpkg);

    let apt = world::tool_stdout("apt", &["list", "--upgradable"]).expect("apt");
    let apt: BTreeSet<(String, String, String)> = apt
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once('/')?;
            let mut w = rest.split_whitespace();
            let new = w.nth(1)?;
            let old = rest
                .split("upgradable from: ")
                .nth(1)?
                .trim_end_matches(']');
            Some((name.to_string(), old.to_string(), new.to_string()))
        })
        .collect();
    let outdated = world::omg(&["outdated"]);
    let omg: BTreeSet<(String, String, String)> = outdated
        .ok()
        .lines()
        .map(|l| {
            let (name, rest) = l.split_once(' ').expect("name");
            let (old, new) = rest.split_once(" -> ").expect("old -> new");
            let name = name.split_once(':').map_or(name, |(n, _)| n);
            (name.to_string(), old.to_string(), new.to_string())
        })
        .collect();
    assert_eq!(omg, apt);
}

/// On an 80-column terminal, search's and outdated's lines fit.
#[test]
fn tables_fit_80_columns_with_apt() {
    if no_apt() {
        return;
    }
    let Some(script) = common::tool_path("script") else {
        return;
    };
    for args in ["search lib --limit 200", "outdated", "list --explicit"] {
        let line = format!(
            "stty cols 80 rows 50; {} --backend apt {args}",
            common::omg_bin().display()
        );
        let mut cmd = Command::new(&script);
        common::isolate(&mut cmd)
            .args(["-qec", &line, "/dev/null"])
            .env("NO_COLOR", "1")
            .env("COLUMNS", "80");
        let out = cmd.output().expect("script");
        assert!(out.status.success(), "{args}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.split(['\r', '\n']).filter(|l| !l.is_empty()).collect();
        assert!(lines[0].starts_with("NAME "), "{args}: {text}");
        for l in lines {
            assert!(l.chars().count() <= 80, "{args}: wider than 80: {l:?}");
        }
    }
}

/// A binNMU on this host (installed `5.2.15-2+b8`, candidate `5.2.15-2+b13`): the tracker
/// says the source is fixed in a later source version; apt-cache show's `Source:` field says
/// the candidate is built from the old source; so `omg update` does not fix it, and the
/// finding says the fix is not in the repositories yet.
#[test]
fn a_binnmu_candidate_is_no_fix_for_a_newer_source() {
    if no_apt() {
        return;
    }
    // An upgradable package whose installed and candidate versions are both rebuilds of
    // one source version.
    let upgradable = world::tool_stdout("apt", &["list", "--upgradable"]).expect("apt");
    let binnmu = |v: &str| {
        v.rsplit_once("+b")
            .map(|(base, n)| (base.to_string(), n.to_string()))
    };
    let found = upgradable.lines().find_map(|l| {
        let (name, rest) = l.split_once('/')?;
        let new = rest.split_whitespace().nth(1)?;
        let old = rest
            .split("upgradable from: ")
            .nth(1)?
            .trim_end_matches(']');
        let ((nb, _), (ob, _)) = (binnmu(new)?, binnmu(old)?);
        (nb == ob && !name.contains(':')).then(|| (name.to_string(), new.to_string(), nb))
    });
    let Some((name, candidate, base)) = found else {
        println!("note: no binNMU upgrade on this host; nothing to check");
        return;
    };
    // apt's own data: the candidate is built from the base source version.
    let show = world::tool_stdout("apt-cache", &["show", &format!("{name}={candidate}")])
        .expect("apt-cache show");
    let source_field = show
        .lines()
        .find_map(|l| l.strip_prefix("Source: "))
        .unwrap_or(name.as_str())
        .to_string();
    let source = source_field.split(' ').next().unwrap_or(&name).to_string();
    assert!(
        source_field.contains(&format!("({base})")),
        "{name} {candidate}: Source: {source_field}"
    );
    let release = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME=").map(str::to_owned))
        .unwrap_or_default();
    let fixed = format!("{base}+deb99u1");
    let feed = format!(
        r#"{{"{source}": {{"CVE-2099-0001": {{"scope": "local", "releases": {{"{release}":
            {{"status": "resolved", "repositories": {{"{release}": "{base}"}},
              "fixed_version": "{fixed}", "urgency": "high"}}}}}}}}}}"#
    );
    let server = feed_server::Server::start();
    server.put("/debian.json", feed.as_str(), None, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let env = [
        ("OMG_AUDIT_DEBIAN_FEED", server.url("/debian.json")),
        ("OMG_AUDIT_DEBIAN_DSA_FEED", server.url("/dsa")),
        ("OMG_AUDIT_DEBIAN_DLA_FEED", server.url("/dla")),
        ("XDG_CACHE_HOME", cache.path().display().to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let json = common::omg(&["--backend", "apt", "--json", "audit"], &env);
    json.expect_code(10);
    let report = json.json();
    let finding = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["package"] == name.as_str()))
        .unwrap_or_else(|| panic!("no finding for {name}: {report}"));
    assert_eq!(finding["candidate"], candidate.as_str());
    assert_eq!(finding["fixed"], fixed.as_str());
    assert_eq!(finding["upgrade_fixes"], false, "{finding}");
    // The table (tab-separated in a pipe) says where the fix is.
    let text = common::omg(&["--backend", "apt", "audit"], &env);
    text.expect_code(10);
    let row = text
        .stdout
        .lines()
        .find(|l| l.split('\t').next() == Some(name.as_str()))
        .unwrap_or_else(|| panic!("no row for {name}:\n{}", text.stdout));
    assert!(
        row.contains(&format!("fixed in {fixed}, not yet in your repositories")),
        "{row}"
    );
}
