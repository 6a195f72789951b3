//! `omg why`: why a package is installed, from the installed dependency graph.
//!
//! The answer has three parts: the packages that depend on it directly (`required_by`), the
//! ones that list it as an optional dependency (`optional_for`), and the chains of
//! dependencies from explicitly installed packages down to it — the shortest chain from
//! each explicit package that reaches it, shortest chains first. A package installed
//! explicitly is its own reason; a dependency no chain reaches is an orphan.

use std::collections::{HashMap, VecDeque};

use omg_ports::{DependencyNode, InstallReason};

/// The answer (a port type: omgd sends it over its socket).
pub use omg_ports::WhyReport;

/// At most this many chains are reported; a library deep in the graph can have thousands.
pub const MAX_CHAINS: usize = 10;

/// Why `name` is installed, or `None` when it is not in `graph`.
pub fn why(graph: &[DependencyNode], name: &str) -> Option<WhyReport> {
    let index: HashMap<&str, usize> = graph
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let target = *index.get(name)?;
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); graph.len()];
    let mut optional_for = Vec::new();
    for (i, node) in graph.iter().enumerate() {
        for dep in &node.depends {
            if let Some(&d) = index.get(dep.as_str()) {
                if d != i && !dependents[d].contains(&i) {
                    dependents[d].push(i);
                }
            }
        }
        if node.optional.iter().any(|o| o == name) {
            optional_for.push(node.name.clone());
        }
    }
    // Breadth-first from the target up through dependents: the first time an explicit
    // package is reached is its shortest chain.
    let mut parent: Vec<Option<usize>> = vec![None; graph.len()];
    let mut seen = vec![false; graph.len()];
    let mut queue = VecDeque::from([target]);
    seen[target] = true;
    let mut roots = Vec::new();
    while let Some(at) = queue.pop_front() {
        if at != target && graph[at].reason == InstallReason::Explicit {
            roots.push(at);
        }
        let mut next = dependents[at].clone();
        next.sort_by(|a, b| graph[*a].name.cmp(&graph[*b].name));
        for up in next {
            if !seen[up] {
                seen[up] = true;
                parent[up] = Some(at);
                queue.push_back(up);
            }
        }
    }
    let chains = roots
        .iter()
        .take(MAX_CHAINS)
        .map(|&root| {
            let mut chain = vec![graph[root].name.clone()];
            let mut at = root;
            while let Some(p) = parent[at] {
                chain.push(graph[p].name.clone());
                at = p;
            }
            chain
        })
        .collect();
    let mut required_by: Vec<String> = dependents[target]
        .iter()
        .map(|&i| graph[i].name.clone())
        .collect();
    required_by.sort();
    optional_for.sort();
    let node = &graph[target];
    Some(WhyReport {
        name: node.name.clone(),
        version: node.version.clone(),
        reason: node.reason,
        required_by,
        optional_for,
        chains,
        needed_by_explicit: roots.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(
        name: &str,
        reason: InstallReason,
        depends: &[&str],
        optional: &[&str],
    ) -> DependencyNode {
        DependencyNode {
            name: name.into(),
            version: "1.0-1".into(),
            reason,
            depends: depends.iter().map(|s| s.to_string()).collect(),
            optional: optional.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn graph() -> Vec<DependencyNode> {
        use InstallReason::*;
        vec![
            node("firefox", Explicit, &["gtk3", "nss"], &[]),
            node("gtk3", Dependency, &["glib2", "pango"], &[]),
            node("pango", Dependency, &["glib2"], &[]),
            node("glib2", Dependency, &["glibc"], &[]),
            node("glibc", Dependency, &[], &[]),
            node("nss", Dependency, &["glibc"], &[]),
            node("vim", Explicit, &["glibc"], &["python"]),
            node("python", Explicit, &["glibc"], &[]),
            node("leftover", Dependency, &["glibc"], &[]),
            // A cycle must not loop forever.
            node("a", Dependency, &["b"], &[]),
            node("b", Dependency, &["a"], &[]),
        ]
    }

    #[test]
    fn shortest_chain_from_each_explicit_package() {
        let r = why(&graph(), "glib2").expect("installed");
        assert_eq!(r.required_by, ["gtk3", "pango"]);
        assert_eq!(r.chains, [vec!["firefox", "gtk3", "glib2"]]);
        assert_eq!(r.needed_by_explicit, 1);
        assert!(!r.is_orphan());
    }

    #[test]
    fn a_base_library_lists_every_explicit_package_shortest_first() {
        let r = why(&graph(), "glibc").expect("installed");
        assert_eq!(r.required_by, ["glib2", "leftover", "nss", "python", "vim"]);
        assert_eq!(r.needed_by_explicit, 3);
        let lens: Vec<usize> = r.chains.iter().map(Vec::len).collect();
        assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{:?}", r.chains);
        assert!(r
            .chains
            .contains(&vec!["vim".to_string(), "glibc".to_string()]));
        assert!(r
            .chains
            .contains(&vec!["python".to_string(), "glibc".to_string()]));
        assert!(r.chains.contains(&vec![
            "firefox".to_string(),
            "nss".to_string(),
            "glibc".to_string()
        ]));
    }

    #[test]
    fn explicit_orphan_optional_and_unknown() {
        let g = graph();
        let py = why(&g, "python").expect("installed");
        assert_eq!(py.reason, InstallReason::Explicit);
        assert_eq!(py.optional_for, ["vim"]);
        assert!(py.chains.is_empty());
        let left = why(&g, "leftover").expect("installed");
        assert!(left.is_orphan());
        let cyc = why(&g, "a").expect("installed");
        assert_eq!(cyc.required_by, ["b"]);
        assert!(cyc.chains.is_empty());
        assert!(why(&g, "nope").is_none());
    }
}
