//! The per-shell override of a runtime's version: the environment variable
//! `OMG_<RUNTIME>_VERSION` (`OMG_NODE_VERSION`), which `omg shell node 20` sets in one shell.
//! Like nvm's `nvm use`, pyenv's `PYENV_VERSION`, rustup's `RUSTUP_TOOLCHAIN` and mise's
//! `MISE_<TOOL>_VERSION`, it beats every version file and the global default.
//!
//! The value is one spec ([`VersionSpec::parse`]), read as the runtime's own version file
//! would read it (python's `cpython-3.12` is `3.12`, ruby's `ruby-3.3.0` is `3.3.0`, java's
//! `temurin-21` is `21`), and checked ([`override_resolution`]): a value that is no spec of
//! the runtime is an error naming the variable, never a silent fallback to the files. An
//! empty value counts as unset.

use super::files::python_version;
use super::java::java_version;
use super::resolve::{Origin, Resolution};
use super::spec::{npm_satisfies, VersionSpec};

/// The longest value an override may have, in bytes (the variable is outside input).
pub const MAX_OVERRIDE_LEN: usize = 128;

/// The variable that overrides `runtime`'s version: `OMG_NODE_VERSION` for `node`
/// (upper-case; characters other than letters and digits become `_`).
pub fn override_variable(runtime: &str) -> String {
    let name: String = runtime
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("OMG_{name}_VERSION")
}

/// A value of `OMG_<RUNTIME>_VERSION` that is not a version spec of the runtime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{variable}={value:?} is not a {runtime} version: {reason}; set one with `omg shell {runtime} <version>` or unset it with `omg shell {runtime} --unset`"
)]
pub struct InvalidOverride {
    /// The variable (`OMG_NODE_VERSION`).
    pub variable: String,
    /// The runtime it is for.
    pub runtime: String,
    /// The value as found (shown escaped, as Rust's `{:?}` writes a string).
    pub value: String,
    /// Why it is refused.
    pub reason: String,
}

