//! Which version file decides a runtime's version in a directory: walking up, nearest wins.

use std::collections::BTreeMap;
use std::path::PathBuf;

use omg_ports::{version_file_anchor, DirFiles, VERSION_FILES};
use serde::{Deserialize, Serialize};

use super::files::parse;
use super::requirements::{constraints, RangeSyntax};
use super::spec::VersionSpec;

/// Where a runtime's version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    /// A version file (its full path).
    File {
        /// The file.
        path: PathBuf,
    },
    /// The global default (`omg use --global`), from the file at this path.
    Global {
        /// The global defaults file.
        path: PathBuf,
    },
    /// The command line (`omg exec node@20`).
    CommandLine,
    /// An environment variable of the shell (`OMG_NODE_VERSION`, which `omg shell` sets):
    /// it overrides every version file and the global default
    /// ([`crate::runtime::override_resolution`]).
    Env {
        /// The variable's name.
        variable: String,
    },
}

/// A runtime's requested version and what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The runtime (`node`).
    pub runtime: String,
    /// The spec as written (`lts/iron`, `20`, `>=18`).
    pub spec_text: String,
    /// The spec, parsed.
    pub spec: VersionSpec,
    /// What decided it.
    pub origin: Origin,
    /// A requirement the chosen version should meet (pyproject.toml's `requires-python`
    /// when a version file decided python), or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<Constraint>,
}

/// A requirement on a runtime's version stated by a project file, checked against the
/// version chosen ([`Constraint::allows`]) rather than choosing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    /// The requirement as written (`>=3.10,<3.13`).
    pub text: String,
    /// The file that states it.
    pub path: PathBuf,
    /// How the requirement is written.
    pub syntax: RangeSyntax,
    /// True when it chooses the version where no version file does (uv's requires-python).
    #[serde(skip)]
    pub chooses: bool,
}

impl Constraint {
    /// Whether `version` meets the requirement; `None` when the requirement or the version
    /// does not parse (then nothing is checked).
    pub fn allows(&self, version: &str) -> Option<bool> {
        match self.syntax {
            RangeSyntax::Pep440 => super::spec::pep440_allows(&self.text, version),
            RangeSyntax::Npm => super::spec::npm_satisfies(&self.text, version),
        }
    }
}

/// How many fallbacks of one file are kept (the lines of a `.python-version`).
pub const MAX_ALTERNATIVES: usize = 32;

fn file_rank(name: &str) -> usize {
    version_file_anchor(name)
        .and_then(|anchor| VERSION_FILES.iter().position(|f| *f == anchor))
        .unwrap_or(usize::MAX)
}

/// The version of `runtime` that `dirs` decide, or `None` (then the global default
/// applies). `dirs` are ordered nearest first: the current directory, its parent, ... up to
/// the root. The rules are [`crate::runtime`]'s.
pub fn resolve(runtime: &str, dirs: &[DirFiles]) -> Option<Resolution> {
    let constraint = nearest_constraint(runtime, dirs);
    for (i, d) in dirs.iter().enumerate() {
        let mut files: Vec<&(String, String)> = d.files.iter().collect();
        files.sort_by_key(|(name, _)| file_rank(name));
        // go: inside a workspace (a go.work here or above), go.work decides, not go.mod.
        let in_workspace = dirs[i..]
            .iter()
            .any(|d| d.files.iter().any(|(n, _)| n == "go.work"));
        for (name, contents) in files {
            if name == "go.mod" && in_workspace {
                continue;
            }
            // Every spec the file gives the runtime, in order: later ones are fallbacks (at
            // most MAX_ALTERNATIVES of them: a file is outside input).
            let specs: Vec<String> = parse(name, contents)
                .into_iter()
                .filter(|(r, _)| r == runtime)
                .map(|(_, s)| s)
                .take(MAX_ALTERNATIVES)
                .collect();
            // A relative `path:` toolchain is relative to the file's directory (rustup).
            let specs: Vec<String> = specs
                .into_iter()
                .map(|s| match s.strip_prefix("path:") {
                    Some(p) if !p.starts_with('/') && !p.starts_with('~') => {
                        format!("path:{}", d.dir.join(p).display())
                    }
                    _ => s,
                })
                .collect();
            if !specs.is_empty() {
                return Some(Resolution {
                    runtime: runtime.to_string(),
                    spec: VersionSpec::any_of(&specs),
                    spec_text: specs.join(" "),
                    origin: Origin::File {
                        path: d.dir.join(name),
                    },
                    constraint,
                });
            }
        }
    }
    // No version file: a requirement that chooses does (uv without a .python-version).
    constraint.filter(|c| c.chooses).map(|c| Resolution {
        runtime: runtime.to_string(),
        spec: match c.syntax {
            RangeSyntax::Pep440 => VersionSpec::Pep440(c.text.clone()),
            RangeSyntax::Npm => VersionSpec::Range(c.text.clone()),
        },
        spec_text: c.text,
        origin: Origin::File { path: c.path },
        constraint: None,
    })
}

