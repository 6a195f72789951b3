//! The AUR install plan against small worlds.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

/// A package as the AUR's RPC describes it, built up in tests.
#[derive(Clone)]
struct P(AurPackage);

fn pkg(name: &str, version: &str) -> P {
    P(AurPackage {
        name: name.into(),
        package_base: name.into(),
        version: version.into(),
        ..AurPackage::default()
    })
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl P {
    fn base(mut self, base: &str) -> P {
        self.0.package_base = base.into();
        self
    }
    fn deps(mut self, deps: &[&str]) -> P {
        self.0.depends = strings(deps);
        self
    }
    fn make(mut self, deps: &[&str]) -> P {
        self.0.make_depends = strings(deps);
        self
    }
    fn check(mut self, deps: &[&str]) -> P {
        self.0.check_depends = strings(deps);
        self
    }
    fn provides(mut self, provides: &[&str]) -> P {
        self.0.provides = strings(provides);
        self
    }
}

/// An installed or repository package: name, version, provides.
type Local = (String, String, Vec<String>);

fn local(name: &str, version: &str, provides: &[&str]) -> Local {
    (name.into(), version.into(), strings(provides))
}

fn satisfies(dep: &Depend, (name, version, provides): &Local) -> bool {
    dep.satisfied_by(name, version) || provides.iter().any(|p| dep.satisfied_by_provide(p))
}

/// The system and the AUR; `fetched: None` means every AUR record is known.
#[derive(Debug, Default, Clone)]
struct World {
    installed: Vec<Local>,
    repos: Vec<Local>,
    aur: Vec<AurPackage>,
    fetched: Option<BTreeSet<String>>,
}

impl World {
    fn aur(packages: &[P]) -> World {
        World {
            aur: packages.iter().map(|p| p.0.clone()).collect(),
            ..World::default()
        }
    }
    fn installed(mut self, items: &[Local]) -> World {
        self.installed.extend(items.iter().cloned());
        self
    }
    fn repos(mut self, items: &[Local]) -> World {
        self.repos.extend(items.iter().cloned());
        self
    }
    fn known(&self, name: &str) -> bool {
        self.fetched.as_ref().is_none_or(|f| f.contains(name))
    }
}

impl PlanView for World {
    fn installed(&self, dep: &Depend) -> bool {
        self.installed.iter().any(|l| satisfies(dep, l))
    }
    fn in_repos(&self, dep: &Depend) -> Option<String> {
        self.repos
            .iter()
            .find(|l| satisfies(dep, l))
            .map(|l| l.0.clone())
    }
    fn aur(&self, name: &str) -> Option<&AurPackage> {
        self.aur.iter().find(|p| p.name == name && self.known(name))
    }
    fn aur_providers(&self, dep_name: &str) -> Vec<&AurPackage> {
        self.aur
            .iter()
            .filter(|p| self.known(&p.name))
            .filter(|p| {
                p.provides
                    .iter()
                    .any(|v| Depend::parse(v).is_ok_and(|d| d.name == dep_name))
            })
            .collect()
    }
    fn asked(&self, name: &str) -> bool {
        self.known(name)
    }
}

fn plan_of(targets: &[&str], world: &World) -> Result<AurPlan, PlanError> {
    plan(targets, world, no_choice, PlanOptions::default())
}

fn bases(plan: &AurPlan) -> Vec<&str> {
    plan.builds.iter().map(|b| b.base.as_str()).collect()
}

fn planned<'p>(plan: &'p AurPlan, name: &str) -> &'p PlannedPkg {
    plan.builds
        .iter()
        .flat_map(|b| &b.packages)
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the plan"))
}

