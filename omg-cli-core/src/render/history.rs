//! `omg history` and `omg history show`.

use omg_ports::{HistoryEntry, HistoryResult, InstallReason};

use super::escape::escape;
use super::plan::kind_word;
use super::table::{Cell, Fit, Layout, Piped, Table};
use super::{json, Output, Style};

/// One row per transaction: when, what, how it ended, and the packages it changed (wrapped
/// on a terminal; tab-separated fields in a pipe).
pub fn history(out: &Output, entries: &[HistoryEntry]) -> String {
    if out.json {
        return json(&entries);
    }
    if entries.is_empty() {
        return "no transactions recorded yet\n".into();
    }
    let rows = entries
        .iter()
        .map(|e| {
            let when = jiff::Timestamp::from_second(e.started_at)
                .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let (result, style) = match &e.result {
                HistoryResult::Success => ("ok".to_string(), Style::Green),
                HistoryResult::Failed(why) => (format!("failed: {why}"), Style::Yellow),
            };
            let changes: Vec<String> = e
                .actions
                .iter()
                .map(|a| format!("{} {}", kind_word(a.kind), a.name))
                .chain(e.reasons.iter().map(|r| {
                    format!(
                        "{} {} -> {}",
                        r.name,
                        reason_word(r.from),
                        reason_word(r.to)
                    )
                }))
                .collect();
            vec![
                Cell::plain(e.id.to_string()),
                Cell::plain(when),
                Cell::plain(&e.verb),
                Cell::styled(out, style, result),
                Cell::plain(changes.join(", ")),
            ]
        })
        .collect();
    Table {
        header: vec!["ID", "DATE", "COMMAND", "RESULT", "CHANGES"],
        rows,
    }
    .render_with(
        out.width,
        Layout {
            last: Fit::Wrap,
            piped: Piped::Tabs,
            wrapped: &[],
        },
        |h| out.paint(Style::Bold, h),
    )
}

/// One entry in full (`omg history show`): who ran what when and how it ended, then one row
/// per package with its old and new version, then the install reasons it changed.
pub fn history_entry(out: &Output, e: &HistoryEntry) -> String {
    if out.json {
        return json(e);
    }
    let when = jiff::Timestamp::from_second(e.started_at)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default();
    let result = match &e.result {
        HistoryResult::Success => out.paint(Style::Green, "ok"),
        HistoryResult::Failed(why) => out.paint(Style::Yellow, &format!("failed: {}", escape(why))),
    };
    let field = |name: &str, value: &str| format!("{} {value}\n", out.paint(Style::Bold, name));
    let mut text = String::new();
    text.push_str(&field("Transaction:", &e.id.to_string()));
    text.push_str(&field("Command:    ", &escape(&e.command)));
    text.push_str(&field(
        "User:       ",
        &escape(e.user.as_deref().unwrap_or("unknown")),
    ));
    text.push_str(&field("Date:       ", &when));
    text.push_str(&field(
        "Duration:   ",
        &format!("{:.1} s", e.duration_ms as f64 / 1000.0),
    ));
    text.push_str(&field("Result:     ", &result));
    if !e.actions.is_empty() {
        let rows = e
            .actions
            .iter()
            .map(|a| {
                vec![
                    Cell::plain(kind_word(a.kind)),
                    Cell::styled(out, Style::Bold, a.name.as_str()),
                    Cell::plain(a.old_version.as_deref().unwrap_or("")),
                    Cell::plain(a.new_version.as_deref().unwrap_or("")),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(
            &Table {
                header: vec!["ACTION", "NAME", "OLD", "NEW"],
                rows,
            }
            .render(out.width, |h| out.paint(Style::Bold, h)),
        );
    }
    if !e.reasons.is_empty() {
        let rows = e
            .reasons
            .iter()
            .map(|r| {
                vec![
                    Cell::styled(out, Style::Bold, r.name.as_str()),
                    Cell::plain(reason_word(r.from)),
                    Cell::plain(reason_word(r.to)),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(
            &Table {
                header: vec!["NAME", "OLD REASON", "NEW REASON"],
                rows,
            }
            .render(out.width, |h| out.paint(Style::Bold, h)),
        );
    }
    text
}

/// An install reason as the JSON spells it.
fn reason_word(reason: InstallReason) -> &'static str {
    match reason {
        InstallReason::Explicit => "explicit",
        InstallReason::Dependency => "dependency",
    }
}

#[cfg(test)]
mod tests {
    use omg_ports::{ActionKind, PlannedAction, ReasonChange};

    use super::*;

    fn entry() -> HistoryEntry {
        HistoryEntry {
            id: 4,
            started_at: 1_700_000_000,
            duration_ms: 2500,
            command: "omg install \u{1b}[2Jevil".into(),
            verb: "install".into(),
            user: Some("alice".into()),
            actions: vec![PlannedAction {
                kind: ActionKind::Upgrade,
                name: "app".into(),
                old_version: Some("1.0-1".into()),
                new_version: Some("1.1-1".into()),
                repository: None,
                download_size: 0,
                installed_size: 0,
                reason: None,
            }],
            reasons: vec![ReasonChange {
                name: "lib".into(),
                from: InstallReason::Explicit,
                to: InstallReason::Dependency,
            }],
            result: HistoryResult::Failed("interrupted".into()),
        }
    }

    #[test]
    fn one_entry_in_full_with_outside_text_escaped() {
        let out = Output::default();
        let text = history_entry(&out, &entry());
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(
            text.contains("Command:     omg install \\e[2Jevil"),
            "{text}"
        );
        assert!(text.contains("User:        alice"), "{text}");
        assert!(
            text.contains("Date:        2023-11-14 22:13:20 UTC"),
            "{text}"
        );
        assert!(text.contains("Duration:    2.5 s"), "{text}");
        assert!(text.contains("Result:      failed: interrupted"), "{text}");
        assert!(text.contains("upgrade  app   1.0-1  1.1-1"), "{text}");
        assert!(text.contains("lib   explicit    dependency"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&history_entry(&Output { json: true, ..out }, &entry())).unwrap();
        assert_eq!(json["id"], 4);
        assert_eq!(json["actions"][0]["old_version"], "1.0-1");
    }
}
