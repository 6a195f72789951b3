//! Differential tests: read (see main.rs). `omg files` (dpkg -L), `omg owns` (dpkg -S),
//! `omg list <name>...` (dpkg-query -W) on the host, and `omg mark` (apt-mark) on two
//! identical temporary apt roots (the host's marks are never touched).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::common::{self, Run};
use crate::world;

fn set(lines: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    lines.into_iter().collect()
}

#[test]
fn files_agree_with_dpkg_l() {
    for names in [&["bash"][..], &["coreutils", "dpkg"]] {
        let Some(theirs) = world::tool_stdout("dpkg", &[&["-L"][..], names].concat()) else {
            return;
        };
        let theirs = set(theirs
            .lines()
            .filter(|l| l.starts_with('/'))
            .map(String::from));
        let ours = world::omg(&[&["files", "-q"][..], names].concat());
        assert_eq!(
            set(ours.ok().lines().map(String::from)),
            theirs,
            "{names:?}"
        );
        // Without -q each line names its package, as pacman -Ql does.
        let ours = world::omg(&[&["files"][..], names].concat());
        let pairs: BTreeSet<(String, String)> = ours
            .ok()
            .lines()
            .map(|l| {
                let (n, p) = l.split_once(' ').unwrap();
                (n.to_string(), p.to_string())
            })
            .collect();
        assert_eq!(
            pairs
                .iter()
                .map(|(_, p)| p.clone())
                .collect::<BTreeSet<_>>(),
            theirs
        );
        assert!(pairs.iter().all(|(n, _)| names.contains(&n.as_str())));
    }
}

#[test]
fn files_of_a_package_that_is_not_installed_fail_after_the_others() {
    let Some(theirs) = world::tool("dpkg", &["-L", "bash", "omg-no-such-package"]) else {
        return;
    };
    assert_ne!(theirs.code, Some(0));
    let ours = world::omg(&["files", "-q", "bash", "omg-no-such-package"]);
    ours.expect_code(3);
    assert_eq!(
        set(ours.stdout.lines().map(String::from)),
        set(theirs
            .stdout
            .lines()
            .filter(|l| l.starts_with('/'))
            .map(String::from))
    );
    assert!(ours.stderr.contains("'omg-no-such-package' was not found"));
}

/// dpkg -S's `name, name: path` lines as path -> owners.
fn dpkg_owners(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with("diversion by") {
            continue;
        }
        let (names, path) = line.split_once(": ").unwrap();
        out.entry(path.to_string())
            .or_default()
            .extend(names.split(", ").map(String::from));
    }
    out
}

fn omg_owners(run: &Run) -> BTreeMap<String, BTreeSet<String>> {
    let json = run.json();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for o in json.as_array().unwrap() {
        out.entry(o["path"].as_str().unwrap().to_string())
            .or_default()
            .insert(o["name"].as_str().unwrap().to_string());
    }
    out
}

