//! `omg search`.

use std::collections::HashMap;

use omg_domain::search::AUR_REPOSITORY;
use omg_ports::{AurPackage, PackageSummary, SearchHit, SearchResults};
use serde::Serialize;

use super::aur::{tags, AurMeta};
use super::escape::escape;
use super::table::{Cell, Table};
use super::{json, Output, Style};

/// Search results. On a terminal, a table of name, version, repository and description
/// that fits its width; in a pipe, pacman -Ss's two lines per package (`repository/name
/// version [installed]`, then the description indented by four spaces), never padded.
pub fn search(out: &Output, results: &SearchResults) -> String {
    search_with_aur(out, results, &[])
}

/// [`search`] of results holding AUR hits (repository `aur`), whose records are in `aur`:
/// their lines add `[+votes ~popularity]`, `[orphaned]`, `[out of date: date]` (paru's
/// tags), their JSON hits an `aur` object.
pub fn search_with_aur(out: &Output, results: &SearchResults, aur: &[AurPackage]) -> String {
    let records: HashMap<&str, &AurPackage> = aur.iter().map(|p| (p.name.as_str(), p)).collect();
    let record = |h: &SearchHit| {
        (h.package.repository == AUR_REPOSITORY)
            .then(|| records.get(h.package.name.as_str()).copied())
            .flatten()
    };
    if out.json {
        #[derive(Serialize)]
        struct Hit<'a> {
            #[serde(flatten)]
            hit: &'a SearchHit,
            #[serde(skip_serializing_if = "Option::is_none")]
            aur: Option<AurMeta<'a>>,
        }
        #[derive(Serialize)]
        struct Results<'a> {
            hits: Vec<Hit<'a>>,
            total: usize,
        }
        return json(&Results {
            hits: results
                .hits
                .iter()
                .map(|h| Hit {
                    hit: h,
                    aur: record(h).map(AurMeta::from),
                })
                .collect(),
            total: results.total,
        });
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
        table(out, results, &record)
    } else {
        piped(out, results, &record)
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

type Records<'r> = dyn Fn(&SearchHit) -> Option<&'r AurPackage> + 'r;

fn table(out: &Output, results: &SearchResults, record: &Records<'_>) -> String {
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
                match record(h) {
                    Some(a) => Cell::plain(format!("{} {}", tags(a), p.description)),
                    None => Cell::plain(p.description.as_str()),
                },
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
fn piped(out: &Output, results: &SearchResults, record: &Records<'_>) -> String {
    let mut s = String::with_capacity(results.hits.len() * 96);
    for h in &results.hits {
        let p = &h.package;
        let version = version_cell(out, p);
        s.push_str(&escape(&p.repository));
        s.push('/');
        s.push_str(&escape(&p.name));
        s.push(' ');
        s.push_str(&version.text);
        if let Some(a) = record(h) {
            s.push(' ');
            s.push_str(&tags(a));
        }
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
