//! The AUR install plan: which repository packages to install first, which package bases
//! to build in which order, and which of their packages to install, as paru does it.
//!
//! The world comes in through [`PlanView`] (the installed packages, the sync databases, the
//! AUR records fetched so far). The caller first calls [`missing_records`] until it returns
//! nothing, fetching the names it lists from the AUR's RPC in batches, then calls [`plan`].
//!
//! Each dependency (run-time, make and check) of a package to build is met, in this order,
//! by:
//!
//! 1. an installed package (name or provides, version honoured): nothing to do;
//! 2. a package already in the plan (a target or a dependency chosen before), so that
//!    `foo-git` asked for meets another target's `foo`;
//! 3. a repository package: it goes into [`AurPlan::repo_deps`];
//! 4. the AUR package of that exact name, when its version satisfies;
//! 5. the AUR packages providing it: one is taken, between several the caller's `choose`
//!    decides ([`PlanError::NeedsChoice`] when it does not).
//!
//! A package base is built once for all its needed packages, after the bases that provide
//! its AUR dependencies (make and check dependencies included). Packages needed only to
//! build something are marked [`PlannedPkg::make_only`] (paru's `--removemake` removes
//! them after the build).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use omg_ports::AurPackage;

use super::depend::{escaped, Depend};

/// The most AUR packages one plan (or one [`missing_records`] walk) takes.
pub const MAX_RECORDS: usize = 1_000;

/// The most dependency strings one plan reads (over all its packages).
pub const MAX_DEPENDS: usize = 100_000;

/// What the planner needs to know about the system and the AUR; the caller implements it
/// over the local and sync databases and the AUR records it fetched.
pub trait PlanView {
    /// Whether an installed package satisfies `dep` (by its name or its provides, the
    /// version honoured).
    fn installed(&self, dep: &Depend) -> bool;

    /// The name of a sync-database package satisfying `dep`, `None` when none does.
    fn in_repos(&self, dep: &Depend) -> Option<String>;

    /// The full AUR record (from an RPC info request) of the package named `name`, when it
    /// was fetched and the AUR has it.
    fn aur(&self, name: &str) -> Option<&AurPackage>;

    /// The AUR packages (full records) whose provides name `dep_name`.
    fn aur_providers(&self, dep_name: &str) -> Vec<&AurPackage>;

    /// Whether the AUR was already asked for `name`, whatever it answered: a name asked
    /// for and not found is not listed by [`missing_records`] again.
    fn asked(&self, name: &str) -> bool;
}

/// How to plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Build targets even when the AUR's version is installed (pacman without
    /// `--needed`).
    pub reinstall: bool,
    /// Leave out check dependencies (makepkg's `--nocheck`: the builds skip `check()`).
    pub no_check: bool,
}

/// One package of a base to install after its build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPkg {
    /// The package name.
    pub name: String,
    /// Asked for by the user (installed as explicit, the others as dependencies).
    pub explicit: bool,
    /// Needed only to build other packages (make or check dependencies, and what only
    /// they need): removable after the build.
    pub make_only: bool,
}

/// One package base to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseBuild {
    /// The package base (the AUR git repository's name).
    pub base: String,
    /// Its version on the AUR (`epoch:pkgver-pkgrel`).
    pub version: String,
    /// The packages of the base to install, by name (a split base may build more).
    pub packages: Vec<PlannedPkg>,
}

/// What to do to install AUR packages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AurPlan {
    /// Repository packages to install (as dependencies) before building, sorted.
    pub repo_deps: Vec<String>,
    /// Those of [`AurPlan::repo_deps`] needed only to build (removable after it), sorted.
    pub repo_make_only: Vec<String>,
    /// The bases in build order: each after the bases it needs.
    pub builds: Vec<BaseBuild>,
    /// Targets skipped because the AUR's version is installed, in the order asked.
    pub skipped: Vec<String>,
}

