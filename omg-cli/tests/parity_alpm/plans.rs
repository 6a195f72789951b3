//! Differential tests: plans (see main.rs). omg's `--dry-run --json` plan against pacman's
//! `--print` of the same operation on the same root, as sets of `name version`.
//!
//! Deliberate differences (docs/parity.md): `omg install` leaves what is installed at its
//! newest version alone, as `pacman -S --needed` does (so it is compared with `--needed`;
//! `omg install --reinstall` is pacman -S); `omg update` refreshes first (pacman -Syu), so
//! the upgrade plan is compared with `--no-refresh` against pacman -Su.

use std::collections::BTreeSet;

use crate::world::{self, World};

/// `name version` of each package the plan installs, upgrades, downgrades or reinstalls
/// (`removes`: of each it removes), from `omg --json ... --dry-run`.
fn omg_plan(world: &World, args: &[&str], removes: bool) -> Option<BTreeSet<String>> {
    let run = world.omg(args);
    if run.code != Some(0) {
        return None;
    }
    let json = run.json();
    let actions = json["plan"]["actions"].as_array()?.clone();
    Some(
        actions
            .iter()
            .filter(|a| (a["kind"] == "remove") == removes)
            .map(|a| {
                let version = if removes {
                    &a["old_version"]
                } else {
                    &a["new_version"]
                };
                format!(
                    "{} {}",
                    a["name"].as_str().unwrap_or(""),
                    version.as_str().unwrap_or("")
                )
            })
            .collect(),
    )
}

/// pacman's `--print --print-format '%n %v'` lines, `None` when it refuses.
fn pacman_plan(world: &World, args: &[&str]) -> Option<Option<BTreeSet<String>>> {
    let mut all = args.to_vec();
    all.extend(["--print", "--print-format", "%n %v"]);
    let run = world.pacman(&all)?;
    if run.code != Some(0) {
        return Some(None);
    }
    Some(Some(
        run.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    ))
}

/// Installed package names.
fn installed(world: &World) -> BTreeSet<&str> {
    world.installed.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn install_plans_match_pacman_s_needed() {
    let world = world::large();
    let installed = installed(world);
    // Not installed and with dependencies; installed ones (up to date or older); a name in
    // two repositories, named with and without its repository.
    let mut targets: Vec<String> = world
        .sync_packages()
        .filter(|(_, p)| !installed.contains(p.name.as_str()) && !p.depends.is_empty())
        .step_by(97)
        .take(12)
        .map(|(_, p)| p.name.clone())
        .collect();
    targets.extend(
        world
            .installed
            .iter()
            .filter(|p| !p.name.starts_with("omg-parity-local"))
            .step_by(7)
            .take(8)
            .map(|p| p.name.clone()),
    );
    let chaotic = &world
        .repos
        .iter()
        .find(|(r, _)| r == "chaotic")
        .expect("chaotic")
        .1;
    let twice = &chaotic.first().expect("a package in two repositories").name;
    targets.push(twice.clone());
    targets.push(format!("chaotic/{twice}"));
    targets.push(format!("core/{twice}"));
    assert!(targets.len() >= 20, "{targets:?}");
    let mut compared = 0;
    let mut nothing_to_do = 0;
    for target in &targets {
        let ours = omg_plan(world, &["--json", "install", target, "--dry-run"], false);
        let Some(theirs) = pacman_plan(world, &["-S", "--needed", target]) else {
            return;
        };
        assert_eq!(ours, theirs, "install {target}");
        compared += 1;
        if ours.as_ref().is_some_and(BTreeSet::is_empty) {
            nothing_to_do += 1;
        }
    }
    // Several targets together: one plan.
    let batch: Vec<&str> = targets.iter().take(6).map(String::as_str).collect();
    let mut args = vec!["--json", "install"];
    args.extend(&batch);
    args.push("--dry-run");
    let ours = omg_plan(world, &args, false);
    let mut peer = vec!["-S", "--needed"];
    peer.extend(&batch);
    assert_eq!(
        ours,
        pacman_plan(world, &peer).expect("pacman"),
        "{batch:?}"
    );
    assert!(
        compared >= 20 && nothing_to_do > 0,
        "{compared} {nothing_to_do}"
    );
}

#[test]
fn reinstall_plans_match_pacman_s() {
    let world = world::large();
    let target = &world
        .installed
        .iter()
        .find(|p| {
            world
                .sync_packages()
                .any(|(_, s)| s.name == p.name && s.version == p.version)
        })
        .expect("an installed package at its repository's version")
        .name;
    let ours = omg_plan(
        world,
        &["--json", "install", "--reinstall", target, "--dry-run"],
        false,
    );
    let Some(theirs) = pacman_plan(world, &["-S", target]) else {
        return;
    };
    assert_eq!(ours, theirs);
    assert_eq!(ours.map(|s| s.len()), Some(1));
}

#[test]
fn upgrade_plan_matches_pacman_su() {
    let world = world::large();
    let ours = omg_plan(
        world,
        &["--json", "update", "--no-refresh", "--dry-run"],
        false,
    );
    let Some(theirs) = pacman_plan(world, &["-Su"]) else {
        return;
    };
    assert_eq!(ours, theirs);
    assert!(
        ours.is_some_and(|s| !s.is_empty()),
        "the world has upgrades"
    );
}

#[test]
fn recursive_removal_plans_match_pacman_rs() {
    let world = world::large();
    let explicit: Vec<&str> = world
        .installed
        .iter()
        .filter(|p| p.reason == omg_ports::InstallReason::Explicit && !p.depends.is_empty())
        .map(|p| p.name.as_str())
        .take(10)
        .collect();
    assert!(!explicit.is_empty());
    for name in explicit {
        let ours = omg_plan(world, &["--json", "remove", "-r", name, "--dry-run"], true);
        let Some(theirs) = pacman_plan(world, &["-Rs", name]) else {
            return;
        };
        assert_eq!(ours, theirs, "remove -r {name}");
    }
}

#[test]
fn a_dry_run_update_and_sync_change_nothing() {
    let world = world::large();
    let stamp = |world: &World| -> Vec<(String, Option<std::time::SystemTime>)> {
        world
            .repos
            .iter()
            .map(|(repo, _)| {
                let path = world.root.sync_db_path(repo);
                (
                    repo.clone(),
                    std::fs::metadata(path).and_then(|m| m.modified()).ok(),
                )
            })
            .collect()
    };
    let before = stamp(world);
    world.omg(&["sync", "--dry-run"]).expect_code(0);
    world.omg(&["update", "--dry-run"]).expect_code(0);
    assert_eq!(stamp(world), before);
}
