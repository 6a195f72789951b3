//! Typed errors from the packages libapt's resolver left broken.

use omg_ports::Error;
use rust_apt::{Cache, DepFlags, DepType, Dependency};

/// The relationships that break a package, in the order they are checked.
const KINDS: [DepType; 4] = [
    DepType::PreDepends,
    DepType::Depends,
    DepType::Conflicts,
    DepType::DpkgBreaks,
];

/// The first unmet dependency (by package name) of the packages whose planned state is
/// broken: [`Error::Conflict`] for a conflict or break, [`Error::Unsatisfiable`] for a
/// dependency. `None` when no package is broken.
pub(crate) fn error(cache: &Cache) -> Option<Error> {
    let depcache = cache.depcache();
    let mut broken: Vec<_> = cache
        .iter()
        .filter(|pkg| depcache.is_inst_broken(pkg))
        .collect();
    broken.sort_by_key(|pkg| pkg.fullname(true));
    for pkg in &broken {
        let Some(version) = pkg.install_version().or_else(|| pkg.candidate()) else {
            continue;
        };
        let owner = pkg.fullname(true);
        for kind in KINDS {
            let negative = matches!(kind, DepType::Conflicts | DepType::DpkgBreaks);
            let Some(groups) = version.get_depends(&kind) else {
                continue;
            };
            for group in groups {
                let satisfied = group
                    .iter()
                    .any(|dep| depcache.dep_state(dep) & DepFlags::DepGInstall != 0);
                if satisfied {
                    continue;
                }
                return Some(if negative {
                    let target = group.first();
                    Error::Conflict {
                        first: owner.clone(),
                        second: target.name().to_owned(),
                        reason: Some(format!(
                            "{owner} {} {}",
                            if kind == DepType::Conflicts {
                                "conflicts with"
                            } else {
                                "breaks"
                            },
                            text(group)
                        )),
                    }
                } else {
                    Error::Unsatisfiable {
                        dependency: text(group),
                        required_by: owner.clone(),
                    }
                });
            }
        }
    }
    None
}

/// A dependency as apt writes it: `a (>= 1) | b`.
fn text(group: &Dependency<'_>) -> String {
    group
        .iter()
        .map(|dep| match (dep.comp_type(), dep.version()) {
            (Some(op), Some(version)) => format!("{} ({op} {version})", dep.name()),
            _ => dep.name().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
