//! What each version file says: parsers from a file's name and contents to the runtimes and
//! specs it names. No file system here; the adapter reads the files.

use std::cmp::Ordering;

use omg_ports::runtime_order::compare;
use serde_json::Value;

use super::java::java_version;
use super::rust_toolchain::rust_toolchain;

/// The file omg writes for `omg use <runtime>` in a directory: the runtime's conventional
/// one (`.nvmrc` for node, `.python-version`, `.go-version`, `rust-toolchain.toml`,
/// `.ruby-version`, `.java-version`, `.bun-version`); `None` for runtimes without one.
pub fn conventional_file(runtime: &str) -> Option<&'static str> {
    Some(match runtime {
        "node" => ".nvmrc",
        "python" => ".python-version",
        "go" => ".go-version",
        "rust" => "rust-toolchain.toml",
        "ruby" => ".ruby-version",
        "java" => ".java-version",
        "bun" => ".bun-version",
        _ => return None,
    })
}

/// The contents of the conventional file that pins `runtime` to `version`.
pub fn conventional_contents(runtime: &str, version: &str) -> String {
    match runtime {
        "rust" => format!("[toolchain]\nchannel = \"{version}\"\n"),
        _ => format!("{version}\n"),
    }
}

/// The canonical runtime name for the names other tools use (`nodejs`, `golang`, `rustc`).
pub fn canonical_runtime(name: &str) -> String {
    match name.trim().to_ascii_lowercase().as_str() {
        "nodejs" | "node" => "node".into(),
        "golang" | "go" => "go".into(),
        "rustc" | "rust" => "rust".into(),
        "python" | "python3" => "python".into(),
        "java" | "jdk" => "java".into(),
        other => other.to_string(),
    }
}

/// The specs `file_name` with `contents` gives, as `(runtime, spec text)` pairs in the
/// file's order. A file that does not parse, or names no version, gives nothing.
pub fn parse(file_name: &str, contents: &str) -> Vec<(String, String)> {
    let one = |runtime: &str, spec: Option<String>| -> Vec<(String, String)> {
        spec.filter(|s| !s.is_empty())
            .map(|s| vec![(runtime.to_string(), s)])
            .unwrap_or_default()
    };
    // mise's environment files and conf.d fragments read as the mise file they rank with.
    let file_name = omg_ports::version_file_anchor(file_name).unwrap_or(file_name);
    match file_name {
        ".nvmrc" | ".node-version" => one("node", first_line(contents)),
        // pyenv: every line, in order; a later one is used when the earlier ones are not
        // installed.
        ".python-version" => lines(contents)
            .map(|l| ("python".to_string(), python_version(l)))
            .collect(),
        // uv: the first line is the version used; the others are for `uv python install`.
        ".python-versions" => one("python", first_line(contents).map(|l| python_version(&l))),
        ".go-version" => one("go", first_line(contents)),
        ".bun-version" => one("bun", first_line(contents)),
        ".ruby-version" => one(
            "ruby",
            first_line(contents).map(|l| l.trim_start_matches("ruby-").to_string()),
        ),
        ".java-version" => one("java", first_line(contents).map(|l| java_version(&l))),
        "package.json" => package_json(contents),
        "go.mod" | "go.work" => one("go", go_mod(contents)),
        "rust-toolchain.toml" | "rust-toolchain" => one(
            "rust",
            rust_toolchain(file_name, contents).and_then(|t| t.spec_text()),
        ),
        ".sdkmanrc" => sdkmanrc(contents),
        ".tool-versions" => tool_versions(contents),
        ".mise.local.toml"
        | "mise.local.toml"
        | ".mise.toml"
        | "mise.toml"
        | ".config/mise/config.local.toml"
        | ".mise/config.toml"
        | "mise/config.toml"
        | ".config/mise.toml"
        | ".config/mise/config.toml" => mise_toml(contents),
        _ => Vec::new(),
    }
}

