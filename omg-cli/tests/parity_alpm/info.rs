//! Differential tests: info (see main.rs). `omg info` against `pacman -Si` (the sync fields)
//! and `pacman -Qi` (the installed fields) on the same root, field by field, parsed from
//! both outputs; `repo/name`; and found records printed before the errors.

use std::collections::BTreeMap;
use std::fs;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

use crate::world::{self, World};

/// One record: field name -> its lines (the first value line, then continuation lines).
pub type Record = BTreeMap<String, Vec<String>>;

/// The `Key : value` records of pacman -Si/-Qi (and omg info), split at blank lines.
pub fn records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut record = Record::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !record.is_empty() {
                out.push(std::mem::take(&mut record));
            }
            last = None;
        } else if line.starts_with(' ') {
            if let Some(key) = &last {
                record
                    .get_mut(key)
                    .expect("the field continued")
                    .push(line.trim().to_string());
            }
        } else if let Some((key, value)) = line.split_once(" : ") {
            let key = key.trim().to_string();
            record.insert(key.clone(), vec![value.trim().to_string()]);
            last = Some(key);
        }
    }
    if !record.is_empty() {
        out.push(record);
    }
    out
}

/// A list field's items (pacman separates them by two spaces; `None` is empty).
fn items(lines: &[String]) -> Vec<String> {
    let joined = lines.join("  ");
    if joined == "None" {
        return Vec::new();
    }
    joined
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `1.50 KiB` / `512.00 B` / `512 B` in bytes.
fn bytes(text: &str) -> f64 {
    let (number, unit) = text.split_once(' ').expect("a size has a unit");
    let number: f64 = number.parse().expect("a size is a number");
    let power = ["B", "KiB", "MiB", "GiB", "TiB"]
        .iter()
        .position(|u| *u == unit)
        .expect("a known unit");
    number * 1024f64.powi(power as i32)
}

/// pacman's date (`Tue Nov 14 22:13:20 2023`: `%c` in the C locale, local time, which the
/// tests' TZ makes UTC) as omg prints it (`2023-11-14 22:13:20 UTC`).
fn pacman_date(text: &str) -> String {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, month, day, time, year] = parts[..] else {
        panic!("unexpected pacman date {text:?}");
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month)
    .expect("a month")
        + 1;
    let day: u32 = day.parse().expect("a day");
    format!("{year}-{month:02}-{day:02} {time} UTC")
}

/// The fields both print the same way, compared as text (lists as items).
const SAME_TEXT: [&str; 9] = [
    "Name",
    "Description",
    "Architecture",
    "URL",
    "Packager",
    "Install Reason",
    "Install Script",
    "Installed",
    "Repository",
];
const SAME_LIST: [&str; 10] = [
    "Licenses",
    "Groups",
    "Provides",
    "Depends On",
    "Required By",
    "Optional For",
    "Conflicts With",
    "Replaces",
    "Validated By",
    "Optional Deps",
];

/// Asserts that omg's record `ours` has each field of pacman's record `theirs` (those in
/// `fields`, or all that it has) with the same value as data.
fn same_fields(name: &str, ours: &Record, theirs: &Record, skip: &[&str]) {
    for (key, value) in theirs {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let mine = ours
            .get(key.as_str())
            .unwrap_or_else(|| panic!("{name}: omg has no {key:?} field\n{ours:#?}"));
        let k = key.as_str();
        if SAME_TEXT.contains(&k) {
            assert_eq!(mine, value, "{name}: {key}");
        } else if SAME_LIST.contains(&k) {
            assert_eq!(items(mine), items(value), "{name}: {key}");
        } else if k.ends_with("Size") {
            let (a, b) = (bytes(&mine[0]), bytes(&value[0]));
            assert!(
                (a - b).abs() <= b * 0.01 + 1.0,
                "{name}: {key} {mine:?} {value:?}"
            );
        } else if k.ends_with("Date") {
            assert_eq!(mine[0], pacman_date(&value[0]), "{name}: {key}");
        } else if k == "Version" {
            // -Qi's version is the installed one: omg shows it as "Installed Version"
            // when it differs from the repository's.
            let installed = ours.get("Installed Version").unwrap_or(mine);
            assert!(mine == value || installed == value, "{name}: {key}");
        } else {
            panic!("{name}: pacman field {key:?} is not compared");
        }
    }
}

