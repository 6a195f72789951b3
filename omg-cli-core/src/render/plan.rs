//! Transaction plans and their outcomes.

use omg_ports::{ActionKind, Plan, PlannedAction, TransactionOutcome};
use serde_json::json;

use super::table::{Cell, Table};
use super::{human_size, json, Output, Style};

/// The plan of `verb` (`install`, ...): one row per package, then the totals and warnings.
pub fn plan(out: &Output, verb: &str, plan: &Plan) -> String {
    if out.json {
        return json(&json!({ "verb": verb, "plan": plan }));
    }
    if plan.is_empty() {
        // What a dry-run refresh would fetch, what an install left alone ("already the
        // newest version"): notes, then the verdict.
        let mut text: String = plan.warnings.iter().map(|w| format!("{w}\n")).collect();
        if verb != "refresh" {
            text.push_str("nothing to do\n");
        }
        return text;
    }
    let rows = plan.actions.iter().map(|a| row(out, a)).collect();
    let table = Table {
        header: vec![
            "ACTION",
            "NAME",
            "OLD",
            "NEW",
            "REPOSITORY",
            "DOWNLOAD",
            "SIZE",
        ],
        rows,
    };
    let mut text = table.render(out.width, |h| out.paint(Style::Bold, h));
    text.push('\n');
    text.push_str(&totals(plan));
    for w in &plan.warnings {
        text.push_str(&format!("{} {w}\n", out.paint(Style::Yellow, "warning:")));
    }
    text
}

fn row<'a>(out: &Output, a: &'a PlannedAction) -> Vec<Cell<'a>> {
    let kind = kind_word(a.kind);
    let style = match a.kind {
        ActionKind::Remove | ActionKind::DeleteFile | ActionKind::Downgrade => Style::Yellow,
        _ => Style::Green,
    };
    let size = |n: u64| {
        if n == 0 {
            "-".to_string()
        } else {
            human_size(n)
        }
    };
    vec![
        Cell::styled(out, style, kind),
        Cell::styled(out, Style::Bold, a.name.as_str()),
        Cell::plain(a.old_version.as_deref().unwrap_or("")),
        Cell::plain(a.new_version.as_deref().unwrap_or("")),
        Cell::plain(a.repository.as_deref().unwrap_or("")),
        Cell::plain(size(a.download_size)),
        Cell::plain(size(a.installed_size)),
    ]
}

fn totals(plan: &Plan) -> String {
    let count = |k: ActionKind| plan.actions.iter().filter(|a| a.kind == k).count();
    let parts: Vec<String> = [
        (ActionKind::Install, "to install"),
        (ActionKind::Upgrade, "to upgrade"),
        (ActionKind::Downgrade, "to downgrade"),
        (ActionKind::Reinstall, "to reinstall"),
        (ActionKind::Remove, "to remove"),
        (ActionKind::DeleteFile, "files to delete"),
    ]
    .iter()
    .filter_map(|(k, label)| match count(*k) {
        0 => None,
        n => Some(format!("{n} {label}")),
    })
    .collect();
    let delta = plan.installed_size_delta;
    let sign = if delta < 0 { "-" } else { "+" };
    format!(
        "{}; download {}, disk {sign}{}\n",
        parts.join(", "),
        human_size(plan.download_size),
        human_size(delta.unsigned_abs())
    )
}

/// The lower-case word for an action.
pub fn kind_word(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Install => "install",
        ActionKind::Upgrade => "upgrade",
        ActionKind::Downgrade => "downgrade",
        ActionKind::Reinstall => "reinstall",
        ActionKind::Remove => "remove",
        ActionKind::DeleteFile => "delete",
    }
}

