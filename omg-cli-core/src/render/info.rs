//! `omg info`: pacman -Si/-Qi style records, with apt's own fields and version table.

use omg_ports::{InstallReason, Package, RelationKind, Validation, VersionEntry};

use super::aur::{AurInfo, AurMeta, InfoJson};
use super::escape::escape;
use super::{human_size, json, Output, Style};

/// Width of the field names: values start after `Key<pad> : `.
const KEY_WIDTH: usize = 17;
/// The column values start at.
const INDENT: usize = KEY_WIDTH + 3;

/// Each package as `Key : value` lines, records separated by a blank line. On a terminal,
/// long values wrap at word boundaries (lists between items, as pacman wraps them) and
/// continue under the value column; in a pipe each field stays on one line (pacman's
/// behaviour), except optional dependencies and the long description, one per line.
pub fn info(out: &Output, packages: &[Package]) -> String {
    if out.json {
        return json(&packages);
    }
    packages
        .iter()
        .map(|p| record(out, p, None))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records of the repositories and of the AUR, in the order given: an AUR record has the
/// shared fields, then the AUR's own (votes, popularity, dates, package base...). In JSON
/// each AUR record is a `Package` with an `aur` object.
pub fn info_records(out: &Output, records: &[InfoRecord]) -> String {
    if out.json {
        let records: Vec<InfoJson<'_>> = records
            .iter()
            .map(|r| match r {
                InfoRecord::Repository(p) => InfoJson {
                    package: p.clone(),
                    aur: None,
                },
                InfoRecord::Aur(a) => InfoJson {
                    package: super::aur::as_package(a),
                    aur: Some(AurMeta::from(&a.package)),
                },
            })
            .collect();
        return json(&records);
    }
    records
        .iter()
        .map(|r| match r {
            InfoRecord::Repository(p) => record(out, p, None),
            InfoRecord::Aur(a) => record(out, &super::aur::as_package(a), Some(a)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One record of `omg info`.
#[derive(Debug, Clone, PartialEq)]
pub enum InfoRecord {
    /// A package of the repositories (or the local database).
    Repository(Package),
    /// A package of the AUR.
    Aur(AurInfo),
}

/// One field's value.
enum Value {
    /// Text, wrapped at spaces.
    Text(String),
    /// Items separated by two spaces, wrapped between items (`None` when empty).
    List(Vec<String>),
    /// One item per line (`None` when empty).
    Lines(Vec<String>),
    /// Lines printed as they are, under the value column.
    Block(Vec<String>),
}

fn record(out: &Output, p: &Package, aur: Option<&AurInfo>) -> String {
    let size = |s: Option<u64>| s.map_or_else(|| "unknown".to_string(), human_size);
    let text = |s: &str| Value::Text(escape(s).into_owned());
    let list = |v: &[String]| Value::List(v.iter().map(|s| escape(s).into_owned()).collect());
    let mut rows: Vec<(&str, Value)> = vec![
        ("Repository", text(&p.repository)),
        ("Name", text(&p.name)),
        ("Version", text(&p.version)),
    ];
    if let Some(i) = p.installed.as_ref().filter(|i| i.version != p.version) {
        rows.push(("Installed Version", text(&i.version)));
    }
    rows.push(("Description", text(&p.description)));
    if let Some(long) = &p.long_description {
        let lines = long
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    ".".to_string()
                } else {
                    escape(l).into_owned()
                }
            })
            .collect();
        rows.push(("", Value::Block(lines)));
    }
    if !p.architecture.is_empty() {
        rows.push(("Architecture", text(&p.architecture)));
    }
    rows.push(("URL", text(p.url.as_deref().unwrap_or("None"))));
    if let Some(licenses) = &p.licenses {
        rows.push(("Licenses", list(licenses)));
    }
    if let Some(groups) = &p.groups {
        rows.push(("Groups", list(groups)));
    }
    if let Some(section) = &p.section {
        rows.push(("Section", text(section)));
    }
    if let Some(maintainer) = &p.maintainer {
        rows.push(("Maintainer", text(maintainer)));
    }
    for kind in RelationKind::ALL {
        let Some(entries) = p.relations.get(&kind) else {
            continue;
        };
        let entries: Vec<String> = entries
            .iter()
            .map(|s| {
                let mut e = escape(s).into_owned();
                if kind == RelationKind::OptDepends && p.installed_optdepends.contains(s) {
                    e.push_str(" [installed]");
                }
                e
            })
            .collect();
        let value = if kind == RelationKind::OptDepends {
            Value::Lines(entries)
        } else {
            Value::List(entries)
        };
        rows.push((relation_label(kind), value));
    }
    if let Some(a) = aur {
        rows.extend(
            super::aur::info_rows(a)
                .into_iter()
                .map(|(key, value)| (key, Value::Text(value))),
        );
    } else {
        rows.push(("Download Size", Value::Text(size(p.download_size))));
        rows.push(("Installed Size", Value::Text(size(p.installed_size))));
    }
    if let Some(packager) = &p.packager {
        rows.push((
            "Packager",
            text(if packager.is_empty() {
                "None"
            } else {
                packager
            }),
        ));
    }
    if let Some(date) = p.build_date {
        rows.push(("Build Date", Value::Text(format_date(date))));
    }
    match &p.installed {
        Some(i) => {
            if let Some(date) = i.date {
                rows.push(("Install Date", Value::Text(format_date(date))));
            }
            let reason = match i.reason {
                InstallReason::Explicit => "Explicitly installed",
                InstallReason::Dependency => "Installed as a dependency for another package",
            };
            rows.push(("Install Reason", Value::Text(reason.into())));
            if let Some(script) = p.install_script {
                let yes_no = if script { "Yes" } else { "No" };
                rows.push(("Install Script", Value::Text(yes_no.into())));
            }
        }
        None => rows.push(("Installed", Value::Text("No".into()))),
    }
    if let Some(validated) = &p.validated_by {
        rows.push((
            "Validated By",
            Value::List(validated.iter().map(|v| validation(*v).into()).collect()),
        ));
    }
    if !p.versions.is_empty() {
        let candidate = p.versions.iter().find(|v| v.candidate);
        let candidate = candidate.map_or("(none)".to_string(), |v| escape(&v.version).into());
        rows.push(("Candidate", Value::Text(candidate)));
        rows.push(("Version Table", Value::Block(version_table(&p.versions))));
    }
    let mut s = String::new();
    for (key, value) in rows {
        field(out, &mut s, key, value);
    }
    s
}

/// The label of a relation, as pacman names its fields (apt's own names for its kinds).
pub fn relation_label(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Provides => "Provides",
        RelationKind::PreDepends => "Pre-Depends",
        RelationKind::Depends => "Depends On",
        RelationKind::OptDepends => "Optional Deps",
        RelationKind::Recommends => "Recommends",
        RelationKind::Suggests => "Suggests",
        RelationKind::Enhances => "Enhances",
        RelationKind::RequiredBy => "Required By",
        RelationKind::OptionalFor => "Optional For",
        RelationKind::Conflicts => "Conflicts With",
        RelationKind::Breaks => "Breaks",
        RelationKind::Replaces => "Replaces",
    }
}

fn validation(v: Validation) -> &'static str {
    match v {
        Validation::Md5 => "MD5 Sum",
        Validation::Sha256 => "SHA-256 Sum",
        Validation::Signature => "Signature",
    }
}

