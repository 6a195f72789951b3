//! Matching OSV records (Ubuntu) by their `ECOSYSTEM` ranges, with dpkg ordering.

use std::cmp::Ordering;

use omg_ports::{InstalledSource, OsvEvent, OsvRecord, Severity};

use super::{by_source, Hit};
use crate::version::dpkg_compare;

/// The severity of Ubuntu's rating: `negligible` and `low` are low, `medium`, `high`,
/// `critical`; anything else (or none) is unknown.
pub fn severity(rating: Option<&str>) -> Severity {
    match rating.unwrap_or("").trim().to_ascii_lowercase().as_str() {
        "negligible" | "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        _ => Severity::Unknown,
    }
}

/// The event's version, ordered with `0` (introduced from the start) lowest.
fn cmp_versions(a: &str, b: &str) -> Ordering {
    match (a == "0", b == "0") {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => dpkg_compare(a, b),
    }
}

fn version_of(e: &OsvEvent) -> &str {
    match e {
        OsvEvent::Introduced(v)
        | OsvEvent::Fixed(v)
        | OsvEvent::LastAffected(v)
        | OsvEvent::Limit(v) => v,
    }
}

/// True when `version` is inside the range `events` (OSV's evaluation: walk the events
/// sorted by version; `introduced` at or below the version opens the range, `fixed` at or
/// below it and `last_affected` below it close it, `limit` at or below it ends it).
pub fn in_range(version: &str, events: &[OsvEvent]) -> bool {
    let mut sorted: Vec<&OsvEvent> = events.iter().collect();
    sorted.sort_by(|a, b| cmp_versions(version_of(a), version_of(b)));
    let mut affected = false;
    for event in sorted {
        let v = version_of(event);
        let at_or_below = cmp_versions(v, version) != Ordering::Greater;
        match event {
            OsvEvent::Introduced(_) if at_or_below => affected = true,
            OsvEvent::Fixed(_) | OsvEvent::Limit(_) if at_or_below => affected = false,
            OsvEvent::LastAffected(_) if cmp_versions(v, version) == Ordering::Less => {
                affected = false
            }
            _ => {}
        }
    }
    affected
}

/// The highest `fixed` version of a record's ranges.
fn fixed_of(record: &OsvRecord) -> Option<String> {
    record
        .ranges
        .iter()
        .flatten()
        .filter_map(|e| match e {
            OsvEvent::Fixed(v) => Some(v.as_str()),
            _ => None,
        })
        .max_by(|a, b| dpkg_compare(a, b))
        .map(str::to_owned)
}

/// Every (installed package, record) where a range of the record contains the source
/// version of the package.
pub fn hits(installed: &[InstalledSource], records: &[OsvRecord]) -> Vec<Hit> {
    let sources = by_source(installed);
    let mut out = Vec::new();
    for record in records {
        let Some(packages) = sources.get(record.package.as_str()) else {
            continue;
        };
        for &i in packages {
            let version = &installed[i].source_version;
            if !record.ranges.iter().any(|r| in_range(version, r)) {
                continue;
            }
            let mut ids = vec![record.id.clone()];
            ids.extend(record.upstream.iter().cloned());
            out.push(Hit {
                package: i,
                id: record.id.clone(),
                ids,
                severity: severity(record.severity.as_deref()),
                fixed: fixed_of(record),
            });
        }
    }
    out
}