/// The resolution `value` of `runtime`'s override variable gives: its spec, with origin
/// [`Origin::Env`].
///
/// # Errors
///
/// [`InvalidOverride`] when the value is empty, longer than [`MAX_OVERRIDE_LEN`], has
/// control characters, or is not a spec of `runtime`: `lts` outside node and java,
/// `lts/<line>` outside node, the `beta` and `nightly` channels outside rust, a range npm
/// does not parse, a version that does not start with a digit (rust also takes
/// `nightly-<date>` and `beta-<date>`), another vendor's java build, a relative `path:`.
pub fn override_resolution(runtime: &str, value: &str) -> Result<Resolution, InvalidOverride> {
    let invalid = |reason: &str| InvalidOverride {
        variable: override_variable(runtime),
        runtime: runtime.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let text = value.trim();
    if text.is_empty() {
        return Err(invalid("it is empty"));
    }
    if text.len() > MAX_OVERRIDE_LEN {
        return Err(invalid(&format!(
            "it is longer than {MAX_OVERRIDE_LEN} bytes"
        )));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(invalid("it has control characters"));
    }
    // As the runtime's own version file reads it.
    let text = match runtime {
        "python" => python_version(text),
        "ruby" => text.trim_start_matches("ruby-").to_string(),
        "java" => java_version(text),
        _ => text.to_string(),
    };
    let spec = VersionSpec::parse(&text);
    check(runtime, &spec).map_err(|reason| invalid(&reason))?;
    Ok(Resolution {
        runtime: runtime.to_string(),
        spec,
        spec_text: text,
        origin: Origin::Env {
            variable: override_variable(runtime),
        },
        constraint: None,
    })
}

/// Why `spec` is no spec of `runtime`, or `Ok`.
fn check(runtime: &str, spec: &VersionSpec) -> Result<(), String> {
    match spec {
        VersionSpec::Latest | VersionSpec::System => Ok(()),
        VersionSpec::Lts if matches!(runtime, "node" | "java") => Ok(()),
        VersionSpec::Lts => Err("`lts` names node's and java's long-term-support releases".into()),
        VersionSpec::LtsNamed(_) | VersionSpec::LtsBack(_) if runtime == "node" => Ok(()),
        VersionSpec::LtsNamed(_) | VersionSpec::LtsBack(_) => {
            Err("`lts/<line>` names one of node's LTS lines".into())
        }
        VersionSpec::Channel(c) if c == "stable" || runtime == "rust" => Ok(()),
        VersionSpec::Channel(c) => Err(format!("`{c}` is one of rust's channels")),
        VersionSpec::Range(r) => match npm_satisfies(r, "0.0.0") {
            Some(_) => Ok(()),
            None => Err("it is not a range npm reads (`>=18 <21`, `^20.11`)".into()),
        },
        VersionSpec::Version(v) => version(runtime, v),
        VersionSpec::Path(p) if p.starts_with('/') || p.starts_with("~/") => Ok(()),
        VersionSpec::Path(_) => Err("a `path:` toolchain is an absolute directory".into()),
        VersionSpec::Vendor { vendor, .. } if runtime == "java" => Err(format!(
            "it is a {vendor} build; omg installs Eclipse Temurin builds only"
        )),
        VersionSpec::Vendor { .. } => Err("it names a java vendor".into()),
        VersionSpec::Pep440(_) | VersionSpec::AnyOf(_) => Err("it is not one version".into()),
    }
}

/// Why `v` is no version of `runtime`, or `Ok`: a version starts with a digit and has
/// letters, digits and `.+-_` only; rust's dated channels (`nightly-2024-05-01`) too.
fn version(runtime: &str, v: &str) -> Result<(), String> {
    let dated = runtime == "rust"
        && ["nightly-", "beta-"].iter().any(|c| {
            v.strip_prefix(c)
                .is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()))
        });
    let chars_ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_'));
    if (dated || v.starts_with(|c: char| c.is_ascii_digit())) && chars_ok {
        return Ok(());
    }
    Err(match runtime {
        "rust" => {
            "a version starts with a digit (`1.80`), or is a dated channel (`nightly-2024-05-01`)"
                .into()
        }
        "python" => "a version starts with a digit (`3.12`); omg installs CPython only".into(),
        _ => "a version starts with a digit (`20`, `20.11.1`)".into(),
    })
}

/// The overrides of `runtimes` that `env` (a variable's value, `None` when unset) holds:
/// the valid ones as resolutions, and the invalid ones. An empty value counts as unset.
pub fn env_overrides(
    runtimes: &[&str],
    env: &dyn Fn(&str) -> Option<String>,
) -> (Vec<Resolution>, Vec<InvalidOverride>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for runtime in runtimes {
        let Some(value) = env(&override_variable(runtime)).filter(|v| !v.is_empty()) else {
            continue;
        };
        match override_resolution(runtime, &value) {
            Ok(r) => valid.push(r),
            Err(e) => invalid.push(e),
        }
    }
    (valid, invalid)
}