#[test]
fn a_chain_builds_dependencies_first_and_installs_repo_deps() {
    let world = World::aur(&[
        pkg("app", "2.0-1").deps(&["lib>=1.2", "glibc"]),
        pkg("lib", "1.3-1").deps(&["libcore", "zlib>=1.3"]),
        pkg("libcore", "0.9-2"),
    ])
    .repos(&[
        local("zlib", "1:1.3.1-2", &[]),
        local("glibc", "2.41-1", &[]),
    ])
    .installed(&[local("glibc", "2.40-1", &[])]);
    let plan = plan_of(&["app"], &world).unwrap();
    assert_eq!(bases(&plan), ["libcore", "lib", "app"]);
    assert_eq!(plan.repo_deps, ["zlib"], "glibc is installed already");
    assert!(plan.repo_make_only.is_empty());
    assert_eq!(plan.builds[1].version, "1.3-1");
    assert!(planned(&plan, "app").explicit);
    for name in ["lib", "libcore"] {
        let p = planned(&plan, name);
        assert!(!p.explicit && !p.make_only, "{name}");
    }
    assert!(plan.skipped.is_empty());
}

#[test]
fn a_version_the_aur_does_not_have_is_unresolvable_with_every_cause() {
    let world = World::aur(&[
        pkg("app", "1-1").deps(&["lib>=2", "nowhere"]),
        pkg("tool", "1-1").make(&["lib>=2"]),
        pkg("lib", "1.3-1"),
    ]);
    let err = plan_of(&["app", "tool", "ghost"], &world).unwrap_err();
    let PlanError::Unresolvable { missing } = &err else {
        panic!("{err:?}");
    };
    let found: Vec<(&str, Option<&str>, &UnmetReason)> = missing
        .iter()
        .map(|u| (u.dep.as_str(), u.needed_by.as_deref(), &u.reason))
        .collect();
    assert_eq!(
        found,
        [
            ("ghost", None, &UnmetReason::Nowhere),
            (
                "lib>=2",
                Some("app"),
                &UnmetReason::AurVersion("1.3-1".into())
            ),
            (
                "lib>=2",
                Some("tool"),
                &UnmetReason::AurVersion("1.3-1".into())
            ),
            ("nowhere", Some("app"), &UnmetReason::Nowhere),
        ]
    );
    let message = err.to_string();
    assert!(
        message.starts_with("4 dependencies cannot be met"),
        "{message}"
    );
    assert!(
        message.contains(
            "app needs lib>=2, but the AUR has lib at 1.3-1 and nothing else provides it"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "app needs nowhere, which no repository, installed package or AUR package provides"
        ),
        "{message}"
    );
    assert!(message.contains("ghost is not on the AUR"), "{message}");
}

#[test]
fn a_constraint_without_pkgrel_accepts_any_pkgrel() {
    let world = World::aur(&[pkg("app", "1-1").deps(&["lib=1.3"]), pkg("lib", "1.3-7")]);
    assert_eq!(bases(&plan_of(&["app"], &world).unwrap()), ["lib", "app"]);
}

#[test]
fn a_target_in_the_repositories_only_says_so() {
    let world = World::default().repos(&[local("firefox", "140-1", &[])]);
    let err = plan_of(&["firefox"], &world).unwrap_err();
    assert!(
        err.to_string()
            .contains("firefox is not on the AUR but the repositories have it as firefox"),
        "{err}"
    );
}

#[test]
fn an_unreadable_dependency_is_reported_not_panicked_on() {
    let world = World::aur(&[pkg("app", "1-1").deps(&[">=1", "ok\u{1b}[2J"])]);
    let err = plan_of(&["app"], &world).unwrap_err();
    let PlanError::Unresolvable { missing } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(missing.len(), 2);
    assert!(missing
        .iter()
        .all(|u| matches!(u.reason, UnmetReason::Malformed(_))));
    assert!(!err.to_string().contains('\u{1b}'), "{err}");
}

