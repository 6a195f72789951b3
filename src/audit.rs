//! The security audit wired together: the host's feed (chosen from the backend and the root's
//! os-release), fetched through [`omg_adapters_feeds`] with conditional requests and cached
//! in a redb file ([`omg_adapters_store`]), matched against the installed packages by the
//! domain ([`omg_domain::audit`]). For Debian, the tracker's DSA and DLA lists are fetched
//! the same way and their numbers added to the findings; they are optional (a warning says
//! when they are missing). `omg audit` and omgd's background refresh both run it;
//! each run also saves a [`SecuritySummary`] that `omg status` shows.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use omg_adapters_feeds::TrackerSource;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_store::RedbStore;
use omg_domain::audit::{advisory_ids, audit as match_findings};
use omg_ports::{
    Advisories, AdvisorySource, AuditOutcome, BackendInfo, Error, FeedKind, FeedRequest, Finding,
    Result, SecuritySummary, Severity, Store,
};

use crate::Engine;

/// Feed URLs and release that configuration overrides (`[audit]` in config.toml).
#[derive(Debug, Clone, Default)]
pub struct FeedOverrides {
    /// `[audit] arch_feed`.
    pub arch: Option<String>,
    /// `[audit] debian_feed`.
    pub debian: Option<String>,
    /// `[audit] ubuntu_feed`.
    pub ubuntu: Option<String>,
    /// `[audit] debian_dsa_feed`: the tracker's `data/DSA/list`.
    pub debian_dsa: Option<String>,
    /// `[audit] debian_dla_feed`: the tracker's `data/DLA/list`.
    pub debian_dla: Option<String>,
    /// `[audit] release`: Debian codename or Ubuntu version, instead of os-release's.
    pub release: Option<String>,
}

impl FeedOverrides {
    fn url(&self, kind: FeedKind) -> String {
        match kind {
            FeedKind::Arch => self.arch.clone(),
            FeedKind::Debian => self.debian.clone(),
            FeedKind::Ubuntu => self.ubuntu.clone(),
            FeedKind::DebianDsa => self.debian_dsa.clone(),
            FeedKind::DebianDla => self.debian_dla.clone(),
        }
        .unwrap_or_else(|| omg_config::default_feed_url(kind).to_owned())
    }
}

/// How to run an audit.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Feed URLs and release.
    pub overrides: FeedOverrides,
    /// Use the cached feed only, never the network.
    pub offline: bool,
    /// The feed cache file ([`default_cache_path`]).
    pub cache: PathBuf,
}

impl AuditOptions {
    /// The options from configuration: `lookup(section, key)` gives `[audit] arch_feed`,
    /// `debian_feed`, `ubuntu_feed`, `debian_dsa_feed`, `debian_dla_feed` and `release`
    /// (omg's config.toml with its `OMG_AUDIT_*` overrides); the cache is
    /// [`default_cache_path`].
    ///
    /// # Errors
    ///
    /// As [`default_cache_path`].
    pub fn configured(
        lookup: impl Fn(&str, &str) -> Option<String>,
        offline: bool,
    ) -> Result<Self> {
        use omg_config::keys::{feed_key, AUDIT, AUDIT_RELEASE};
        let feed = |kind: FeedKind| lookup(AUDIT, feed_key(kind));
        Ok(AuditOptions {
            overrides: FeedOverrides {
                arch: feed(FeedKind::Arch),
                debian: feed(FeedKind::Debian),
                ubuntu: feed(FeedKind::Ubuntu),
                debian_dsa: feed(FeedKind::DebianDsa),
                debian_dla: feed(FeedKind::DebianDla),
                release: lookup(AUDIT, AUDIT_RELEASE),
            },
            offline,
            cache: default_cache_path()?,
        })
    }
}