/// What a committed transaction did: one line per step.
pub fn outcome(out: &Output, verb: &str, outcome: &TransactionOutcome) -> String {
    if out.json {
        let mut done = json!({ "event": "done", "verb": verb, "actions": outcome.actions });
        if !outcome.databases.is_empty() {
            done["databases"] = json!(outcome.databases);
        }
        return format!("{done}\n");
    }
    let mut text = String::new();
    // A refresh: each database, as pacman -Sy says it (`core is up to date`).
    for db in &outcome.databases {
        text.push_str(&if db.downloaded {
            format!("{} downloaded ({})\n", db.name, human_size(db.size))
        } else {
            format!("{} is up to date\n", db.name)
        });
    }
    if outcome.actions.is_empty() {
        if text.is_empty() {
            text = format!("{verb}: done\n");
        }
        return text;
    }
    for a in &outcome.actions {
        let versions = match (&a.old_version, &a.new_version) {
            (Some(old), Some(new)) if old != new => format!(" {old} -> {new}"),
            (_, Some(new)) => format!(" {new}"),
            (Some(old), None) => format!(" {old}"),
            (None, None) => String::new(),
        };
        text.push_str(&format!(
            "{} {}{versions}\n",
            out.paint(Style::Green, past_tense(a.kind)),
            a.name
        ));
    }
    text
}

fn past_tense(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Install => "installed",
        ActionKind::Upgrade => "upgraded",
        ActionKind::Downgrade => "downgraded",
        ActionKind::Reinstall => "reinstalled",
        ActionKind::Remove => "removed",
        ActionKind::DeleteFile => "deleted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(kind: ActionKind, name: &str, old: Option<&str>, new: Option<&str>) -> PlannedAction {
        PlannedAction {
            kind,
            name: name.into(),
            old_version: old.map(Into::into),
            new_version: new.map(Into::into),
            repository: Some("core".into()),
            download_size: 2048,
            installed_size: 4096,
            reason: None,
        }
    }

    #[test]
    fn plan_table_and_totals() {
        let p = Plan {
            actions: vec![
                action(ActionKind::Install, "foo", None, Some("1.0-1")),
                action(ActionKind::Upgrade, "bar", Some("1.0-1"), Some("1.1-1")),
                action(ActionKind::Remove, "baz", Some("2.0-1"), None),
            ],
            download_size: 4096,
            installed_size_delta: -1536,
            warnings: vec!["baz is replaced by foo".into()],
            held: Vec::new(),
        };
        let text = plan(&Output::default(), "install", &p);
        assert!(text.starts_with("ACTION"), "{text}");
        assert!(text.contains("upgrade  bar   1.0-1  1.1-1"), "{text}");
        assert!(
            text.contains(
                "1 to install, 1 to upgrade, 1 to remove; download 4.00 KiB, disk -1.50 KiB"
            ),
            "{text}"
        );
        assert!(text.contains("warning: baz is replaced by foo"), "{text}");
        assert_eq!(
            plan(&Output::default(), "install", &Plan::default()),
            "nothing to do\n"
        );
        let json_out = Output {
            json: true,
            ..Output::default()
        };
        let v: serde_json::Value =
            serde_json::from_str(&plan(&json_out, "install", &p)).expect("json");
        assert_eq!(v["plan"]["actions"][1]["kind"], "upgrade");
        assert_eq!(v["plan"]["actions"][1]["old_version"], "1.0-1");
    }

    #[test]
    fn outcome_lines() {
        let o = TransactionOutcome {
            actions: vec![
                action(ActionKind::Upgrade, "bar", Some("1.0-1"), Some("1.1-1")),
                action(ActionKind::Remove, "baz", Some("2.0-1"), None),
            ],
            ..TransactionOutcome::default()
        };
        assert_eq!(
            outcome(&Output::default(), "update", &o),
            "upgraded bar 1.0-1 -> 1.1-1\nremoved baz 2.0-1\n"
        );
        let refreshed = TransactionOutcome {
            databases: vec![
                omg_ports::RefreshedDatabase {
                    name: "core".into(),
                    downloaded: false,
                    size: 0,
                },
                omg_ports::RefreshedDatabase {
                    name: "extra".into(),
                    downloaded: true,
                    size: 2048,
                },
            ],
            ..TransactionOutcome::default()
        };
        assert_eq!(
            outcome(&Output::default(), "refresh", &refreshed),
            "core is up to date\nextra downloaded (2.00 KiB)\n"
        );
    }

    #[test]
    fn an_empty_plan_keeps_its_notes() {
        let p = Plan {
            warnings: vec!["app is already the newest version (1.0-1)".into()],
            ..Plan::default()
        };
        assert_eq!(
            plan(&Output::default(), "install", &p),
            "app is already the newest version (1.0-1)\nnothing to do\n"
        );
    }
}