/// The nearest requirement on `runtime` (walking up from the first of `dirs`).
fn nearest_constraint(runtime: &str, dirs: &[DirFiles]) -> Option<Constraint> {
    dirs.iter().find_map(|d| {
        d.files.iter().find_map(|(name, contents)| {
            constraints(name, contents)
                .into_iter()
                .find(|r| r.runtime == runtime)
                .map(|r| Constraint {
                    text: r.text,
                    path: d.dir.join(name),
                    syntax: r.syntax,
                    chooses: r.chooses,
                })
        })
    })
}

/// Every runtime any of `dirs` names, each resolved as [`resolve`] would, ordered by
/// runtime name. Global defaults in `global` (runtime -> spec) fill in runtimes no file
/// names, with origin [`Origin::Global`] at `global_path`.
pub fn resolve_all(
    dirs: &[DirFiles],
    global: &BTreeMap<String, String>,
    global_path: &std::path::Path,
) -> Vec<Resolution> {
    let mut names: Vec<String> = dirs
        .iter()
        .flat_map(|d| d.files.iter())
        .flat_map(|(n, c)| {
            parse(n, c)
                .into_iter()
                .map(|(r, _)| r)
                .chain(constraints(n, c).into_iter().map(|r| r.runtime))
        })
        .chain(global.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|r| {
            resolve(&r, dirs).or_else(|| {
                global.get(&r).map(|spec| Resolution {
                    runtime: r.clone(),
                    spec: VersionSpec::parse(spec),
                    spec_text: spec.clone(),
                    origin: Origin::Global {
                        path: global_path.to_path_buf(),
                    },
                    constraint: None,
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A tree as `(directory, file name, contents)`; `dirs_from` lists the directories from
    /// `cwd` up to `/`, each with its files, as the adapter would.
    fn dirs_from(tree: &[(&str, &str, &str)], cwd: &str) -> Vec<DirFiles> {
        let mut out = Vec::new();
        let mut dir = Some(Path::new(cwd));
        while let Some(d) = dir {
            out.push(DirFiles {
                dir: d.to_path_buf(),
                files: tree
                    .iter()
                    .filter(|(td, _, _)| Path::new(td) == d)
                    .map(|(_, n, c)| (n.to_string(), c.to_string()))
                    .collect(),
            });
            dir = d.parent();
        }
        out
    }

    const TREE: &[(&str, &str, &str)] = &[
        ("/home/u", ".tool-versions", "nodejs 18.19.0\npython 3.11\n"),
        (
            "/home/u",
            "mise.toml",
            "[tools]\nnode = \"16\"\ndeno = \"1.40\"\n",
        ),
        ("/home/u/work", ".nvmrc", "lts/iron\n"),
        ("/home/u/work", ".node-version", "21\n"),
        ("/home/u/work/app", "package.json", r#"{"name":"app"}"#),
        (
            "/home/u/work/app/web",
            "package.json",
            r#"{"engines":{"node":">=20"},"volta":{"node":"20.11.1"}}"#,
        ),
        ("/home/u/work/app/web", ".tool-versions", "nodejs 19\n"),
        (
            "/home/u/go/svc",
            "go.mod",
            "module svc\ngo 1.21\ntoolchain go1.22.1\n",
        ),
        ("/home/u/go/svc", ".go-version", "1.20\n"),
        ("/home/u/go/lib", "go.mod", "module lib\ngo 1.21\n"),
        ("/home/u/rs", "rust-toolchain", "nightly\n"),
        (
            "/home/u/rs",
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"1.80\"\n",
        ),
        ("/home/u/rs/old", "rust-toolchain", "stable\n"),
        ("/home/u/jv", ".sdkmanrc", "java=21.0.2-tem\n"),
        ("/home/u/jv/sub", ".java-version", "17\n"),
        ("/home/u/py", ".python-version", "3.12\n"),
        ("/home/u/py", ".mise.toml", "[tools]\npython = \"3.10\"\n"),
    ];

    #[test]
    fn nearest_wins_table() {
        // (cwd, runtime, expected spec, deciding file)
        type Case<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);
        let cases: &[Case] = &[
            ("/home/u/other", "node", Some(("16", "/home/u/mise.toml"))),
            ("/home/u", "deno", Some(("1.40", "/home/u/mise.toml"))),
            // mise: mise.toml beats .tool-versions in the same directory.
            ("/home/u", "node", Some(("16", "/home/u/mise.toml"))),
            (
                "/home/u/work",
                "node",
                Some(("lts/iron", "/home/u/work/.nvmrc")),
            ),
            // package.json without a node entry does not stop the walk.
            (
                "/home/u/work/app",
                "node",
                Some(("lts/iron", "/home/u/work/.nvmrc")),
            ),
            // mise: .tool-versions beats a single-runtime file (package.json) in the same
            // directory.
            (
                "/home/u/work/app/web",
                "node",
                Some(("19", "/home/u/work/app/web/.tool-versions")),
            ),
            (
                "/home/u/work/app/web",
                "python",
                Some(("3.11", "/home/u/.tool-versions")),
            ),
            (
                "/home/u/go/svc",
                "go",
                Some(("1.20", "/home/u/go/svc/.go-version")),
            ),
            (
                "/home/u/go/lib/x",
                "go",
                Some(("1.21", "/home/u/go/lib/go.mod")),
            ),
            // rustup: with both files in a directory, the legacy rust-toolchain is used.
            (
                "/home/u/rs",
                "rust",
                Some(("nightly", "/home/u/rs/rust-toolchain")),
            ),
            (
                "/home/u/rs/old/src",
                "rust",
                Some(("stable", "/home/u/rs/old/rust-toolchain")),
            ),
            (
                "/home/u/jv",
                "java",
                Some(("21.0.2", "/home/u/jv/.sdkmanrc")),
            ),
            (
                "/home/u/jv/sub",
                "java",
                Some(("17", "/home/u/jv/sub/.java-version")),
            ),
            // mise: .mise.toml beats .python-version in the same directory.
            (
                "/home/u/py/deep/er",
                "python",
                Some(("3.10", "/home/u/py/.mise.toml")),
            ),
            ("/home/u/py", "ruby", None),
            ("/", "node", None),
        ];
        for (cwd, runtime, want) in cases {
            let got = resolve(runtime, &dirs_from(TREE, cwd));
            let got = got.as_ref().map(|r| {
                let Origin::File { path } = &r.origin else {
                    panic!("not a file origin");
                };
                (r.spec_text.as_str(), path.to_string_lossy().into_owned())
            });
            let want = want.map(|(s, f)| (s, f.to_string()));
            assert_eq!(got, want, "{runtime} in {cwd}");
        }
    }

    #[test]
    fn python_lines_and_requires_python() {
        let tree: &[(&str, &str, &str)] = &[
            // pyenv: every line of .python-version counts, in order.
            ("/p", ".python-version", "3.12\n3.11\n"),
            (
                "/p/app",
                "pyproject.toml",
                "[project]\nrequires-python = \">=3.11\"\n",
            ),
            (
                "/q",
                "pyproject.toml",
                "[project]\nrequires-python = \">=3.10,<3.12\"\n",
            ),
            // uv: .python-version is preferred to .python-versions in one directory.
            ("/r", ".python-versions", "3.10\n"),
            ("/r", ".python-version", "3.13\n"),
        ];
        let r = resolve("python", &dirs_from(tree, "/p/app/src"));
        let Some(r) = r else {
            panic!("python not resolved under /p");
        };
        assert_eq!(r.spec_text, "3.12 3.11");
        assert_eq!(r.spec, VersionSpec::any_of(&["3.12", "3.11"]));
        assert_eq!(
            r.origin,
            Origin::File {
                path: "/p/.python-version".into()
            }
        );
        // uv: with a .python-version, requires-python is checked, not chosen from.
        let Some(c) = r.constraint else {
            panic!("no constraint from /p/app/pyproject.toml");
        };
        assert_eq!(c.text, ">=3.11");
        assert_eq!(c.path, Path::new("/p/app/pyproject.toml"));
        assert_eq!(c.allows("3.10.15"), Some(false));
        assert_eq!(c.allows("3.12.7"), Some(true));
        // uv: without one, requires-python chooses (the newest version inside it).
        let Some(q) = resolve("python", &dirs_from(tree, "/q")) else {
            panic!("requires-python alone does not resolve");
        };
        assert_eq!(q.spec, VersionSpec::Pep440(">=3.10,<3.12".into()));
        assert_eq!(
            q.origin,
            Origin::File {
                path: "/q/pyproject.toml".into()
            }
        );
        assert_eq!(q.constraint, None);
        let all = resolve_all(&dirs_from(tree, "/q"), &BTreeMap::new(), Path::new("/g"));
        assert_eq!(all.len(), 1);
        let r = resolve("python", &dirs_from(tree, "/r"));
        assert_eq!(r.map(|r| r.spec_text).as_deref(), Some("3.13"));
        // asdf: `nodejs 20 18` on a .tool-versions line is 20, falling back to 18.
        let t = dirs_from(&[("/t", ".tool-versions", "nodejs 20 18\n")], "/t");
        let r = resolve("node", &t).map(|r| r.spec);
        assert_eq!(r, Some(VersionSpec::any_of(&["20", "18"])));
        // A file of many lines is cut at MAX_ALTERNATIVES fallbacks.
        let many = "3.12\n".repeat(10_000);
        let r = resolve(
            "python",
            &dirs_from(&[("/m", ".python-version", &many)], "/m"),
        );
        let n = r.map(|r| r.spec.alternatives().len());
        assert_eq!(n, Some(MAX_ALTERNATIVES));
    }

    #[test]
    fn mise_order_within_a_directory() {
        // mise: mise.local.toml > .mise.toml > mise.toml > mise/config.toml >
        // .config/mise.toml > .config/mise/config.toml > .tool-versions > .nvmrc.
        let order = [
            ("mise.local.toml", "[tools]\nnode = \"1\"\n"),
            (".mise.toml", "[tools]\nnode = \"2\"\n"),
            ("mise.toml", "[tools]\nnode = \"3\"\n"),
            ("mise/config.toml", "[tools]\nnode = \"4\"\n"),
            (".config/mise.toml", "[tools]\nnode = \"5\"\n"),
            (".config/mise/config.toml", "[tools]\nnode = \"6\"\n"),
            (".tool-versions", "nodejs 7\n"),
            (".nvmrc", "8\n"),
        ];
        for skip in 0..order.len() {
            let files: Vec<(String, String)> = order[skip..]
                .iter()
                .rev()
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect();
            let d = [DirFiles {
                dir: "/p".into(),
                files,
            }];
            let r = resolve("node", &d).map(|r| r.spec_text);
            assert_eq!(r, Some((skip + 1).to_string()), "without the first {skip}");
        }
    }

    #[test]
    fn rust_path_toolchain_is_relative_to_its_file() {
        // rustup: a relative `path` is relative to the toolchain file's directory.
        let t = dirs_from(
            &[(
                "/w/proj",
                "rust-toolchain.toml",
                "[toolchain]\npath = \"tc\"\n",
            )],
            "/w/proj/src",
        );
        let r = resolve("rust", &t).map(|r| r.spec);
        assert_eq!(r, Some(VersionSpec::Path("/w/proj/tc".into())));
    }

    #[test]
    fn go_work_before_go_mod() {
        let tree: &[(&str, &str, &str)] = &[
            ("/ws", "go.work", "go 1.23.0\nuse ./svc\n"),
            ("/ws/svc", "go.mod", "module svc\ngo 1.21\n"),
            ("/ws/svc/pinned", ".go-version", "1.20.1\n"),
            ("/mod", "go.mod", "module m\ngo 1.22\n"),
        ];
        // go: in a workspace, go.work's go line is the one used, not the module's go.mod.
        let spec = |cwd: &str| resolve("go", &dirs_from(tree, cwd)).map(|r| r.spec_text);
        assert_eq!(spec("/ws/svc/cmd").as_deref(), Some("1.23.0"));
        assert_eq!(spec("/mod/x").as_deref(), Some("1.22"));
        // A nearer .go-version still wins (goenv's file, nearest first).
        assert_eq!(spec("/ws/svc/pinned").as_deref(), Some("1.20.1"));
    }

    #[test]
    fn engines_node_checks_and_never_overrides() {
        let tree: &[(&str, &str, &str)] = &[
            ("/repo", ".nvmrc", "20\n"),
            (
                "/repo/pkg",
                "package.json",
                r#"{"engines":{"node":">=21"}}"#,
            ),
            ("/lone", "package.json", r#"{"engines":{"node":">=18"}}"#),
        ];
        // nvm and mise: a package's engines.node does not override the repository's .nvmrc;
        // it is checked against the version chosen.
        let Some(r) = resolve("node", &dirs_from(tree, "/repo/pkg")) else {
            panic!("node not resolved under /repo");
        };
        assert_eq!(r.spec_text, "20");
        let Some(c) = r.constraint else {
            panic!("no engines constraint");
        };
        assert_eq!((c.text.as_str(), c.syntax), (">=21", RangeSyntax::Npm));
        assert_eq!(c.allows("20.11.1"), Some(false));
        assert_eq!(c.allows("21.6.1"), Some(true));
        // ... and alone it chooses nothing (the global default applies).
        assert_eq!(resolve("node", &dirs_from(tree, "/lone")), None);
    }

    #[test]
    fn all_active_with_global_fallback() {
        let mut global = BTreeMap::new();
        global.insert("go".to_string(), "1.22".to_string());
        global.insert("node".to_string(), "20".to_string());
        let g = Path::new("/cfg/runtimes.toml");
        let all = resolve_all(&dirs_from(TREE, "/home/u/work"), &global, g);
        let summary: Vec<(String, String, bool)> = all
            .iter()
            .map(|r| {
                (
                    r.runtime.clone(),
                    r.spec_text.clone(),
                    matches!(r.origin, Origin::Global { .. }),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("deno".into(), "1.40".into(), false),
                ("go".into(), "1.22".into(), true),
                ("node".into(), "lts/iron".into(), false),
                ("python".into(), "3.11".into(), false),
            ]
        );
    }
}
