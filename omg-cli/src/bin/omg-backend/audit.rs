//! `omg audit` in direct mode: the host's feed (chosen from the backend and os-release),
//! fetched through the remote adapter and cached in `$XDG_CACHE_HOME/omg/feeds.redb`,
//! matched against the installed packages by the domain.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use omg::domain::audit::{audit, select};
use omg_adapters_remote::{HttpConfig, HttpFetcher, TrackerSource};
use omg_adapters_store::RedbStore;
use omg_cli::args::AuditArgs;
use omg_cli::config::Config;
use omg_cli::exit;
use omg_cli::render::{self, AuditReport, FeedReport, Output};
use omg_ports::{AdvisorySource, Error, FeedKind, FeedRequest, Result};

/// The report's text, the exit code, and a warning for stderr (the cached feed was used).
pub struct Outcome {
    /// For stdout.
    pub stdout: String,
    /// [`exit::VULNERABLE`] when findings are shown, else [`exit::OK`].
    pub code: u8,
    /// For stderr.
    pub warning: Option<String>,
}

/// Run the audit over `engine`'s backend.
pub async fn run(engine: &omg::Engine, args: &AuditArgs, out: &Output) -> Result<Outcome> {
    let config = Config::load()?;
    let info = engine.backend_info();
    let (kind, release) = match info.name.as_str() {
        "alpm" => (FeedKind::Arch, None),
        "apt" => {
            let host = HostRelease::read(&Path::new(&info.root).join("etc/os-release"))?;
            host.feed(config.string("audit", "release"))?
        }
        other => {
            return Err(Error::Unsupported {
                backend: other.to_owned(),
                operation: "audit".into(),
            })
        }
    };
    let url = config
        .string("audit", &format!("{}_feed", kind.name()))
        .unwrap_or_else(|| kind.default_url().to_owned());
    let store = Arc::new(RedbStore::open(&cache_path()?)?);
    let fetcher = Arc::new(HttpFetcher::new(&HttpConfig::default())?);
    let source = TrackerSource::new(fetcher, store);
    let snapshot = source
        .advisories(&FeedRequest {
            kind,
            url: url.clone(),
            release: release.clone(),
            offline: args.offline,
        })
        .await?;
    let backend = engine.backend();
    let installed = backend.installed_sources().await?;
    let upgradable = backend.upgradable().await?;
    let findings = audit(
        info.version_scheme,
        &installed,
        &snapshot.advisories,
        &upgradable,
    );
    let shown = select(
        findings,
        args.severity.map(|s| s.severity()),
        args.upgradable,
    );
    let report = AuditReport::new(
        FeedReport {
            kind,
            url,
            release,
            origin: snapshot.origin,
            fetched_at: snapshot.fetched_at,
            checked_at: snapshot.checked_at,
            age_secs: now() - snapshot.checked_at,
        },
        shown,
    );
    let warning = snapshot.warning.map(|w| {
        format!(
            "omg: warning: {w}\nomg: warning: using the cached copy of {}, {} old\n",
            kind.title(),
            render::age(report.feed.age_secs)
        )
    });
    Ok(Outcome {
        code: if report.findings.is_empty() {
            exit::OK
        } else {
            exit::VULNERABLE
        },
        stdout: render::audit(out, &report),
        warning,
    })
}

/// The feed cache: `$XDG_CACHE_HOME/omg/feeds.redb`, else `~/.cache/omg/feeds.redb`. A file
/// of its own, not omgd's state database, which omgd holds open (redb allows one process).
fn cache_path() -> Result<PathBuf> {
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
                "neither XDG_CACHE_HOME nor HOME is set to an absolute path; omg audit needs \
                 one of them for its feed cache"
                    .into(),
            )
        })
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
