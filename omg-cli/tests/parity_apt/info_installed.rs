//! Differential tests: what `omg info` adds for an installed package, as pacman -Qi shows
//! it (see main.rs). Install Date against dpkg-query's `db-fsys:Last-Modified`; Required By
//! and Optional For against the installed packages' own relationship fields as dpkg-query
//! gives them (resolved through Provides and the version constraints here), the direct part
//! checked against `apt-cache rdepends --installed` too; all compared as sets.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use omg_domain::version::compare;
use omg_ports::VersionScheme;

use crate::world;

/// One installed package as dpkg-query shows it.
struct Record {
    version: String,
    date: i64,
    /// Pre-Depends and Depends.
    depends: String,
    /// Recommends and Suggests.
    optional: String,
    /// Provided names with their versions (`= v`), if any.
    provides: Vec<(String, Option<String>)>,
}

/// Every installed package (`binary:Package` without the native architecture, as omg names
/// them); `None` without dpkg-query.
fn installed() -> Option<BTreeMap<String, Record>> {
    let arch = world::tool_stdout("dpkg", &["--print-architecture"])?;
    let native = format!(":{}", arch.trim());
    let format = "${binary:Package}\t${db:Status-Status}\t${Version}\t${db-fsys:Last-Modified}\t\
                  ${Pre-Depends}, ${Depends}\t${Recommends}, ${Suggests}\t${Provides}\n";
    let text = world::tool_stdout("dpkg-query", &["-W", &format!("-f={format}")])?;
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, status, version, date, depends, optional, provides] = fields[..] else {
            panic!("dpkg-query line: {line}");
        };
        if status != "installed" {
            continue;
        }
        let provides = provides
            .split(',')
            .filter_map(|p| {
                let (name, constraint) = relation(p)?;
                Some((name, constraint.map(|(_, v)| v)))
            })
            .collect();
        out.insert(
            name.strip_suffix(native.as_str())
                .unwrap_or(name)
                .to_string(),
            Record {
                version: version.to_string(),
                date: date
                    .parse()
                    .unwrap_or_else(|_| panic!("date of {name}: {date}")),
                depends: depends.to_string(),
                optional: optional.to_string(),
                provides,
            },
        );
    }
    Some(out)
}

/// `name[:arch] [(op version)]` as (name, (op, version)).
fn relation(text: &str) -> Option<(String, Option<(String, String)>)> {
    let text = text.trim();
    let (name, rest) = text.split_once(' ').unwrap_or((text, ""));
    let name = name.split(':').next()?.trim();
    if name.is_empty() {
        return None;
    }
    let constraint = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|r| {
            let (op, version) = r.trim().split_once(' ')?;
            Some((op.to_string(), version.trim().to_string()))
        });
    Some((name.to_string(), constraint))
}

/// True when `version` meets `(op, wanted)`, by dpkg's order.
fn meets(version: &str, (op, wanted): &(String, String)) -> bool {
    let order = compare(VersionScheme::Dpkg, version, wanted);
    match op.as_str() {
        "<<" => order == Ordering::Less,
        "<=" => order != Ordering::Greater,
        "=" => order == Ordering::Equal,
        ">=" => order != Ordering::Less,
        ">>" => order == Ordering::Greater,
        _ => panic!("relation operator {op}"),
    }
}

/// Who needs whom among the installed packages: for each package, the installed packages
/// one of whose relationships (of one kind of field) it satisfies, by name or through
/// Provides (`all`), and by name only (`direct`).
#[derive(Default)]
struct Reverse {
    all: BTreeMap<String, BTreeSet<String>>,
    direct: BTreeMap<String, BTreeSet<String>>,
}

impl Reverse {
    fn of(&self, name: &str) -> BTreeSet<String> {
        self.all.get(name).cloned().unwrap_or_default()
    }

    fn direct_of(&self, name: &str) -> BTreeSet<String> {
        self.direct.get(name).cloned().unwrap_or_default()
    }
}

/// The reverse relationships of `field` (every alternative of `a | b (>= 1), c`).
fn reverse(all: &BTreeMap<String, Record>, field: fn(&Record) -> &str) -> Reverse {
    let mut providers: BTreeMap<&str, Vec<(&str, Option<&str>)>> = BTreeMap::new();
    for (name, record) in all {
        for (provided, version) in &record.provides {
            providers
                .entry(provided.as_str())
                .or_default()
                .push((name.as_str(), version.as_deref()));
        }
    }
    let mut out = Reverse::default();
    for (needer, record) in all {
        for (wanted, constraint) in field(record).split([',', '|']).filter_map(relation) {
            let mut add = |target: &str, direct: bool| {
                if target == needer {
                    return;
                }
                let sets = if direct {
                    vec![&mut out.all, &mut out.direct]
                } else {
                    vec![&mut out.all]
                };
                for set in sets {
                    set.entry(target.to_string())
                        .or_default()
                        .insert(needer.clone());
                }
            };
            if let Some(target) = all.get(&wanted) {
                if constraint
                    .as_ref()
                    .is_none_or(|c| meets(&target.version, c))
                {
                    add(&wanted, true);
                }
            }
            for (provider, version) in providers.get(wanted.as_str()).into_iter().flatten() {
                let ok = match (&constraint, version) {
                    (None, _) => true,
                    (Some(c), Some(v)) => meets(v, c),
                    // An unversioned provide meets no versioned relationship.
                    (Some(_), None) => false,
                };
                if ok {
                    add(provider, false);
                }
            }
        }
    }
    out
}