/// One audit's result: every finding (unfiltered) and where the data came from, and the
/// counts saved for `omg status`.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The findings and their feed: what `omg audit` shows.
    pub outcome: AuditOutcome,
    /// The counts saved for `omg status`.
    pub summary: SecuritySummary,
}

/// Runs the audit over `engine`'s backend and saves its summary in the cache file.
///
/// # Errors
///
/// [`Error::Unsupported`] for a backend without a tracker; [`Error::Config`] when the root's
/// os-release names no release; the feed's errors ([`Error::NoCachedFeed`] offline without a
/// cache, [`Error::Download`] / [`Error::MalformedFeed`] without a usable cached copy);
/// [`Error::Storage`] when the cache is in use by another process.
pub async fn audit(engine: &Engine, options: &AuditOptions) -> Result<Audit> {
    let info = engine.backend_info();
    let (kind, release) = feed_for(&info, options.overrides.release.clone())?;
    let url = options.overrides.url(kind);
    let store = Arc::new(RedbStore::open(&options.cache)?);
    let fetcher = Arc::new(HttpFetcher::new(&HttpConfig::default())?);
    let source = TrackerSource::new(fetcher, Arc::clone(&store) as Arc<dyn Store>);
    let snapshot = source
        .advisories(&FeedRequest {
            kind,
            url: url.clone(),
            release: release.clone(),
            offline: options.offline,
        })
        .await?;
    let backend = engine.backend();
    let installed = backend.installed_sources().await?;
    let upgradable = backend.upgradable().await?;
    let mut findings = match_findings(
        info.version_scheme,
        &installed,
        &snapshot.advisories,
        &upgradable,
    );
    let mut advisory_warnings = Vec::new();
    if let (FeedKind::Debian, Some(release)) = (kind, release.as_deref()) {
        for list in [FeedKind::DebianDsa, FeedKind::DebianDla] {
            let request = FeedRequest {
                kind: list,
                url: options.overrides.url(list),
                release: None,
                offline: options.offline,
            };
            match attach_list(&source, &request, &mut findings, release).await {
                Ok(None) => {}
                Ok(Some(w)) => advisory_warnings.push(w),
                Err(e) => advisory_warnings.push(format!(
                    "{} numbers are missing from the findings: {e}",
                    list_ids(list)
                )),
            }
        }
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let summary = SecuritySummary {
        feed: feed_title(kind, release.as_deref()),
        vulnerable: findings.len(),
        critical: count(Severity::Critical),
        high: count(Severity::High),
        fixable: findings.iter().filter(|f| f.upgrade_fixes).count(),
        fetched_at: snapshot.fetched_at,
        audited_at: now(),
    };
    if let Err(e) = store.save_security(&info, &summary).await {
        tracing::warn!(error = %e, "could not save the audit summary");
    }
    Ok(Audit {
        outcome: AuditOutcome {
            kind,
            url,
            release,
            origin: snapshot.origin,
            fetched_at: snapshot.fetched_at,
            checked_at: snapshot.checked_at,
            warning: snapshot.warning,
            advisory_warnings,
            findings,
        },
        summary,
    })
}

/// Adds the DSA or DLA numbers of `request`'s list to `findings`; a warning when the cached
/// copy was used because the download failed.
async fn attach_list(
    source: &TrackerSource,
    request: &FeedRequest,
    findings: &mut [Finding],
    release: &str,
) -> Result<Option<String>> {
    let snapshot = source.advisories(request).await?;
    if let Advisories::DebianAdvisories(list) = &snapshot.advisories {
        advisory_ids::attach(findings, list, release);
    }
    Ok(snapshot.warning.map(|w| {
        format!(
            "{} numbers come from the cached copy of {}: {w}",
            list_ids(request.kind),
            request.kind.title()
        )
    }))
}

/// `DSA` or `DLA`.
fn list_ids(kind: FeedKind) -> &'static str {
    match kind {
        FeedKind::DebianDla => "DLA",
        _ => "DSA",
    }
}