/// Why one dependency or target cannot be met.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnmetReason {
    /// Nothing installed, in the repositories or on the AUR provides it.
    Nowhere,
    /// The AUR has the package at this version, which does not satisfy the constraint,
    /// and nothing else provides it.
    AurVersion(String),
    /// A target the AUR does not have but the repositories do (under this name).
    InRepos(String),
    /// The dependency string cannot be read (the reason).
    Malformed(String),
}

/// A dependency or target that cannot be met.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unresolved {
    /// The dependency as written (`libfoo>=2`), or the target's name.
    pub dep: String,
    /// The package that needs it; `None` for a target.
    pub needed_by: Option<String>,
    /// Why it cannot be met.
    pub reason: UnmetReason,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dep = escaped(&self.dep);
        match (&self.needed_by, &self.reason) {
            (Some(by), UnmetReason::Nowhere) => write!(
                f,
                "{} needs {dep}, which no repository, installed package or AUR package provides; \
                 install a package providing it first, or tell the maintainer of {} on the AUR",
                escaped(by),
                escaped(by)
            ),
            (Some(by), UnmetReason::AurVersion(version)) => write!(
                f,
                "{} needs {dep}, but the AUR has {} at {} and nothing else provides it; \
                 flag that package out of date or install a newer one by hand",
                escaped(by),
                escaped(dep_name(&self.dep)),
                escaped(version)
            ),
            (None, UnmetReason::Nowhere) => write!(
                f,
                "{dep} is not on the AUR and no AUR package provides it; check the name with `omg search`"
            ),
            (None, UnmetReason::AurVersion(version)) => write!(
                f,
                "{dep} is asked for, but the AUR has {} at {}; ask for a version it has",
                escaped(dep_name(&self.dep)),
                escaped(version)
            ),
            (_, UnmetReason::InRepos(name)) => write!(
                f,
                "{dep} is not on the AUR but the repositories have it as {}; install it with `omg install {}`",
                escaped(name),
                escaped(name)
            ),
            (Some(by), UnmetReason::Malformed(why)) => write!(
                f,
                "{} has a dependency omg cannot read ({}); tell its maintainer on the AUR",
                escaped(by),
                escaped(why)
            ),
            (None, UnmetReason::Malformed(why)) => {
                write!(f, "the target {dep} cannot be read ({})", escaped(why))
            }
        }
    }
}

/// The name part of a dependency string (for messages).
fn dep_name(dep: &str) -> &str {
    dep.find(['<', '>', '='])
        .map_or(dep, |at| dep.get(..at).unwrap_or(dep))
}

/// Why there is no plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Several AUR packages provide a dependency and the caller's `choose` picked none.
    #[error(
        "several AUR packages provide {}: {}; choose one (or name it on the command line)",
        escaped(dep),
        escaped(&providers.join(", "))
    )]
    NeedsChoice {
        /// The dependency.
        dep: String,
        /// The providers' names, sorted (what `choose` was offered, in that order).
        providers: Vec<String>,
    },
    /// Dependencies or targets nothing meets: every one of them.
    #[error("{}", unresolvable_message(missing))]
    Unresolvable {
        /// What cannot be met, sorted.
        missing: Vec<Unresolved>,
    },
    /// Package bases that need each other to be built.
    #[error(
        "the AUR packages {} need each other to be built, so none can be built first; \
         install one of them (or another provider) by hand, then try again",
        escaped(&bases.join(", "))
    )]
    Cycle {
        /// The bases on the cycle(s), sorted.
        bases: Vec<String>,
    },
    /// AUR records the plan needs were not fetched.
    #[error(
        "the AUR records of {} were not fetched yet; fetch what missing_records lists, then plan again",
        escaped(&names.join(", "))
    )]
    MissingRecords {
        /// The names to fetch, sorted.
        names: Vec<String>,
    },
    /// More AUR packages or dependencies than the limits allow.
    #[error("the plan needs more than {limit} {what}; install fewer packages at once")]
    TooLarge {
        /// The limit passed.
        limit: usize,
        /// What was counted ("AUR packages", "dependencies").
        what: &'static str,
    },
}