/// `apt-cache rdepends --installed` of `name` with only `kinds` of relationships.
fn rdepends(name: &str, keep: &[&str]) -> BTreeSet<String> {
    let all = [
        "depends",
        "pre-depends",
        "recommends",
        "suggests",
        "conflicts",
        "breaks",
        "replaces",
        "enhances",
    ];
    let mut args = vec!["rdepends".to_string(), "--installed".to_string()];
    args.extend(
        all.iter()
            .filter(|k| !keep.contains(k))
            .map(|k| format!("--no-{k}")),
    );
    args.push(name.to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = world::tool_stdout("apt-cache", &args).unwrap_or_default();
    text.lines()
        .skip_while(|l| !l.starts_with("Reverse Depends:"))
        .skip(1)
        .map(|l| l.trim().trim_start_matches('|').to_string())
        .collect()
}

fn strings(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn install_date_required_by_and_optional_for_agree_with_dpkg() {
    let Some(all) = installed() else {
        return;
    };
    let required = reverse(&all, |r| &r.depends);
    let optional = reverse(&all, |r| &r.optional);
    // Some of the most needed, one needed through what it provides (mawk: awk), ones
    // only recommended or suggested, and a leaf.
    let mut names: Vec<String> = ["libc6", "bash", "dpkg", "coreutils", "mawk", "base-files"]
        .iter()
        .filter(|n| all.contains_key(**n))
        .map(|n| n.to_string())
        .collect();
    let optional_only = all
        .keys()
        .filter(|n| required.of(n).is_empty() && !optional.of(n).is_empty())
        .take(3)
        .cloned();
    names.extend(optional_only);
    names.extend(
        all.keys()
            .find(|n| required.of(n).is_empty() && optional.of(n).is_empty())
            .cloned(),
    );
    assert!(names.len() >= 6, "{names:?}");
    let mut checked_optional = 0;
    for name in &names {
        let json = world::omg(&["info", name, "--json"]).json();
        let ours = &json[0];
        assert_eq!(ours["installed"]["date"], all[name].date, "{name}");
        assert_eq!(
            strings(&ours["relations"]["required_by"]),
            required.of(name),
            "{name}: Required By"
        );
        assert_eq!(
            strings(&ours["relations"]["optional_for"]),
            optional.of(name),
            "{name}: Optional For"
        );
        checked_optional += usize::from(!optional.of(name).is_empty());
    }
    assert!(checked_optional > 0, "{names:?}");
    // apt's reverse dependencies by name (of every version of an installed package) hold
    // the direct ones of this oracle (a few: apt-cache rdepends takes seconds each).
    let mut cross_checked = 0;
    for name in &names {
        for (reverse, kinds) in [
            (&required, ["depends", "pre-depends"]),
            (&optional, ["recommends", "suggests"]),
        ] {
            let direct = reverse.direct_of(name);
            if direct.is_empty() || cross_checked >= 4 {
                continue;
            }
            let apt = rdepends(name, &kinds);
            assert!(direct.is_subset(&apt), "{name}: {direct:?} not in {apt:?}");
            cross_checked += 1;
        }
    }
    assert!(cross_checked > 0, "{names:?}");
    // The text shows them under pacman -Qi's labels.
    let text = world::omg(&["info", "mawk"]);
    let text = text.ok();
    for label in ["Required By", "Optional For", "Install Date"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{label:<17} : "))),
            "{label} in\n{text}"
        );
    }
}

#[test]
fn packages_not_installed_have_no_such_fields() {
    let Some(all) = installed() else {
        return;
    };
    let Some(names) = world::tool_stdout("apt-cache", &["pkgnames", "lib"]) else {
        return;
    };
    let Some(name) = names.lines().find(|n| !all.contains_key(*n)) else {
        return;
    };
    let json = world::omg(&["info", name, "--json"]).json();
    let ours = &json[0];
    assert!(ours["installed"].is_null(), "{name}: {ours}");
    assert!(ours["relations"]["required_by"].is_null(), "{name}");
    assert!(ours["relations"]["optional_for"].is_null(), "{name}");
}
