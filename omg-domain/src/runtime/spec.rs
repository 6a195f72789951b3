//! Version specs (`20`, `20.11.1`, `latest`, `lts`, `lts/iron`, `stable`, `>=18`) and which
//! version they select among the remote or installed ones.

use std::fmt;
use std::str::FromStr;

use omg_ports::RemoteVersion;
use serde::{Deserialize, Serialize};

use super::java::FOREIGN_JAVA_VENDORS;
use omg_ports::runtime_order::{compare, nearest, numeric_prefix};

/// What a user or a version file asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSpec {
    /// The newest release (`latest`, nvm's `node`, `*`).
    Latest,
    /// The newest long-term-support release (`lts`, `lts/*`).
    Lts,
    /// The newest release of a named LTS line (`lts/iron`), compared case-insensitively.
    LtsNamed(String),
    /// The newest release on a channel (`stable`, `beta`, `nightly`). For a source without
    /// channels, `stable` means [`VersionSpec::Latest`].
    Channel(String),
    /// The newest release of the `n`th LTS line before the newest one (nvm's `lts/-1`).
    LtsBack(u32),
    /// The newest release satisfying an npm semver range (`>=18 <21`, `^20.11.1`,
    /// `18 || 20`), with npm's rules (the `nodejs-semver` crate).
    Range(String),
    /// A version, exact or partial (`20.11.1`, `20`, `3.12`, `1.80`, `nightly-2024-05-01`):
    /// a version equal to it if there is one, else the newest release whose leading numeric
    /// components are these.
    Version(String),
    /// A build from a vendor omg does not install (java's `zulu-21.0.2`,
    /// `corretto-21.0.2`): it selects nothing, and the commands refuse it by name rather
    /// than install another vendor's build.
    Vendor {
        /// The vendor (`zulu`, `corretto`, `microsoft`).
        vendor: String,
        /// The version as the vendor names it.
        version: String,
    },
    /// A toolchain on disk, used as it is (rustup's `path = "..."`, mise's `path:<dir>`):
    /// an absolute directory (or `~/...`), whose `bin` goes on PATH; omg installs nothing.
    Path(String),
    /// The system's own installation (`system` in pyenv's, nvm's and asdf's files): omg
    /// selects no version and puts nothing on PATH for the runtime.
    System,
    /// The newest release satisfying a PEP 440 specifier set (`>=3.10,<3.13`, `~=3.11`,
    /// `==3.12.*`), as pyproject.toml's `requires-python` states it.
    Pep440(String),
    /// Alternatives in order, each a fallback for the ones before it (the lines of pyenv's
    /// `.python-version`, the versions on a line of asdf's `.tool-versions`): the first
    /// that selects a version among those offered decides; a [`VersionSpec::System`]
    /// reached before that means the system's.
    AnyOf(Vec<VersionSpec>),
}

