//! The Arch User Repository: its package records, `.SRCINFO`, review warnings and the
//! [`AurSource`] port (implemented by `omg-adapters-aur` over the RPC v5 and the metadata
//! dump).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{FetchOutcome, Result, Validators};

/// One AUR package as the RPC v5 and the metadata dump describe it.
///
/// The dependency lists are empty when the source does not carry them (a search answer, the
/// short dump); they are the union over architectures, so a build re-reads them from the
/// clone's `.SRCINFO`.
///
/// `Eq`: `popularity` is never NaN (it comes from a JSON number).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct AurPackage {
    /// The package name (`Name`).
    pub name: String,
    /// The package base it is built from (`PackageBase`): the git repository's name.
    pub package_base: String,
    /// `epoch:pkgver-pkgrel` (`Version`).
    pub version: String,
    /// `Description`, when set.
    pub description: Option<String>,
    /// The upstream `URL`, when set.
    pub url: Option<String>,
    /// The `Maintainer`; `None` when the package is orphaned.
    pub maintainer: Option<String>,
    /// The `Submitter`, when the source carries it (info, extended dump).
    pub submitter: Option<String>,
    /// `CoMaintainers`.
    pub co_maintainers: Vec<String>,
    /// `NumVotes`.
    pub num_votes: u32,
    /// `Popularity`.
    pub popularity: f64,
    /// When it was flagged out of date (unix seconds), `None` when it is not (`OutOfDate`).
    pub out_of_date: Option<i64>,
    /// `FirstSubmitted`, unix seconds.
    pub first_submitted: i64,
    /// `LastModified`, unix seconds.
    pub last_modified: i64,
    /// `PendingRequests` (deletion, orphan, merge), when the server says.
    pub pending_requests: Option<u32>,
    /// `Depends`, constraints inline (`zlib>=1.3`).
    pub depends: Vec<String>,
    /// `MakeDepends`.
    pub make_depends: Vec<String>,
    /// `CheckDepends`.
    pub check_depends: Vec<String>,
    /// `OptDepends` (`name: why`).
    pub opt_depends: Vec<String>,
    /// `Provides`.
    pub provides: Vec<String>,
    /// `Conflicts`.
    pub conflicts: Vec<String>,
    /// `Replaces`.
    pub replaces: Vec<String>,
    /// `Groups`.
    pub groups: Vec<String>,
    /// `License`.
    pub license: Vec<String>,
    /// `Keywords`.
    pub keywords: Vec<String>,
}

// `popularity` comes from JSON numbers, which have no NaN: equality is an equivalence.
impl Eq for AurPackage {}

/// Which field an AUR search matches (the RPC's `by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "kebab-case")]
pub enum AurSearchBy {
    /// Name or description (the RPC's default, `name-desc`).
    NameDesc,
    /// Name only.
    Name,
    /// Maintainer's account name.
    Maintainer,
    /// A run-time dependency.
    Depends,
    /// A build dependency.
    MakeDepends,
    /// A provided name.
    Provides,
}

impl AurSearchBy {
    /// The RPC's spelling (`name-desc`, `name`, `maintainer`, `depends`, `makedepends`,
    /// `provides`).
    pub fn as_str(self) -> &'static str {
        match self {
            AurSearchBy::NameDesc => "name-desc",
            AurSearchBy::Name => "name",
            AurSearchBy::Maintainer => "maintainer",
            AurSearchBy::Depends => "depends",
            AurSearchBy::MakeDepends => "makedepends",
            AurSearchBy::Provides => "provides",
        }
    }
}

/// Where AUR package records come from. Implemented by `omg-adapters-aur` (`AurRpc` over the
/// [`crate::Fetcher`] port).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AurSource: Send + Sync {
    /// The packages whose `by` field matches `text` (a substring for names and descriptions,
    /// as the RPC defines it).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Download`] when the server cannot be reached or limits the rate (HTTP
    /// 429), [`crate::Error::MalformedFeed`] for an answer that is not the RPC's JSON or an
    /// error answer (`"type": "error"`, e.g. a query shorter than 2 characters or too many
    /// results), naming what the server said.
    async fn search(&self, text: &str, by: AurSearchBy) -> Result<Vec<AurPackage>>;

    /// The full records of `names` (asked in chunks); names the AUR does not have are
    /// simply absent from the answer.
    ///
    /// # Errors
    ///
    /// As [`AurSource::search`].
    async fn info(&self, names: &[String]) -> Result<Vec<AurPackage>>;

    /// Every package, from the extended metadata dump, unless the copy described by
    /// `validators` is still current.
    ///
    /// # Errors
    ///
    /// As [`AurSource::search`], and [`crate::Error::MalformedFeed`] for a truncated or
    /// oversized dump.
    async fn dump(&self, validators: &Validators) -> Result<FetchOutcome<Vec<AurPackage>>>;
}