/// apt-cache policy's table: `*** ` before the installed version, each version's priority,
/// then each source's priority and index.
fn version_table(versions: &[VersionEntry]) -> Vec<String> {
    let mut lines = Vec::new();
    for v in versions {
        let marker = if v.installed { "***" } else { "   " };
        lines.push(format!("{marker} {} {}", escape(&v.version), v.priority));
        for source in &v.sources {
            lines.push(format!(
                "    {:>4} {}",
                source.priority,
                escape(&source.index)
            ));
        }
    }
    lines
}

/// Appends `key : value` (a continuation when `key` is empty) to `s`.
fn field(out: &Output, s: &mut String, key: &str, value: Value) {
    let indent = " ".repeat(INDENT);
    let first = if key.is_empty() {
        indent.clone()
    } else {
        format!(
            "{} : ",
            out.paint(Style::Bold, &format!("{key:<KEY_WIDTH$}"))
        )
    };
    let width = out.width;
    let lines: Vec<String> = match value {
        Value::Text(t) => wrap_words(&t, width),
        Value::List(items) if items.is_empty() => vec!["None".into()],
        Value::List(items) => wrap_items(&items, width),
        Value::Lines(items) if items.is_empty() => vec!["None".into()],
        Value::Lines(items) => items.iter().flat_map(|i| wrap_words(i, width)).collect(),
        Value::Block(lines) => lines,
    };
    for (i, line) in lines.iter().enumerate() {
        s.push_str(if i == 0 { &first } else { &indent });
        s.push_str(line);
        s.push('\n');
    }
    if lines.is_empty() {
        s.push_str(first.trim_end());
        s.push('\n');
    }
}

