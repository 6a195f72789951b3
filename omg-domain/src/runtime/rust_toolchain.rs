//! rust's toolchain files as rustup reads them: `rust-toolchain.toml` and the legacy
//! `rust-toolchain`.

use super::files::first_line;

/// What a rust toolchain file asks for: rustup's `[toolchain]` table, or the legacy
/// `rust-toolchain` file's one line (a channel, or a path to a toolchain).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RustToolchain {
    /// `channel`: `stable`, `1.80.1`, `nightly-2024-05-01`.
    pub channel: Option<String>,
    /// `path`: a toolchain on disk (relative to the file's directory when relative); it
    /// excludes `channel`, and `components`, `targets` and `profile` then mean nothing.
    pub path: Option<String>,
    /// `components`: `clippy`, `rustfmt`, `rust-src`, ...
    pub components: Vec<String>,
    /// `targets`: `wasm32-unknown-unknown`, ...
    pub targets: Vec<String>,
    /// `profile`: `minimal`, `default`, `complete`.
    pub profile: Option<String>,
}

impl RustToolchain {
    /// The spec text the file gives rust: `path:<path>` for a path toolchain, else the
    /// channel; `None` when it names neither (rustup then uses the default toolchain).
    pub fn spec_text(&self) -> Option<String> {
        match (&self.path, &self.channel) {
            (Some(p), _) => Some(format!("path:{p}")),
            (None, c) => c.clone(),
        }
    }
}

/// Reads `rust-toolchain.toml`, or the legacy `rust-toolchain` (TOML as well, or one line),
/// as rustup does; `None` when it does not parse.
pub fn rust_toolchain(file_name: &str, contents: &str) -> Option<RustToolchain> {
    let toml_form = file_name == "rust-toolchain.toml" || contents.contains("[toolchain]");
    if !toml_form {
        // Legacy: one line, a channel or an absolute path to a toolchain.
        let line = first_line(contents)?;
        return Some(if line.starts_with('/') {
            RustToolchain {
                path: Some(line),
                ..RustToolchain::default()
            }
        } else {
            RustToolchain {
                channel: Some(line),
                ..RustToolchain::default()
            }
        });
    }
    let doc: toml::Table = toml::from_str(contents).ok()?;
    let t = doc.get("toolchain")?.as_table()?;
    let text = |key: &str| {
        t.get(key)
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let list = |key: &str| -> Vec<String> {
        t.get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| s.trim().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(RustToolchain {
        channel: text("channel"),
        path: text("path"),
        components: list("components"),
        targets: list("targets"),
        profile: text("profile"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_toolchain_settings() {
        // rustup's toolchain file settings: channel, components, targets, profile.
        let t = rust_toolchain(
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"1.80.1\"\ncomponents = [\"clippy\", \"rust-src\"]\ntargets = [\"wasm32-unknown-unknown\"]\nprofile = \"minimal\"\n",
        );
        assert_eq!(
            t,
            Some(RustToolchain {
                channel: Some("1.80.1".into()),
                path: None,
                components: vec!["clippy".into(), "rust-src".into()],
                targets: vec!["wasm32-unknown-unknown".into()],
                profile: Some("minimal".into()),
            })
        );
        // The legacy file may hold the same TOML.
        let legacy = rust_toolchain("rust-toolchain", "[toolchain]\nchannel = \"beta\"\n");
        assert_eq!(legacy.and_then(|t| t.spec_text()).as_deref(), Some("beta"));
        // Components without a channel name no version (rustup's default toolchain).
        let none = rust_toolchain(
            "rust-toolchain.toml",
            "[toolchain]\ncomponents = [\"clippy\"]\n",
        );
        assert_eq!(none.and_then(|t| t.spec_text()), None);
        assert_eq!(rust_toolchain("rust-toolchain.toml", "[toolchain"), None);
    }
}
