//! `omg config`: every setting omg reads, its effective value and where it came from.

use std::path::PathBuf;

use serde::Serialize;

use super::table::{Cell, Table};
use super::{json, Output};

/// One setting as `omg config` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// `section.key` (`runtimes.node.mirror`).
    pub key: String,
    /// The effective value (a description in parentheses when it is decided at run time).
    pub value: String,
    /// `default`, the file's path, or `$OMG_...`.
    pub origin: String,
}

/// What `omg config` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigReport {
    /// The configuration file omg reads (it may not exist).
    pub file: Option<PathBuf>,
    /// Whether it exists.
    pub exists: bool,
    /// Every setting, in documentation order.
    pub settings: Vec<Setting>,
    /// Keys the file sets that omg does not read (`section.key`): typos, most likely.
    pub unknown: Vec<String>,
}

/// The report as `(stdout, stderr)`: a table (or JSON) on stdout, a warning per unknown key on
/// stderr.
pub fn config(out: &Output, report: &ConfigReport) -> (String, String) {
    let stderr: String = report
        .unknown
        .iter()
        .map(|k| {
            format!("omg: warning: the configuration file sets {k}, which omg does not read\n")
        })
        .collect();
    if out.json {
        return (json(report), stderr);
    }
    let file = match (&report.file, report.exists) {
        (Some(p), true) => format!("configuration file: {}\n", p.display()),
        (Some(p), false) => format!("configuration file: {} (not present)\n", p.display()),
        (None, _) => "configuration file: none (neither XDG_CONFIG_HOME nor HOME is set)\n".into(),
    };
    let table = Table {
        header: vec!["KEY", "VALUE", "FROM"],
        rows: report
            .settings
            .iter()
            .map(|s| {
                vec![
                    Cell::plain(s.key.as_str()),
                    Cell::plain(s.value.as_str()),
                    Cell::plain(s.origin.as_str()),
                ]
            })
            .collect(),
    };
    (
        format!("{file}\n{}", table.render(out.width, str::to_string)),
        stderr,
    )
}
