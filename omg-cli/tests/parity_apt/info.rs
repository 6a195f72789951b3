//! Differential tests: info (see main.rs). `omg info` against `apt-cache show
//! --no-all-versions` (the candidate's record, field by field) and `apt-cache policy` (the
//! version table) on the host; `name/release`; found records before the errors.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::world;

/// The relationship fields of a Debian record and omg's JSON key for each.
const RELATIONS: [(&str, &str); 9] = [
    ("Pre-Depends", "pre_depends"),
    ("Depends", "depends"),
    ("Recommends", "recommends"),
    ("Suggests", "suggests"),
    ("Enhances", "enhances"),
    ("Breaks", "breaks"),
    ("Conflicts", "conflicts"),
    ("Replaces", "replaces"),
    ("Provides", "provides"),
];

/// omg's labels of those fields in text.
const LABELS: [(&str, &str); 9] = [
    ("Pre-Depends", "Pre-Depends"),
    ("Depends", "Depends On"),
    ("Recommends", "Recommends"),
    ("Suggests", "Suggests"),
    ("Enhances", "Enhances"),
    ("Breaks", "Breaks"),
    ("Conflicts", "Conflicts With"),
    ("Replaces", "Replaces"),
    ("Provides", "Provides"),
];

/// A deb822 paragraph: field -> value (continuation lines joined with `\n`).
fn paragraph(text: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(k) = &last {
                let v = out.get_mut(k).expect("continued field");
                v.push('\n');
                v.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.insert(k.to_string(), v.trim().to_string());
            last = Some(k.to_string());
        }
    }
    out
}

