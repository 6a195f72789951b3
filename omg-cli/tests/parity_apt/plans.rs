//! Differential tests: plans (see main.rs). omg's `--dry-run --json` plan against
//! `apt-get -s` of the same operation on this host, as sets of `name version` (installed or
//! upgraded) and of removed names.

use std::collections::BTreeSet;

use crate::world;

/// What a plan does: (`name version` installed or upgraded, names removed).
type Changes = (BTreeSet<String>, BTreeSet<String>);

/// omg's plan, `None` when omg refuses.
fn omg_plan(args: &[&str]) -> Option<Changes> {
    let run = world::omg(args);
    if run.code != Some(0) {
        return None;
    }
    let json = run.json();
    let mut changes = Changes::default();
    for a in json["plan"]["actions"].as_array()? {
        let name = a["name"].as_str().unwrap_or("").to_string();
        if a["kind"] == "remove" {
            changes.1.insert(name);
        } else {
            changes.0.insert(format!(
                "{name} {}",
                a["new_version"].as_str().unwrap_or("")
            ));
        }
    }
    Some(changes)
}

/// apt-get -s's `Inst` and `Remv` lines; `None` when apt-get refuses, `Some(None)` without
/// apt-get.
fn apt_plan(args: &[&str]) -> Option<Option<Changes>> {
    let mut all = vec!["-s", "-q"];
    all.extend_from_slice(args);
    let run = world::tool("apt-get", &all)?;
    if run.code != Some(0) {
        return Some(None);
    }
    let mut changes = Changes::default();
    for line in run.stdout.lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Inst"), Some(name)) => {
                // `Inst name [old] (new origin [arch])`
                let version = line
                    .split_once('(')
                    .and_then(|(_, rest)| rest.split_whitespace().next())
                    .unwrap_or("");
                changes.0.insert(format!("{name} {version}"));
            }
            (Some("Remv"), Some(name)) => {
                changes.1.insert(name.to_string());
            }
            _ => {}
        }
    }
    Some(Some(changes))
}

/// The first `count` of `names` that apt knows, with their installed and candidate versions.
fn known(names: &[&str]) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for name in names {
        let Some(policy) = world::tool_stdout("apt-cache", &["policy", name]) else {
            return out;
        };
        let field = |key: &str| {
            policy
                .lines()
                .find_map(|l| l.trim().strip_prefix(key))
                .map(|v| v.trim().to_string())
                .filter(|v| v != "(none)")
        };
        if let Some(candidate) = field("Candidate:") {
            out.push((name.to_string(), field("Installed:"), candidate));
        }
    }
    out
}

const CANDIDATES: &[&str] = &[
    "hello",
    "cowsay",
    "sl",
    "figlet",
    "tree",
    "jq",
    "htop",
    "ncdu",
    "rsync",
    "zip",
    "bc",
    "lynx",
    "moreutils",
    "tmux",
    "bash",
    "coreutils",
    "grep",
    "sed",
    "tar",
    "gzip",
];

#[test]
fn install_plans_match_apt_get_s() {
    let packages = known(CANDIDATES);
    if packages.is_empty() {
        return;
    }
    assert!(packages.len() >= 10, "{packages:?}");
    let mut nothing_to_do = 0;
    for (name, installed, candidate) in &packages {
        let ours = omg_plan(&["--json", "install", name, "--dry-run"]);
        let Some(theirs) = apt_plan(&["install", name]) else {
            return;
        };
        assert_eq!(ours, theirs, "install {name}");
        if installed.as_deref() == Some(candidate.as_str()) {
            // apt: "is already the newest version"; omg: nothing to do, and says so.
            assert_eq!(ours, Some(Changes::default()), "{name}");
            let text = world::omg(&["install", name, "--dry-run"]);
            assert!(
                text.stdout.contains(&format!(
                    "{name} is already the newest version ({candidate})"
                )),
                "{}",
                text.stdout
            );
            nothing_to_do += 1;
        }
    }
    assert!(nothing_to_do > 0, "{packages:?}");
}