/// `r` without `[installed]` after optional dependencies: pacman -Qi marks them, -Si does
/// not; omg marks them in either case (docs/parity.md).
fn unmarked(r: &Record) -> Record {
    let mut r = r.clone();
    if let Some(lines) = r.get_mut("Optional Deps") {
        for l in lines.iter_mut() {
            *l = l.trim_end_matches(" [installed]").to_string();
        }
    }
    r
}

fn omg_record(world_conf: &std::path::Path, target: &str) -> Record {
    let run = world::omg(world_conf, &["info", target]);
    let mut all = records(run.ok());
    assert_eq!(all.len(), 1, "{target}: one record");
    all.remove(0)
}

/// pacman's first record: `pacman -Si name` prints the package of every repository that
/// has it, omg the first one's (docs/parity.md).
fn pacman_record(conf: &std::path::Path, args: &[&str]) -> Option<Record> {
    let run = world::pacman(conf, args)?;
    run.expect_code(0);
    let mut all = records(&run.stdout);
    assert!(!all.is_empty(), "{args:?}: a record");
    Some(all.remove(0))
}

/// Names of the large world worth comparing: installed explicitly and as dependencies, an
/// upgradable one, one with groups, provides and depends, one in two repositories, one
/// only in the local database, and plain sync packages.
fn sample(w: &World) -> Vec<String> {
    let mut names = Vec::new();
    let installed: BTreeMap<&str, &FixturePackage> =
        w.installed.iter().map(|p| (p.name.as_str(), p)).collect();
    let mut want = |pred: &dyn Fn(&str, &FixturePackage) -> bool, n: usize| {
        let picked: Vec<String> = w
            .sync_packages()
            .filter(|(repo, p)| pred(repo, p))
            .map(|(_, p)| p.name.clone())
            .filter(|name| !names.contains(name))
            .take(n)
            .collect();
        assert!(!picked.is_empty(), "the world has such packages");
        names.extend(picked);
    };
    want(
        &|_, p| {
            installed
                .get(p.name.as_str())
                .is_some_and(|i| i.version != p.version)
        },
        2,
    );
    want(
        &|_, p| {
            installed
                .get(p.name.as_str())
                .is_some_and(|i| i.reason == omg_ports::InstallReason::Dependency)
        },
        3,
    );
    want(
        &|_, p| installed.contains_key(p.name.as_str()) && !p.depends.is_empty(),
        3,
    );
    want(&|_, p| !p.groups.is_empty() && !p.provides.is_empty(), 3);
    want(&|repo, _| repo == "chaotic", 2);
    want(&|_, p| p.depends.len() > 3, 3);
    want(&|_, _| true, 5);
    names.push(
        w.installed
            .iter()
            .find(|p| p.name.starts_with("omg-parity-local"))
            .expect("a local-only package")
            .name
            .clone(),
    );
    names
}

/// The first record of each name in `text`.
fn by_name(text: &str) -> BTreeMap<String, Record> {
    let mut out = BTreeMap::new();
    for r in records(text) {
        out.entry(r["Name"][0].clone()).or_insert(r);
    }
    out
}

#[test]
fn every_field_of_pacman_si_and_qi_agrees_on_the_large_root() {
    let w = world::large();
    let installed: BTreeMap<&str, &FixturePackage> =
        w.installed.iter().map(|p| (p.name.as_str(), p)).collect();
    let names = sample(w);
    let args: Vec<&str> = std::iter::once("info")
        .chain(names.iter().map(String::as_str))
        .collect();
    let ours = by_name(w.omg(&args).ok());
    assert_eq!(ours.len(), names.len());
    let synced: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| w.sync_packages().any(|(_, p)| p.name == *n))
        .collect();
    let local: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| installed.contains_key(n))
        .collect();
    let Some(si) = w.pacman(&[&["-Si"][..], &synced].concat()) else {
        return;
    };
    let Some(qi) = w.pacman(&[&["-Qi"][..], &local].concat()) else {
        return;
    };
    let (si, qi) = (by_name(si.ok()), by_name(qi.ok()));
    assert_eq!(si.len(), synced.len());
    assert_eq!(qi.len(), local.len());
    for name in &names {
        let ours = &ours[name];
        let in_sync = si.contains_key(name);
        if let Some(theirs) = si.get(name) {
            same_fields(name, &unmarked(ours), theirs, &[]);
        }
        match qi.get(name) {
            Some(theirs) => {
                // The sync record's build fields describe the repository's version; with
                // an older installed version pacman -Qi describes the installed one.
                let differs = ours.contains_key("Installed Version");
                let mut skip = vec!["Validated By"];
                if in_sync {
                    // Size and build date of the repository's version (see parity.md).
                    skip.extend(["Installed Size", "Build Date"]);
                    if differs {
                        skip.extend(["Packager", "Description"]);
                    }
                }
                same_fields(name, ours, theirs, &skip);
            }
            None => assert_eq!(ours["Installed"], ["No"], "{name}"),
        }
    }
}