fn unresolvable_message(missing: &[Unresolved]) -> String {
    match missing {
        [one] => one.to_string(),
        many => {
            let lines: Vec<String> = many.iter().map(ToString::to_string).collect();
            format!(
                "{} dependencies cannot be met: {}",
                many.len(),
                lines.join("; ")
            )
        }
    }
}

/// A `choose` that never chooses: several providers become [`PlanError::NeedsChoice`].
pub fn no_choice(_dep: &Depend, _providers: &[&AurPackage]) -> Option<usize> {
    None
}

/// The AUR packages that satisfy `dep`: the package of that exact name when it does,
/// else the providers that do (sorted by name, one per name).
fn aur_candidates<'v, V: PlanView + ?Sized>(view: &'v V, dep: &Depend) -> Vec<&'v AurPackage> {
    if let Some(exact) = view.aur(&dep.name) {
        if dep.satisfied_by_package(exact) {
            return vec![exact];
        }
    }
    let mut providers: Vec<&AurPackage> = view
        .aur_providers(&dep.name)
        .into_iter()
        .filter(|p| dep.satisfied_by_package(p))
        .collect();
    providers.sort_by(|a, b| a.name.cmp(&b.name));
    providers.dedup_by(|a, b| a.name == b.name);
    providers
}

/// A package's dependency lists: run-time (`true`), then make and check (`false`; none
/// with `no_check`).
fn dependency_lists(pkg: &AurPackage, no_check: bool) -> [(&[String], bool); 3] {
    let check: &[String] = if no_check { &[] } else { &pkg.check_depends };
    [
        (&pkg.depends, true),
        (&pkg.make_depends, false),
        (check, false),
    ]
}

/// The names whose AUR records the caller has to fetch before [`plan`] can work: a walk
/// over the targets and the dependencies (run-time, make and check) of the records known,
/// leaving out what is installed or in the repositories and names already asked for.
/// Fetch them (in batches), add them to the view, and call again until it returns nothing.
///
/// Sorted. [`PlanError::TooLarge`] beyond [`MAX_RECORDS`] records.
pub fn missing_records<V, T>(targets: &[T], view: &V) -> Result<Vec<String>, PlanError>
where
    V: PlanView + ?Sized,
    T: AsRef<str>,
{
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut expanded: BTreeSet<&str> = BTreeSet::new();
    let mut seen_deps: BTreeSet<Depend> = BTreeSet::new();
    let mut queue: VecDeque<&AurPackage> = VecDeque::new();
    let mut depends_read = 0usize;

    let consider = |dep: &Depend, missing: &mut BTreeSet<String>| -> Vec<&AurPackage> {
        if view.aur(&dep.name).is_none() && !view.asked(&dep.name) {
            missing.insert(dep.name.clone());
        }
        aur_candidates(view, dep)
    };

    for target in targets {
        let Ok(dep) = Depend::parse(target.as_ref()) else {
            continue;
        };
        for pkg in consider(&dep, &mut missing) {
            if expanded.insert(pkg.name.as_str()) {
                queue.push_back(pkg);
            }
        }
    }
    while let Some(pkg) = queue.pop_front() {
        if expanded.len() > MAX_RECORDS {
            return Err(PlanError::TooLarge {
                limit: MAX_RECORDS,
                what: "AUR packages",
            });
        }
        for (list, _) in dependency_lists(pkg, false) {
            for text in list {
                depends_read += 1;
                if depends_read > MAX_DEPENDS {
                    return Err(PlanError::TooLarge {
                        limit: MAX_DEPENDS,
                        what: "dependencies",
                    });
                }
                let Ok(dep) = Depend::parse(text) else {
                    continue;
                };
                if !seen_deps.insert(dep.clone()) {
                    continue;
                }
                if view.installed(&dep) || view.in_repos(&dep).is_some() {
                    continue;
                }
                for found in consider(&dep, &mut missing) {
                    if expanded.insert(found.name.as_str()) {
                        queue.push_back(found);
                    }
                }
            }
        }
    }
    if expanded.len() + missing.len() > MAX_RECORDS {
        return Err(PlanError::TooLarge {
            limit: MAX_RECORDS,
            what: "AUR packages",
        });
    }
    Ok(missing.into_iter().collect())
}