#[test]
fn versions_and_releases_select_like_apt() {
    let packages = known(CANDIDATES);
    let codename = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
                .map(|c| c.trim_matches('"').to_string())
        })
        .unwrap_or_default();
    let mut compared = 0;
    for (name, _, candidate) in packages.iter().take(5) {
        let pinned = format!("{name}={candidate}");
        let released = format!("{name}/{codename}");
        for target in [&pinned, &released] {
            let ours = omg_plan(&["--json", "install", target, "--dry-run"]);
            let Some(theirs) = apt_plan(&["install", target]) else {
                return;
            };
            assert_eq!(ours, theirs, "install {target}");
            compared += 1;
        }
    }
    if compared > 0 {
        // A version that does not exist: both refuse.
        let (name, ..) = &packages[0];
        let bogus = format!("{name}=0.0.0-omg-none");
        assert_eq!(omg_plan(&["--json", "install", &bogus, "--dry-run"]), None);
        assert_eq!(apt_plan(&["install", &bogus]), Some(None));
    }
}

#[test]
fn upgrade_plan_matches_apt_get_s_dist_upgrade() {
    let ours = omg_plan(&["--json", "update", "--no-refresh", "--dry-run"]);
    let Some(theirs) = apt_plan(&["dist-upgrade"]) else {
        return;
    };
    assert_eq!(ours, theirs);
}

#[test]
fn removal_plans_match_apt_get_s() {
    let installed: Vec<(String, Option<String>, String)> = known(CANDIDATES)
        .into_iter()
        .filter(|(_, installed, _)| installed.is_some())
        .collect();
    for (name, ..) in installed.iter().take(4) {
        let ours = omg_plan(&["--json", "remove", name, "--dry-run"]);
        let Some(theirs) = apt_plan(&["remove", name]) else {
            return;
        };
        // omg refuses what would remove an essential package; apt-get -s plans it.
        if ours.is_none() {
            continue;
        }
        assert_eq!(ours, theirs, "remove {name}");
    }
}

/// A package file given by path (`apt install /path/x.deb`): the file's package and its
/// dependencies from the host's repositories, as apt-get -s plans them.
#[test]
fn a_deb_file_plans_like_apt_get_s() {
    let packages = known(CANDIDATES);
    if packages.is_empty() {
        return;
    }
    // A dependency that is installed and, when there is one, one that is not.
    let mut depends: Vec<&str> = Vec::new();
    depends.extend(
        packages
            .iter()
            .find(|p| p.1.is_some())
            .map(|p| p.0.as_str()),
    );
    depends.extend(
        packages
            .iter()
            .find(|p| p.1.is_none())
            .map(|p| p.0.as_str()),
    );
    let dir = tempfile::tempdir().unwrap();
    let stage = dir.path().join("stage");
    std::fs::create_dir_all(stage.join("DEBIAN")).unwrap();
    std::fs::write(
        stage.join("DEBIAN/control"),
        format!(
            "Package: omg-parity-local\nVersion: 1.0\nArchitecture: all\n\
             Maintainer: omg tests <omg@localhost>\nDepends: {}\n\
             Description: a package file given by path\n",
            depends.join(", ")
        ),
    )
    .unwrap();
    let deb = dir.path().join("omg-parity-local_1.0_all.deb");
    let (stage_text, deb_text) = (stage.display().to_string(), deb.display().to_string());
    let Some(built) = world::tool(
        "dpkg-deb",
        &["--root-owner-group", "--build", &stage_text, &deb_text],
    ) else {
        return;
    };
    assert_eq!(built.code, Some(0), "{}", built.stderr);
    let ours = omg_plan(&["--json", "install", &deb_text, "--dry-run"]);
    let Some(theirs) = apt_plan(&["install", &deb_text]) else {
        return;
    };
    assert!(
        ours.as_ref()
            .is_some_and(|(installs, _)| installs.contains("omg-parity-local 1.0")),
        "{ours:?}"
    );
    assert_eq!(ours, theirs, "install {deb_text} (depends: {depends:?})");
}
