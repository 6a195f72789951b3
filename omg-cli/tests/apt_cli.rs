//! `omg --backend apt` end to end, against this host's own apt and dpkg databases, checked
//! with dpkg's own tool. Each run opens the whole apt cache (about a second), so there are few.
//! Skipped, with a note, on hosts without dpkg.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::{omg, tool_stdout};

/// `dpkg-query args...`, or `None` (with a note) when this host has no dpkg.
fn dpkg_query(args: &[&str]) -> Option<String> {
    tool_stdout("dpkg-query", args)
}

#[test]
fn info_bash_shows_dpkgs_installed_version() {
    let Some(dpkg_version) = dpkg_query(&["-W", "-f=${Version}", "bash"]) else {
        return;
    };
    let run = omg(&["--backend", "apt", "info", "bash"], &[]);
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Repository        : "), "{out}");
    assert_eq!(lines[1], "Name              : bash", "{out}");
    let field = |key: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{key:<17} : ")))
    };
    // "Installed Version" appears only when it differs from the candidate's.
    let installed = field("Installed Version").or_else(|| field("Version"));
    assert_eq!(installed, Some(dpkg_version.as_str()), "{out}");
    assert!(
        field("Install Reason").is_some(),
        "bash is installed:\n{out}"
    );
    assert_eq!(
        field("Description"),
        Some("GNU Bourne Again SHell"),
        "{out}"
    );
}

#[test]
fn search_dpkg_ranks_dpkg_first() {
    if dpkg_query(&["-W", "dpkg"]).is_none() {
        return;
    }
    let run = omg(&["--backend", "apt", "search", "dpkg", "--limit", "3"], &[]);
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "3 hits of two lines and the footer:\n{out}");
    assert!(lines[0].contains("/dpkg "), "{out}");
    assert!(lines[1].starts_with("    "), "{out}");
    // dpkg is installed, so its version says so.
    assert!(lines[0].contains("[installed"), "{out}");
    assert!(lines[6].starts_with("3 of "), "{out}");
    assert!(
        lines[6].ends_with(" matches shown; use --limit to see more"),
        "{out}"
    );
}

/// apt counts a package as installed when dpkg has a current version of it: every state but
/// `not-installed` and `config-files` (removed, configuration kept), so half-installed and
/// unpacked packages count too (libapt's `CurrentVer`).
#[test]
fn status_json_counts_what_dpkg_has_installed() {
    let Some(states) = dpkg_query(&["-W", "-f=${db:Status-Status}\n"]) else {
        return;
    };
    let expected = states
        .lines()
        .filter(|s| !matches!(*s, "not-installed" | "config-files" | ""))
        .count();
    let run = omg(&["status", "--json", "--backend", "apt"], &[]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["backend"], "apt");
    assert_eq!(json["installed"].as_u64(), Some(expected as u64), "{json}");
    let count = |key: &str| {
        json[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {json}"))
    };
    assert!(count("available") >= count("installed"), "{json}");
    assert!(count("explicit") <= count("installed"), "{json}");
    assert!(count("orphans") <= count("installed"), "{json}");
    assert!(count("upgradable") <= count("installed"), "{json}");
}