/// The lines that are neither empty nor a `#` comment, trimmed, in order.
pub(super) fn lines(contents: &str) -> impl Iterator<Item = &str> {
    contents
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

/// The first line that is neither empty nor a `#` comment, trimmed.
pub(super) fn first_line(contents: &str) -> Option<String> {
    lines(contents).next().map(String::from)
}

/// A python version as pyenv and uv write it: `3.12`, `3.12.1`, `3.13t` (free-threaded),
/// `pypy3.10-7.3.17`, `system`; uv's `python-3.12` and `cpython-3.12` name CPython, so the
/// prefix is dropped. Other implementations keep their name (and select nothing omg
/// installs).
pub(super) fn python_version(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    for prefix in ["cpython-", "python-"] {
        if lower.starts_with(prefix) {
            return line[prefix.len()..].to_string();
        }
    }
    line.to_string()
}

fn package_json(contents: &str) -> Vec<(String, String)> {
    let Ok(json) = serde_json::from_str::<Value>(contents) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for runtime in ["node", "bun"] {
        // Volta pins an exact version and wins; then npm's devEngines.runtime (an object or
        // a list of them, `name` and `version`). node's engines is a requirement, not a
        // version ([`constraints`]); bun's engines still names the version.
        let dev = match json.pointer("/devEngines/runtime") {
            Some(Value::Array(list)) => list.iter().find(|e| names(e, runtime)),
            Some(one) if names(one, runtime) => Some(one),
            _ => None,
        };
        let engines = (runtime == "bun")
            .then(|| json.pointer("/engines/bun"))
            .flatten();
        let spec = json
            .pointer(&format!("/volta/{runtime}"))
            .or_else(|| dev.and_then(|d| d.get("version")))
            .or(engines)
            .and_then(Value::as_str);
        if let Some(s) = spec.map(str::trim).filter(|s| !s.is_empty()) {
            out.push((runtime.to_string(), s.to_string()));
        }
    }
    out
}

/// True when devEngines' entry `e` is `runtime`'s (`"name": "node"`).
fn names(e: &Value, runtime: &str) -> bool {
    e.get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| canonical_runtime(n) == runtime)
}

/// go.mod's and go.work's version: `toolchain go1.22.1` when it names a full release
/// (`1.22.1`, not the language version `1.22` nor `default`) not older than the `go` line,
/// else the `go` line (go's rule: the toolchain line only ever raises the minimum).
fn go_mod(contents: &str) -> Option<String> {
    let mut go = None;
    let mut toolchain = None;
    for line in contents.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(t) = line.strip_prefix("toolchain ") {
            toolchain = Some(t.trim().trim_start_matches("go").to_string());
        } else if let Some(g) = line.strip_prefix("go ") {
            go = Some(g.trim().to_string());
        }
    }
    let full_release = |t: &String| {
        let parts: Vec<&str> = t.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match (toolchain.filter(full_release), go) {
        (Some(t), Some(g)) if compare(&t, &g) == Ordering::Less => Some(g),
        (Some(t), _) => Some(t),
        (None, g) => g,
    }
}

fn sdkmanrc(contents: &str) -> Vec<(String, String)> {
    contents
        .lines()
        .filter_map(|l| {
            let l = l.split('#').next().unwrap_or("").trim();
            let (k, v) = l.split_once('=')?;
            let runtime = canonical_runtime(k);
            let v = v.trim();
            let v = if runtime == "java" {
                java_version(v)
            } else {
                v.to_string()
            };
            (!v.is_empty()).then_some((runtime, v))
        })
        .collect()
}

fn tool_versions(contents: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for l in contents.lines() {
        let mut words = l.split('#').next().unwrap_or("").split_whitespace();
        let Some(name) = words.next() else {
            continue;
        };
        let runtime = canonical_runtime(name);
        // asdf: several versions on a line are fallbacks, in order; each is a pair.
        for v in words {
            let v = if runtime == "java" {
                java_version(v)
            } else {
                v.to_string()
            };
            out.push((runtime.clone(), v));
        }
    }
    out
}

