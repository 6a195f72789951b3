//! `omg search`.

use omg_ports::{PackageSummary, SearchResults};

use super::table::{Cell, Table};
use super::{json, Output, Style};

/// Search results: a table of name, version, repository and description.
pub fn search(out: &Output, results: &SearchResults) -> String {
    if out.json {
        return json(results);
    }
    if out.quiet {
        return results
            .hits
            .iter()
            .map(|h| format!("{}\n", h.package.name))
            .collect();
    }
    if results.hits.is_empty() {
        return "no packages found\n".into();
    }
    let rows = results
        .hits
        .iter()
        .map(|h| {
            let p = &h.package;
            let version = version_cell(out, p);
            vec![
                Cell::painted(&p.name, out.paint(Style::Bold, &p.name)),
                version,
                Cell::plain(&p.repository),
                Cell::plain(&p.description),
            ]
        })
        .collect();
    let table = Table {
        header: vec!["NAME", "VERSION", "REPOSITORY", "DESCRIPTION"],
        rows,
    };
    let mut s = table.render(out.width, |h| out.paint(Style::Dim, h));
    if results.hits.len() < results.total {
        s.push_str(&format!(
            "{} of {} matches shown; use --limit to see more\n",
            results.hits.len(),
            results.total
        ));
    }
    s
}

/// The version, marked when installed (with the installed version when it differs).
pub(super) fn version_cell(out: &Output, p: &PackageSummary) -> Cell {
    match &p.installed {
        None => Cell::plain(&p.version),
        Some(i) if i.version == p.version => {
            let text = format!("{} [installed]", p.version);
            Cell::painted(&text, out.paint(Style::Green, &text))
        }
        Some(i) => {
            let text = format!("{} [installed: {}]", p.version, i.version);
            Cell::painted(&text, out.paint(Style::Yellow, &text))
        }
    }
}