impl VersionSpec {
    /// Reads a spec as typed on the command line or written in a version file. A leading `v`
    /// is dropped (`v20` = `20`); range operators of package.json map as documented in
    /// [`crate::runtime`].
    pub fn parse(text: &str) -> VersionSpec {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "" | "latest" | "node" | "current" | "*" | "x" => return VersionSpec::Latest,
            "lts" | "lts/*" | "lts/-0" => return VersionSpec::Lts,
            "stable" | "beta" | "nightly" => return VersionSpec::Channel(lower),
            "system" => return VersionSpec::System,
            _ => {}
        }
        if let Some(path) = t.strip_prefix("path:") {
            return VersionSpec::Path(path.trim().to_string());
        }
        if let Some(name) = lower.strip_prefix("lts/") {
            // nvm: `lts/-1` is the LTS line before the newest.
            if let Some(n) = name.strip_prefix('-').and_then(|n| n.parse::<u32>().ok()) {
                return VersionSpec::LtsBack(n);
            }
            return VersionSpec::LtsNamed(name.to_string());
        }
        if let Some((vendor, _)) = lower.split_once('-') {
            if FOREIGN_JAVA_VENDORS.contains(&vendor) {
                return VersionSpec::Vendor {
                    vendor: vendor.to_string(),
                    version: t[vendor.len() + 1..].to_string(),
                };
            }
        }
        // npm ranges: comparators, caret, tilde, hyphen ranges, unions, several comparators.
        if t.starts_with(['<', '>', '^', '~'])
            || t.contains("||")
            || t.split_whitespace().nth(1).is_some()
        {
            return VersionSpec::Range(t.to_string());
        }
        let v = t.strip_prefix('=').unwrap_or(t);
        // `20.x`, `20.*`: a partial version.
        let v = strip_v(v)
            .trim_end_matches(".x")
            .trim_end_matches(".X")
            .trim_end_matches(".*");
        VersionSpec::Version(v.to_string())
    }

    /// True when the spec can only name one version (`20.11.1` as opposed to `20`): then
    /// an installed version equal to it is enough and no remote index is needed.
    pub fn is_exact_for(&self, version: &str) -> bool {
        matches!(self, VersionSpec::Version(v) if v == version)
    }

    /// The specs in `texts`, in order: one spec when there is one, else
    /// [`VersionSpec::AnyOf`] them (later ones fall back for earlier ones).
    pub fn any_of<S: AsRef<str>>(texts: &[S]) -> VersionSpec {
        let mut specs: Vec<VersionSpec> = texts
            .iter()
            .map(|t| VersionSpec::parse(t.as_ref()))
            .collect();
        if specs.len() == 1 {
            specs.remove(0)
        } else {
            VersionSpec::AnyOf(specs)
        }
    }

    /// The alternatives this spec tries, in order (itself alone unless
    /// [`VersionSpec::AnyOf`]).
    pub fn alternatives(&self) -> &[VersionSpec] {
        match self {
            VersionSpec::AnyOf(list) => list,
            other => std::slice::from_ref(other),
        }
    }
}

fn strip_v(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('v').unwrap_or(v)
}

impl fmt::Display for VersionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionSpec::Latest => f.write_str("latest"),
            VersionSpec::Lts => f.write_str("lts"),
            VersionSpec::LtsNamed(n) => write!(f, "lts/{n}"),
            VersionSpec::Channel(c) => f.write_str(c),
            VersionSpec::LtsBack(n) => write!(f, "lts/-{n}"),
            VersionSpec::Range(r) => f.write_str(r),
            VersionSpec::Version(v) => f.write_str(v),
            VersionSpec::System => f.write_str("system"),
            VersionSpec::Path(p) => write!(f, "path:{p}"),
            VersionSpec::Vendor { vendor, version } => write!(f, "{vendor}-{version}"),
            VersionSpec::Pep440(s) => f.write_str(s),
            VersionSpec::AnyOf(list) => {
                let texts: Vec<String> = list.iter().map(ToString::to_string).collect();
                f.write_str(&texts.join(" "))
            }
        }
    }
}

/// True when `prefix`'s numeric components lead `version`'s (`20` leads `20.11.1`, not
/// `200.1`).
fn leads(prefix: &str, version: &str) -> bool {
    let p = numeric_prefix(prefix);
    let v = numeric_prefix(version);
    // Only a fully numeric prefix is partial: `nightly-2024` must be equal, not leading.
    let dotted = prefix
        .split('.')
        .all(|c| c.chars().all(|ch| ch.is_ascii_digit()));
    dotted && !p.is_empty() && v.len() >= p.len() && v[..p.len()] == p[..]
}

/// The version `spec` selects among `versions` (in any order), or `None`.
///
/// Pre-releases are chosen only when named exactly. Among several candidates the newest
/// wins (numeric ordering, [`compare`]).
pub fn select<'a>(spec: &VersionSpec, versions: &'a [RemoteVersion]) -> Option<&'a RemoteVersion> {
    match choose(spec, versions) {
        Choice::Version(v) => Some(v),
        Choice::System | Choice::Nothing => None,
    }
}

