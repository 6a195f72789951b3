//! Security advisories: the feeds' records as the trackers publish them, what the host has
//! installed (with source packages), the findings of `omg audit`, and the `AdvisorySource`
//! port that delivers a feed (fetched or cached).
//!
//! The records keep the trackers' own words (statuses, urgencies, severities as strings);
//! `omg-domain`'s audit module decides what they mean.

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;

/// How bad a vulnerability is. Ordered `Unknown < Low < Medium < High < Critical`: an
/// unrated issue sorts below every rated one (it is shown unless a minimum severity is
/// asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Not rated (yet) by the tracker.
    Unknown,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// `unknown`, `low`, `medium`, `high` or `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = crate::Error;

    /// Case-insensitive `unknown`, `low`, `medium`, `high`, `critical`.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "unknown" => Ok(Severity::Unknown),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(crate::Error::InvalidRequest(format!(
                "unknown severity '{s}'; use low, medium, high or critical"
            ))),
        }
    }
}

/// Which tracker a feed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    /// The Arch Linux security tracker's `all.json` (AVG records).
    Arch,
    /// The Debian security tracker's JSON (source package -> CVE -> release).
    Debian,
    /// Ubuntu's OSV records (osv.dev's `Ubuntu/all.zip`).
    Ubuntu,
    /// The Debian tracker's list of security advisories (`data/DSA/list`): DSA numbers
    /// with their CVEs, attached to the Debian feed's findings.
    #[serde(rename = "debian_dsa")]
    DebianDsa,
    /// The Debian tracker's list of LTS advisories (`data/DLA/list`), like
    /// [`FeedKind::DebianDsa`].
    #[serde(rename = "debian_dla")]
    DebianDla,
}

impl FeedKind {
    /// `arch`, `debian`, `ubuntu`, `debian_dsa` or `debian_dla`: also the prefix of the
    /// configuration key (`[audit] arch_feed`).
    pub fn name(self) -> &'static str {
        match self {
            FeedKind::Arch => "arch",
            FeedKind::Debian => "debian",
            FeedKind::Ubuntu => "ubuntu",
            FeedKind::DebianDsa => "debian_dsa",
            FeedKind::DebianDla => "debian_dla",
        }
    }

    /// A human name for messages: `the Arch security feed`.
    pub fn title(self) -> &'static str {
        match self {
            FeedKind::Arch => "the Arch security feed",
            FeedKind::Debian => "the Debian security feed",
            FeedKind::Ubuntu => "the Ubuntu OSV feed",
            FeedKind::DebianDsa => "the Debian DSA list",
            FeedKind::DebianDla => "the Debian DLA list",
        }
    }
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One AVG record of the Arch tracker's `all.json`, fields as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchGroup {
    /// The group id: `AVG-2843`.
    pub name: String,
    /// pkgnames (binary packages) the group is about.
    pub packages: Vec<String>,
    /// `Unknown`, `Vulnerable`, `Testing`, `Fixed` or `Not affected`.
    pub status: String,
    /// `Unknown`, `Low`, `Medium`, `High` or `Critical`.
    pub severity: String,
    /// The kind of vulnerability (`arbitrary code execution`, ...): the `type` field.
    pub kind: String,
    /// The version found affected.
    pub affected: String,
    /// The first version with the fix, when there is one.
    pub fixed: Option<String>,
    /// The bug tracker ticket, when any.
    pub ticket: Option<String>,
    /// CVE ids.
    pub issues: Vec<String>,
    /// ASA ids of the advisories published for it.
    pub advisories: Vec<String>,
}

/// One issue of one source package in one release of the Debian tracker's JSON
/// (`source -> id -> releases.<codename>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebianIssue {
    /// The source package.
    pub source: String,
    /// The issue id: `CVE-2024-1234`, or a `TEMP-...` id for issues without a CVE.
    pub id: String,
    /// `resolved`, `open`, `undetermined` (or `not-affected`).
    pub status: String,
    /// The first fixed version in this release (`0`: never affected), when known.
    pub fixed_version: Option<String>,
    /// `unimportant`, `low`, `medium`, `high`, `not yet assigned`, `end-of-life`, ...
    pub urgency: String,
}

