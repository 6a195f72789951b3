//! `omg use` in a project: the new contents of the version file that decided a runtime's
//! version, keeping everything else in it (the other lines of `.python-version`, the other
//! tools of `.tool-versions` and `mise.toml`, the components of `rust-toolchain.toml`).

use super::files::canonical_runtime;

/// How to pin a runtime where a version file decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Write these contents to the deciding file.
    InPlace(String),
    /// The file is not one omg rewrites (`package.json`, `go.mod`, `.sdkmanrc`,
    /// `.python-versions`); the runtime's conventional file in the same directory comes
    /// before it in the resolution order, so writing that one decides instead.
    Conventional,
    /// The file holds the runtime in a form omg does not rewrite (a multi-line TOML value);
    /// the text says what to change by hand.
    Unsupported(String),
}

/// The edit that makes `file_name` (a name of [`super::VERSION_FILES`], holding `contents`)
/// pin `runtime` to `version`.
pub fn edit_version_file(file_name: &str, contents: &str, runtime: &str, version: &str) -> Edit {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    match base {
        ".nvmrc" | ".node-version" | ".go-version" | ".ruby-version" | ".java-version"
        | ".bun-version" => Edit::InPlace(format!("{version}\n")),
        ".python-version" => Edit::InPlace(first_line_replaced(contents, version)),
        ".tool-versions" => tool_versions(contents, runtime, version),
        "rust-toolchain.toml" => rust_toolchain_toml(contents, version),
        // The legacy file holds either a bare channel or the TOML form.
        "rust-toolchain" if contents.contains("[toolchain]") => {
            rust_toolchain_toml(contents, version)
        }
        "rust-toolchain" => Edit::InPlace(format!("{version}\n")),
        _ if base.ends_with(".toml") && file_name.contains("mise") => {
            mise_tools(contents, runtime, version)
        }
        _ => Edit::Conventional,
    }
}

