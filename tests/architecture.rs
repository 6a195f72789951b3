//! The layout as Cargo sees it: every normal dependency between the workspace's crates is one
//! the crate index of ARCHITECTURE.md allows, every crate is in the index, and the thin
//! client's whole graph holds no package backend, HTTP client or redb.

// A test: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// What the thin client must never have in its graph.
const NOT_IN_THE_THIN_CLIENT: [&str; 4] = ["alpm-sys", "rust-apt", "reqwest", "redb"];

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `cargo metadata` of the workspace for this machine's platform.
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(workspace())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON")
}

fn host_triple() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// The crate index: crate -> the workspace crates it may depend on.
fn index() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("## Crate index")
        .nth(1)
        .expect("ARCHITECTURE.md has a crate index")
        .split("\n## ")
        .next()
        .unwrap();
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            // | crate | what it is for | may depend on |
            let krate = names(cells[1]).into_iter().next().unwrap();
            (krate, names(cells[3]))
        })
        .collect()
}

#[test]
fn every_dependency_between_crates_is_one_the_index_allows() {
    let meta = metadata();
    let index = index();
    let members: BTreeSet<String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].is_null())
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let mut wrong = Vec::new();
    for member in &members {
        let Some(allowed) = index.get(member) else {
            wrong.push(format!("{member} is not in ARCHITECTURE.md's crate index"));
            continue;
        };
        let package = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == member.as_str() && p["source"].is_null())
            .unwrap();
        for dep in package["dependencies"].as_array().unwrap() {
            let name = dep["name"].as_str().unwrap();
            // Normal dependencies only: tests and examples may use more.
            if dep["kind"].is_null() && members.contains(name) && !allowed.contains(name) {
                wrong.push(format!("{member} -> {name}"));
            }
        }
    }
    for listed in index.keys() {
        if !members.contains(listed) {
            wrong.push(format!(
                "the index lists {listed}, which is not a workspace crate"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies ARCHITECTURE.md's crate index does not allow:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_thin_client_graph_holds_no_backend_http_client_or_redb() {
    let meta = metadata();
    let id_of = |name: &str| -> String {
        meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name && p["source"].is_null())
            .map(|p| p["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let nodes: BTreeMap<String, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap().to_string(), n))
        .collect();
    let name_of = |id: &str| -> String {
        meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Every package reached from omg-cli through normal (and build) dependencies.
    let mut seen = BTreeSet::new();
    let mut todo = vec![id_of("omg-cli")];
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        for dep in nodes[&id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if normal {
                todo.push(dep["pkg"].as_str().unwrap().to_string());
            }
        }
    }
    let names: BTreeSet<String> = seen.iter().map(|id| name_of(id)).collect();
    // The walk itself works: the client's own dependencies are there.
    assert!(names.contains("omg-transport-uds") && names.contains("clap"));
    let found: Vec<&str> = NOT_IN_THE_THIN_CLIENT
        .into_iter()
        .filter(|n| names.contains(*n))
        .collect();
    assert!(found.is_empty(), "omg-cli's graph holds {found:?}");
    // And the helper's does hold the backends: the check looks in the right place.
    let mut helper = BTreeSet::new();
    let mut todo = vec![id_of("omg-backend")];
    while let Some(id) = todo.pop() {
        if helper.insert(id.clone()) {
            for dep in nodes[&id]["deps"].as_array().unwrap() {
                todo.push(dep["pkg"].as_str().unwrap().to_string());
            }
        }
    }
    let helper: BTreeSet<String> = helper.iter().map(|id| name_of(id)).collect();
    for n in NOT_IN_THE_THIN_CLIENT {
        assert!(helper.contains(n), "omg-backend's graph lacks {n}");
    }
}
