//! The cost of resolving and planning an AUR install with 20 AUR dependencies, in process
//! (no network, no libalpm): [`missing_records`] rounds and [`plan`] over an in-memory view
//! shaped like omg-backend's (`omg-backend/src/aur/install.rs`: `resolve` over omg-domain's `PlanFacts`).
//!
//! ```text
//! cargo build --release -p omg-domain --example aur_plan
//! target/release/examples/aur_plan [ITERATIONS [SCENARIO]]   # medians, a table row each
//! valgrind --tool=callgrind target/release/examples/aur_plan count chain 11  # and with 1:
//! # (instructions of 11 runs - those of 1) / 10 = one resolve + plan
//! ```
//!
//! Scenarios (each target has 20 AUR dependencies, every AUR package also a handful of
//! repository dependencies, make dependencies and one versioned constraint):
//!
//! - `chain`: `app` -> `dep-01` -> ... -> `dep-20`: 21 resolve rounds, as deep as it gets;
//! - `wide`: `app` depends on `dep-01`..`dep-20` directly: 2 rounds;
//! - `tree`: `app` -> 4 packages -> 4 each (20 in all): 3 rounds;
//! - `provides`: `wide`, but five dependencies are met by `-git` packages providing them.
//!
//! What each iteration does: the whole resolve loop as omg-backend runs it (each round:
//! collect the dependency strings of the records known, parse the new ones and ask the
//! "system" about them, [`missing_records`], "fetch" the records it lists from a map), then
//! [`plan`]. Printed per scenario: the median and p90 of that, and of `plan` alone and
//! `missing_records` alone on the complete view. The network (one RPC `info` request per
//! round) and libalpm's answers (two per distinct dependency) are not in these numbers.

// A measurement: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![forbid(unsafe_code)]

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

use omg_domain::aur::{missing_records, no_choice, plan, AurPlan, PlanFacts, PlanOptions};
use omg_ports::AurPackage;

/// Repository packages the generated packages depend on (all "in the repositories"; the
/// first few also installed).
const REPO: &[&str] = &[
    "glibc",
    "gcc-libs",
    "zlib",
    "openssl",
    "curl",
    "python",
    "qt6-base",
    "gtk3",
    "libx11",
    "systemd-libs",
    "sqlite",
    "libpng",
    "freetype2",
    "fontconfig",
    "dbus",
    "nss",
    "alsa-lib",
];
const MAKE: &[&str] = &[
    "cmake",
    "git",
    "meson",
    "ninja",
    "rust",
    "go",
    "python-build",
];
const INSTALLED: usize = 6;

/// The system and the AUR the view is filled from.
struct World {
    aur: HashMap<String, AurPackage>,
    providers: HashMap<String, Vec<String>>,
    repo: HashSet<&'static str>,
    installed: HashSet<&'static str>,
}

fn package(name: &str, i: usize, aur_deps: Vec<String>) -> AurPackage {
    let mut depends = aur_deps;
    for k in 0..4 {
        depends.push(REPO[(i * 3 + k * 5) % REPO.len()].to_owned());
    }
    depends.push("glibc>=2.38".to_owned());
    AurPackage {
        name: name.to_owned(),
        package_base: name.to_owned(),
        version: format!("1.{i}.0-1"),
        description: Some(format!("generated package {name}")),
        depends,
        make_depends: vec![
            MAKE[i % MAKE.len()].to_owned(),
            MAKE[(i + 2) % MAKE.len()].to_owned(),
        ],
        check_depends: vec!["python-pytest".to_owned()],
        opt_depends: vec!["bash-completion: completions".to_owned()],
        ..AurPackage::default()
    }
}

fn dep_name(i: usize) -> String {
    format!("dep-{i:02}")
}

