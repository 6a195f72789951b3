//! Matching the Arch tracker's AVG groups.

use std::cmp::Ordering;
use std::collections::HashMap;

use omg_ports::{ArchGroup, InstalledSource, Severity};

use super::Hit;
use crate::version::alpm_vercmp;

/// The severity of an Arch group (`Low`, `Medium`, `High`, `Critical`; anything else,
/// `Unknown` included, is unknown).
pub fn severity(text: &str) -> Severity {
    match text.trim().to_ascii_lowercase().as_str() {
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        _ => Severity::Unknown,
    }
}

/// True when a group with this `fixed` version affects `installed` (by `vercmp`).
pub fn affects(installed: &str, fixed: Option<&str>) -> bool {
    fixed.is_none_or(|f| alpm_vercmp(installed, f) == Ordering::Less)
}

/// Every (installed package, group) where the group affects the package.
pub fn hits(installed: &[InstalledSource], groups: &[ArchGroup]) -> Vec<Hit> {
    let by_name: HashMap<&str, usize> = installed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for group in groups {
        if group.status.eq_ignore_ascii_case("not affected") {
            continue;
        }
        for name in &group.packages {
            let Some(&i) = by_name.get(name.as_str()) else {
                continue;
            };
            if !affects(&installed[i].version, group.fixed.as_deref()) {
                continue;
            }
            let mut ids = vec![group.name.clone()];
            ids.extend(group.issues.iter().cloned());
            ids.extend(group.advisories.iter().cloned());
            out.push(Hit {
                package: i,
                id: group.name.clone(),
                ids,
                severity: severity(&group.severity),
                fixed: group.fixed.clone(),
            });
        }
    }
    out
}