#[test]
fn json_carries_the_same_fields() {
    let w = world::large();
    let name = sample(w)[0].clone();
    let json = w.omg(&["info", &name, "--json"]).json();
    let Some(si) = pacman_record(&w.conf, &["-Si", &name]) else {
        return;
    };
    let r = &json[0];
    assert_eq!(r["name"], name);
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(list(&r["relations"]["depends"]), items(&si["Depends On"]));
    assert_eq!(list(&r["relations"]["provides"]), items(&si["Provides"]));
    assert_eq!(list(&r["groups"]), items(&si["Groups"]));
    assert_eq!(r["packager"], si["Packager"][0]);
    assert!(
        r["required_by"].is_null(),
        "relations hold the reverse dependencies"
    );
    assert!(r["relations"]["required_by"].is_array(), "installed: {r}");
}

#[test]
fn repo_slash_name_takes_that_repository() {
    let w = world::large();
    let (_, twice) = w
        .sync_packages()
        .find(|(repo, _)| *repo == "chaotic")
        .expect("a package in chaotic");
    for repo in ["core", "chaotic"] {
        let target = format!("{repo}/{}", twice.name);
        let ours = omg_record(&w.conf, &target);
        let Some(si) = pacman_record(&w.conf, &["-Si", &target]) else {
            return;
        };
        assert_eq!(ours["Repository"], [repo]);
        assert_eq!(ours["Version"], si["Version"], "{target}");
        same_fields(&target, &unmarked(&ours), &si, &[]);
    }
    // A repository that does not have it: both fail.
    let target = format!("extra/{}", twice.name);
    let ours = w.omg(&["info", &target]);
    ours.expect_code(3);
    if let Some(theirs) = w.pacman(&["-Si", &target]) {
        assert_ne!(theirs.code, Some(0));
    }
}

#[test]
fn found_records_come_before_the_errors() {
    let w = world::large();
    let names = sample(w);
    let (a, b) = (names[0].as_str(), names[6].as_str());
    let args = ["-Si", a, "omg-no-such-package", b, "omg-nor-this"];
    let ours = w.omg(&["info", a, "omg-no-such-package", b, "omg-nor-this"]);
    let Some(theirs) = w.pacman(&args) else {
        return;
    };
    assert_ne!(theirs.code, Some(0));
    ours.expect_code(3);
    let shown = |text: &str| -> Vec<String> {
        let mut names: Vec<String> = records(text).iter().map(|r| r["Name"][0].clone()).collect();
        // pacman prints a name once per repository that has it.
        names.dedup();
        names
    };
    assert_eq!(shown(&ours.stdout), shown(&theirs.stdout));
    assert_eq!(shown(&ours.stdout), [a, b]);
    for missing in ["omg-no-such-package", "omg-nor-this"] {
        assert!(theirs.stderr.contains(missing));
        assert!(
            ours.stderr.contains(&format!("'{missing}'")),
            "{}",
            ours.stderr
        );
    }
}