fn mise_toml(contents: &str) -> Vec<(String, String)> {
    let Ok(doc) = toml::from_str::<toml::Table>(contents) else {
        return Vec::new();
    };
    let Some(tools) = doc.get("tools").and_then(|t| t.as_table()) else {
        return Vec::new();
    };
    tools
        .iter()
        .filter_map(|(name, value)| {
            let v = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(a) => a.first()?.as_str()?.to_string(),
                toml::Value::Table(t) => t.get("version")?.as_str()?.to_string(),
                _ => return None,
            };
            let runtime = canonical_runtime(name);
            let v = if runtime == "java" {
                java_version(&v)
            } else {
                v
            };
            Some((runtime, v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, contents: &str) -> Vec<(String, String)> {
        parse(name, contents)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn each_file_format() {
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (".nvmrc", "lts/iron\n", &[("node", "lts/iron")]),
            (".nvmrc", "# pinned\n\nv20.11.1\n", &[("node", "v20.11.1")]),
            (".node-version", "20\n", &[("node", "20")]),
            (".nvmrc", "\n\n", &[]),
            (
                "package.json",
                r#"{"engines":{"node":">=18"},"volta":{"node":"20.11.1"}}"#,
                &[("node", "20.11.1")],
            ),
            // nvm and mise: engines.node is a requirement, not a version to use.
            (
                "package.json",
                r#"{"engines":{"node":"^20.11","bun":"1.1.0"}}"#,
                &[("bun", "1.1.0")],
            ),
            // npm's devEngines.runtime, one object or a list; volta's pin before it.
            (
                "package.json",
                r#"{"devEngines":{"runtime":{"name":"node","version":">=20 <22"}}}"#,
                &[("node", ">=20 <22")],
            ),
            (
                "package.json",
                r#"{"devEngines":{"runtime":[{"name":"bun","version":"1.1"},{"name":"node","version":"^20.11.1"}]}}"#,
                &[("node", "^20.11.1"), ("bun", "1.1")],
            ),
            (
                "package.json",
                r#"{"devEngines":{"runtime":{"name":"node","version":"20"}},"volta":{"node":"20.11.1"}}"#,
                &[("node", "20.11.1")],
            ),
            (".nvmrc", "lts/-1\n", &[("node", "lts/-1")]),
            (".nvmrc", "system\n", &[("node", "system")]),
            ("package.json", r#"{"name":"x"}"#, &[]),
            ("package.json", "not json", &[]),
            // pyenv: every line of .python-version, in order (later ones are fallbacks).
            (
                ".python-version",
                "3.12\n# comment\n3.11\n",
                &[("python", "3.12"), ("python", "3.11")],
            ),
            // The forms pyenv and uv write; uv's `python-3.12`/`cpython-3.12` are CPython.
            (
                ".python-version",
                "python-3.12\nCPython-3.11.9\n3.13t\npypy3.10-7.3.17\nsystem\n",
                &[
                    ("python", "3.12"),
                    ("python", "3.11.9"),
                    ("python", "3.13t"),
                    ("python", "pypy3.10-7.3.17"),
                    ("python", "system"),
                ],
            ),
            // uv: .python-versions' first line is the version used.
            (".python-versions", "3.12\n3.11\n", &[("python", "3.12")]),
            // pyproject.toml names no version: requires-python is a constraint (below).
            (
                "pyproject.toml",
                "[project]\nrequires-python = \">=3.11\"\n",
                &[],
            ),
            (".go-version", "1.22.1\n", &[("go", "1.22.1")]),
            (
                "go.mod",
                "module x\n\ngo 1.21\n\ntoolchain go1.22.1\n",
                &[("go", "1.22.1")],
            ),
            ("go.mod", "module x\ngo 1.21.5 // min\n", &[("go", "1.21.5")]),
            // go: a toolchain line older than the go line is ignored (1.22.3 > 1.22.1) ...
            (
                "go.mod",
                "module x\ngo 1.22.3\ntoolchain go1.22.1\n",
                &[("go", "1.22.3")],
            ),
            // ... and so is one that is not a full release (`go1.22`, `default`).
            ("go.mod", "go 1.21\ntoolchain go1.22\n", &[("go", "1.21")]),
            ("go.mod", "go 1.21\ntoolchain default\n", &[("go", "1.21")]),
            ("go.mod", "toolchain go1.22.4\n", &[("go", "1.22.4")]),
            // go.work has the same go and toolchain lines.
            (
                "go.work",
                "go 1.22.0\ntoolchain go1.23.2\nuse ./svc\n",
                &[("go", "1.23.2")],
            ),
            (
                "rust-toolchain.toml",
                "[toolchain]\nchannel = \"1.80\"\ncomponents = [\"clippy\"]\n",
                &[("rust", "1.80")],
            ),
            ("rust-toolchain", "nightly-2024-05-01\n", &[("rust", "nightly-2024-05-01")]),
            // rustup: a `path` toolchain is used (relative to the file, made absolute by
            // the resolver), never skipped.
            (
                "rust-toolchain.toml",
                "[toolchain]\npath = \"../tc\"\n",
                &[("rust", "path:../tc")],
            ),
            ("rust-toolchain", "/opt/rust/tc\n", &[("rust", "path:/opt/rust/tc")]),
            (
                "rust-toolchain",
                "[toolchain]\nchannel = \"stable\"\n",
                &[("rust", "stable")],
            ),
            (".ruby-version", "ruby-3.3.0\n", &[("ruby", "3.3.0")]),
            (".java-version", "temurin-21\n", &[("java", "21")]),
            // jenv's names: the vendor with the word size.
            (".java-version", "temurin64-17.0.1\n", &[("java", "17.0.1")]),
            (".java-version", "openjdk64-17.0.1\n", &[("java", "17.0.1")]),
            // asdf-java: temurin-21.0.7+6.0.LTS is Adoptium's 21.0.7+6; other vendors are
            // kept, to be refused by name rather than replaced with Temurin.
            (
                ".tool-versions",
                "java temurin-21.0.7+6.0.LTS zulu-21.36.17\n",
                &[("java", "21.0.7+6"), ("java", "zulu-21.36.17")],
            ),
            (".java-version", "corretto-21.0.2.13.1\n", &[("java", "corretto-21.0.2.13.1")]),
            // sdkman: the vendor is the suffix (`tem` is Temurin, `amzn` Corretto).
            (".sdkmanrc", "java=21.0.2-amzn\n", &[("java", "corretto-21.0.2")]),
            (".sdkmanrc", "java=21.0.2-ms\n", &[("java", "microsoft-21.0.2")]),
            ("mise.toml", "[tools]\njava = \"zulu-21\"\n", &[("java", "zulu-21")]),
            (
                ".sdkmanrc",
                "# sdk env\njava=21.0.2-tem\n",
                &[("java", "21.0.2")],
            ),
            (".bun-version", "1.1.0", &[("bun", "1.1.0")]),
            (
                ".tool-versions",
                "nodejs 20.11.1 18.19.0\ngolang 1.22.0 # pinned\n# python 3.12\ndeno 1.40.0\n",
                // asdf: several versions on a line are fallbacks, all kept in order.
                &[
                    ("node", "20.11.1"),
                    ("node", "18.19.0"),
                    ("go", "1.22.0"),
                    ("deno", "1.40.0"),
                ],
            ),
            (
                "mise.toml",
                "[tools]\nnode = \"20\"\npython = [\"3.12\", \"3.11\"]\ngo = { version = \"1.22\" }\ndeno = \"1.40\"\n",
                &[
                    ("deno", "1.40"),
                    ("go", "1.22"),
                    ("node", "20"),
                    ("python", "3.12"),
                ],
            ),
            (".mise.toml", "[env]\nX = \"1\"\n", &[]),
            // Every place mise reads its configuration from in a directory.
            (".config/mise.toml", "[tools]\nnode = \"20\"\n", &[("node", "20")]),
            ("mise.local.toml", "[tools]\ngo = \"1.22\"\n", &[("go", "1.22")]),
        ];
        for (name, contents, want) in cases {
            assert_eq!(p(name, contents), pairs(want), "{name}: {contents:?}");
        }
    }

    #[test]
    fn conventional_files() {
        assert_eq!(conventional_file("node"), Some(".nvmrc"));
        assert_eq!(conventional_file("rust"), Some("rust-toolchain.toml"));
        assert_eq!(conventional_file("deno"), None);
        let c = conventional_contents("rust", "1.80.1");
        assert_eq!(p("rust-toolchain.toml", &c), pairs(&[("rust", "1.80.1")]));
        for rt in ["node", "python", "go", "ruby", "java", "bun"] {
            let (Some(file), c) = (conventional_file(rt), conventional_contents(rt, "1.2.3"))
            else {
                panic!("{rt} has no conventional file");
            };
            assert_eq!(p(file, &c), pairs(&[(rt, "1.2.3")]), "{rt}");
        }
    }
}