/// pyenv's `.python-version`: the first version line becomes `version`; the later lines
/// (fallbacks) and comments stay.
fn first_line_replaced(contents: &str, version: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in contents.lines() {
        let t = line.trim();
        if !done && !t.is_empty() && !t.starts_with('#') {
            out.push_str(version);
            done = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if !done {
        out.push_str(version);
        out.push('\n');
    }
    out
}

/// asdf's `.tool-versions`: the runtime's line gets `version` alone (its tool name as
/// written); the other lines stay; a missing line is appended.
fn tool_versions(contents: &str, runtime: &str, version: &str) -> Edit {
    let mut out = String::new();
    let mut done = false;
    for line in contents.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some(tool) if !done && !tool.starts_with('#') && canonical_runtime(tool) == runtime => {
                out.push_str(&format!("{tool} {version}"));
                // A trailing comment stays.
                if let Some(i) = line.find('#') {
                    out.push(' ');
                    out.push_str(&line[i..]);
                }
                done = true;
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    if !done {
        out.push_str(&format!("{runtime} {version}\n"));
    }
    Edit::InPlace(out)
}

/// rustup's `rust-toolchain.toml`: `channel` in `[toolchain]` becomes `version` (a `path`
/// toolchain gives way to it); components, targets and profile stay.
fn rust_toolchain_toml(contents: &str, version: &str) -> Edit {
    let mut out = String::new();
    let mut in_toolchain = false;
    let mut done = false;
    for line in contents.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if in_toolchain && !done {
                out.push_str(&format!("channel = \"{version}\"\n"));
                done = true;
            }
            in_toolchain = t == "[toolchain]";
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if in_toolchain && key_of(t) == Some("path") {
            // rustup: `path` and `channel` exclude each other.
            continue;
        }
        if in_toolchain && key_of(t) == Some("channel") {
            out.push_str(&format!("channel = \"{version}\"\n"));
            done = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !done {
        if !in_toolchain {
            out.push_str("[toolchain]\n");
        }
        out.push_str(&format!("channel = \"{version}\"\n"));
    }
    Edit::InPlace(out)
}

/// mise's `[tools]`: the runtime's entry (`node = "20"`, `node = ["20", "18"]`,
/// `node = { version = "20", ... }`) gets `version`; other tools and settings stay.
fn mise_tools(contents: &str, runtime: &str, version: &str) -> Edit {
    let mut out = String::new();
    let mut in_tools = false;
    let mut saw_tools = false;
    let mut done = false;
    for line in contents.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if in_tools && !done {
                out.push_str(&format!("{runtime} = \"{version}\"\n"));
                done = true;
            }
            in_tools = t == "[tools]";
            saw_tools |= in_tools;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let is_ours = in_tools
            && !done
            && key_of(t).is_some_and(|k| canonical_runtime(k.trim_matches('"')) == runtime);
        if !is_ours {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let value = value.trim();
        let new_value = if value.starts_with('{') && value.ends_with('}') {
            match replace_inline_version(value, version) {
                Some(v) => v,
                None => return unsupported(runtime),
            }
        } else if (value.starts_with('[') && value.ends_with(']'))
            || (value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\''))
        {
            format!("\"{version}\"")
        } else {
            // A value that goes on over more lines, or one with a comment after it.
            return unsupported(runtime);
        };
        out.push_str(&format!("{} = {new_value}\n", key.trim_end()));
        done = true;
    }
    // Not there yet: added at the end of [tools] (above, when another table follows it), or
    // in a new [tools].
    if !done {
        if !saw_tools {
            out.push_str("[tools]\n");
        }
        out.push_str(&format!("{runtime} = \"{version}\"\n"));
    }
    Edit::InPlace(out)
}

fn unsupported(runtime: &str) -> Edit {
    Edit::Unsupported(format!(
        "its [tools] entry for {runtime} is not a one-line string, list or table; change it \
         by hand"
    ))
}

/// `{ version = "20", os = ... }` with the version replaced.
fn replace_inline_version(table: &str, version: &str) -> Option<String> {
    let at = table.find("version")?;
    let rest = &table[at..];
    let open = rest.find('"')?;
    let close = rest[open + 1..].find('"')? + open + 1;
    Some(format!(
        "{}{}\"{version}\"{}",
        &table[..at],
        &rest[..open],
        &rest[close + 1..]
    ))
}

/// The key of a `key = value` line, if it is one.
fn key_of(line: &str) -> Option<&str> {
    if line.starts_with('#') {
        return None;
    }
    line.split_once('=').map(|(k, _)| k.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_place(e: Edit) -> String {
        match e {
            Edit::InPlace(s) => s,
            other => panic!("expected an edit in place, got {other:?}"),
        }
    }

    #[test]
    fn python_version_keeps_its_fallbacks() {
        let s = in_place(edit_version_file(
            ".python-version",
            "# project\n3.11\n3.10\n",
            "python",
            "3.12",
        ));
        assert_eq!(s, "# project\n3.12\n3.10\n");
    }

    #[test]
    fn tool_versions_keeps_the_other_tools_and_the_name_as_written() {
        let s = in_place(edit_version_file(
            ".tool-versions",
            "nodejs 18.1.0 16 # lts\npython 3.11\n",
            "node",
            "20",
        ));
        assert_eq!(s, "nodejs 20 # lts\npython 3.11\n");
        let s = in_place(edit_version_file(
            ".tool-versions",
            "python 3.11\n",
            "go",
            "1.22",
        ));
        assert_eq!(s, "python 3.11\ngo 1.22\n");
    }

    #[test]
    fn rust_toolchain_keeps_components_and_targets() {
        let before = "[toolchain]\nchannel = \"1.79\"\ncomponents = [\"clippy\", \"rust-src\"]\n\
                      targets = [\"wasm32-unknown-unknown\"]\nprofile = \"minimal\"\n";
        let s = in_place(edit_version_file(
            "rust-toolchain.toml",
            before,
            "rust",
            "1.80",
        ));
        assert_eq!(
            s,
            "[toolchain]\nchannel = \"1.80\"\ncomponents = [\"clippy\", \"rust-src\"]\n\
             targets = [\"wasm32-unknown-unknown\"]\nprofile = \"minimal\"\n"
        );
        // A path toolchain gives way to the channel.
        let s = in_place(edit_version_file(
            "rust-toolchain.toml",
            "[toolchain]\npath = \"/opt/rust\"\n",
            "rust",
            "stable",
        ));
        assert_eq!(s, "[toolchain]\nchannel = \"stable\"\n");
        // The legacy file: bare, or in TOML form.
        assert_eq!(
            in_place(edit_version_file(
                "rust-toolchain",
                "nightly\n",
                "rust",
                "1.80"
            )),
            "1.80\n"
        );
        assert_eq!(
            in_place(edit_version_file(
                "rust-toolchain",
                "[toolchain]\nchannel = \"nightly\"\n",
                "rust",
                "1.80"
            )),
            "[toolchain]\nchannel = \"1.80\"\n"
        );
    }

    #[test]
    fn mise_toml_keeps_other_tools_and_settings() {
        let before =
            "[env]\nFOO = \"1\"\n\n[tools]\nnode = \"18\"\npython = [\"3.11\", \"3.10\"]\n\
                      go = { version = \"1.21\", os = [\"linux\"] }\n";
        let s = in_place(edit_version_file("mise.toml", before, "node", "20"));
        assert!(s.contains("node = \"20\"\n"), "{s}");
        assert!(s.contains("[env]\nFOO = \"1\"\n"), "{s}");
        let s = in_place(edit_version_file("mise.toml", before, "python", "3.12"));
        assert!(s.contains("python = \"3.12\"\n"), "{s}");
        let s = in_place(edit_version_file(".config/mise.toml", before, "go", "1.22"));
        assert!(
            s.contains("go = { version = \"1.22\", os = [\"linux\"] }\n"),
            "{s}"
        );
        // The runtime not there yet: added to [tools].
        let s = in_place(edit_version_file(
            "mise.toml",
            "[tools]\nnode = \"18\"\n",
            "bun",
            "1.1",
        ));
        assert_eq!(s, "[tools]\nnode = \"18\"\nbun = \"1.1\"\n");
        // A value over several lines is not rewritten.
        assert!(matches!(
            edit_version_file(
                "mise.toml",
                "[tools]\nnode = [\n  \"18\",\n]\n",
                "node",
                "20"
            ),
            Edit::Unsupported(_)
        ));
    }

    #[test]
    fn files_omg_does_not_rewrite_give_way_to_the_conventional_file() {
        for name in [
            "package.json",
            "go.mod",
            "go.work",
            ".sdkmanrc",
            ".python-versions",
        ] {
            assert_eq!(
                edit_version_file(name, "", "node", "20"),
                Edit::Conventional,
                "{name}"
            );
        }
        assert_eq!(
            edit_version_file(".nvmrc", "lts/iron\n", "node", "20"),
            Edit::InPlace("20\n".into())
        );
    }
}
