//! `omg audit`'s part that direct mode and the daemon path share: the report rendered from
//! an [`AuditOutcome`] with its warnings and exit code.

use omg_domain::audit::select;
use omg_ports::AuditOutcome;

use crate::args::AuditArgs;
use crate::exit;
use crate::render::{self, AuditReport, FeedReport, Output};
use crate::Answer;

/// What `omg audit` prints for `outcome` (the findings `args` selects), its warnings on
/// stderr, and its exit code: [`exit::VULNERABLE`] when findings are shown, else
/// [`exit::OK`].
pub fn answer(out: &Output, args: &AuditArgs, outcome: AuditOutcome) -> Answer {
    let shown = select(
        outcome.findings,
        args.severity.map(|s| s.severity()),
        args.upgradable,
    );
    let report = AuditReport::new(
        FeedReport {
            kind: outcome.kind,
            url: outcome.url,
            release: outcome.release,
            origin: outcome.origin,
            fetched_at: outcome.fetched_at,
            checked_at: outcome.checked_at,
            age_secs: render::now_secs() - outcome.checked_at,
        },
        shown,
    );
    let mut stderr = outcome
        .warning
        .map(|w| {
            format!(
                "omg: warning: {w}\nomg: warning: using the cached copy of {}, {} old\n",
                outcome.kind.title(),
                render::age(report.feed.age_secs)
            )
        })
        .unwrap_or_default();
    for w in &outcome.advisory_warnings {
        stderr.push_str(&format!("omg: warning: {w}\n"));
    }
    Answer {
        code: if report.findings.is_empty() {
            exit::OK
        } else {
            exit::VULNERABLE
        },
        stdout: render::audit(out, &report),
        stderr,
    }
}