fn world(scenario: &str) -> World {
    let mut aur: Vec<AurPackage> = Vec::new();
    let mut providers: HashMap<String, Vec<String>> = HashMap::new();
    match scenario {
        "chain" => {
            aur.push(package("app", 0, vec![format!("{}>=1.0", dep_name(1))]));
            for i in 1..=20 {
                let next = if i < 20 {
                    vec![dep_name(i + 1)]
                } else {
                    vec![]
                };
                aur.push(package(&dep_name(i), i, next));
            }
        }
        "wide" | "provides" => {
            aur.push(package("app", 0, (1..=20).map(dep_name).collect()));
            for i in 1..=20 {
                if scenario == "provides" && i % 4 == 0 {
                    // Only a -git package provides it: the AUR has no package of that name.
                    let git = format!("{}-git", dep_name(i));
                    let mut p = package(&git, i, vec![]);
                    p.package_base = git.clone();
                    p.provides = vec![dep_name(i)];
                    providers.insert(dep_name(i), vec![git]);
                    aur.push(p);
                } else {
                    aur.push(package(&dep_name(i), i, vec![]));
                }
            }
        }
        "tree" => {
            aur.push(package("app", 0, (1..=4).map(dep_name).collect()));
            for i in 1..=4 {
                let children = (0..4).map(|k| dep_name(4 + (i - 1) * 4 + k + 1)).collect();
                aur.push(package(&dep_name(i), i, children));
            }
            for i in 5..=20 {
                aur.push(package(&dep_name(i), i, vec![]));
            }
        }
        other => panic!("unknown scenario {other}: chain, wide, tree or provides"),
    }
    let mut repo: HashSet<&'static str> = REPO.iter().copied().collect();
    repo.extend(MAKE);
    repo.insert("python-pytest");
    World {
        aur: aur.into_iter().map(|p| (p.name.clone(), p)).collect(),
        providers,
        repo,
        installed: REPO[..INSTALLED].iter().copied().collect(),
    }
}

/// omg-backend's `resolve` loop (the same [`PlanFacts`]) over `world` instead of libalpm and
/// the RPC.
fn resolve(world: &World, targets: &[String]) -> (PlanFacts, usize) {
    let mut facts = PlanFacts::default();
    for round in 1..=64 {
        for q in facts.unknown(targets) {
            let installed = world.installed.contains(q.dep.name.as_str());
            let repo = world
                .repo
                .contains(q.dep.name.as_str())
                .then(|| q.dep.name.clone());
            facts.answer(q, installed, repo);
        }
        let missing = missing_records(targets, &facts).unwrap();
        if missing.is_empty() {
            return (facts, round);
        }
        for name in &missing {
            if let Some(r) = world.aur.get(name) {
                facts.add_record(r.clone());
            }
        }
        for name in &missing {
            facts.mark_asked(name);
            if facts.has_record(name) {
                continue;
            }
            let found = world.providers.get(name).cloned().unwrap_or_default();
            for p in &found {
                if let Some(r) = world.aur.get(p) {
                    facts.mark_asked(p);
                    facts.add_record(r.clone());
                }
            }
            facts.set_providers(name, found);
        }
    }
    panic!("more than 64 rounds");
}

fn resolve_and_plan(world: &World, targets: &[String]) -> AurPlan {
    let (view, _) = resolve(world, targets);
    plan(targets, &view, no_choice, PlanOptions::default()).unwrap()
}

/// Median and p90 in µs of `f` run `n` times (after `n / 10` warm-ups).
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..n / 10 {
        f();
    }
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[n / 2], t[(n * 9 / 10).min(n - 1)])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let targets = vec!["app".to_owned()];
    if args.first().map(String::as_str) == Some("count") {
        // For callgrind: `count SCENARIO REPS` runs resolve + plan REPS times; the
        // difference between two REPS, divided, is the instructions of one.
        let scenario = args.get(1).expect("count SCENARIO REPS");
        let reps: usize = args.get(2).map_or(1, |s| s.parse().expect("REPS"));
        let w = world(scenario);
        for _ in 0..reps {
            black_box(resolve_and_plan(black_box(&w), &targets));
        }
        return;
    }
    let n: usize = args
        .first()
        .map_or(2000, |s| s.parse().expect("ITERATIONS"));
    let only = args.get(1).cloned();
    println!("| scenario | AUR bases | resolve rounds | resolve + plan p50 / p90 | plan alone p50 | missing_records alone p50 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for scenario in ["chain", "wide", "tree", "provides"] {
        if only.as_deref().is_some_and(|o| o != scenario) {
            continue;
        }
        let w = world(scenario);
        let (full, rounds) = resolve(&w, &targets);
        let plan_once = resolve_and_plan(&w, &targets);
        assert_eq!(plan_once.builds.len(), 21, "{scenario}: {plan_once:?}");
        assert_eq!(plan_once.builds.last().unwrap().base, "app");
        let (all50, all90) = time(n, || {
            black_box(resolve_and_plan(&w, &targets));
        });
        let (plan50, _) = time(n, || {
            black_box(plan(&targets, &full, no_choice, PlanOptions::default()).unwrap());
        });
        let (miss50, _) = time(n, || {
            black_box(missing_records(&targets, &full).unwrap());
        });
        println!(
            "| {scenario} | {} | {rounds} | {all50:.0} / {all90:.0} µs | {plan50:.0} µs | {miss50:.0} µs |",
            plan_once.builds.len()
        );
    }
}