/// The room for values on a line of `width` columns (at least 20), `None` for no limit.
fn room(width: Option<usize>) -> Option<usize> {
    width.map(|w| w.saturating_sub(INDENT).max(20))
}

/// `text` cut into lines at spaces so that each fits the value column of `width`.
fn wrap_words(text: &str, width: Option<usize>) -> Vec<String> {
    let words: Vec<String> = text.split(' ').map(str::to_string).collect();
    join_fitting(&words, " ", room(width))
}

/// `items` joined by two spaces, a line broken between items when the next does not fit.
fn wrap_items(items: &[String], width: Option<usize>) -> Vec<String> {
    join_fitting(items, "  ", room(width))
}

fn join_fitting(parts: &[String], sep: &str, room: Option<usize>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in parts {
        let needed = line.chars().count() + sep.len() + part.chars().count();
        if !line.is_empty() && room.is_some_and(|r| needed > r) {
            lines.push(std::mem::take(&mut line));
        } else if !line.is_empty() {
            line.push_str(sep);
        }
        line.push_str(part);
    }
    lines.push(line);
    lines
}

pub(super) fn format_date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::{Installed, VersionSource};

    #[test]
    fn dates_are_utc() {
        assert_eq!(format_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_date(1_700_000_000), "2023-11-14 22:13:20 UTC");
    }

    fn long_package() -> Package {
        let mut p = Package {
            name: "big".into(),
            version: "1-1".into(),
            description: "a description that is long enough to need more than one line on an \
                          80-column terminal, surely"
                .into(),
            repository: "extra".into(),
            architecture: "x86_64".into(),
            licenses: Some(vec!["MIT".into()]),
            groups: Some(vec![]),
            packager: Some("Someone <a@b.c>".into()),
            build_date: Some(1_700_000_000),
            validated_by: Some(vec![Validation::Sha256, Validation::Signature]),
            install_script: Some(false),
            installed: Some(Installed {
                version: "1-1".into(),
                reason: InstallReason::Dependency,
                date: Some(1_700_000_000),
            }),
            ..Package::default()
        };
        p.relations.insert(
            RelationKind::Depends,
            (0..30)
                .map(|i| format!("library-number-{i}>=1.0"))
                .collect(),
        );
        p.relations.insert(
            RelationKind::OptDepends,
            vec!["python: for the scripts".into(), "perl".into()],
        );
        p.installed_optdepends = vec!["perl".into()];
        p.relations.insert(RelationKind::Provides, vec![]);
        p.relations
            .insert(RelationKind::RequiredBy, vec!["a".into(), "b".into()]);
        p
    }

    #[test]
    fn every_line_fits_80_columns_and_lists_wrap_between_items() {
        let out = Output {
            width: Some(80),
            ..Output::default()
        };
        let text = info(&out, &[long_package()]);
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "too long: {line:?}");
        }
        let depends: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("Depends On"))
            .take_while(|l| l.starts_with("Depends On") || l.starts_with("    "))
            .collect();
        assert!(depends.len() > 3, "{text}");
        let items: Vec<&str> = depends
            .iter()
            .flat_map(|l| l.get(INDENT..).unwrap_or("").split("  "))
            .collect();
        assert_eq!(items.len(), 30, "no item is cut: {depends:?}");
        assert!(text.contains("Optional Deps     : python: for the scripts\n"));
        assert!(text.contains("\n                    perl [installed]\n"));
        assert!(text.contains("Groups            : None\n"));
        assert!(text.contains("Provides          : None\n"));
        assert!(text.contains("Required By       : a  b\n"));
        assert!(text.contains("Validated By      : SHA-256 Sum  Signature\n"));
        assert!(text.contains("Install Script    : No\n"));
        assert!(text.contains("Packager          : Someone <a@b.c>\n"));
    }

    #[test]
    fn in_a_pipe_fields_stay_on_one_line() {
        let text = info(&Output::default(), &[long_package()]);
        let depends = text.lines().find(|l| l.starts_with("Depends On")).unwrap();
        assert_eq!(depends.matches(">=1.0").count(), 30);
    }

    #[test]
    fn control_characters_from_the_database_are_escaped() {
        let mut p = long_package();
        p.description = "evil \x1b]0;title\x07 text".into();
        p.relations
            .insert(RelationKind::Conflicts, vec!["x\x1b[2Jy".into()]);
        p.long_description = Some("line\x1b[31m".into());
        let text = info(&Output::default(), &[p]);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(!text.contains('\x07'));
        assert!(text.contains("evil \\e]0;title\\x07 text"));
    }

    #[test]
    fn apt_fields_and_the_version_table() {
        let mut p = Package {
            name: "bash".into(),
            version: "5.2-2".into(),
            description: "GNU Bourne Again SHell".into(),
            repository: "bookworm/main".into(),
            architecture: "amd64".into(),
            section: Some("shells".into()),
            maintainer: Some("Matthias Klose <doko@debian.org>".into()),
            long_description: Some("Bash is a shell.\n\nIt is compatible.".into()),
            versions: vec![
                VersionEntry {
                    version: "5.2-2".into(),
                    priority: 500,
                    installed: false,
                    candidate: true,
                    sources: vec![VersionSource {
                        priority: 500,
                        index: "http://deb.debian.org/debian bookworm/main amd64 Packages".into(),
                    }],
                },
                VersionEntry {
                    version: "5.2-1".into(),
                    priority: 100,
                    installed: true,
                    candidate: false,
                    sources: vec![VersionSource {
                        priority: 100,
                        index: "/var/lib/dpkg/status".into(),
                    }],
                },
            ],
            installed: Some(Installed {
                version: "5.2-1".into(),
                reason: InstallReason::Explicit,
                date: None,
            }),
            ..Package::default()
        };
        p.relations
            .insert(RelationKind::PreDepends, vec!["libc6 (>= 2.36)".into()]);
        p.relations
            .insert(RelationKind::Recommends, vec!["bash-completion".into()]);
        let text = info(&Output::default(), &[p]);
        for expected in [
            "Description       : GNU Bourne Again SHell\n                    Bash is a shell.\n                    .\n                    It is compatible.\n",
            "Section           : shells\n",
            "Maintainer        : Matthias Klose <doko@debian.org>\n",
            "Pre-Depends       : libc6 (>= 2.36)\n",
            "Recommends        : bash-completion\n",
            "Candidate         : 5.2-2\n",
            "Version Table     :     5.2-2 500\n                         500 http://deb.debian.org/debian bookworm/main amd64 Packages\n                    *** 5.2-1 100\n                         100 /var/lib/dpkg/status\n",
        ] {
            assert!(text.contains(expected), "{expected:?} not in\n{text}");
        }
        assert!(!text.contains("Licenses"), "apt records have no licenses");
        assert!(
            !text.contains("Depends On"),
            "absent relations are not shown"
        );
    }
}