/// What a spec chooses among some versions: one of them, the system's installation, or
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice<'a> {
    /// This version.
    Version(&'a RemoteVersion),
    /// The system's installation (`system`, or a fallback list reaching `system` before any
    /// alternative matched).
    System,
    /// Nothing matches.
    Nothing,
}

/// What `spec` chooses among `versions` (in any order): [`select`], and whether the
/// system's installation is meant. Of [`VersionSpec::AnyOf`]'s alternatives the first that
/// selects a version, or reaches `system`, decides (pyenv: a later line of
/// `.python-version` is used when the earlier versions are not installed).
pub fn choose<'a>(spec: &VersionSpec, versions: &'a [RemoteVersion]) -> Choice<'a> {
    match spec {
        VersionSpec::System => Choice::System,
        VersionSpec::AnyOf(list) => list
            .iter()
            .map(|s| choose(s, versions))
            .find(|c| *c != Choice::Nothing)
            .unwrap_or(Choice::Nothing),
        VersionSpec::LtsBack(n) => lts_line_back(*n, versions)
            .map(|line| VersionSpec::LtsNamed(line.to_ascii_lowercase()))
            .and_then(|named| select_one(&named, versions))
            .map_or(Choice::Nothing, Choice::Version),
        single => select_one(single, versions).map_or(Choice::Nothing, Choice::Version),
    }
}

fn select_one<'a>(spec: &VersionSpec, versions: &'a [RemoteVersion]) -> Option<&'a RemoteVersion> {
    if let VersionSpec::Version(v) = spec {
        let v = strip_v(v);
        if let Some(exact) = versions
            .iter()
            .find(|r| r.version == v || strip_v(&r.version) == v)
        {
            return Some(exact);
        }
    }
    let has_channels = versions.iter().any(|r| r.channel.is_some());
    versions
        .iter()
        .filter(|r| match spec {
            VersionSpec::Latest => !r.prerelease,
            VersionSpec::Lts => !r.prerelease && r.lts.is_some(),
            VersionSpec::LtsNamed(name) => r
                .lts
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(name)),
            VersionSpec::Channel(c) if has_channels => r.channel.as_deref() == Some(c.as_str()),
            VersionSpec::Channel(c) => c == "stable" && !r.prerelease,
            VersionSpec::Range(range) => {
                !r.prerelease && npm_satisfies(range, &r.version) == Some(true)
            }
            VersionSpec::Version(v) => !r.prerelease && leads(v, &r.version),
            VersionSpec::Pep440(specifiers) => {
                !r.prerelease && pep440_allows(specifiers, &r.version) == Some(true)
            }
            VersionSpec::System
            | VersionSpec::AnyOf(_)
            | VersionSpec::LtsBack(_)
            | VersionSpec::Vendor { .. }
            | VersionSpec::Path(_) => false,
        })
        .max_by(|a, b| compare(&a.version, &b.version))
}

/// The LTS codename `n` lines before the newest LTS line among `versions` (0: the newest).
fn lts_line_back(n: u32, versions: &[RemoteVersion]) -> Option<&str> {
    let mut lts: Vec<&RemoteVersion> = versions
        .iter()
        .filter(|r| !r.prerelease && r.lts.is_some())
        .collect();
    lts.sort_by(|a, b| compare(&b.version, &a.version));
    let mut lines: Vec<&str> = Vec::new();
    for r in lts {
        if let Some(l) = r.lts.as_deref() {
            if !lines.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                lines.push(l);
            }
        }
    }
    lines.get(usize::try_from(n).ok()?).copied()
}

