//! Output: every command's result rendered to a string, identically whichever process
//! (the helper, or later the daemon client) produced the data.

mod audit;
mod aur;
mod config;
mod doctor;
mod error;
mod escape;
mod files;
mod history;
mod info;
mod list;
mod plan;
mod review;
mod search;
mod status;
mod table;
mod why;

use std::io::IsTerminal;

pub use audit::{age, audit, fix_text, now_secs, AuditReport, AuditSummary, FeedReport};
pub use aur::AurInfo;
pub use config::{config, ConfigReport, Setting};
pub use doctor::{doctor, Check, Health};
pub use error::{error, error_event, message};
pub use escape::{escape, escape_lines};
pub use files::{files, marks, owners};
pub use history::{history, history_entry};
pub use info::{info, info_records, relation_label, InfoRecord};
pub use list::list;
pub use plan::{kind_word, outcome, plan};
pub use review::{review_diff, review_warnings};
pub use search::{search, search_with_aur};
pub use status::status;
pub use why::why;

use crate::args::Global;

/// How to render: JSON or text, names only, colours, terminal width.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// Machine-readable JSON.
    pub json: bool,
    /// Names only.
    pub quiet: bool,
    /// ANSI colours.
    pub color: bool,
    /// Width to fit tables into: the terminal's ([`terminal_width`]); `None` when not
    /// writing to a terminal.
    pub width: Option<usize>,
}

impl Output {
    /// From the global flags, stdout's terminal and `NO_COLOR`.
    pub fn from_env(global: &Global) -> Self {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            json: global.json,
            quiet: global.quiet,
            color: tty && !no_color && !global.json,
            width: tty.then(terminal_width),
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_string()
        }
    }
}

/// The width of the terminal on stdout: what the kernel says (TIOCGWINSZ), else `COLUMNS`,
/// else 80.
pub fn terminal_width() -> usize {
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0)
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|&w| w > 0)
        })
        .unwrap_or(80)
}

/// The few styles omg uses.
#[derive(Debug, Clone, Copy)]
enum Style {
    Bold,
    Green,
    Yellow,
    Red,
    Dim,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Dim => "2",
        }
    }
}

/// JSON with a trailing newline.
fn json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!("{{\"error\":{{\"message\":\"{e}\"}}}}\n"),
    }
}

/// `1536` -> `1.50 KiB` ([`omg_ports::Bytes`]).
pub fn human_size(bytes: u64) -> String {
    omg_ports::Bytes(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.50 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.00 GiB");
    }
}
