//! [`PackageBackend::dependency_graph`](omg_ports::PackageBackend::dependency_graph): every
//! installed package with the installed packages that satisfy its dependencies and optional
//! dependencies, resolved through provides and version constraints by libalpm
//! (`alpm_find_satisfier` over the local database), for `omg why`.

use omg_ports::DependencyNode;

use crate::convert;
use crate::session::Session;

impl Session {
    /// The dependency graph of the installed packages, sorted by name.
    pub fn dependency_graph(&self) -> Vec<DependencyNode> {
        let installed = self.alpm.localdb().pkgs();
        installed
            .iter()
            .map(|pkg| {
                let satisfiers = |deps: alpm::AlpmList<&alpm::Dep>| {
                    let mut names: Vec<String> = deps
                        .iter()
                        .filter_map(|dep| {
                            // Optional dependencies carry a description after ": ".
                            let text = dep.to_string();
                            let wanted = text.split(": ").next().unwrap_or(&text).to_string();
                            installed.find_satisfier(wanted)
                        })
                        .map(|p| p.name().to_string())
                        .collect();
                    names.sort();
                    names.dedup();
                    names
                };
                let installed_state = convert::installed(pkg);
                DependencyNode {
                    name: pkg.name().to_string(),
                    version: installed_state.version,
                    reason: installed_state.reason,
                    depends: satisfiers(pkg.depends()),
                    optional: satisfiers(pkg.optdepends()),
                }
            })
            .collect()
    }
}