#[test]
fn a_split_base_builds_once_and_installs_the_needed_packages() {
    let world = World::aur(&[
        pkg("foo-cli", "3-1").base("foo").deps(&["foo-common"]),
        pkg("foo-gui", "3-1")
            .base("foo")
            .deps(&["foo-cli", "qt6-base"]),
        pkg("foo-common", "3-1").base("foo"),
        pkg("foo-docs", "3-1").base("foo"),
        pkg("viewer", "1-1").deps(&["foo-gui"]),
    ])
    .repos(&[local("qt6-base", "6.9-1", &[])]);
    let plan = plan_of(&["foo-cli", "viewer"], &world).unwrap();
    assert_eq!(bases(&plan), ["foo", "viewer"]);
    let foo = &plan.builds[0];
    assert_eq!(foo.version, "3-1");
    let names: Vec<(&str, bool)> = foo
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.explicit))
        .collect();
    assert_eq!(
        names,
        [("foo-cli", true), ("foo-common", false), ("foo-gui", false)],
        "foo-docs is not needed"
    );
    assert_eq!(plan.repo_deps, ["qt6-base"]);
}

#[test]
fn several_providers_need_a_choice() {
    let world = World::aur(&[
        pkg("app", "1-1").deps(&["java-runtime>=17"]),
        pkg("jre-b", "21-1").provides(&["java-runtime=21"]),
        pkg("jre-a", "17.0.2-1").provides(&["java-runtime=17"]),
        pkg("jre-old", "11-1").provides(&["java-runtime=11"]),
        pkg("jre-bare", "1-1").provides(&["java-runtime"]),
    ]);
    let err = plan_of(&["app"], &world).unwrap_err();
    assert_eq!(
        err,
        PlanError::NeedsChoice {
            dep: "java-runtime>=17".into(),
            providers: vec!["jre-a".into(), "jre-b".into()],
        },
        "the versioned dependency leaves out jre-old and the unversioned provide"
    );
    assert!(err.to_string().contains("choose one"), "{err}");

    let mut offered = Vec::new();
    let chosen = plan(
        &["app"],
        &world,
        |dep: &Depend, providers: &[&AurPackage]| {
            offered.push((dep.to_string(), providers.len()));
            Some(1)
        },
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(offered, [("java-runtime>=17".to_owned(), 2)]);
    assert_eq!(bases(&chosen), ["jre-b", "app"]);

    // An answer out of range is no answer.
    let err = plan(
        &["app"],
        &world,
        |_: &Depend, _: &[&AurPackage]| Some(9),
        PlanOptions::default(),
    );
    assert!(matches!(err, Err(PlanError::NeedsChoice { .. })));

    // A provider asked for meets the dependency without a question.
    let plan = plan_of(&["jre-a", "app"], &world).unwrap();
    assert_eq!(bases(&plan), ["jre-a", "app"]);
    assert!(planned(&plan, "jre-a").explicit);
}

#[test]
fn a_target_may_be_a_provided_name() {
    let world = World::aur(&[
        pkg("ttf-a", "1-1").provides(&["ttf-font"]),
        pkg("ttf-b", "1-1").provides(&["ttf-font"]),
        pkg("only-one", "1-1").provides(&["unique-thing"]),
    ]);
    assert!(matches!(
        plan_of(&["ttf-font"], &world),
        Err(PlanError::NeedsChoice { .. })
    ));
    let plan = plan(
        &["ttf-font", "unique-thing"],
        &world,
        |_: &Depend, _: &[&AurPackage]| Some(0),
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(bases(&plan), ["only-one", "ttf-a"]);
    assert!(planned(&plan, "ttf-a").explicit && planned(&plan, "only-one").explicit);
}

#[test]
fn the_exact_name_wins_over_providers() {
    let world = World::aur(&[
        pkg("app", "1-1").deps(&["foo"]),
        pkg("foo", "1-1"),
        pkg("foo-git", "1.r5-1").provides(&["foo=1"]),
    ]);
    assert_eq!(bases(&plan_of(&["app"], &world).unwrap()), ["foo", "app"]);
}

#[test]
fn make_and_check_only_packages_are_marked() {
    let world = World::aur(&[
        pkg("app", "1-1")
            .deps(&["lib"])
            .make(&["builder", "shared"])
            .check(&["tester"]),
        pkg("builder", "1-1").deps(&["helper", "cmake"]),
        pkg("helper", "1-1"),
        pkg("tester", "1-1"),
        pkg("lib", "1-1").deps(&["shared"]),
        pkg("shared", "1-1"),
    ])
    .repos(&[local("cmake", "4.0-1", &[]), local("python", "3.13-1", &[])]);
    let plan = plan_of(&["app"], &world).unwrap();
    assert_eq!(
        bases(&plan),
        ["helper", "builder", "shared", "lib", "tester", "app"]
    );
    for (name, make_only) in [
        ("builder", true),
        ("helper", true),
        ("tester", true),
        ("lib", false),
        ("shared", false),
        ("app", false),
    ] {
        assert_eq!(planned(&plan, name).make_only, make_only, "{name}");
    }
    assert_eq!(plan.repo_deps, ["cmake"]);
    assert_eq!(plan.repo_make_only, ["cmake"]);

    let options = PlanOptions {
        no_check: true,
        ..PlanOptions::default()
    };
    let unchecked = super::plan(&["app"], &world, no_choice, options).unwrap();
    assert_eq!(
        bases(&unchecked),
        ["helper", "builder", "shared", "lib", "app"],
        "no tester without check()"
    );
}

#[test]
fn cycles_name_the_bases_on_them() {
    let world = World::aur(&[
        pkg("top", "1-1").deps(&["a"]),
        pkg("a", "1-1").deps(&["b"]),
        pkg("b", "1-1").make(&["c"]),
        pkg("c", "1-1").deps(&["a"]),
        pkg("leaf", "1-1"),
    ]);
    let err = plan_of(&["top", "leaf"], &world).unwrap_err();
    assert_eq!(
        err,
        PlanError::Cycle {
            bases: strings(&["a", "b", "c"])
        }
    );
    assert!(err.to_string().contains("a, b, c need each other"), "{err}");
    // A package needing itself, or its own base's packages, is no cycle.
    let world = World::aur(&[
        pkg("x", "1-1").base("xb").deps(&["x", "y"]),
        pkg("y", "1-1").base("xb").deps(&["x"]),
    ]);
    assert_eq!(bases(&plan_of(&["x"], &world).unwrap()), ["xb"]);
}

#[test]
fn installed_targets_are_skipped_unless_reinstalling() {
    let world = World::aur(&[pkg("app", "1.2-1"), pkg("new", "2-1"), pkg("old", "3-1")])
        .installed(&[local("app", "1.2-1", &[]), local("old", "2-1", &[])]);
    let first = plan_of(&["app", "new", "old"], &world).unwrap();
    assert_eq!(first.skipped, ["app"]);
    assert_eq!(bases(&first), ["new", "old"], "old is upgraded");
    let again = plan(
        &["app"],
        &world,
        no_choice,
        PlanOptions {
            reinstall: true,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    assert_eq!(bases(&again), ["app"]);
    assert!(again.skipped.is_empty());
}

#[test]
fn installed_dependencies_are_left_alone() {
    let world = World::aur(&[
        pkg("app", "1-1").deps(&["lib>=1", "libfoo.so=1-64"]),
        pkg("lib", "2-1"),
    ])
    .installed(&[
        local("lib-git", "r10-1", &["lib=1.5"]),
        local("foo", "1-1", &["libfoo.so=1-64"]),
    ]);
    let plan = plan_of(&["app"], &world).unwrap();
    assert_eq!(bases(&plan), ["app"]);
    // An unversioned provide does not meet a versioned dependency: the AUR's lib is built.
    let world = World::aur(&[pkg("app", "1-1").deps(&["lib>=1"]), pkg("lib", "2-1")])
        .installed(&[local("lib-git", "r10-1", &["lib"])]);
    assert_eq!(bases(&plan_of(&["app"], &world).unwrap()), ["lib", "app"]);
}

#[test]
fn missing_records_lists_what_to_fetch_until_nothing_is_left() {
    let universe = World::aur(&[
        pkg("app", "1-1").deps(&["lib", "zlib"]).make(&["gen"]),
        pkg("lib", "1-1").deps(&["core"]),
        pkg("core", "1-1"),
        pkg("gen", "1-1").check(&["ghost"]),
    ])
    .repos(&[local("zlib", "1.3-1", &[])]);
    let mut world = World {
        fetched: Some(BTreeSet::new()),
        ..universe.clone()
    };
    assert!(matches!(
        plan_of(&["app"], &world),
        Err(PlanError::MissingRecords { names }) if names == ["app"]
    ));
    let mut rounds = Vec::new();
    loop {
        let names = missing_records(&["app"], &world).unwrap();
        if names.is_empty() {
            break;
        }
        rounds.push(names.clone());
        world
            .fetched
            .get_or_insert_with(BTreeSet::new)
            .extend(names);
        assert!(rounds.len() < 10, "{rounds:?}");
    }
    assert_eq!(
        rounds,
        [
            strings(&["app"]),
            strings(&["gen", "lib"]),
            strings(&["core", "ghost"])
        ],
        "zlib is in the repositories; ghost is asked for once"
    );
    let err = plan_of(&["app"], &world).unwrap_err();
    assert!(
        matches!(&err, PlanError::Unresolvable { missing } if missing[0].dep == "ghost"),
        "{err:?}"
    );
}

#[test]
fn missing_records_is_bounded() {
    let mut packages = Vec::new();
    for i in 0..=MAX_RECORDS + 1 {
        packages.push(pkg(&format!("p{i}"), "1-1").deps(&[&format!("p{}", i + 1)]));
    }
    let world = World::aur(&packages);
    assert!(matches!(
        missing_records(&["p0"], &world),
        Err(PlanError::TooLarge { .. })
    ));
    let err = plan_of(&["p0"], &world).unwrap_err();
    assert!(
        matches!(
            err,
            PlanError::TooLarge {
                limit: MAX_RECORDS,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("install fewer packages"), "{err}");
}

#[test]
fn a_deep_and_wide_graph_plans_in_order() {
    // 20 levels of 20 packages; each depends on every package of the next level.
    let mut packages = Vec::new();
    for level in 0..20 {
        for i in 0..20 {
            let next: Vec<String> = if level < 19 {
                (0..20).map(|j| format!("p{}-{j}>=1", level + 1)).collect()
            } else {
                vec!["glibc".into()]
            };
            let next: Vec<&str> = next.iter().map(String::as_str).collect();
            let p = pkg(&format!("p{level}-{i}"), "1.0-1");
            packages.push(if i % 2 == 0 {
                p.deps(&next)
            } else {
                p.make(&next)
            });
        }
    }
    let world = World::aur(&packages).repos(&[local("glibc", "2.41-1", &[])]);
    let targets: Vec<String> = (0..20).map(|i| format!("p0-{i}")).collect();
    assert!(missing_records(&targets, &world).unwrap().is_empty());
    let plan = plan(&targets, &world, no_choice, PlanOptions::default()).unwrap();
    assert_eq!(plan.builds.len(), 400);
    let position = |name: &str| plan.builds.iter().position(|b| b.base == name).unwrap();
    for level in 0..19 {
        assert!(position(&format!("p{}-0", level + 1)) < position(&format!("p{level}-5")));
    }
    assert_eq!(
        plan,
        super::plan(&targets, &world, no_choice, PlanOptions::default()).unwrap()
    );
}

#[test]
fn the_plan_does_not_depend_on_the_views_order() {
    let packages = [
        pkg("app", "1-1")
            .deps(&["b", "a", "virt"])
            .make(&["m2", "m1"]),
        pkg("a", "1-1").deps(&["zlib", "core"]),
        pkg("b", "1-1").deps(&["core", "curl"]),
        pkg("core", "1-1"),
        pkg("m1", "1-1"),
        pkg("m2", "1-1"),
        pkg("v2", "1-1").provides(&["virt"]),
        pkg("v1", "1-1").provides(&["virt"]),
    ];
    let forward =
        World::aur(&packages).repos(&[local("zlib", "1-1", &[]), local("curl", "8-1", &[])]);
    let mut backward = forward.clone();
    backward.aur.reverse();
    let first = |_: &Depend, _: &[&AurPackage]| Some(0);
    let a = plan(&["app"], &forward, first, PlanOptions::default()).unwrap();
    let b = plan(&["app"], &backward, first, PlanOptions::default()).unwrap();
    assert_eq!(a, b);
    assert_eq!(bases(&a), ["core", "a", "b", "m1", "m2", "v1", "app"]);
    assert_eq!(a.repo_deps, ["curl", "zlib"]);
}

/// A random world: up to 12 AUR packages among 16 names, random dependencies (some on
/// names nobody has), versions, provides, bases, installed and repository packages.
fn world_strategy() -> impl Strategy<Value = (World, Vec<String>)> {
    let name = 0..16usize;
    let dep = (name.clone(), 0..6usize, 0..4u8).prop_map(|(n, op, v)| {
        let op = ["", "=", ">=", "<=", ">", "<"][op];
        if op.is_empty() {
            format!("n{n}")
        } else {
            format!("n{n}{op}{v}")
        }
    });
    let package = (
        name.clone(),
        0..4u8,
        0..6usize,
        prop::collection::vec(dep.clone(), 0..4),
        prop::collection::vec(dep.clone(), 0..3),
        prop::collection::vec(dep.clone(), 0..2),
        prop::collection::vec(dep, 0..2),
    )
        .prop_map(|(n, v, base, deps, make, check, provides)| AurPackage {
            name: format!("n{n}"),
            package_base: if base < 3 {
                format!("base{base}")
            } else {
                format!("n{n}")
            },
            version: format!("{v}-1"),
            depends: deps,
            make_depends: make,
            check_depends: check,
            provides,
            ..AurPackage::default()
        });
    let locals = prop::collection::vec((name.clone(), 0..4u8), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(n, ver)| (format!("n{n}"), format!("{ver}-1"), Vec::new()))
            .collect::<Vec<Local>>()
    });
    (
        prop::collection::vec(package, 0..12),
        locals.clone(),
        locals,
        prop::collection::vec(name, 1..4),
    )
        .prop_map(|(aur, installed, repos, targets)| {
            (
                World {
                    installed,
                    repos,
                    aur,
                    fetched: None,
                },
                targets.into_iter().map(|n| format!("n{n}")).collect(),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn plan_never_panics_and_is_deterministic((world, targets) in world_strategy(), pick in 0..3usize) {
        prop_assert!(missing_records(&targets, &world).is_ok());
        let result = plan(&targets, &world, |_: &Depend, p: &[&AurPackage]| Some(pick % p.len().max(1)), PlanOptions::default());
        let again = plan(&targets, &world, |_: &Depend, p: &[&AurPackage]| Some(pick % p.len().max(1)), PlanOptions::default());
        prop_assert_eq!(&result, &again);
        let _ = plan(&targets, &world, no_choice, PlanOptions {
            reinstall: true,
            ..PlanOptions::default()
        });
        if let Ok(plan) = result {
            let mut seen = BTreeSet::new();
            for build in &plan.builds {
                prop_assert!(seen.insert(build.base.clone()), "a base built twice");
                prop_assert!(!build.packages.is_empty());
            }
            let explicit = plan.builds.iter().flat_map(|b| &b.packages).filter(|p| p.explicit);
            prop_assert!(explicit.clone().all(|p| !p.make_only));
            prop_assert!(explicit.count() + plan.skipped.len() >= 1, "a target went missing");
            for name in &plan.repo_make_only {
                prop_assert!(plan.repo_deps.contains(name));
            }
        }
    }
}