/// One AUR package in the plan.
struct Node<'v> {
    pkg: &'v AurPackage,
    explicit: bool,
    /// Planned packages it needs at run time / only to build.
    runtime_aur: BTreeSet<&'v str>,
    build_aur: BTreeSet<&'v str>,
    /// Repository packages it needs at run time / only to build.
    runtime_repo: BTreeSet<String>,
    build_repo: BTreeSet<String>,
}

/// How a dependency is met.
enum Met<'v> {
    /// Installed already, or nothing can (recorded).
    Nothing,
    /// By a planned or newly chosen AUR package.
    Aur(&'v AurPackage),
    /// By a repository package.
    Repo(String),
}

struct Planner<'v, V: PlanView + ?Sized, C> {
    view: &'v V,
    choose: C,
    nodes: BTreeMap<&'v str, Node<'v>>,
    /// Provided name → planned packages providing it.
    provided: BTreeMap<String, BTreeSet<&'v str>>,
    queue: VecDeque<&'v str>,
    unresolved: BTreeSet<Unresolved>,
    missing: BTreeSet<String>,
    no_check: bool,
}

impl<'v, V, C> Planner<'v, V, C>
where
    V: PlanView + ?Sized,
    C: FnMut(&Depend, &[&AurPackage]) -> Option<usize>,
{
    fn unmet(&mut self, dep: &str, needed_by: Option<&str>, reason: UnmetReason) {
        self.unresolved.insert(Unresolved {
            dep: dep.to_owned(),
            needed_by: needed_by.map(str::to_owned),
            reason,
        });
    }

    /// Adds `pkg` to the plan (once), to be walked.
    fn add(&mut self, pkg: &'v AurPackage, explicit: bool) -> Result<(), PlanError> {
        if let Some(node) = self.nodes.get_mut(pkg.name.as_str()) {
            node.explicit |= explicit;
            return Ok(());
        }
        if self.nodes.len() >= MAX_RECORDS {
            return Err(PlanError::TooLarge {
                limit: MAX_RECORDS,
                what: "AUR packages",
            });
        }
        tracing::debug!(package = %escaped(&pkg.name), explicit, "aur plan: package added");
        for provide in &pkg.provides {
            if let Ok(p) = Depend::parse(provide) {
                self.provided
                    .entry(p.name)
                    .or_default()
                    .insert(pkg.name.as_str());
            }
        }
        self.nodes.insert(
            pkg.name.as_str(),
            Node {
                pkg,
                explicit,
                runtime_aur: BTreeSet::new(),
                build_aur: BTreeSet::new(),
                runtime_repo: BTreeSet::new(),
                build_repo: BTreeSet::new(),
            },
        );
        self.queue.push_back(pkg.name.as_str());
        Ok(())
    }

    /// A planned package satisfying `dep`, by name first, then by provides.
    fn planned(&self, dep: &Depend) -> Option<&'v AurPackage> {
        if let Some(node) = self.nodes.get(dep.name.as_str()) {
            if dep.satisfied_by_package(node.pkg) {
                return Some(node.pkg);
            }
        }
        self.provided
            .get(&dep.name)?
            .iter()
            .filter_map(|name| self.nodes.get(name))
            .map(|node| node.pkg)
            .find(|pkg| dep.satisfied_by_package(pkg))
    }

    /// The AUR package meeting `dep` (exact name, else the one provider, else the chosen
    /// one); `Ok(None)` after recording why none does.
    fn aur_pick(
        &mut self,
        dep: &Depend,
        text: &str,
        needed_by: Option<&str>,
    ) -> Result<Option<&'v AurPackage>, PlanError> {
        let exact = self.view.aur(&dep.name);
        if exact.is_none() && !self.view.asked(&dep.name) {
            self.missing.insert(dep.name.clone());
            return Ok(None);
        }
        let candidates = aur_candidates(self.view, dep);
        match candidates.as_slice() {
            [] => {
                let reason = match exact {
                    Some(pkg) => UnmetReason::AurVersion(pkg.version.clone()),
                    None if needed_by.is_none() => match self.view.in_repos(dep) {
                        Some(name) => UnmetReason::InRepos(name),
                        None => UnmetReason::Nowhere,
                    },
                    None => UnmetReason::Nowhere,
                };
                self.unmet(text, needed_by, reason);
                Ok(None)
            }
            [one] => Ok(Some(one)),
            several => match (self.choose)(dep, several) {
                Some(i) if i < several.len() => {
                    tracing::debug!(dep = %dep, chosen = %escaped(&several[i].name), "aur plan: provider chosen");
                    Ok(several.get(i).copied())
                }
                _ => Err(PlanError::NeedsChoice {
                    dep: dep.to_string(),
                    providers: several.iter().map(|p| p.name.clone()).collect(),
                }),
            },
        }
    }

    /// How a dependency of `needed_by` is met.
    fn meet(&mut self, dep: &Depend, text: &str, needed_by: &str) -> Result<Met<'v>, PlanError> {
        if self.view.installed(dep) {
            return Ok(Met::Nothing);
        }
        if let Some(pkg) = self.planned(dep) {
            return Ok(Met::Aur(pkg));
        }
        if let Some(name) = self.view.in_repos(dep) {
            return Ok(Met::Repo(name));
        }
        Ok(match self.aur_pick(dep, text, Some(needed_by))? {
            Some(pkg) => Met::Aur(pkg),
            None => Met::Nothing,
        })
    }

    /// Walks the queue: every planned package's dependencies.
    fn walk(&mut self) -> Result<(), PlanError> {
        let mut depends_read = 0usize;
        while let Some(name) = self.queue.pop_front() {
            let Some(pkg) = self.nodes.get(name).map(|n| n.pkg) else {
                continue;
            };
            for (list, runtime) in dependency_lists(pkg, self.no_check) {
                for text in list {
                    depends_read += 1;
                    if depends_read > MAX_DEPENDS {
                        return Err(PlanError::TooLarge {
                            limit: MAX_DEPENDS,
                            what: "dependencies",
                        });
                    }
                    let dep = match Depend::parse(text) {
                        Ok(dep) => dep,
                        Err(e) => {
                            self.unmet(text, Some(name), UnmetReason::Malformed(e.to_string()));
                            continue;
                        }
                    };
                    match self.meet(&dep, text, name)? {
                        Met::Nothing => {}
                        Met::Aur(found) => {
                            self.add(found, false)?;
                            if let Some(node) = self.nodes.get_mut(name) {
                                let set = if runtime {
                                    &mut node.runtime_aur
                                } else {
                                    &mut node.build_aur
                                };
                                set.insert(found.name.as_str());
                            }
                        }
                        Met::Repo(repo) => {
                            if let Some(node) = self.nodes.get_mut(name) {
                                let set = if runtime {
                                    &mut node.runtime_repo
                                } else {
                                    &mut node.build_repo
                                };
                                set.insert(repo);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The install plan for `targets` (package names, or names AUR packages provide).
///
/// `choose(dep, providers)` picks among several AUR providers of a dependency (an index
/// into `providers`, sorted by name); `None` (or [`no_choice`]) makes it
/// [`PlanError::NeedsChoice`]. Call [`missing_records`] until it returns nothing first;
/// a record still missing is [`PlanError::MissingRecords`]. Every unmet dependency is
/// reported at once ([`PlanError::Unresolvable`]); bases needing each other are
/// [`PlanError::Cycle`]. The plan is deterministic for the same view.
///
/// ```
/// use omg_domain::aur::{no_choice, plan, Depend, PlanOptions, PlanView};
/// use omg_ports::AurPackage;
///
/// struct View(Vec<AurPackage>);
/// impl PlanView for View {
///     fn installed(&self, _: &Depend) -> bool { false }
///     fn in_repos(&self, dep: &Depend) -> Option<String> {
///         (dep.name == "glibc").then(|| "glibc".to_owned())
///     }
///     fn aur(&self, name: &str) -> Option<&AurPackage> {
///         self.0.iter().find(|p| p.name == name)
///     }
///     fn aur_providers(&self, _: &str) -> Vec<&AurPackage> { Vec::new() }
///     fn asked(&self, _: &str) -> bool { true }
/// }
///
/// let app = AurPackage {
///     name: "app".into(),
///     package_base: "app".into(),
///     version: "1.0-1".into(),
///     depends: vec!["glibc".into()],
///     ..AurPackage::default()
/// };
/// let plan = plan(&["app"], &View(vec![app]), no_choice, PlanOptions::default()).unwrap();
/// assert_eq!(plan.repo_deps, ["glibc"]);
/// assert_eq!(plan.builds[0].base, "app");
/// assert!(plan.builds[0].packages[0].explicit);
/// ```
pub fn plan<V, C, T>(
    targets: &[T],
    view: &V,
    choose: C,
    options: PlanOptions,
) -> Result<AurPlan, PlanError>
where
    V: PlanView + ?Sized,
    C: FnMut(&Depend, &[&AurPackage]) -> Option<usize>,
    T: AsRef<str>,
{
    let mut planner = Planner {
        view,
        choose,
        nodes: BTreeMap::new(),
        provided: BTreeMap::new(),
        queue: VecDeque::new(),
        unresolved: BTreeSet::new(),
        missing: BTreeSet::new(),
        no_check: options.no_check,
    };
    let mut skipped: Vec<String> = Vec::new();

    for target in targets {
        let text = target.as_ref();
        let dep = match Depend::parse(text) {
            Ok(dep) => dep,
            Err(e) => {
                planner.unmet(text, None, UnmetReason::Malformed(e.to_string()));
                continue;
            }
        };
        let has_aur = view.aur(&dep.name).is_some() || !view.aur_providers(&dep.name).is_empty();
        if !has_aur && !options.reinstall && view.asked(&dep.name) && view.installed(&dep) {
            // Provided by an installed package the AUR no longer has: nothing to do.
            if !skipped.contains(&dep.name) {
                skipped.push(dep.name.clone());
            }
            continue;
        }
        let Some(pkg) = planner.aur_pick(&dep, text, None)? else {
            continue;
        };
        if !options.reinstall && view.installed(&Depend::exactly(&pkg.name, &pkg.version)) {
            tracing::debug!(package = %escaped(&pkg.name), "aur plan: target up to date, skipped");
            if !skipped.contains(&pkg.name) {
                skipped.push(pkg.name.clone());
            }
            continue;
        }
        planner.add(pkg, true)?;
    }
    planner.walk()?;

    if !planner.missing.is_empty() {
        return Err(PlanError::MissingRecords {
            names: planner.missing.into_iter().collect(),
        });
    }
    if !planner.unresolved.is_empty() {
        return Err(PlanError::Unresolvable {
            missing: planner.unresolved.into_iter().collect(),
        });
    }
    assemble(&planner.nodes, skipped)
}

/// The base a package builds from (its own name when the record has none).
fn base_of(pkg: &AurPackage) -> &str {
    if pkg.package_base.is_empty() {
        &pkg.name
    } else {
        &pkg.package_base
    }
}

/// Groups the planned packages by base, orders the bases and marks make-only packages.
fn assemble(nodes: &BTreeMap<&str, Node<'_>>, skipped: Vec<String>) -> Result<AurPlan, PlanError> {
    // What is needed at run time: the targets and, transitively, their run-time deps.
    let mut runtime: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = nodes
        .iter()
        .filter(|(_, n)| n.explicit)
        .map(|(name, _)| *name)
        .collect();
    while let Some(name) = stack.pop() {
        if !runtime.insert(name) {
            continue;
        }
        if let Some(node) = nodes.get(name) {
            stack.extend(node.runtime_aur.iter().copied());
        }
    }
    let mut repo_all: BTreeSet<&str> = BTreeSet::new();
    let mut repo_runtime: BTreeSet<&str> = BTreeSet::new();
    for (name, node) in nodes {
        repo_all.extend(node.runtime_repo.iter().map(String::as_str));
        repo_all.extend(node.build_repo.iter().map(String::as_str));
        if runtime.contains(name) {
            repo_runtime.extend(node.runtime_repo.iter().map(String::as_str));
        }
    }

    // Bases and what each needs built first.
    let mut packages: BTreeMap<&str, Vec<PlannedPkg>> = BTreeMap::new();
    let mut versions: BTreeMap<&str, &str> = BTreeMap::new();
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, node) in nodes {
        let base = base_of(node.pkg);
        packages.entry(base).or_default().push(PlannedPkg {
            name: (*name).to_owned(),
            explicit: node.explicit,
            make_only: !runtime.contains(name),
        });
        versions.entry(base).or_insert(node.pkg.version.as_str());
        let entry = needs.entry(base).or_default();
        for dep in node.runtime_aur.iter().chain(&node.build_aur) {
            if let Some(dep_node) = nodes.get(dep) {
                let dep_base = base_of(dep_node.pkg);
                if dep_base != base {
                    entry.insert(dep_base);
                }
            }
        }
    }

    let order = build_order(&needs)?;
    let builds = order
        .into_iter()
        .map(|base| BaseBuild {
            base: base.to_owned(),
            version: versions.get(base).copied().unwrap_or_default().to_owned(),
            packages: packages.remove(base).unwrap_or_default(),
        })
        .collect();
    Ok(AurPlan {
        repo_make_only: repo_all
            .difference(&repo_runtime)
            .map(|s| (*s).to_owned())
            .collect(),
        repo_deps: repo_all.into_iter().map(str::to_owned).collect(),
        builds,
        skipped,
    })
}

/// The bases in build order (each after those it needs; ties by name), or the cycle.
fn build_order<'a>(
    needs: &BTreeMap<&'a str, BTreeSet<&'a str>>,
) -> Result<Vec<&'a str>, PlanError> {
    let mut waiting: BTreeMap<&str, usize> = needs.iter().map(|(b, n)| (*b, n.len())).collect();
    let mut needed_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (base, deps) in needs {
        for dep in deps {
            needed_by.entry(dep).or_default().push(base);
        }
    }
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(b, _)| *b)
        .collect();
    let mut order = Vec::with_capacity(needs.len());
    while let Some(base) = ready.pop_first() {
        order.push(base);
        waiting.remove(base);
        for dependent in needed_by.get(base).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(dependent) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    ready.insert(dependent);
                }
            }
        }
    }
    if waiting.is_empty() {
        return Ok(order);
    }
    // What is left needs a cycle; keep only the bases on one: drop, again and again, the
    // bases nothing left needs.
    let mut left: BTreeSet<&str> = waiting.keys().copied().collect();
    loop {
        let needed: BTreeSet<&str> = left
            .iter()
            .flat_map(|b| needs.get(b).into_iter().flatten().copied())
            .filter(|d| left.contains(d))
            .collect();
        let before = left.len();
        left.retain(|b| needed.contains(b));
        if left.len() == before {
            break;
        }
    }
    Err(PlanError::Cycle {
        bases: left.into_iter().map(str::to_owned).collect(),
    })
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
