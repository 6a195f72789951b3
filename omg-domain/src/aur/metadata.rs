//! Warnings from the package's AUR record and the people omg saw behind it before.

use omg_ports::{AurPackage, ReviewSeverity};

use super::{Finding, SeenPeople};

/// How recent a first submission makes a package young.
pub const YOUNG_SECONDS: i64 = 14 * 24 * 60 * 60;

/// Fewer votes than this are worth a note.
pub const FEW_VOTES: u32 = 5;

/// `YYYY-MM-DD` (UTC) of unix seconds.
pub(crate) fn date(unix: i64) -> String {
    omg_ports::utc_date(unix)
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

/// `first`, then each of `rest` that differs from the one before: who followed whom.
fn chain<'a>(
    first: Option<&'a str>,
    rest: impl Iterator<Item = Option<&'a str>>,
) -> Vec<Option<&'a str>> {
    let mut out = vec![first];
    for p in rest {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

fn shown(chain: &[Option<&str>]) -> String {
    chain
        .iter()
        .map(|m| m.unwrap_or("(orphan)"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The record's warnings at `now` (unix seconds), given who omg saw when the user last
/// reviewed the package (`None` when omg never did), who omgd saw at the dump's refreshes
/// since (`between`, oldest first) and when the maintainer's oldest AUR package was first
/// submitted (`None`: not known).
pub(crate) fn check(
    record: &AurPackage,
    seen: Option<&SeenPeople>,
    between: &[SeenPeople],
    maintainer_since: Option<i64>,
    now: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let current = record.maintainer.as_deref();
    if let Some(seen) = seen {
        let before = seen.maintainer.as_deref();
        let maintainers = chain(
            before,
            between
                .iter()
                .map(|p| p.maintainer.as_deref())
                .chain(std::iter::once(current)),
        );
        // Adopted after being orphaned, at any point since the review, by someone else
        // than the maintainer the user accepted: the pattern of the AUR's takeovers.
        let adopted = maintainers
            .windows(2)
            .find(|w| w[0].is_none() && w[1].is_some() && w[1] != before)
            .and_then(|w| w[1]);
        let times = maintainers.len() - 1;
        if let Some(m) = adopted {
            out.push(finding(
                ReviewSeverity::High,
                "adopted-orphan",
                format!(
                    "adopted by {m} after being orphaned since the last review: read every \
                     change"
                ),
                format!("Maintainer: {}", shown(&maintainers)),
            ));
        } else if times > 1 || (times == 1 && current.is_some()) {
            let message = match (times, before, current) {
                (1, Some(b), Some(m)) => {
                    format!("the maintainer changed from {b} to {m} since the last review")
                }
                _ => format!(
                    "the maintainer changed {times} times since the last review: {}",
                    shown(&maintainers)
                ),
            };
            out.push(finding(
                ReviewSeverity::Medium,
                "maintainer-changed",
                message,
                format!("Maintainer: {}", shown(&maintainers)),
            ));
        }
        let mut added: Vec<&str> = Vec::new();
        for c in between
            .iter()
            .flat_map(|p| &p.co_maintainers)
            .chain(&record.co_maintainers)
        {
            if !seen.co_maintainers.contains(c) && !added.contains(&c.as_str()) {
                added.push(c);
            }
        }
        if !added.is_empty() {
            let list = added
                .iter()
                .map(|c| {
                    if record.co_maintainers.iter().any(|r| r == c) {
                        (*c).to_owned()
                    } else {
                        format!("{c} (since removed)")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            out.push(finding(
                ReviewSeverity::Medium,
                "co-maintainer-added",
                format!("new co-maintainers since the last review: {list}"),
                format!("CoMaintainers: {}", record.co_maintainers.join(", ")),
            ));
        }
        if let Some(first) = seen.submitter.as_deref() {
            // A record that does not say (`None`) keeps the submitter known before.
            let submitters = chain(
                Some(first),
                between
                    .iter()
                    .map(|p| p.submitter.as_deref())
                    .chain(std::iter::once(record.submitter.as_deref()))
                    .flatten()
                    .map(Some),
            );
            if submitters.len() > 1 {
                let message = match submitters.as_slice() {
                    [Some(b), Some(n)] => format!(
                        "the submitter changed from {b} to {n}: the package was deleted and \
                         submitted again"
                    ),
                    _ => format!(
                        "the submitter changed since the last review ({}): the package was \
                         deleted and submitted again",
                        shown(&submitters)
                    ),
                };
                out.push(finding(
                    ReviewSeverity::Medium,
                    "submitter-changed",
                    message,
                    format!("Submitter: {}", shown(&submitters)),
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
        assert!(check(&record(), Some(&seen), &[], None, NOW).is_empty());
        assert!(check(&record(), None, &[], None, NOW).is_empty());
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
            codes(&check(&r, Some(&seen), &[], None, NOW)),
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
        let found = check(&r, Some(&seen), &[], None, NOW);
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
            codes(&check(&r, None, &[], None, NOW)),
            [("orphaned", ReviewSeverity::Low)]
        );
    }

    #[test]
    fn a_maintainer_whose_every_package_is_young_is_likely_a_new_account() {
        let r = record();
        let young = NOW - 2 * 86_400;
        let found = check(&r, None, &[], Some(young), NOW);
        assert_eq!(codes(&found), [("new-maintainer", ReviewSeverity::Medium)]);
        assert!(found[0].message.contains("alice"), "{}", found[0].message);
        assert!(
            found[0].message.contains("2026-11-30"),
            "{}",
            found[0].message
        );
        // An account with an older package, an unknown one, or an orphan: nothing.
        assert!(check(&r, None, &[], Some(NOW - 15 * 86_400), NOW).is_empty());
        assert!(check(&r, None, &[], None, NOW).is_empty());
        let mut orphan = record();
        orphan.maintainer = None;
        assert_eq!(
            codes(&check(&orphan, None, &[], Some(young), NOW)),
            [("orphaned", ReviewSeverity::Low)]
        );
    }

    fn people(m: Option<&str>, submitter: &str, co: &[&str]) -> SeenPeople {
        SeenPeople {
            maintainer: m.map(str::to_owned),
            submitter: Some(submitter.to_owned()),
            co_maintainers: co.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn a_takeover_handed_back_before_the_review_still_shows() {
        let seen = people(Some("alice"), "alice", &[]);
        let between = [
            people(Some("mallory"), "alice", &["mallory2"]),
            people(Some("alice"), "alice", &[]),
        ];
        let found = check(&record(), Some(&seen), &between, None, NOW);
        assert_eq!(
            codes(&found),
            [
                ("maintainer-changed", ReviewSeverity::Medium),
                ("co-maintainer-added", ReviewSeverity::Medium)
            ]
        );
        assert!(
            found[0].message.contains("2 times")
                && found[0].message.contains("alice -> mallory -> alice"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("mallory2 (since removed)"),
            "{}",
            found[1].message
        );
        // The same endpoints without the history: nothing to say.
        assert!(check(&record(), Some(&seen), &[], None, NOW).is_empty());
        // Observations that repeat the reviewed people change nothing.
        let same = [seen.clone(), seen.clone()];
        assert!(check(&record(), Some(&seen), &same, None, NOW).is_empty());
    }

    #[test]
    fn orphaned_and_adopted_in_between_is_high() {
        let seen = people(Some("alice"), "alice", &[]);
        let mut r = record();
        r.maintainer = Some("fresh".into());
        let between = [people(None, "alice", &[])];
        let found = check(&r, Some(&seen), &between, None, NOW);
        assert_eq!(codes(&found), [("adopted-orphan", ReviewSeverity::High)]);
        assert_eq!(
            found[0].evidence.as_deref(),
            Some("Maintainer: alice -> (orphan) -> fresh")
        );
        // Orphaned since, and still: the orphan note only.
        let mut orphan = record();
        orphan.maintainer = None;
        assert_eq!(
            codes(&check(&orphan, Some(&seen), &between, None, NOW)),
            [("orphaned", ReviewSeverity::Low)]
        );
        // Orphaned and taken back by the reviewed maintainer: a change, not a takeover.
        assert_eq!(
            codes(&check(&record(), Some(&seen), &between, None, NOW)),
            [("maintainer-changed", ReviewSeverity::Medium)]
        );
    }

    #[test]
    fn a_resubmission_in_between_shows() {
        let seen = people(Some("alice"), "alice", &[]);
        let between = [people(Some("alice"), "eve", &[])];
        let found = check(&record(), Some(&seen), &between, None, NOW);
        assert_eq!(
            codes(&found),
            [("submitter-changed", ReviewSeverity::Medium)]
        );
        assert_eq!(
            found[0].evidence.as_deref(),
            Some("Submitter: alice -> eve -> alice")
        );
    }
}
