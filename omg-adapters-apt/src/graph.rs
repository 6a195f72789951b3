//! The installed packages and what each depends on, for `omg why`.

use omg_ports::DependencyNode;
use rust_apt::{Cache, DepType, Version};

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
