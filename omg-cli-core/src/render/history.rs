//! `omg history`.

use omg_ports::{HistoryEntry, HistoryResult, InstallReason};

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

/// An install reason as the JSON spells it.
fn reason_word(reason: InstallReason) -> &'static str {
    match reason {
        InstallReason::Explicit => "explicit",
        InstallReason::Dependency => "dependency",
    }
}
