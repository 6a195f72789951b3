//! `omg info`: pacman -Si style records.

use omg_ports::{InstallReason, Package};

use super::{human_size, json, Output, Style};

/// Each package as `Key : value` lines, records separated by a blank line.
pub fn info(out: &Output, packages: &[Package]) -> String {
    if out.json {
        return json(&packages);
    }
    packages
        .iter()
        .map(|p| record(out, p))
        .collect::<Vec<_>>()
        .join("\n")
}

fn record(out: &Output, p: &Package) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "None".to_string()
        } else {
            v.join("  ")
        }
    };
    let size = |s: Option<u64>| s.map_or_else(|| "unknown".to_string(), human_size);
    let mut rows: Vec<(&str, String)> = vec![
        ("Repository", p.repository.clone()),
        ("Name", p.name.clone()),
        ("Version", p.version.clone()),
    ];
    if let Some(i) = p.installed.as_ref().filter(|i| i.version != p.version) {
        rows.push(("Installed Version", i.version.clone()));
    }
    rows.extend([
        ("Description", p.description.clone()),
        ("Architecture", p.architecture.clone()),
        ("URL", p.url.clone().unwrap_or_else(|| "None".into())),
        ("Licenses", list(&p.licenses)),
        ("Provides", list(&p.provides)),
        ("Depends On", list(&p.depends)),
        ("Optional Deps", list(&p.optdepends)),
        ("Conflicts With", list(&p.conflicts)),
        ("Replaces", list(&p.replaces)),
        ("Download Size", size(p.download_size)),
        ("Installed Size", size(p.installed_size)),
    ]);
    match &p.installed {
        Some(i) => {
            let reason = match i.reason {
                InstallReason::Explicit => "Explicitly installed",
                InstallReason::Dependency => "Installed as a dependency for another package",
            };
            rows.push(("Install Reason", reason.into()));
            if let Some(date) = i.date {
                rows.push(("Install Date", format_date(date)));
            }
        }
        None => rows.push(("Installed", "No".into())),
    }
    rows.iter()
        .map(|(k, v)| format!("{} : {v}\n", out.paint(Style::Bold, &format!("{k:<17}"))))
        .collect()
}

fn format_date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc() {
        assert_eq!(format_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_date(1_700_000_000), "2023-11-14 22:13:20 UTC");
    }
}
