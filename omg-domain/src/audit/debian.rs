//! Matching the Debian tracker's issues for one release.

use std::cmp::Ordering;

use omg_ports::{DebianIssue, InstalledSource, Severity};

use super::{by_source, Hit};
use crate::version::dpkg_compare;

/// The severity of a Debian urgency: `unimportant` and `low` are low, `medium`, `high`;
/// `not yet assigned`, `end-of-life` and anything else are unknown. A trailing `*`
/// (`low**`, a guess the tracker marks) is ignored.
pub fn severity(urgency: &str) -> Severity {
    match urgency
        .trim()
        .trim_end_matches('*')
        .to_ascii_lowercase()
        .as_str()
    {
        "unimportant" | "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        _ => Severity::Unknown,
    }
}

/// What an issue means for a source package at `version` of the release: `None` when it
/// is not affected, `Some(fixed)` when it is (`fixed` being the fixed version, if any).
///
/// - `resolved` with a fixed version: affected when `version` orders before it (dpkg); a
///   fixed version of `0` (never vulnerable in this release) affects nothing;
///   `resolved` without one: not affected;
/// - `open`: affected, no fix yet;
/// - `undetermined`, `not-affected` and unknown statuses: not reported.
pub fn affects(version: &str, issue: &DebianIssue) -> Option<Option<String>> {
    match issue.status.as_str() {
        "resolved" => {
            let fixed = issue.fixed_version.as_deref()?;
            (dpkg_compare(version, fixed) == Ordering::Less).then(|| Some(fixed.to_owned()))
        }
        "open" => Some(None),
        _ => None,
    }
}

/// The version without a binNMU suffix: `5.2.15-2+b13` -> `5.2.15-2`, as dpkg's `Source:`
/// field names it for a binary-only rebuild; any other version is returned as it is.
pub fn without_binnmu(version: &str) -> &str {
    match version.rfind("+b") {
        Some(i)
            if version.len() > i + 2 && version[i + 2..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &version[..i]
        }
        _ => version,
    }
}

/// The source version of `candidate`, the version a pending upgrade brings to a binary
/// installed at `installed` and built from its source at `source_version`: the candidate
/// without its binNMU suffix when the installed binary carries its source's version (with
/// or without such a suffix), `None` when the binary has a version of its own (which its
/// candidate's version says nothing about).
///
/// The tracker's fixed versions are source versions, so a rebuild (`5.2.15-2+b13`) of a
/// vulnerable source (`5.2.15-2`) does not fix what `5.2.15-3` fixes.
pub fn candidate_source_version<'a>(
    installed: &str,
    source_version: &str,
    candidate: &'a str,
) -> Option<&'a str> {
    (without_binnmu(installed) == source_version).then(|| without_binnmu(candidate))
}

/// Every (installed package, issue) where the issue affects the package's source.
pub fn hits(installed: &[InstalledSource], issues: &[DebianIssue]) -> Vec<Hit> {
    let sources = by_source(installed);
    let mut out = Vec::new();
    for issue in issues {
        let Some(packages) = sources.get(issue.source.as_str()) else {
            continue;
        };
        for &i in packages {
            let Some(fixed) = affects(&installed[i].source_version, issue) else {
                continue;
            };
            out.push(Hit {
                package: i,
                id: issue.id.clone(),
                ids: vec![issue.id.clone()],
                severity: severity(&issue.urgency),
                fixed,
            });
        }
    }
    out
}
