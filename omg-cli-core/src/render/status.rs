//! `omg status`.

use omg_ports::{RuntimeStatus, SecuritySummary, Status};

use super::escape::escape;
use super::{json, Output, Style};

/// The counts, one per line.
pub fn status(out: &Output, s: &Status) -> String {
    if out.json {
        return json(s);
    }
    let mut rows = vec![
        ("backend", escape(&s.backend).into_owned()),
        ("available", s.available.to_string()),
        ("installed", s.installed.to_string()),
        ("explicit", s.explicit.to_string()),
        ("orphans", s.orphans.to_string()),
        ("upgradable", s.upgradable.to_string()),
    ];
    if let Some(sec) = &s.security {
        rows.push(("vulnerable", security_line(sec)));
    }
    let runtimes: Vec<String> = s.runtimes.iter().map(runtime_line).collect();
    if !runtimes.is_empty() {
        rows.push(("runtimes", runtimes.join("\n            ")));
    }
    rows.iter()
        .map(|(k, v)| format!("{}  {v}\n", out.paint(Style::Bold, &format!("{k:<10}"))))
        .collect()
}

/// `3 (1 critical, 1 high; 2 fixed by omg update) from the Debian security feed for bookworm,
/// 2 h old`.
fn security_line(s: &SecuritySummary) -> String {
    let mut parts = Vec::new();
    if s.critical > 0 {
        parts.push(format!("{} critical", s.critical));
    }
    if s.high > 0 {
        parts.push(format!("{} high", s.high));
    }
    let mut detail = parts.join(", ");
    if s.fixable > 0 {
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        detail.push_str(&format!("{} fixed by omg update", s.fixable));
    }
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    };
    format!(
        "{}{detail} from {}, {} old",
        s.vulnerable,
        escape(&s.feed),
        super::age(super::now_secs() - s.fetched_at)
    )
}

/// `node 20.11.1 (global default "20"; installed 20.11.1, 18.19.0)`.
fn runtime_line(r: &RuntimeStatus) -> String {
    escape(&runtime_text(r)).into_owned()
}

fn runtime_text(r: &RuntimeStatus) -> String {
    let installed = if r.installed.is_empty() {
        "none installed".to_string()
    } else {
        format!("installed {}", r.installed.join(", "))
    };
    match (&r.default_spec, &r.default_version) {
        (Some(spec), Some(v)) => format!("{} {v} (global default \"{spec}\"; {installed})", r.name),
        (Some(spec), None) => format!(
            "{} (global default \"{spec}\" is not installed; {installed})",
            r.name
        ),
        (None, _) => format!("{} ({installed})", r.name),
    }
}