/// One advisory of the Debian tracker's `data/DSA/list` or `data/DLA/list` (the indented
/// lines begin with a tab):
///
/// ```text
/// [21 Nov 2024] DSA-5815-1 needrestart - security update
///     {CVE-2024-48990 CVE-2024-48991 CVE-2024-48992}
///     [bookworm] - needrestart 3.6-4+deb12u2
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebianAdvisory {
    /// The advisory id: `DSA-5815-1`, `DLA-3999-1`.
    pub id: String,
    /// The source package the entry line names (empty when it names none).
    pub source: String,
    /// The CVE ids it fixes (none for some advisories).
    pub cves: Vec<String>,
    /// One line per release (and package) fixed.
    pub fixes: Vec<DebianAdvisoryFix>,
}

/// One `[release] - package version` line of a [`DebianAdvisory`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebianAdvisoryFix {
    /// The release codename (`bookworm`); `None` for a line without `[release]`.
    pub release: Option<String>,
    /// The source package fixed.
    pub package: String,
    /// The fixed version, when the line gives one.
    pub version: Option<String>,
}

/// One event of an OSV range, in the record's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsvEvent {
    /// Affected from this version on (`0`: from the beginning).
    Introduced(String),
    /// Fixed in this version.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// The range ends before this version.
    Limit(String),
}

/// An OSV record's entry for one package of the host's ecosystem (`Ubuntu:22.04:LTS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRecord {
    /// The record id: `UBUNTU-CVE-2024-1234`, `USN-6543-1`.
    pub id: String,
    /// Upstream ids it is about (`CVE-2024-1234`) and aliases.
    pub upstream: Vec<String>,
    /// The distribution's own rating (`negligible`, `low`, `medium`, `high`, `critical`),
    /// when given.
    pub severity: Option<String>,
    /// The (source) package name.
    pub package: String,
    /// The ranges of type `ECOSYSTEM`, each a list of events.
    pub ranges: Vec<Vec<OsvEvent>>,
}

/// A parsed feed: the records for the host's distribution (and release).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "records", rename_all = "lowercase")]
pub enum Advisories {
    /// The Arch tracker's groups.
    Arch(Vec<ArchGroup>),
    /// The Debian tracker's issues for one release.
    Debian(Vec<DebianIssue>),
    /// OSV records for one ecosystem.
    Osv(Vec<OsvRecord>),
    /// The Debian tracker's DSA or DLA list (every release): advisory numbers to attach to
    /// the Debian feed's findings, no vulnerabilities of their own.
    #[serde(rename = "debian_advisories")]
    DebianAdvisories(Vec<DebianAdvisory>),
}

impl Advisories {
    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Advisories::Arch(v) => v.len(),
            Advisories::Debian(v) => v.len(),
            Advisories::Osv(v) => v.len(),
            Advisories::DebianAdvisories(v) => v.len(),
        }
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An installed binary package with the source package it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledSource {
    /// The installed package's name (`libssl3`, or `name:arch` for a foreign architecture).
    pub name: String,
    /// Its installed version.
    pub version: String,
    /// The source package (dpkg's `Source:`; pacman's pkgbase; the name itself when none).
    pub source: String,
    /// The source package's version (dpkg's `Source: name (version)`; else `version`).
    pub source_version: String,
}