/// Whether the npm semver range `range` (`>=18 <21`, `^20.11.1`, `18 || 20`) is satisfied
/// by `version` (npm's rules: the `nodejs-semver` crate); `None` when either does not parse.
/// A version of one or two numbers (go's `1.22`) counts as `1.22.0`.
pub fn npm_satisfies(range: &str, version: &str) -> Option<bool> {
    let range = nodejs_semver::Range::parse(range.trim()).ok()?;
    let v = strip_v(version);
    let padded = match v.split('.').count() {
        1 => format!("{v}.0.0"),
        2 => format!("{v}.0"),
        _ => v.to_string(),
    };
    let version = nodejs_semver::Version::parse(&padded).ok()?;
    Some(range.satisfies(&version))
}

/// Whether the PEP 440 specifier set `specifiers` (`>=3.10,<3.13`) allows `version`;
/// `None` when either does not parse as PEP 440.
pub fn pep440_allows(specifiers: &str, version: &str) -> Option<bool> {
    let specifiers = pep440_rs::VersionSpecifiers::from_str(specifiers.trim()).ok()?;
    let version = pep440_rs::Version::from_str(version.trim()).ok()?;
    Some(specifiers.contains(&version))
}

/// Up to `n` versions closest to what `spec` asked, for an "unknown version" message: the
/// versions sharing the longest leading numeric components with it, nearest first, newest
/// first among equals; for a non-numeric spec, the newest releases (and LTS lines for an
/// unknown `lts/<name>`).
pub fn closest(spec: &VersionSpec, versions: &[RemoteVersion], n: usize) -> Vec<String> {
    if let VersionSpec::AnyOf(list) = spec {
        return list
            .first()
            .map(|first| closest(first, versions, n))
            .unwrap_or_default();
    }
    let wanted = match spec {
        VersionSpec::Version(v) => numeric_prefix(v),
        VersionSpec::Range(r) | VersionSpec::Pep440(r) => {
            numeric_prefix(r.trim_start_matches(|c: char| !c.is_ascii_digit()))
        }
        VersionSpec::LtsNamed(_) | VersionSpec::LtsBack(_) => {
            let mut lines: Vec<String> = Vec::new();
            let mut sorted: Vec<&RemoteVersion> =
                versions.iter().filter(|r| !r.prerelease).collect();
            sorted.sort_by(|a, b| compare(&b.version, &a.version));
            for r in sorted {
                if let Some(l) = &r.lts {
                    let name = format!("lts/{}", l.to_ascii_lowercase());
                    if !lines.contains(&name) {
                        lines.push(name);
                    }
                }
            }
            lines.truncate(n);
            return lines;
        }
        _ => Vec::new(),
    };
    nearest(&wanted, versions, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_versions() -> Vec<RemoteVersion> {
        let mut v = Vec::new();
        for (ver, lts) in [
            ("21.6.1", None),
            ("20.11.1", Some("Iron")),
            ("20.11.0", Some("Iron")),
            ("20.9.0", Some("Iron")),
            ("20.2.0", None),
            ("18.19.0", Some("Hydrogen")),
            ("18.2.0", None),
            ("9.11.2", Some("Carbon")),
        ] {
            v.push(RemoteVersion {
                lts: lts.map(String::from),
                ..RemoteVersion::new(ver)
            });
        }
        v
    }

    #[test]
    fn parses_specs() {
        let cases = [
            ("20.11.1", VersionSpec::Version("20.11.1".into())),
            ("v20", VersionSpec::Version("20".into())),
            ("3.12", VersionSpec::Version("3.12".into())),
            ("latest", VersionSpec::Latest),
            ("node", VersionSpec::Latest),
            ("lts", VersionSpec::Lts),
            ("lts/*", VersionSpec::Lts),
            ("lts/Iron", VersionSpec::LtsNamed("iron".into())),
            ("stable", VersionSpec::Channel("stable".into())),
            ("nightly", VersionSpec::Channel("nightly".into())),
            ("1.80", VersionSpec::Version("1.80".into())),
            // npm ranges are kept whole, for npm's rules (not reduced to a prefix).
            (">=18", VersionSpec::Range(">=18".into())),
            (">=18.0.0 <21", VersionSpec::Range(">=18.0.0 <21".into())),
            ("^20.11.1", VersionSpec::Range("^20.11.1".into())),
            ("~20.11.1", VersionSpec::Range("~20.11.1".into())),
            ("20.x", VersionSpec::Version("20".into())),
            ("18 || 20", VersionSpec::Range("18 || 20".into())),
            // nvm: `lts/-1` is the LTS line before the newest; `lts/-0` the newest.
            ("lts/-1", VersionSpec::LtsBack(1)),
            ("lts/-0", VersionSpec::Lts),
            ("system", VersionSpec::System),
            ("path:/opt/tc", VersionSpec::Path("/opt/tc".into())),
            // asdf-java's vendor names other than Temurin are kept (never a silent Temurin).
            (
                "zulu-21.36.17",
                VersionSpec::Vendor {
                    vendor: "zulu".into(),
                    version: "21.36.17".into(),
                },
            ),
            (
                "nightly-2024-05-01",
                VersionSpec::Version("nightly-2024-05-01".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(VersionSpec::parse(text), want, "{text}");
        }
    }

    #[test]
    fn selects_numerically() {
        let v = node_versions();
        let cases = [
            ("20", Some("20.11.1")),
            ("20.11", Some("20.11.1")),
            ("20.11.0", Some("20.11.0")),
            ("2", None),
            ("18", Some("18.19.0")),
            ("9", Some("9.11.2")),
            ("latest", Some("21.6.1")),
            ("lts", Some("20.11.1")),
            ("lts/hydrogen", Some("18.19.0")),
            ("lts/nope", None),
            (">=19", Some("21.6.1")),
            ("22", None),
            // npm: several comparators all apply; `a || b` is the highest of either;
            // `^20.11.1` needs at least 20.11.1 (20.2.0 and 20.9.0 do not satisfy it).
            (">=18 <21", Some("20.11.1")),
            ("18 || 20", Some("20.11.1")),
            ("^20.11.1", Some("20.11.1")),
            ("^20.11.2", None),
            ("~20.9.0", Some("20.9.0")),
            ("18.0.0 - 19", Some("18.19.0")),
            ("<9", None),
            // nvm: lts/-1 is Hydrogen (18) when Iron (20) is the newest LTS line.
            ("lts/-1", Some("18.19.0")),
            ("lts/-2", Some("9.11.2")),
            ("lts/-3", None),
            ("stable", Some("21.6.1")),
        ];
        for (spec, want) in cases {
            let got = select(&VersionSpec::parse(spec), &v).map(|r| r.version.as_str());
            assert_eq!(got, want, "{spec}");
        }
    }

    #[test]
    fn prereleases_only_when_named() {
        let mut v = vec![RemoteVersion::new("1.22.0"), RemoteVersion::new("1.21.6")];
        v.push(RemoteVersion {
            prerelease: true,
            ..RemoteVersion::new("1.23rc1")
        });
        let pick = |s: &str| select(&VersionSpec::parse(s), &v).map(|r| r.version.clone());
        assert_eq!(pick("latest").as_deref(), Some("1.22.0"));
        assert_eq!(pick("1.23").as_deref(), None);
        assert_eq!(pick("1.23rc1").as_deref(), Some("1.23rc1"));
    }

    #[test]
    fn rust_channels() {
        let chan = |v: &str, c: &str| RemoteVersion {
            channel: Some(c.into()),
            ..RemoteVersion::new(v)
        };
        let v = vec![
            chan("1.80.1", "stable"),
            chan("1.80.0", "stable"),
            chan("1.79.0", "stable"),
            chan("1.81.0-beta.3", "beta"),
            chan("nightly-2024-08-01", "nightly"),
        ];
        let pick = |s: &str| select(&VersionSpec::parse(s), &v).map(|r| r.version.clone());
        assert_eq!(pick("stable").as_deref(), Some("1.80.1"));
        assert_eq!(pick("beta").as_deref(), Some("1.81.0-beta.3"));
        assert_eq!(pick("nightly").as_deref(), Some("nightly-2024-08-01"));
        assert_eq!(pick("1.80").as_deref(), Some("1.80.1"));
        assert_eq!(pick("1.79").as_deref(), Some("1.79.0"));
    }

    fn pythons() -> Vec<RemoteVersion> {
        ["3.13.0", "3.12.7", "3.11.10", "3.10.15"]
            .into_iter()
            .map(RemoteVersion::new)
            .collect()
    }

    #[test]
    fn python_fallbacks_system_and_forms() {
        let installed = vec![RemoteVersion::new("3.11.10")];
        let pick = |spec: &VersionSpec, v: &[RemoteVersion]| -> Option<String> {
            match choose(spec, v) {
                Choice::Version(r) => Some(r.version.clone()),
                Choice::System => Some("system".into()),
                Choice::Nothing => None,
            }
        };
        // pyenv: a later line of .python-version is used when the earlier versions are not
        // installed ("3.12\n3.11" with only 3.11 installed runs 3.11).
        let lines = VersionSpec::any_of(&["3.12", "3.11"]);
        assert_eq!(pick(&lines, &installed).as_deref(), Some("3.11.10"));
        // ... and the first one wins when it is there (installable: the remote list).
        assert_eq!(pick(&lines, &pythons()).as_deref(), Some("3.12.7"));
        assert_eq!(lines.to_string(), "3.12 3.11");
        assert_eq!(
            closest(&VersionSpec::any_of(&["3.9", "3.8"]), &pythons(), 1),
            vec!["3.10.15"]
        );
        // pyenv's `system`: the system's python, also as a fallback after a missing one.
        assert_eq!(VersionSpec::parse("system"), VersionSpec::System);
        assert_eq!(
            pick(&VersionSpec::any_of(&["3.9", "system", "3.11"]), &installed).as_deref(),
            Some("system")
        );
        assert_eq!(select(&VersionSpec::System, &installed), None);
        // pyenv's free-threaded `3.13t` and `pypy3.10-7.3.17` name builds omg does not
        // install: never the default CPython build of the same number.
        for other in ["3.13t", "pypy3.10-7.3.17"] {
            assert_eq!(
                pick(&VersionSpec::parse(other), &pythons()),
                None,
                "{other}"
            );
        }
        assert_eq!(
            pick(&VersionSpec::any_of(&["3.13t", "3.12"]), &pythons()).as_deref(),
            Some("3.12.7")
        );
    }

    #[test]
    fn requires_python_ranges() {
        // uv: requires-python is a PEP 440 specifier set; the newest version inside it.
        let cases = [
            (">=3.10,<3.12", Some("3.11.10")),
            ("~=3.11", Some("3.13.0")),
            ("~=3.11.0", Some("3.11.10")),
            ("==3.12.*", Some("3.12.7")),
            (">=3.10, !=3.13.0", Some("3.12.7")),
            ("<3.10", None),
            ("not a range", None),
        ];
        let v = pythons();
        for (text, want) in cases {
            let got = select(&VersionSpec::Pep440(text.into()), &v).map(|r| r.version.as_str());
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(pep440_allows(">=3.10", "3.9.18"), Some(false));
        assert_eq!(pep440_allows(">=3.10", "3.10.0"), Some(true));
        assert_eq!(pep440_allows(">=3.10", "nightly"), None);
    }

    #[test]
    fn closest_versions_for_unknown_ones() {
        let v = node_versions();
        assert_eq!(
            closest(&VersionSpec::parse("20.12"), &v, 3),
            vec!["20.11.1", "20.11.0", "20.9.0"]
        );
        assert_eq!(
            closest(&VersionSpec::parse("19"), &v, 3),
            vec!["20.11.1", "20.11.0", "20.9.0"]
        );
        assert_eq!(
            closest(&VersionSpec::parse("lts/nope"), &v, 5),
            vec!["lts/iron", "lts/hydrogen", "lts/carbon"]
        );
    }
}