/// A small root for what the generated one lacks: a published (checksummed) package, an
/// install script, optional dependencies between installed packages, long lists.
#[test]
fn installed_fields_of_a_small_root() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let lib = FixturePackage::new("omg-lib", "1.0-1").file("usr/lib/omg-lib.so", "x");
    let app = FixturePackage::new("omg-app", "2.0-1")
        .depends(["omg-lib>=1.0"])
        .optdepends([
            "omg-extra: for the extra features",
            "omg-lib: for the library",
        ])
        .provides(["omg-application=2.0"])
        .conflicts(["omg-old-app"])
        .replaces(["omg-older-app"])
        .licenses(["MIT", "Apache-2.0"]);
    let mut app = app;
    app.groups = vec!["omg-group".into(), "omg-tools".into()];
    let published = root.publish("core", &[lib.clone(), app.clone()]).unwrap();
    root.install_local(&[lib.as_dependency(), app]).unwrap();
    // libalpm tells an install script by the `install` file of the local entry.
    let entry = root.local_db_path().join("omg-app-2.0-1");
    fs::write(entry.join("install"), "post_install() { :; }\n").unwrap();
    let conf = root.config_path();
    assert!(published[0].sha256sum.is_some());
    for name in ["omg-app", "omg-lib"] {
        let ours = omg_record(&conf, name);
        let Some(si) = pacman_record(&conf, &["-Si", name]) else {
            return;
        };
        let Some(qi) = pacman_record(&conf, &["-Qi", name]) else {
            return;
        };
        same_fields(name, &unmarked(&ours), &si, &[]);
        same_fields(name, &ours, &qi, &["Validated By", "Installed Size"]);
    }
    let app = omg_record(&conf, "omg-app");
    assert_eq!(app["Install Script"], ["Yes"]);
    assert_eq!(app["Validated By"], ["SHA-256 Sum"]);
    assert_eq!(
        app["Optional Deps"].len(),
        2,
        "one optional dependency per line"
    );
    let lib = omg_record(&conf, "omg-lib");
    assert_eq!(lib["Required By"], ["omg-app"]);
    assert_eq!(lib["Optional For"], ["omg-app"]);
}

/// `command` on an 80-column pseudo-terminal (`script`, `stty cols 80`), its screen lines
/// without colours or carriage returns; `None` without `script` (a failure under CI).
fn on_80_columns(command: &str) -> Option<Vec<String>> {
    let script = crate::common::tool_path("script")?;
    let mut cmd = std::process::Command::new(script);
    crate::common::isolate(&mut cmd)
        .args([
            "-qec",
            &format!("stty cols 80 rows 50; {command}"),
            "/dev/null",
        ])
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .env("OMG_SOCKET", "/nonexistent/omgd.sock");
    let out = cmd.output().expect("run script");
    assert!(out.status.success(), "{command}: {out:?}");
    Some(
        String::from_utf8_lossy(&out.stdout)
            .replace('\r', "")
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// On an 80-column terminal the record fits: a long list wraps between its items, under the
/// value column, as pacman -Si wraps it, and the items are the same.
#[test]
fn on_80_columns_lists_wrap_like_pacman() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let long = FixturePackage::new("omg-long", "1.0-1")
        .desc(
            "A package whose description is long enough that an eighty column terminal \
             cannot show it on one line, so that both tools must wrap it at a space",
        )
        .depends((0..24).map(|i| format!("omg-library-number-{i}>=1.0")))
        .provides((0..10).map(|i| format!("omg-provided-{i}=1.0")));
    root.add_sync_db("core", &[long]).unwrap();
    root.install_local(&[]).unwrap();
    let conf = root.config_path().display().to_string();
    let omg = crate::common::omg_bin().display().to_string();
    let Some(ours) = on_80_columns(&format!(
        "{omg} --backend alpm --config {conf} info omg-long"
    )) else {
        return;
    };
    let Some(pacman) = crate::common::tool_path("pacman") else {
        return;
    };
    let theirs = on_80_columns(&format!(
        "{} --config {conf} -Si omg-long",
        pacman.display()
    ))
    .expect("script ran before");
    for line in ours.iter().chain(&theirs) {
        assert!(
            line.chars().count() <= 80,
            "wider than 80 columns: {line:?}"
        );
    }
    let (ours, theirs) = (records(&ours.join("\n")), records(&theirs.join("\n")));
    for key in ["Depends On", "Provides"] {
        assert!(ours[0][key].len() > 1, "{key} wraps: {:?}", ours[0][key]);
        assert_eq!(items(&ours[0][key]), items(&theirs[0][key]), "{key}");
    }
    let words = |r: &Record| r["Description"].join(" ");
    assert_eq!(words(&ours[0]), words(&theirs[0]));
    assert!(ours[0]["Description"].len() > 1);
}
