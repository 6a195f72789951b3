//! Requirements project files state on a runtime's version (pyproject.toml's
//! `requires-python`, package.json's `engines.node`): ranges checked against the version
//! chosen rather than versions to choose.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a requirement's range is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RangeSyntax {
    /// A PEP 440 specifier set (`>=3.10,<3.13`): pyproject.toml's `requires-python`.
    Pep440,
    /// An npm semver range (`>=18 <21`, `^20.11.1`): package.json's `engines`.
    Npm,
}

/// A range a project file states for a runtime: checked against the version chosen
/// rather than choosing it (see [`crate::runtime`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The runtime (`python`, `node`).
    pub runtime: String,
    /// The range as written.
    pub text: String,
    /// How it is written.
    pub syntax: RangeSyntax,
    /// True when, with no version file naming the runtime, the range chooses the version
    /// (uv does so with `requires-python`; nvm and mise refuse to with `engines.node`).
    pub chooses: bool,
}

/// The requirements `file_name` with `contents` states: pyproject.toml's
/// `project.requires-python` (python, PEP 440, chooses when no file does) and
/// package.json's `engines.node` (npm range, never chooses).
pub fn constraints(file_name: &str, contents: &str) -> Vec<Requirement> {
    match file_name {
        "pyproject.toml" => toml::from_str::<toml::Table>(contents)
            .ok()
            .and_then(|doc| {
                doc.get("project")?
                    .get("requires-python")?
                    .as_str()
                    .map(|s| s.trim().to_string())
            })
            .filter(|s| !s.is_empty())
            .map(|text| Requirement {
                runtime: "python".into(),
                text,
                syntax: RangeSyntax::Pep440,
                chooses: true,
            })
            .into_iter()
            .collect(),
        "package.json" => serde_json::from_str::<Value>(contents)
            .ok()
            .and_then(|json| {
                json.pointer("/engines/node")?
                    .as_str()
                    .map(|s| s.trim().to_string())
            })
            .filter(|s| !s.is_empty())
            .map(|text| Requirement {
                runtime: "node".into(),
                text,
                syntax: RangeSyntax::Npm,
                chooses: false,
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_python_and_engines_are_constraints() {
        // uv: `project.requires-python` of pyproject.toml bounds the python version.
        assert_eq!(
            constraints(
                "pyproject.toml",
                "[project]\nname = \"x\"\nrequires-python = \">=3.10,<3.13\"\n"
            ),
            vec![Requirement {
                runtime: "python".into(),
                text: ">=3.10,<3.13".into(),
                syntax: RangeSyntax::Pep440,
                chooses: true,
            }]
        );
        assert_eq!(constraints("pyproject.toml", "[tool.x]\ny = 1\n"), vec![]);
        assert_eq!(constraints("pyproject.toml", "not toml ["), vec![]);
        assert_eq!(constraints(".python-version", "3.12\n"), vec![]);
        // nvm and mise: engines.node is checked against the version, never chooses it.
        assert_eq!(
            constraints("package.json", r#"{"engines":{"node":">=18 <21"}}"#),
            vec![Requirement {
                runtime: "node".into(),
                text: ">=18 <21".into(),
                syntax: RangeSyntax::Npm,
                chooses: false,
            }]
        );
    }
}
