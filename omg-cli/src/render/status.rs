//! `omg status`.

use omg_ports::Status;

use super::{json, Output, Style};

/// The counts, one per line.
pub fn status(out: &Output, s: &Status) -> String {
    if out.json {
        return json(s);
    }
    let rows = [
        ("backend", s.backend.clone()),
        ("available", s.available.to_string()),
        ("installed", s.installed.to_string()),
        ("explicit", s.explicit.to_string()),
        ("orphans", s.orphans.to_string()),
        ("upgradable", s.upgradable.to_string()),
    ];
    rows.iter()
        .map(|(k, v)| format!("{}  {v}\n", out.paint(Style::Bold, &format!("{k:<10}"))))
        .collect()
}
