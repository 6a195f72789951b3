//! `omg audit`: which installed packages the security trackers' records say are vulnerable.
//!
//! Pure matching over the records of [`omg_ports::Advisories`], with the distribution's own
//! version ordering ([`crate::version`]), never string comparison:
//!
//! - **Arch** ([`arch`]): an AVG group affects an installed package named in its
//!   `packages` when the group has no fixed version, or the installed version orders before
//!   the fixed one by `vercmp`. Groups with status `Not affected` are ignored.
//! - **Debian** ([`debian`]): the tracker names source packages, so each installed binary
//!   package is matched through its source package (dpkg's `Source:` field) at the source's
//!   version; for the host's release, `resolved` with a fixed version affects versions before
//!   it (a fixed version of `0` means never affected), `open` affects every version (no fix
//!   yet), and `undetermined` and `not-affected` are not reported (the tracker has not
//!   established that the release is affected). The urgency gives the severity.
//! - **Ubuntu** ([`osv`]): OSV ranges of the release's ecosystem, evaluated by their events
//!   (introduced, fixed, last_affected, limit) with dpkg ordering on the source version.
//!
//! All records affecting one installed package merge into one [`Finding`]: the highest
//! severity, the highest fixed version, every id, and the ids that have no fix yet. With the
//! pending upgrades, a finding says whether upgrading fixes it ([`Finding::upgrade_fixes`]).
//!
//! The Debian tracker's DSA and DLA lists add their advisory numbers to the Debian findings
//! afterwards ([`advisory_ids`]); they report no vulnerabilities of their own.

pub mod advisory_ids;
pub mod arch;
pub mod debian;
pub mod osv;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use omg_ports::{Advisories, Finding, InstalledSource, PackageSummary, Severity, VersionScheme};

use crate::version::compare;

/// One record found to affect one installed package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the installed package in the list given to the matcher.
    pub package: usize,
    /// The record's main id (AVG, CVE/TEMP, OSV id): named in [`Finding::unfixed`].
    pub id: String,
    /// Every id of the record.
    pub ids: Vec<String>,
    /// Its severity.
    pub severity: Severity,
    /// The version that fixes it, when there is one.
    pub fixed: Option<String>,
}

/// Findings for `installed` under `advisories`, sorted by severity (highest first), then
/// name. `upgradable` (the backend's pending upgrades, `version` being the candidate) tells
/// which findings an upgrade fixes.
pub fn audit(
    scheme: VersionScheme,
    installed: &[InstalledSource],
    advisories: &Advisories,
    upgradable: &[PackageSummary],
) -> Vec<Finding> {
    let hits = match advisories {
        Advisories::Arch(groups) => arch::hits(installed, groups),
        Advisories::Debian(issues) => debian::hits(installed, issues),
        Advisories::Osv(records) => osv::hits(installed, records),
        // Advisory numbers only: attached to findings by `advisory_ids::attach`.
        Advisories::DebianAdvisories(_) => Vec::new(),
    };
    let candidates: HashMap<&str, &str> = upgradable
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    let mut findings = merge(scheme, installed, hits, &candidates);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.package.cmp(&b.package))
    });
    findings
}

/// The findings at or above `min` (all when `None`), and with `upgradable_only` only those
/// a pending upgrade fixes.
pub fn select(
    findings: Vec<Finding>,
    min: Option<Severity>,
    upgradable_only: bool,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| min.is_none_or(|m| f.severity >= m))
        .filter(|f| !upgradable_only || f.upgrade_fixes)
        .collect()
}

/// Merge the hits of each installed package into one finding.
fn merge(
    scheme: VersionScheme,
    installed: &[InstalledSource],
    hits: Vec<Hit>,
    candidates: &HashMap<&str, &str>,
) -> Vec<Finding> {
    let mut by_package: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
    for hit in hits {
        by_package.entry(hit.package).or_default().push(hit);
    }
    by_package
        .into_iter()
        .filter_map(|(i, hits)| {
            let pkg = installed.get(i)?;
            Some(finding(scheme, pkg, hits, candidates))
        })
        .collect()
}

fn finding(
    scheme: VersionScheme,
    pkg: &InstalledSource,
    hits: Vec<Hit>,
    candidates: &HashMap<&str, &str>,
) -> Finding {
    let severity = hits
        .iter()
        .map(|h| h.severity)
        .max()
        .unwrap_or(Severity::Unknown);
    let fixed = hits
        .iter()
        .filter_map(|h| h.fixed.as_deref())
        .max_by(|a, b| compare(scheme, a, b))
        .map(str::to_owned);
    let unfixed: BTreeSet<String> = hits
        .iter()
        .filter(|h| h.fixed.is_none())
        .map(|h| h.id.clone())
        .collect();
    let ids: BTreeSet<String> = hits.into_iter().flat_map(|h| h.ids).collect();
    let candidate = candidates.get(pkg.name.as_str()).map(|c| (*c).to_owned());
    let upgrade_fixes = match (&candidate, &fixed) {
        // The tracker's fixed version is the source's: compare it with the candidate's
        // source version (for dpkg: without a binNMU suffix, `debian::candidate_source_version`)
        // when the binary carries its source's version. A binary with a version of its own
        // is rebuilt by every security upload of its source, so its pending upgrade is
        // taken as the fix.
        (Some(c), Some(f)) => {
            let source = match scheme {
                VersionScheme::Dpkg => {
                    debian::candidate_source_version(&pkg.version, &pkg.source_version, c)
                }
                VersionScheme::Alpm => (pkg.version == pkg.source_version).then_some(c.as_str()),
            };
            source.is_none_or(|s| compare(scheme, s, f) != Ordering::Less)
        }
        _ => false,
    };
    Finding {
        package: pkg.name.clone(),
        installed: pkg.version.clone(),
        source: (pkg.source != pkg.name).then(|| pkg.source.clone()),
        compared_version: pkg.source_version.clone(),
        fixed,
        severity,
        ids: ids.into_iter().collect(),
        unfixed: unfixed.into_iter().collect(),
        candidate,
        upgrade_fixes,
    }
}

/// Installed packages by source name (indexes into `installed`).
pub(crate) fn by_source(installed: &[InstalledSource]) -> HashMap<&str, Vec<usize>> {
    let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in installed.iter().enumerate() {
        map.entry(p.source.as_str()).or_default().push(i);
    }
    map
}

#[cfg(test)]
mod tests;