/// A vulnerable installed package, all advisories about it merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Finding {
    /// The installed package.
    pub package: String,
    /// Its installed version.
    pub installed: String,
    /// The source package the advisories name, when it differs from `package`.
    pub source: Option<String>,
    /// The version the comparison used: the source version for Debian and Ubuntu.
    pub compared_version: String,
    /// The highest version that fixes an advisory affecting it; `None` when no advisory
    /// has a fix yet.
    pub fixed: Option<String>,
    /// The highest severity of the advisories affecting it.
    pub severity: Severity,
    /// Every id of the advisories affecting it (AVG, CVE, ASA, TEMP, USN, ...), sorted.
    pub ids: Vec<String>,
    /// The ids of affecting advisories that have no fix yet.
    pub unfixed: Vec<String>,
    /// The version a pending upgrade would install, when there is one.
    pub candidate: Option<String>,
    /// True when the pending upgrade reaches `fixed` (and `fixed` is known).
    pub upgrade_fixes: bool,
}

/// Where the records of a [`FeedSnapshot`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "kebab-case")]
pub enum FeedOrigin {
    /// Downloaded just now.
    Downloaded,
    /// The server said the cached copy is current (HTTP 304).
    NotModified,
    /// The cached copy, without asking the server (offline, or the download failed).
    Cache,
}

/// One audit's findings and where their data came from: what `omg audit` shows, whether
/// the audit ran in the command's own process or in omgd.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct AuditOutcome {
    /// Which tracker.
    pub kind: FeedKind,
    /// The feed's URL.
    pub url: String,
    /// The release matched (Debian codename, Ubuntu version).
    pub release: Option<String>,
    /// Downloaded now, confirmed by a 304, or the cached copy.
    pub origin: FeedOrigin,
    /// When the body was downloaded (seconds since the epoch).
    pub fetched_at: i64,
    /// When the server last confirmed it (seconds since the epoch).
    pub checked_at: i64,
    /// Why the cached copy was used although the network was asked.
    pub warning: Option<String>,
    /// Debian: why DSA or DLA numbers are missing (a list could not be fetched and is not
    /// cached) or come from the cached copy of a list; one message each.
    pub advisory_warnings: Vec<String>,
    /// Every vulnerable installed package (unfiltered).
    pub findings: Vec<Finding>,
}

/// What [`AdvisorySource::advisories`] asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRequest {
    /// Which tracker.
    pub kind: FeedKind,
    /// Where its feed is.
    pub url: String,
    /// The release to keep: the Debian codename (`bookworm`) or the Ubuntu version
    /// (`22.04`); ignored for Arch.
    pub release: Option<String>,
    /// Use the cached copy only; never touch the network.
    pub offline: bool,
}

/// A feed's records, with where they came from and how old they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSnapshot {
    /// The records.
    pub advisories: Advisories,
    /// Where they came from.
    pub origin: FeedOrigin,
    /// When the body was downloaded, in seconds since the Unix epoch.
    pub fetched_at: i64,
    /// When the server last confirmed it (a download or a 304), seconds since the epoch.
    pub checked_at: i64,
    /// Why the cached copy was used although the network was asked (a download error, a
    /// malformed new copy), to show the user as a warning.
    pub warning: Option<String>,
}

/// Advisories for a distribution: fetched with conditional requests, cached, and served
/// from the cache when offline. Implemented by `omg-adapters-feeds`.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AdvisorySource: Send + Sync {
    /// The feed `request` names, parsed for its release.
    ///
    /// # Errors
    ///
    /// [`crate::Error::MalformedFeed`] when neither the download nor the cache yields a
    /// valid feed; [`crate::Error::NoCachedFeed`] offline without a cached copy;
    /// [`crate::Error::Download`] when the download failed and nothing is cached.
    async fn advisories(&self, request: &FeedRequest) -> Result<FeedSnapshot>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        use Severity::*;
        let mut all = vec![Critical, Unknown, High, Low, Medium];
        all.sort();
        assert_eq!(all, vec![Unknown, Low, Medium, High, Critical]);
        for s in all {
            assert_eq!(s.as_str().parse::<Severity>().ok(), Some(s));
        }
        assert_eq!("HIGH".parse::<Severity>().ok(), Some(High));
        assert!("severe".parse::<Severity>().is_err());
    }
}
