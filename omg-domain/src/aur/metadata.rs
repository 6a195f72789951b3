//! Warnings from the package's AUR record and the people omg saw behind it before.

use omg_ports::{AurPackage, ReviewSeverity};

use super::{Finding, SeenPeople};

/// How recent a first submission makes a package young.
pub const YOUNG_SECONDS: i64 = 14 * 24 * 60 * 60;

/// Fewer votes than this are worth a note.
pub const FEW_VOTES: u32 = 5;

/// `YYYY-MM-DD` (UTC) of unix seconds.
pub(crate) fn date(unix: i64) -> String {
    // Days to civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
    let days = unix.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn finding(
    severity: ReviewSeverity,
    code: &'static str,
    message: String,
    evidence: String,
) -> Finding {
    Finding {
        severity,
        code,
        message,
        line: 0,
        end_line: 0,
        evidence: Some(evidence),
    }
}

/// The record's warnings at `now` (unix seconds), given who omg saw last time (`None`
/// when omg never reviewed or installed this package) and when the maintainer's oldest
/// AUR package was first submitted (`None`: not known).
pub(crate) fn check(
    record: &AurPackage,
    seen: Option<&SeenPeople>,
    maintainer_since: Option<i64>,
    now: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let current = record.maintainer.as_deref();
    if let Some(seen) = seen {
        match (seen.maintainer.as_deref(), current) {
            (None, Some(m)) => out.push(finding(
                ReviewSeverity::High,
                "adopted-orphan",
                format!(
                    "adopted by {m} after being orphaned when omg last saw it: read every change"
                ),
                format!("Maintainer: (orphan) -> {m}"),
            )),
            (Some(before), Some(m)) if before != m => out.push(finding(
                ReviewSeverity::Medium,
                "maintainer-changed",
                format!("the maintainer changed from {before} to {m} since the last review"),
                format!("Maintainer: {before} -> {m}"),
            )),
            _ => {}
        }
        let added: Vec<&str> = record
            .co_maintainers
            .iter()
            .filter(|c| !seen.co_maintainers.contains(c))
            .map(String::as_str)
            .collect();
        if !added.is_empty() {
            let list = added.join(", ");
            out.push(finding(
                ReviewSeverity::Medium,
                "co-maintainer-added",
                format!("new co-maintainers since the last review: {list}"),
                format!("CoMaintainers: {}", record.co_maintainers.join(", ")),
            ));
        }
        if let (Some(before), Some(now_submitter)) =
            (seen.submitter.as_deref(), record.submitter.as_deref())
        {
            if before != now_submitter {
                out.push(finding(
                    ReviewSeverity::Medium,
                    "submitter-changed",
                    format!("the submitter changed from {before} to {now_submitter}: the package was deleted and submitted again"),
                    format!("Submitter: {before} -> {now_submitter}"),
                ));
            }
        }
    }
    if current.is_none() {
        out.push(finding(
            ReviewSeverity::Low,
            "orphaned",
            "orphaned: nobody maintains it".to_owned(),
            "Maintainer: (orphan)".to_owned(),
        ));
    }
    if record.first_submitted > 0 && now.saturating_sub(record.first_submitted) < YOUNG_SECONDS {
        let when = date(record.first_submitted);
        out.push(finding(
            ReviewSeverity::Medium,
            "young-package",
            format!("first submitted on {when}, less than 14 days ago"),
            format!("FirstSubmitted: {when}"),
        ));
    }
    // The AUR does not say when an account was made; the oldest first submission of the
    // account's packages bounds it from below.
    if let (Some(m), Some(since)) = (current, maintainer_since) {
        if since > 0 && now.saturating_sub(since) < YOUNG_SECONDS {
            let when = date(since);
            out.push(finding(
                ReviewSeverity::Medium,
                "new-maintainer",
                format!(
                    "every AUR package of {m} was first submitted on {when} or later, less \
                     than 14 days ago: likely a new account"
                ),
                format!("Maintainer: {m}, oldest package submitted {when}"),
            ));
        }
    }
    if record.num_votes < FEW_VOTES {
        out.push(finding(
            ReviewSeverity::Low,
            "few-votes",
            match record.num_votes {
                1 => "only 1 vote".to_string(),
                n => format!("only {n} votes"),
            },
            format!("NumVotes: {}", record.num_votes),
        ));
    }
    if let Some(flagged) = record.out_of_date {
        let when = date(flagged);
        out.push(finding(
            ReviewSeverity::Low,
            "out-of-date",
            format!("flagged out of date on {when}"),
            format!("OutOfDate: {when}"),
        ));
    }
    if let Some(n) = record.pending_requests.filter(|n| *n > 0) {
        out.push(finding(
            ReviewSeverity::Medium,
            "pending-requests",
            format!("{n} pending deletion, orphan or merge requests"),
            format!("PendingRequests: {n}"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_212_800; // 2026-12-02

    fn record() -> AurPackage {
        AurPackage {
            name: "tool".into(),
            package_base: "tool".into(),
            maintainer: Some("alice".into()),
            submitter: Some("alice".into()),
            num_votes: 120,
            first_submitted: NOW - 400 * 86_400,
            ..AurPackage::default()
        }
    }

    fn codes(found: &[Finding]) -> Vec<(&str, ReviewSeverity)> {
        found.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(NOW), "2026-12-02");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
    }

    #[test]
    fn a_well_kept_package_is_quiet() {
        let seen = SeenPeople {
            maintainer: Some("alice".into()),
            submitter: Some("alice".into()),
            co_maintainers: vec![],
        };
        assert!(check(&record(), Some(&seen), None, NOW).is_empty());
        assert!(check(&record(), None, None, NOW).is_empty());
    }

    #[test]
    fn the_june_2026_adoption() {
        let seen = SeenPeople {
            maintainer: None,
            submitter: Some("alice".into()),
            co_maintainers: vec![],
        };
        let mut r = record();
        r.maintainer = Some("fresh-account".into());
        r.co_maintainers = vec!["helper".into()];
        assert_eq!(
            codes(&check(&r, Some(&seen), None, NOW)),
            [
                ("adopted-orphan", ReviewSeverity::High),
                ("co-maintainer-added", ReviewSeverity::Medium)
            ]
        );
    }

    #[test]
    fn maintainer_change_and_state() {
        let seen = SeenPeople {
            maintainer: Some("alice".into()),
            submitter: Some("alice".into()),
            co_maintainers: vec![],
        };
        let mut r = record();
        r.maintainer = Some("bob".into());
        r.num_votes = 2;
        r.out_of_date = Some(NOW - 10 * 86_400);
        r.pending_requests = Some(1);
        r.first_submitted = NOW - 3 * 86_400;
        let found = check(&r, Some(&seen), None, NOW);
        assert_eq!(
            codes(&found),
            [
                ("maintainer-changed", ReviewSeverity::Medium),
                ("young-package", ReviewSeverity::Medium),
                ("few-votes", ReviewSeverity::Low),
                ("out-of-date", ReviewSeverity::Low),
                ("pending-requests", ReviewSeverity::Medium)
            ]
        );
        assert!(found[1].message.contains("2026-11-29"));
        assert!(found[3].message.contains("2026-11-22"));
    }

    #[test]
    fn orphaned_now() {
        let mut r = record();
        r.maintainer = None;
        assert_eq!(
            codes(&check(&r, None, None, NOW)),
            [("orphaned", ReviewSeverity::Low)]
        );
    }

    #[test]
    fn a_maintainer_whose_every_package_is_young_is_likely_a_new_account() {
        let r = record();
        let young = NOW - 2 * 86_400;
        let found = check(&r, None, Some(young), NOW);
        assert_eq!(codes(&found), [("new-maintainer", ReviewSeverity::Medium)]);
        assert!(found[0].message.contains("alice"), "{}", found[0].message);
        assert!(
            found[0].message.contains("2026-11-30"),
            "{}",
            found[0].message
        );
        // An account with an older package, an unknown one, or an orphan: nothing.
        assert!(check(&r, None, Some(NOW - 15 * 86_400), NOW).is_empty());
        assert!(check(&r, None, None, NOW).is_empty());
        let mut orphan = record();
        orphan.maintainer = None;
        assert_eq!(
            codes(&check(&orphan, None, Some(young), NOW)),
            [("orphaned", ReviewSeverity::Low)]
        );
    }
}