/// The last audit's summary for `info`'s backend, from the cache file; `None` when there is
/// none, or the file cannot be read now (another process holds it: a refresh is running).
pub async fn last_summary(info: &BackendInfo, cache: &Path) -> Option<SecuritySummary> {
    if !cache.exists() {
        return None;
    }
    // `omg status` reads this on every call: no whole-file check of the feed cache.
    let store = match RedbStore::open_for_reading(cache) {
        Ok(store) => store,
        Err(e) => {
            tracing::debug!(error = %e, "the audit summary is not readable now");
            return None;
        }
    };
    store.load_security(info).await.ok().flatten()
}

/// `the Debian security feed for bookworm`.
pub fn feed_title(kind: FeedKind, release: Option<&str>) -> String {
    match release {
        Some(r) => format!("{} for {r}", kind.title()),
        None => kind.title().to_owned(),
    }
}

/// The feed cache: `$XDG_CACHE_HOME/omg/feeds.redb`, else `~/.cache/omg/feeds.redb`. A file
/// of its own, not omgd's state database, which omgd holds open (redb allows one process).
///
/// # Errors
///
/// [`Error::InvalidRequest`] when neither variable is an absolute path.
pub fn default_cache_path() -> Result<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|h| h.join(".cache")))
        .map(|base| base.join("omg").join("feeds.redb"))
        .ok_or_else(|| {
            Error::InvalidRequest(
                "neither XDG_CACHE_HOME nor HOME is set to an absolute path; the audit needs \
                 one of them for its feed cache"
                    .into(),
            )
        })
}

/// The tracker and release for a backend: Arch for alpm; for apt, Ubuntu (by version) when
/// the root's os-release says Ubuntu or like it, else Debian (by codename). `configured`
/// wins over os-release.
fn feed_for(info: &BackendInfo, configured: Option<String>) -> Result<(FeedKind, Option<String>)> {
    match info.name.as_str() {
        "alpm" => Ok((FeedKind::Arch, None)),
        "apt" => {
            HostRelease::read(&crate::os_release_path(Path::new(&info.root)))?.feed(configured)
        }
        other => Err(Error::Unsupported {
            backend: other.to_owned(),
            operation: "audit".into(),
        }),
    }
}
/// The distribution and release os-release describes.
struct HostRelease {
    path: PathBuf,
    ids: Vec<String>,
    version_id: Option<String>,
    codename: Option<String>,
}

impl HostRelease {
    fn read(path: &Path) -> Result<HostRelease> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let field = |key: &str| {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
                .next_back()
                .filter(|v| !v.is_empty())
        };
        let mut ids: Vec<String> = field("ID").into_iter().collect();
        ids.extend(
            field("ID_LIKE")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned),
        );
        Ok(HostRelease {
            path: path.to_path_buf(),
            ids,
            version_id: field("VERSION_ID"),
            codename: field("VERSION_CODENAME"),
        })
    }

    /// Ubuntu (by version) when the host is Ubuntu or like it, else Debian (by codename);
    /// `configured` ([audit] release) wins over os-release.
    fn feed(&self, configured: Option<String>) -> Result<(FeedKind, Option<String>)> {
        let ubuntu = self.ids.iter().any(|id| id == "ubuntu");
        let (kind, found) = if ubuntu {
            (FeedKind::Ubuntu, self.version_id.clone())
        } else {
            (FeedKind::Debian, self.codename.clone())
        };
        match configured.or(found) {
            Some(release) => Ok((kind, Some(release))),
            None => Err(Error::Config {
                path: self.path.clone(),
                reason: format!(
                    "it names no release ({} for {}); set [audit] release in config.toml \
                     (or OMG_AUDIT_RELEASE)",
                    if ubuntu {
                        "VERSION_ID"
                    } else {
                        "VERSION_CODENAME"
                    },
                    kind.title()
                ),
            }),
        }
    }
}

/// Seconds since the Unix epoch.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