#[test]
fn owners_agree_with_dpkg_s() {
    let Some(bash_files) = world::tool_stdout("dpkg", &["-L", "bash"]) else {
        return;
    };
    // A file, a directory many packages own, the first file of libc6 (Multi-Arch: same,
    // which dpkg names libc6:amd64).
    let mut paths: Vec<String> = vec!["/bin/bash".into(), "/usr/share/doc".into()];
    paths.extend(
        bash_files
            .lines()
            .filter(|l| l.starts_with("/usr/share/man/"))
            .take(1)
            .map(String::from),
    );
    if let Some(libc) = world::tool_stdout("dpkg", &["-L", "libc6"]) {
        paths.extend(
            libc.lines()
                .filter(|l| l.contains(".so"))
                .take(1)
                .map(String::from),
        );
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let theirs = world::tool_stdout("dpkg", &[&["-S"][..], &args].concat()).unwrap();
    let ours = world::omg(&[&["owns", "--json"][..], &args].concat());
    ours.expect_code(0);
    assert_eq!(omg_owners(&ours), dpkg_owners(&theirs));
    // Text: pacman -Qo's lines, one per owner.
    let text = world::omg(&["owns", "/bin/bash"]);
    let version = world::tool_stdout("dpkg-query", &["-W", "-f=${Version}", "bash"]).unwrap();
    assert_eq!(text.ok(), format!("/bin/bash is owned by bash {version}\n"));
    assert_eq!(world::omg(&["owns", "-q", "/bin/bash"]).ok(), "bash\n");
}

/// Through a merged /usr (`/bin` -> `usr/bin`): dpkg -S finds `/bin/bash` only, omg also
/// `/usr/bin/bash` and the bare name (looked up in PATH, as pacman -Qo does), with the
/// owners dpkg gives for the path its lists spell.
#[test]
fn merged_usr_paths_find_the_owner_dpkg_lists() {
    let Some(theirs) = world::tool("dpkg", &["-S", "/bin/bash"]) else {
        return;
    };
    let merged = std::fs::symlink_metadata("/bin").is_ok_and(|m| m.file_type().is_symlink());
    if !merged {
        println!("note: /bin is not a link to usr/bin here; nothing to check");
        return;
    }
    let theirs = dpkg_owners(&theirs.stdout);
    let long = world::tool("dpkg", &["-S", "/usr/bin/bash"]).unwrap();
    assert_ne!(long.code, Some(0), "dpkg -S does not know /usr/bin/bash");
    for target in ["/usr/bin/bash", "bash"] {
        let ours = world::omg(&["owns", "--json", target]);
        ours.expect_code(0);
        assert_eq!(omg_owners(&ours), theirs, "{target}");
    }
}

/// What users type to dpkg -S besides absolute paths: a relative path or a name in no
/// directory of PATH (searched as `*text*`), shell wildcards (`*` and `?` crossing `/`,
/// classes), repeated and trailing slashes; omg finds the same (path, package) pairs.
#[test]
fn patterns_agree_with_dpkg_s() {
    let mut compared = 0;
    for pattern in [
        "bin/ls",
        "libc.so.6",
        "*bin/l?",
        "/bin/bas[h]",
        "/usr/share/doc/",
        "//bin/bash",
        "/usr/share/man/man1/bash*",
        "completions/ma*",
    ] {
        let Some(theirs) = world::tool("dpkg", &["-S", pattern]) else {
            return;
        };
        let ours = world::omg(&["owns", "--json", pattern]);
        if theirs.code != Some(0) {
            // Nothing matches here: omg says so too.
            ours.expect_code(1);
            continue;
        }
        ours.expect_code(0);
        assert_eq!(omg_owners(&ours), dpkg_owners(&theirs.stdout), "{pattern}");
        compared += 1;
    }
    assert!(
        compared >= 5,
        "only {compared} patterns matched anything here"
    );
    // A name in PATH is the command's file, as pacman -Qo looks it up (dpkg -S would
    // search `*ls*`): the owner dpkg gives for that file.
    let Some(ls) = world::tool("sh", &["-c", "command -v ls"]) else {
        return;
    };
    let ls = ls.stdout.trim().to_string();
    let theirs = world::tool("dpkg", &["-S", &ls]).unwrap();
    let theirs = if theirs.code == Some(0) {
        theirs
    } else {
        // Through a merged /usr: the spelling dpkg lists.
        world::tool("dpkg", &["-S", ls.trim_start_matches("/usr")]).unwrap()
    };
    let ours = world::omg(&["owns", "--json", "ls"]);
    assert_eq!(omg_owners(&ours), dpkg_owners(&theirs.stdout));
    // An empty pattern is refused (dpkg -S '' would list every file).
    world::omg(&["owns", ""]).expect_code(2);
}

#[test]
fn unowned_paths_fail_like_dpkg_s() {
    let missing = "/etc/omg-no-such-file";
    let Some(theirs) = world::tool("dpkg", &["-S", "/bin/bash", missing]) else {
        return;
    };
    assert_eq!(theirs.code, Some(1));
    let ours = world::omg(&["owns", "/bin/bash", missing]);
    ours.expect_code(1);
    assert_eq!(ours.stdout.lines().count(), 1, "{}", ours.stdout);
    assert!(ours.stderr.contains(missing));
    assert!(theirs.stderr.contains(missing));
}

#[test]
fn list_names_agree_with_dpkg_query() {
    let names = ["dpkg", "bash", "coreutils"];
    let Some(theirs) = world::tool_stdout("dpkg-query", &[&["-W"][..], &names].concat()) else {
        return;
    };
    let theirs: BTreeSet<(String, String)> = theirs
        .lines()
        .map(|l| {
            let (n, v) = l.split_once('\t').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    let ours = world::omg(&[&["list"][..], &names].concat());
    let ours: Vec<(String, String)> = ours
        .ok()
        .lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    // In the order asked, as pacman -Q prints them.
    assert_eq!(
        ours.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(ours.into_iter().collect::<BTreeSet<_>>(), theirs);
    // A name that is not installed (a package of the lists, and no package at all).
    let available = world::tool_stdout("apt-cache", &["pkgnames", "0"]).unwrap_or_default();
    let installed = world::tool_stdout("dpkg-query", &["-W", "-f=${Package}\n"]).unwrap();
    let installed: BTreeSet<&str> = installed.lines().collect();
    let not_installed = available
        .lines()
        .find(|n| !installed.contains(n))
        .unwrap_or("omg-no-such-package");
    for name in [not_installed, "omg-no-such-package"] {
        let theirs = world::tool("dpkg-query", &["-W", name]).unwrap();
        assert_ne!(theirs.code, Some(0), "{name}");
        let ours = world::omg(&["list", "bash", name]);
        ours.expect_code(3);
        assert!(ours.stdout.starts_with("bash "), "{}", ours.stdout);
        assert!(ours.stderr.contains(&format!("'{name}' was not found")));
    }
}

/// A tiny apt root: dpkg's status with four installed packages, two of them marked
/// automatically installed in `extended_states`, and no repository.
fn apt_root(dir: &Path) {
    for d in [
        "etc/apt/apt.conf.d",
        "etc/apt/preferences.d",
        "etc/apt/sources.list.d",
        "var/lib/apt/lists/partial",
        "var/cache/apt/archives/partial",
        "var/lib/dpkg/info",
        "var/lib/dpkg/updates",
    ] {
        fs::create_dir_all(dir.join(d)).unwrap();
    }
    fs::write(dir.join("etc/apt/sources.list"), "").unwrap();
    let arch = world::tool_stdout("dpkg", &["--print-architecture"])
        .map(|a| a.trim().to_string())
        .unwrap_or_else(|| "amd64".into());
    let status: String = ["omg-a", "omg-b", "omg-c", "omg-d"]
        .iter()
        .map(|name| {
            format!(
                "Package: {name}\nStatus: install ok installed\nPriority: optional\n\
                 Section: misc\nMaintainer: omg <omg@omg.invalid>\nArchitecture: {arch}\n\
                 Version: 1.0\nDescription: the {name} test package\n\n"
            )
        })
        .collect();
    fs::write(dir.join("var/lib/dpkg/status"), status).unwrap();
    let auto: String = ["omg-b", "omg-d"]
        .iter()
        .map(|name| format!("Package: {name}\nArchitecture: {arch}\nAuto-Installed: 1\n\n"))
        .collect();
    fs::write(dir.join("var/lib/apt/extended_states"), auto).unwrap();
}

fn omg_in(root: &Path, args: &[&str]) -> Run {
    let root = root.display().to_string();
    let mut all = vec!["--backend", "apt", "--root", root.as_str()];
    all.extend_from_slice(args);
    common::omg(&all, &[])
}

/// `apt-mark -o Dir=<root> args...`.
fn apt_mark(root: &Path, args: &[&str]) -> Option<Run> {
    let dir = format!("Dir={}/", root.display());
    world::tool("apt-mark", &[&["-o", dir.as_str()][..], args].concat())
}

/// apt-mark's own view of a root: (manual, auto).
fn marks(root: &Path) -> Option<(String, String)> {
    let manual = apt_mark(root, &["showmanual"])?.stdout;
    let auto = apt_mark(root, &["showauto"])?.stdout;
    Some((manual, auto))
}

#[test]
fn mark_agrees_with_apt_mark_on_a_temporary_root() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (dir.path().join("omg"), dir.path().join("apt"));
    apt_root(&ours);
    apt_root(&theirs);
    let Some(before) = marks(&ours) else {
        return;
    };
    assert_eq!(before.1, "omg-b\nomg-d\n", "the root as written");
    // A dry run changes nothing.
    let dry = omg_in(&ours, &["mark", "--dependency", "omg-a", "--dry-run"]);
    assert!(
        dry.ok().contains("omg-a: would be marked"),
        "{}",
        dry.stdout
    );
    assert_eq!(marks(&ours).unwrap(), before);
    for (omg_args, apt_args) in [
        (
            &["mark", "--dependency", "omg-a", "omg-c"][..],
            &["auto", "omg-a", "omg-c"][..],
        ),
        (&["mark", "--explicit", "omg-b"], &["manual", "omg-b"]),
        (&["mark", "--dependency", "omg-d"], &["auto", "omg-d"]),
    ] {
        omg_in(&ours, omg_args).ok();
        apt_mark(&theirs, apt_args).unwrap().expect_code(0);
        assert_eq!(marks(&ours), marks(&theirs), "{omg_args:?}");
    }
    assert_eq!(marks(&ours).unwrap().1, "omg-a\nomg-c\nomg-d\n");
    // omg's own view agrees: list --explicit is apt-mark showmanual.
    let explicit = omg_in(&ours, &["list", "--explicit", "-q"]);
    assert_eq!(explicit.ok(), marks(&ours).unwrap().0);
    // A name that is not installed: refused, nothing changed.
    let after = marks(&ours).unwrap();
    omg_in(&ours, &["mark", "--explicit", "omg-a", "omg-nope"]).expect_code(3);
    assert_eq!(marks(&ours).unwrap(), after);
    let json = omg_in(&ours, &["mark", "--explicit", "omg-a", "--json"]).json();
    assert_eq!(
        json,
        serde_json::json!([{ "name": "omg-a", "from": "dependency", "to": "explicit" }])
    );
    // The history has each mark that changed something, with each package's old and new
    // reason (omg-d was already a dependency: not a change), and the refused one, which
    // changed nothing.
    let history = omg_in(&ours, &["history", "--json"]).json();
    let marks: Vec<(String, String, serde_json::Value)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["verb"], "mark", "{e}");
            (
                e["command"].as_str().unwrap().to_string(),
                e["result"]["status"].as_str().unwrap().to_string(),
                e["reasons"].clone(),
            )
        })
        .collect();
    let change = |name: &str, from: &str, to: &str| serde_json::json!({ "name": name, "from": from, "to": to });
    let entry = |command: &str, status: &str, reasons: serde_json::Value| {
        (command.to_string(), status.to_string(), reasons)
    };
    assert_eq!(
        marks,
        [
            entry(
                "omg mark --dependency omg-a omg-c",
                "success",
                serde_json::json!([
                    change("omg-a", "explicit", "dependency"),
                    change("omg-c", "explicit", "dependency")
                ])
            ),
            entry(
                "omg mark --explicit omg-b",
                "success",
                serde_json::json!([change("omg-b", "dependency", "explicit")])
            ),
            entry(
                "omg mark --explicit omg-a omg-nope",
                "failed",
                serde_json::json!([])
            ),
            entry(
                "omg mark --explicit omg-a",
                "success",
                serde_json::json!([change("omg-a", "dependency", "explicit")])
            ),
        ]
    );
    let text = omg_in(&ours, &["history"]);
    assert!(
        text.ok()
            .contains("omg-a explicit -> dependency, omg-c explicit -> dependency"),
        "{}",
        text.stdout
    );
}