/// One `key = value` line of a `.SRCINFO` section, in file order. Keys keep their
/// architecture suffix (`source_x86_64`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrcinfoField {
    /// The key as written (`depends`, `sha256sums_aarch64`).
    pub key: String,
    /// The value (empty clears the base's value in a package section).
    pub value: String,
    /// The 1-based line it was read from.
    pub line: u32,
}

/// A parsed `.SRCINFO`: the `pkgbase` section and one section per `pkgname`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Srcinfo {
    /// The `pkgbase` value.
    pub pkgbase: String,
    /// The fields of the pkgbase section, in order.
    pub base: Vec<SrcinfoField>,
    /// Each `pkgname` section: its name and its own fields.
    pub packages: Vec<(String, Vec<SrcinfoField>)>,
}

impl Srcinfo {
    /// The base section's values of `key` exactly (no architecture folding).
    pub fn base_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.base
            .iter()
            .filter(move |f| f.key == key)
            .map(|f| f.value.as_str())
    }

    /// The base section's first value of `key`.
    pub fn base_value(&self, key: &str) -> Option<&str> {
        self.base
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.as_str())
    }

    /// The values of `key` for package `name` on `arch`: the generic and the `key_<arch>`
    /// variants, from the package's section when it repeats the key (an empty value clears
    /// it), else from the base.
    pub fn package_values(&self, name: &str, key: &str, arch: &str) -> Vec<String> {
        let arch_key = format!("{key}_{arch}");
        let pick = |fields: &[SrcinfoField], k: &str| -> Option<Vec<String>> {
            let values: Vec<&SrcinfoField> = fields.iter().filter(|f| f.key == k).collect();
            if values.is_empty() {
                None
            } else {
                Some(
                    values
                        .into_iter()
                        .filter(|f| !f.value.is_empty())
                        .map(|f| f.value.clone())
                        .collect(),
                )
            }
        };
        let own = self
            .packages
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, fields)| fields.as_slice())
            .unwrap_or(&[]);
        let mut out = Vec::new();
        for k in [key, arch_key.as_str()] {
            match pick(own, k) {
                Some(values) => out.extend(values),
                None => out.extend(pick(&self.base, k).unwrap_or_default()),
            }
        }
        out
    }

    /// `epoch:pkgver-pkgrel` (no `epoch:` when the epoch is absent or 0).
    pub fn full_version(&self) -> String {
        let ver = self.base_value("pkgver").unwrap_or("");
        let rel = self.base_value("pkgrel").unwrap_or("");
        match self.base_value("epoch") {
            Some(e) if !e.is_empty() && e != "0" => format!("{e}:{ver}-{rel}"),
            _ => format!("{ver}-{rel}"),
        }
    }
}

/// How much a review warning matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewSeverity {
    /// Worth knowing (few votes, flagged out of date).
    Low,
    /// Worth reading the diff for (a new source host, a maintainer change).
    Medium,
    /// Building would run code fetched at build or install time, or hides what runs: going
    /// on requires typing the package name (or `--allow-risky` without a terminal).
    High,
}

impl ReviewSeverity {
    /// `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSeverity::Low => "low",
            ReviewSeverity::Medium => "medium",
            ReviewSeverity::High => "high",
        }
    }
}

/// One thing the review found, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewWarning {
    /// How much it matters.
    pub severity: ReviewSeverity,
    /// A stable machine name (`fetch-and-run`, `new-source-host`, `maintainer-changed`, ...).
    pub code: String,
    /// What it means, for people.
    pub message: String,
    /// The file it was found in (`PKGBUILD`, `.SRCINFO`, `foo.install`), `None` for
    /// warnings about the package's metadata.
    pub file: Option<String>,
    /// The 1-based line, when it comes from a line.
    pub line: Option<u32>,
    /// The line's text (or the metadata value) it comes from.
    pub evidence: String,
}
