//! `omg audit`: the vulnerable packages, a summary line, and where the data came from.

use omg_ports::{FeedKind, FeedOrigin, Finding, Severity};
use serde::Serialize;

use super::escape::escape;
use super::table::{Cell, Fit, Layout, Piped, Table};
use super::{json, Output, Style};

/// Where the findings' data came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedReport {
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
    /// Seconds since `checked_at`.
    pub age_secs: i64,
}

/// Counts over the findings shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditSummary {
    /// Vulnerable packages shown.
    pub vulnerable: usize,
    /// Of which critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Not rated.
    pub unknown: usize,
    /// Packages a pending upgrade (`omg update`) fixes.
    pub fixed_by_update: usize,
    /// Packages with no fix available yet.
    pub no_fix_yet: usize,
}

/// What `omg audit` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The feed.
    pub feed: FeedReport,
    /// The vulnerable packages shown, highest severity first.
    pub findings: Vec<Finding>,
    /// Counts.
    pub summary: AuditSummary,
}

impl AuditReport {
    /// A report of `findings` from `feed`, with its summary.
    pub fn new(feed: FeedReport, findings: Vec<Finding>) -> Self {
        let mut s = AuditSummary {
            vulnerable: findings.len(),
            ..AuditSummary::default()
        };
        for f in &findings {
            match f.severity {
                Severity::Critical => s.critical += 1,
                Severity::High => s.high += 1,
                Severity::Medium => s.medium += 1,
                Severity::Low => s.low += 1,
                Severity::Unknown => s.unknown += 1,
            }
            if f.upgrade_fixes {
                s.fixed_by_update += 1;
            } else {
                s.no_fix_yet += 1;
            }
        }
        AuditReport {
            feed,
            findings,
            summary: s,
        }
    }
}

/// The command that fixes `f`, or why there is none: a fix the tracker knows of that no
/// pending upgrade brings says so ("fixed in 1.2-1, not yet in your repositories").
pub fn fix_text(f: &Finding) -> String {
    match (f.upgrade_fixes, f.unfixed.len(), &f.fixed) {
        (true, 0, _) => "omg update".into(),
        (true, n, _) => format!("omg update (no fix yet for {n} of them)"),
        (false, _, Some(fixed)) => format!("fixed in {fixed}, not yet in your repositories"),
        (false, _, None) => "no fix available yet".into(),
    }
}

/// The report as a table, a summary line and a line about the feed; JSON with `--json`.
pub fn audit(out: &Output, report: &AuditReport) -> String {
    if out.json {
        return json(report);
    }
    if out.quiet {
        return report
            .findings
            .iter()
            .map(|f| format!("{}\n", escape(&f.package)))
            .collect();
    }
    let mut text = String::new();
    if !report.findings.is_empty() {
        let table = Table {
            header: vec!["PACKAGE", "INSTALLED", "FIXED", "SEVERITY", "FIX", "IDS"],
            rows: report
                .findings
                .iter()
                .map(|f| {
                    let fixed = f.fixed.as_deref().unwrap_or("none yet");
                    let severity = f.severity.as_str();
                    let style = match f.severity {
                        Severity::Critical | Severity::High => Style::Bold,
                        Severity::Medium => Style::Yellow,
                        _ => Style::Dim,
                    };
                    vec![
                        Cell::styled(out, Style::Bold, f.package.as_str()),
                        Cell::plain(&f.installed),
                        Cell::plain(fixed),
                        Cell::styled(out, style, severity),
                        Cell::plain(fix_text(f)),
                        Cell::plain(f.ids.join(" ")),
                    ]
                })
                .collect(),
        };
        // The fix and the ids wrap under their columns; a pipe gets tab-separated fields.
        let layout = Layout {
            last: Fit::Wrap,
            piped: Piped::Tabs,
            wrapped: &[4],
        };
        text.push_str(&table.render_with(out.width, layout, |h| out.paint(Style::Dim, h)));
    }
    text.push_str(&summary_line(report));
    text.push_str(&feed_line(&report.feed));
    text
}

/// The counts in words; the findings without a fix by `omg update` are split into those
/// fixed upstream (not yet in the repositories) and those without any fix.
fn summary_line(report: &AuditReport) -> String {
    let s = &report.summary;
    if s.vulnerable == 0 {
        return "no known vulnerabilities in the installed packages\n".into();
    }
    let counts: Vec<String> = [
        (s.critical, "critical"),
        (s.high, "high"),
        (s.medium, "medium"),
        (s.low, "low"),
        (s.unknown, "unrated"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, name)| format!("{n} {name}"))
    .collect();
    let packages = if s.vulnerable == 1 {
        "package"
    } else {
        "packages"
    };
    let upstream = report
        .findings
        .iter()
        .filter(|f| !f.upgrade_fixes && f.fixed.is_some())
        .count();
    let upstream_text = if upstream > 0 {
        format!(", {upstream} fixed upstream but not yet in your repositories")
    } else {
        String::new()
    };
    format!(
        "{} vulnerable {packages} ({}): {} fixed by `omg update`{upstream_text}, {} without a \
         fix yet\n",
        s.vulnerable,
        counts.join(", "),
        s.fixed_by_update,
        s.no_fix_yet.saturating_sub(upstream)
    )
}

fn feed_line(f: &FeedReport) -> String {
    let release = f
        .release
        .as_deref()
        .map(|r| format!(" for {r}"))
        .unwrap_or_default();
    let when = match f.origin {
        FeedOrigin::Downloaded => "downloaded now".to_owned(),
        FeedOrigin::NotModified => "unchanged since the last download".to_owned(),
        FeedOrigin::Cache => format!("cached copy, {} old", age(f.age_secs)),
    };
    format!(
        "data: {}{} ({}), {when}\n",
        f.kind.title(),
        escape(&release),
        escape(&f.url)
    )
}

/// Seconds since the Unix epoch, now (0 if the clock is before it).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `42 s`, `5 min`, `3 h`, `2 d`.
pub fn age(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86400 => format!("{} h", secs / 3600),
        _ => format!("{} d", secs / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(fixed: Option<&str>, unfixed: &[&str], upgrade_fixes: bool) -> Finding {
        Finding {
            package: "foo".into(),
            installed: "1.0-1".into(),
            source: None,
            compared_version: "1.0-1".into(),
            fixed: fixed.map(Into::into),
            severity: Severity::High,
            ids: vec!["CVE-1".into(), "CVE-2".into()],
            unfixed: unfixed.iter().map(|s| s.to_string()).collect(),
            candidate: None,
            upgrade_fixes,
        }
    }

    #[test]
    fn fix_texts() {
        assert_eq!(fix_text(&finding(Some("1.2-1"), &[], true)), "omg update");
        assert_eq!(
            fix_text(&finding(Some("1.2-1"), &["CVE-2"], true)),
            "omg update (no fix yet for 1 of them)"
        );
        // Fixed upstream, but no pending upgrade reaches it.
        assert_eq!(
            fix_text(&finding(Some("1.2-1"), &[], false)),
            "fixed in 1.2-1, not yet in your repositories"
        );
        assert_eq!(
            fix_text(&finding(None, &["CVE-1"], false)),
            "no fix available yet"
        );
    }

    #[test]
    fn ages() {
        assert_eq!(age(-3), "0 s");
        assert_eq!(age(59), "59 s");
        assert_eq!(age(60 * 5), "5 min");
        assert_eq!(age(3600 * 3 + 5), "3 h");
        assert_eq!(age(86400 * 2), "2 d");
    }
}
