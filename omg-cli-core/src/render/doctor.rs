//! `omg doctor`: one line per check of omg's set-up.

use serde::Serialize;

use super::table::{Cell, Table};
use super::{json, Output, Style};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Works.
    Ok,
    /// Works, with something worth knowing (and what to do about it).
    Note,
    /// Does not work.
    Problem,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked (`backend`, `daemon`, ...).
    pub check: &'static str,
    /// How it came out.
    pub health: Health,
    /// What was found, and what to do when it is not ok.
    pub detail: String,
}

/// The checks as a table (or JSON).
pub fn doctor(out: &Output, checks: &[Check]) -> String {
    if out.json {
        return json(&checks);
    }
    let rows = checks
        .iter()
        .map(|c| {
            let (word, style) = match c.health {
                Health::Ok => ("ok", Style::Green),
                Health::Note => ("note", Style::Yellow),
                Health::Problem => ("problem", Style::Red),
            };
            vec![
                Cell::styled(out, style, word),
                Cell::plain(c.check),
                Cell::plain(c.detail.as_str()),
            ]
        })
        .collect();
    Table {
        header: vec!["HEALTH", "CHECK", "DETAIL"],
        rows,
    }
    .render(out.width, |h| out.paint(Style::Dim, h))
}