/// A relationship field's entries, whitespace collapsed.
fn relation_items(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|e| !e.is_empty())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// The packages compared: installed ones (one upgradable when the host has any), and the
/// first not-installed names of the lists with each kind of relationship.
fn sample() -> Vec<String> {
    let mut names: Vec<String> = ["bash", "coreutils", "dpkg", "apt", "libc6", "base-files"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(upgradable) = world::tool_stdout("apt", &["list", "--upgradable"]) {
        names.extend(
            upgradable
                .lines()
                .filter_map(|l| l.split_once('/').map(|(n, _)| n.to_string()))
                .take(2),
        );
    }
    let Some(dump) = world::tool_stdout("apt-cache", &["dumpavail"]) else {
        return names;
    };
    for field in [
        "Breaks:",
        "Enhances:",
        "Recommends:",
        "Suggests:",
        "Provides:",
        "Replaces:",
    ] {
        let name = dump
            .split("\n\n")
            .filter(|p| p.contains(&format!("\n{field}")))
            .filter_map(|p| p.strip_prefix("Package: "))
            .map(|p| p.lines().next().unwrap_or("").to_string())
            .find(|n| !names.contains(n));
        names.extend(name);
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_field_agrees_with_apt_cache_show() {
    for name in sample() {
        let Some(shown) = world::tool_stdout("apt-cache", &["show", "--no-all-versions", &name])
        else {
            return;
        };
        let theirs = paragraph(&shown);
        let json = world::omg(&["info", &name, "--json"]).json();
        let ours = &json[0];
        assert_eq!(ours["version"], theirs["Version"], "{name}");
        assert_eq!(ours["architecture"], theirs["Architecture"], "{name}");
        assert_eq!(
            ours["maintainer"].as_str(),
            theirs.get("Maintainer").map(String::as_str),
            "{name}"
        );
        assert_eq!(
            ours["section"].as_str(),
            theirs.get("Section").map(String::as_str),
            "{name}"
        );
        assert_eq!(
            ours["url"].as_str(),
            theirs.get("Homepage").map(String::as_str),
            "{name}"
        );
        let description = &theirs["Description"];
        let (summary, long) = description.split_once('\n').unwrap_or((description, ""));
        assert_eq!(ours["description"], summary, "{name}");
        let long: Vec<String> = long
            .lines()
            .map(|l| {
                let l = l.strip_prefix(' ').unwrap_or(l).trim_end();
                if l == "." {
                    String::new()
                } else {
                    l.to_string()
                }
            })
            .collect();
        let long = long.join("\n");
        assert_eq!(
            ours["long_description"].as_str().unwrap_or(""),
            long.trim_matches('\n'),
            "{name}"
        );
        if let Some(size) = theirs.get("Size") {
            assert_eq!(
                ours["download_size"],
                size.parse::<u64>().unwrap(),
                "{name}"
            );
        }
        if let Some(kib) = theirs.get("Installed-Size") {
            assert_eq!(
                ours["installed_size"],
                kib.parse::<u64>().unwrap() * 1024,
                "{name}"
            );
        }
        for (field, key) in RELATIONS {
            match theirs.get(field) {
                Some(value) => assert_eq!(
                    strings(&ours["relations"][key]),
                    relation_items(value),
                    "{name}: {field}"
                ),
                None => assert!(ours["relations"][key].is_null(), "{name}: {field}"),
            }
        }
        // The text shows each relationship field as itself.
        let text = world::omg(&["info", &name]);
        let text = text.ok();
        for (field, label) in LABELS {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{label:<17} : ")));
            match theirs.get(field) {
                Some(value) => {
                    let line = line.unwrap_or_else(|| panic!("{name}: no {label} in\n{text}"));
                    let items: Vec<String> = line
                        .split_once(" : ")
                        .unwrap()
                        .1
                        .split("  ")
                        .map(str::to_string)
                        .collect();
                    assert_eq!(items, relation_items(value), "{name}: {label}");
                }
                None => assert!(line.is_none(), "{name}: {label}"),
            }
        }
    }
}

/// One row of the version table: installed (`***`), version, priority, and its sources'
/// priorities and descriptions.
type Row = (bool, String, i64, Vec<(i64, String)>);

/// `apt-cache policy <name>`: installed, candidate, and the version table.
struct Policy {
    installed: Option<String>,
    candidate: Option<String>,
    table: Vec<Row>,
}

fn policy(text: &str) -> Policy {
    let mut p = Policy {
        installed: None,
        candidate: None,
        table: Vec::new(),
    };
    let none = |v: &str| (v != "(none)").then(|| v.to_string());
    for line in text.lines().skip(1) {
        let trimmed = line.trim();
        if let Some(v) = trimmed.strip_prefix("Installed: ") {
            p.installed = none(v);
        } else if let Some(v) = trimmed.strip_prefix("Candidate: ") {
            p.candidate = none(v);
        } else if trimmed == "Version table:" {
        } else if line.starts_with(" *** ")
            || line.starts_with("     ") && !line.starts_with("      ")
        {
            let mut parts = line[5..].split_whitespace();
            let version = parts.next().unwrap().to_string();
            let priority = parts.next().unwrap().parse().unwrap();
            p.table
                .push((line.starts_with(" *** "), version, priority, Vec::new()));
        } else {
            let (priority, index) = trimmed.split_once(' ').unwrap();
            p.table
                .last_mut()
                .expect("a version before its sources")
                .3
                .push((priority.parse().unwrap(), index.to_string()));
        }
    }
    p
}

#[test]
fn the_version_table_agrees_with_apt_cache_policy() {
    for name in sample() {
        let Some(text) = world::tool_stdout("apt-cache", &["policy", &name]) else {
            return;
        };
        let theirs = policy(&text);
        let ours = &world::omg(&["info", &name, "--json"]).json()[0];
        assert_eq!(
            ours["installed"]["version"].as_str().map(str::to_string),
            theirs.installed,
            "{name}"
        );
        let versions = ours["versions"].as_array().expect("a version table");
        let candidate = versions
            .iter()
            .find(|v| v["candidate"] == true)
            .map(|v| v["version"].as_str().unwrap().to_string());
        assert_eq!(candidate, theirs.candidate, "{name}");
        let table: Vec<Row> = versions
            .iter()
            .map(|v| {
                (
                    v["installed"] == true,
                    v["version"].as_str().unwrap().to_string(),
                    v["priority"].as_i64().unwrap(),
                    v["sources"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| {
                            (
                                s["priority"].as_i64().unwrap(),
                                s["index"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        assert_eq!(table, theirs.table, "{name}");
        // The text shows the same table.
        let text = world::omg(&["info", &name]);
        let text = text.ok();
        let candidate_line = text
            .lines()
            .find(|l| l.starts_with("Candidate "))
            .expect("a candidate line");
        assert!(
            candidate_line.ends_with(theirs.candidate.as_deref().unwrap_or("(none)")),
            "{candidate_line}"
        );
        let shown: Vec<String> = text
            .lines()
            .skip_while(|l| !l.starts_with("Version Table"))
            .map(|l| l.get(20..).unwrap_or("").trim().to_string())
            .collect();
        let expected: Vec<String> = theirs
            .table
            .iter()
            .flat_map(|(installed, version, priority, sources)| {
                let marker = if *installed { "*** " } else { "" };
                std::iter::once(format!("{marker}{version} {priority}"))
                    .chain(sources.iter().map(|(p, index)| format!("{p} {index}")))
            })
            .collect();
        assert_eq!(shown, expected, "{name}");
    }
}

#[test]
fn name_slash_release_takes_that_release() {
    for name in ["libc6", "bash", "apt", "base-files"] {
        let Some(p) = world::tool_stdout("apt-cache", &["policy", name]) else {
            return;
        };
        let theirs = policy(&p);
        let releases: BTreeSet<String> = theirs
            .table
            .iter()
            .flat_map(|(_, _, _, sources)| sources.iter())
            .filter_map(|(_, index)| index.split_whitespace().nth(1))
            .filter_map(|suite| suite.split('/').next())
            .filter(|suite| !suite.starts_with('/'))
            .map(str::to_string)
            .collect();
        for release in releases {
            let target = format!("{name}/{release}");
            let Some(shown) =
                world::tool_stdout("apt-cache", &["show", "--no-all-versions", &target])
            else {
                return;
            };
            let theirs = paragraph(&shown);
            let ours = &world::omg(&["info", &target, "--json"]).json()[0];
            assert_eq!(ours["version"], theirs["Version"], "{target}");
            assert!(
                ours["repository"].as_str().unwrap().starts_with(&release),
                "{target}: {}",
                ours["repository"]
            );
            // omg's own repository label works too: `bookworm/main/bash`.
            let label = format!("{}/{name}", ours["repository"].as_str().unwrap());
            let by_label = &world::omg(&["info", &label, "--json"]).json()[0];
            assert_eq!(by_label["version"], theirs["Version"], "{label}");
        }
    }
    // A release the host does not have: apt-cache shows nothing, apt-get refuses it, omg
    // says it was not found.
    if let Some(theirs) = world::tool(
        "apt-cache",
        &["show", "--no-all-versions", "bash/omg-no-release"],
    ) {
        assert_eq!(theirs.stdout, "");
    }
    if let Some(theirs) = world::tool("apt-get", &["install", "-s", "bash/omg-no-release"]) {
        assert_ne!(theirs.code, Some(0));
        assert!(
            theirs.stderr.contains("omg-no-release"),
            "{}",
            theirs.stderr
        );
    }
    world::omg(&["info", "bash/omg-no-release"]).expect_code(3);
}

#[test]
fn found_records_come_before_the_errors() {
    let ours = world::omg(&["info", "bash", "omg-no-such-package", "dpkg"]);
    ours.expect_code(3);
    let names: Vec<&str> = ours
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Name              : "))
        .collect();
    assert_eq!(names, ["bash", "dpkg"]);
    assert!(ours.stderr.contains("'omg-no-such-package' was not found"));
    // apt-cache show prints what it found too (and ignores the rest; alone, an unknown
    // name fails).
    if let Some(theirs) = world::tool("apt-cache", &["show", "bash", "omg-no-such-package"]) {
        assert!(theirs.stdout.contains("Package: bash"));
    }
    if let Some(theirs) = world::tool("apt-cache", &["show", "omg-no-such-package"]) {
        assert_ne!(theirs.code, Some(0));
    }
}