/// `all` (ordered by runtime name, as [`crate::runtime::resolve_all`] gives it) with each
/// of `overrides` in place of its runtime's resolution, or added; still ordered by name.
pub fn with_overrides(mut all: Vec<Resolution>, overrides: Vec<Resolution>) -> Vec<Resolution> {
    for o in overrides {
        all.retain(|r| r.runtime != o.runtime);
        all.push(o);
    }
    all.sort_by(|a, b| a.runtime.cmp(&b.runtime));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn spec_of(runtime: &str, value: &str) -> Result<(String, VersionSpec), String> {
        override_resolution(runtime, value)
            .map(|r| (r.spec_text, r.spec))
            .map_err(|e| e.reason)
    }

    #[test]
    fn variable_names() {
        // mise: MISE_<TOOL>_VERSION, the tool's name upper-cased.
        assert_eq!(override_variable("node"), "OMG_NODE_VERSION");
        assert_eq!(override_variable("python"), "OMG_PYTHON_VERSION");
        assert_eq!(override_variable("my-tool"), "OMG_MY_TOOL_VERSION");
    }

    #[test]
    fn valid_values_read_as_the_runtimes_files_do() {
        let ok: &[(&str, &str, &str)] = &[
            ("node", "20", "20"),
            ("node", "v20.11.1", "v20.11.1"),
            ("node", "lts/iron", "lts/iron"),
            // nvm: `lts/-1` is the LTS line before the newest.
            ("node", "lts/-1", "lts/-1"),
            ("node", ">=18 <21", ">=18 <21"),
            ("node", "system", "system"),
            ("java", "lts", "lts"),
            // jenv/asdf-java: Temurin's name is the bare version.
            ("java", "temurin-21", "21"),
            // uv: cpython-3.12 is CPython 3.12.
            ("python", "cpython-3.12", "3.12"),
            ("python", "3.13t", "3.13t"),
            ("ruby", "ruby-3.3.0", "3.3.0"),
            // rustup: channels, versions and dated nightlies.
            ("rust", "nightly", "nightly"),
            ("rust", "nightly-2024-05-01", "nightly-2024-05-01"),
            ("rust", "1.80", "1.80"),
            ("rust", "path:/opt/toolchain", "path:/opt/toolchain"),
            ("go", "stable", "stable"),
            ("go", " 1.22.1 ", "1.22.1"),
            ("bun", "latest", "latest"),
        ];
        for (runtime, value, text) in ok {
            let got = spec_of(runtime, value);
            assert_eq!(
                got.as_ref().map(|(t, _)| t.as_str()),
                Ok(*text),
                "{runtime} {value}"
            );
        }
        let r = override_resolution("node", "20").unwrap();
        assert_eq!(
            r.origin,
            Origin::Env {
                variable: "OMG_NODE_VERSION".into()
            }
        );
        assert_eq!(r.spec, VersionSpec::Version("20".into()));
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let bad: &[(&str, &str, &str)] = &[
            ("node", "", "empty"),
            ("node", "foo", "starts with a digit"),
            ("node", "20\u{1b}[2J", "control characters"),
            ("node", &"9".repeat(200), "longer than"),
            ("node", "beta", "rust's channels"),
            ("go", "lts", "node's and java's"),
            ("java", "lts/iron", "node's LTS lines"),
            ("java", "zulu-21", "zulu build"),
            ("node", ">=abc", "npm reads"),
            ("rust", "path:tc", "absolute"),
            // pyenv's pypy names are not CPython, which is all omg installs.
            ("python", "pypy3.10-7.3.17", "CPython only"),
            ("rust", "nightly-x", "dated channel"),
        ];
        for (runtime, value, reason) in bad {
            let e = override_resolution(runtime, value).unwrap_err();
            assert!(e.reason.contains(reason), "{runtime} {value:?}: {e}");
            let text = e.to_string();
            assert!(
                text.starts_with(&override_variable(runtime)),
                "{runtime}: {text}"
            );
            assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
        }
    }

    #[test]
    fn overrides_beat_files_and_defaults() {
        let env = |k: &str| match k {
            "OMG_NODE_VERSION" => Some("18".to_string()),
            "OMG_GO_VERSION" => Some("1.22".to_string()),
            // Empty: unset.
            "OMG_RUST_VERSION" => Some(String::new()),
            "OMG_RUBY_VERSION" => Some("bogus".to_string()),
            _ => None,
        };
        let (valid, invalid) = env_overrides(&["node", "go", "rust", "ruby", "bun"], &env);
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].variable, "OMG_RUBY_VERSION");
        let mut global = BTreeMap::new();
        global.insert("node".to_string(), "20".to_string());
        global.insert("bun".to_string(), "1.1".to_string());
        let all = crate::runtime::resolve_all(&[], &global, std::path::Path::new("/g"));
        let all = with_overrides(all, valid);
        let summary: Vec<(&str, &str, bool)> = all
            .iter()
            .map(|r| {
                (
                    r.runtime.as_str(),
                    r.spec_text.as_str(),
                    matches!(r.origin, Origin::Env { .. }),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("bun", "1.1", false),
                ("go", "1.22", true),
                ("node", "18", true)
            ]
        );
    }
}
