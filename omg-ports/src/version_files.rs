//! The version files of a project (`.nvmrc`, `.tool-versions`, `mise.toml`, ...): which names
//! exist, and one directory's files as the adapter read them (`omg-adapters-runtimes`) for
//! the domain to resolve (`omg_domain::runtime::resolve`).

use std::path::PathBuf;

/// Every file name the resolver reads, in the order it consults them within one directory
/// (`omg_domain::runtime` documents the rules); the adapter reads only these.
pub const VERSION_FILES: &[&str] = &[
    // mise's configuration files, highest precedence first (mise's documented order).
    // (As `mise cfg` lists them, read backwards; the files of MISE_ENV's environments rank
    // above all of these: `version_file_anchor`.)
    ".mise.local.toml",
    "mise.local.toml",
    ".config/mise/config.local.toml",
    ".mise.toml",
    "mise.toml",
    "mise/config.toml",
    ".mise/config.toml",
    ".config/mise.toml",
    ".config/mise/config.toml",
    // asdf's, below mise's own files and above the single-runtime ones (as in mise).
    ".tool-versions",
    ".nvmrc",
    ".node-version",
    "package.json",
    ".python-version",
    ".python-versions",
    "pyproject.toml",
    ".go-version",
    "go.work",
    "go.mod",
    // rustup: where both are present, the legacy file is used.
    "rust-toolchain",
    "rust-toolchain.toml",
    ".ruby-version",
    ".java-version",
    ".sdkmanrc",
    ".bun-version",
];

/// The names of mise's files for environment `env` (`MISE_ENV=staging`), highest
/// precedence first, as mise 2026.9 reads them (`mise cfg` lists them the other way round).
pub fn mise_env_files(env: &str) -> [String; 8] {
    [
        format!(".mise.{env}.local.toml"),
        format!("mise.{env}.local.toml"),
        format!(".mise.{env}.toml"),
        format!(".mise/config.{env}.toml"),
        format!("mise.{env}.toml"),
        format!("mise/config.{env}.toml"),
        format!(".config/mise.{env}.toml"),
        format!(".config/mise/config.{env}.toml"),
    ]
}

/// The name of [`VERSION_FILES`] that `name` is read as and ranks with: `name` itself; for
/// mise's files of an environment ([`mise_env_files`]) `.mise.local.toml`, as every one of
/// them ranks above mise's other files (the adapter lists them before it, the strongest
/// environment first); for the fragments of `.config/mise/conf.d/*.toml`
/// `.config/mise/config.toml` (listed after it, the last in alphabetical order first). Files
/// of one rank are consulted in the order [`DirFiles::files`] lists them. `None` for any
/// other name.
pub fn version_file_anchor(name: &str) -> Option<&'static str> {
    if let Some(known) = VERSION_FILES.iter().find(|f| **f == name) {
        return Some(known);
    }
    let segment = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let between = |prefix: &str, suffix: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .is_some_and(segment)
    };
    if between(".config/mise/conf.d/", ".toml") {
        return Some(".config/mise/config.toml");
    }
    let env_file = [
        (".mise.", ".local.toml"),
        ("mise.", ".local.toml"),
        (".mise.", ".toml"),
        (".mise/config.", ".toml"),
        ("mise.", ".toml"),
        ("mise/config.", ".toml"),
        (".config/mise.", ".toml"),
        (".config/mise/config.", ".toml"),
    ]
    .iter()
    .any(|(prefix, suffix)| between(prefix, suffix));
    env_file.then_some(".mise.local.toml")
}

/// The version files found in one directory: `(file name, contents)` pairs, in the order the
/// adapter consults them (the resolver sorts them by [`version_file_anchor`]'s rank, keeping
/// this order within one rank).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirFiles {
    /// The directory.
    pub dir: PathBuf,
    /// The version files present in it (names from [`VERSION_FILES`], or read as one:
    /// [`version_file_anchor`]) and their contents.
    pub files: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mise_environment_files_rank_with_their_anchor() {
        let a = version_file_anchor;
        assert_eq!(a("mise.toml"), Some("mise.toml"));
        assert_eq!(
            a(".config/mise/config.local.toml"),
            Some(".config/mise/config.local.toml")
        );
        for env_file in mise_env_files("staging") {
            assert_eq!(a(&env_file), Some(".mise.local.toml"), "{env_file}");
        }
        assert_eq!(
            a(".config/mise/conf.d/a.toml"),
            Some(".config/mise/config.toml")
        );
        assert_eq!(a(".config/mise/conf.d/x/y.toml"), None);
        assert_eq!(a("mise..toml"), None);
        assert_eq!(a("mise.a b.toml"), None);
        assert_eq!(a("Cargo.toml"), None);
    }
}
