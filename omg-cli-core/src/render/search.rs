//! `omg search`.

use omg_ports::{PackageSummary, SearchResults};

use super::escape::escape;
use super::table::{Cell, Table};
use super::{json, Output, Style};

/// Search results. On a terminal, a table of name, version, repository and description
/// that fits its width; in a pipe, pacman -Ss's two lines per package (`repository/name
/// version [installed]`, then the description indented by four spaces), never padded.
pub fn search(out: &Output, results: &SearchResults) -> String {
    if out.json {
        return json(results);
    }
    if out.quiet {
        return results
            .hits
            .iter()
            .map(|h| format!("{}\n", escape(&h.package.name)))
            .collect();
    }
    if results.hits.is_empty() {
        return "no packages found\n".into();
    }
    let mut s = if out.width.is_some() {
        table(out, results)
    } else {
        piped(out, results)
    };
    if results.hits.len() < results.total {
        s.push_str(&format!(
            "{} of {} matches shown; use --limit to see more\n",
            results.hits.len(),
            results.total
        ));
    }
    s
}

fn table(out: &Output, results: &SearchResults) -> String {
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
    table.render(out.width, |h| out.paint(Style::Dim, h))
}

/// `core/bash 5.2.026-2 [installed]` and `    The GNU Bourne Again shell`, per hit.
fn piped(out: &Output, results: &SearchResults) -> String {
    let mut s = String::with_capacity(results.hits.len() * 96);
    for h in &results.hits {
        let p = &h.package;
        let version = version_cell(out, p);
        s.push_str(&escape(&p.repository));
        s.push('/');
        s.push_str(&escape(&p.name));
        s.push(' ');
        s.push_str(&version.text);
        s.push_str("\n    ");
        s.push_str(&escape(&p.description));
        s.push('\n');
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
