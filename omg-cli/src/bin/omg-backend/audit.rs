//! `omg audit` in direct mode: the host's feed (chosen from the backend and os-release),
//! fetched through the remote adapter and cached in `$XDG_CACHE_HOME/omg/feeds.redb`,
//! matched against the installed packages by the domain.

use omg::domain::audit::select;
use omg_cli::args::AuditArgs;
use omg_cli::exit;
use omg_cli::render::{self, AuditReport, FeedReport, Output};
use omg_ports::Result;

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
    let config = omg_cli::config::Config::load()?;
    let options = omg::audit::AuditOptions::configured(|s, k| config.string(s, k), args.offline)?;
    let audit = omg::audit::audit(engine, &options).await?;
    let shown = select(
        audit.findings,
        args.severity.map(|s| s.severity()),
        args.upgradable,
    );
    let report = AuditReport::new(
        FeedReport {
            kind: audit.kind,
            url: audit.url,
            release: audit.release,
            origin: audit.origin,
            fetched_at: audit.fetched_at,
            checked_at: audit.checked_at,
            age_secs: render::now_secs() - audit.checked_at,
        },
        shown,
    );
    let mut warning = audit.warning.map(|w| {
        format!(
            "omg: warning: {w}\nomg: warning: using the cached copy of {}, {} old\n",
            audit.kind.title(),
            render::age(report.feed.age_secs)
        )
    });
    for w in &audit.advisory_warnings {
        warning
            .get_or_insert_with(String::new)
            .push_str(&format!("omg: warning: {w}\n"));
    }
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
