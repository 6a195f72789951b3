//! The installed packages and what each depends on, for `omg why`.

use omg_ports::DependencyNode;
use rust_apt::{Cache, DepType, Package, Version};

use crate::config::Paths;
use crate::convert::install_reason;
use crate::policy::AutoMarks;

/// Every installed package, sorted by name (`name`, or `name:arch` for another
/// architecture), with the installed packages that satisfy its `Pre-Depends` and `Depends`
/// (`depends`) and its `Recommends` and `Suggests` (`optional`), found through `Provides`
/// too. Every alternative of an `a | b` that is installed is listed. Worker thread only.
pub(crate) fn dependency_graph(cache: &Cache, paths: &Paths) -> Vec<DependencyNode> {
    let auto = AutoMarks::new(cache, &paths.extended_states);
    let mut nodes: Vec<DependencyNode> = cache
        .iter()
        .filter_map(|pkg| {
            let installed = pkg.installed()?;
            let name = pkg.fullname(true);
            let depends = satisfiers(&installed, &[DepType::PreDepends, DepType::Depends], &name);
            let optional = satisfiers(&installed, &[DepType::Recommends, DepType::Suggests], &name);
            Some(DependencyNode {
                version: installed.version().to_owned(),
                reason: install_reason(auto.is_auto(&pkg)),
                depends,
                optional,
                name,
            })
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    nodes
}

/// The installed packages satisfying `version`'s relationships of `kinds`, in the order
/// they are declared, each once, `itself` left out.
fn satisfiers(version: &Version<'_>, kinds: &[DepType], itself: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for kind in kinds {
        let Some(groups) = version.get_depends(kind) else {
            continue;
        };
        for group in groups {
            for dep in group.iter() {
                for target in dep.all_targets() {
                    if !target.is_installed() {
                        continue;
                    }
                    let name = target.parent().fullname(true);
                    if name != itself && !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
    }
    out
}

/// The installed packages whose installed versions need `pkg`'s installed version:
/// `Pre-Depends` or `Depends` on it (`required_by`, pacman -Qi's Required By) and
/// `Recommends` or `Suggests` (`optional_for`), by name or through a name it provides, with
/// the relationships' version constraints; each sorted by name. Empty for a package that is
/// not installed. Worker thread only.
pub(crate) fn reverse(cache: &Cache, pkg: &Package<'_>) -> (Vec<String>, Vec<String>) {
    let (mut required_by, mut optional_for) = (Vec::new(), Vec::new());
    if !pkg.is_installed() {
        return (required_by, optional_for);
    }
    for other in cache.iter() {
        if other.index() == pkg.index() {
            continue;
        }
        let Some(version) = other.installed() else {
            continue;
        };
        if needs(&version, &[DepType::PreDepends, DepType::Depends], pkg) {
            required_by.push(other.fullname(true));
        }
        if needs(&version, &[DepType::Recommends, DepType::Suggests], pkg) {
            optional_for.push(other.fullname(true));
        }
    }
    required_by.sort();
    optional_for.sort();
    (required_by, optional_for)
}

/// True when one of `version`'s relationships of `kinds` is satisfied by `pkg`'s installed
/// version.
fn needs(version: &Version<'_>, kinds: &[DepType], pkg: &Package<'_>) -> bool {
    kinds.iter().any(|kind| {
        version.get_depends(kind).is_some_and(|groups| {
            groups.iter().any(|group| {
                group.iter().any(|dep| {
                    dep.all_targets()
                        .iter()
                        .any(|t| t.is_installed() && t.parent().index() == pkg.index())
                })
            })
        })
    })
}
