//! `omg list`.

use omg_ports::{ListKind, PackageSummary};

use super::escape::escape;
use super::table::{Cell, Table};
use super::{json, Output, Style};

/// Installed packages: name and version, or name, installed and new version for upgrades.
/// On a terminal a table (with the repository); in a pipe pacman's lines, never padded:
/// `name version` (pacman -Q) and `name installed -> available` (pacman -Qu).
pub fn list(out: &Output, kind: ListKind, packages: &[PackageSummary]) -> String {
    if out.json {
        return json(&packages);
    }
    if out.quiet {
        return packages
            .iter()
            .map(|p| format!("{}\n", escape(&p.name)))
            .collect();
    }
    if packages.is_empty() {
        return match kind {
            ListKind::Installed => "no packages installed\n",
            ListKind::Explicit => "no explicitly installed packages\n",
            ListKind::Orphans => "no orphans\n",
            ListKind::Upgradable => "everything is up to date\n",
        }
        .into();
    }
    if out.width.is_none() {
        return piped(kind, packages);
    }
    let name = |p| name_cell(out, p);
    let table = if kind == ListKind::Upgradable {
        Table {
            header: vec!["NAME", "INSTALLED", "AVAILABLE", "REPOSITORY"],
            rows: packages
                .iter()
                .map(|p| {
                    let installed = p.installed.as_ref().map_or("", |i| i.version.as_str());
                    vec![
                        name(p),
                        Cell::plain(installed),
                        Cell::styled(out, Style::Green, p.version.as_str()),
                        Cell::plain(&p.repository),
                    ]
                })
                .collect(),
        }
    } else {
        Table {
            header: vec!["NAME", "VERSION", "REPOSITORY"],
            rows: packages
                .iter()
                .map(|p| {
                    let version = p.installed.as_ref().map_or(&p.version, |i| &i.version);
                    vec![name(p), Cell::plain(version), Cell::plain(&p.repository)]
                })
                .collect(),
        }
    };
    table.render(out.width, |h| out.paint(Style::Dim, h))
}

/// pacman -Q's and pacman -Qu's lines.
fn piped(kind: ListKind, packages: &[PackageSummary]) -> String {
    let mut s = String::with_capacity(packages.len() * 32);
    for p in packages {
        let installed = p.installed.as_ref().map(|i| i.version.as_str());
        let line = if kind == ListKind::Upgradable {
            format!(
                "{} {} -> {}\n",
                escape(&p.name),
                escape(installed.unwrap_or("")),
                escape(&p.version)
            )
        } else {
            format!(
                "{} {}\n",
                escape(&p.name),
                escape(installed.unwrap_or(&p.version))
            )
        };
        s.push_str(&line);
    }
    s
}

/// A package name, in bold on a terminal.
fn name_cell<'a>(out: &Output, p: &'a PackageSummary) -> Cell<'a> {
    Cell::styled(out, Style::Bold, p.name.as_str())
}
