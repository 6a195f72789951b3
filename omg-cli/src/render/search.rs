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
                Cell::styled(out, Style::Bold, p.name.as_str()),
                version,
                Cell::plain(p.repository.as_str()),
                Cell::plain(p.description.as_str()),
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
pub(super) fn version_cell<'a>(out: &Output, p: &'a PackageSummary) -> Cell<'a> {
    match &p.installed {
        None => Cell::plain(p.version.as_str()),
        Some(i) if i.version == p.version => {
            Cell::styled(out, Style::Green, format!("{} [installed]", p.version))
        }
        Some(i) => Cell::styled(
            out,
            Style::Yellow,
            format!("{} [installed: {}]", p.version, i.version),
        ),
    }
}
