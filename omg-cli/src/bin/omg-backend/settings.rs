//! The commands about omg itself, answered without opening a backend: `omg config` (every
//! setting omg reads, its value and origin) and `omg completions <shell>`.

use clap::CommandFactory;
use omg_cli::args::{Cli, ShellArg};
use omg_cli::render::{ConfigReport, Output, Setting};
use omg_config::keys::{self, KeyDefault, KEYS};
use omg_config::{default_path, Config, Origin, Settings};
use omg_ports::Result;

use crate::run::Reply;

/// `omg config`.
pub fn config(out: &Output) -> Result<Reply> {
    let file = default_path();
    let config = match &file {
        Some(path) => Config::load_from(path)?,
        None => Config::default(),
    };
    let mut settings = Vec::new();
    let mut known = Vec::new();
    let mut add = |section: &str, key: &str, default: String| {
        let (value, origin) = match config.get(section, key) {
            Some(v) => (
                v.value,
                match v.origin {
                    Origin::Env(var) => format!("${var}"),
                    Origin::File(p) => p.display().to_string(),
                },
            ),
            None => (default, "default".to_string()),
        };
        settings.push(Setting {
            key: format!("{section}.{key}"),
            value,
            origin,
        });
        known.push((section.to_string(), key.to_string()));
    };
    // The schema's order; the defaults the code that reads a key decides come from there.
    for def in KEYS {
        let default = |text: &str| match def.default {
            KeyDefault::Fixed(v) => v.to_string(),
            KeyDefault::Computed(_) => text.to_string(),
        };
        match (def.section, def.name) {
            (keys::RUNTIMES, keys::MISE) => add(
                def.section,
                def.name,
                omg_cli::runtimes::find_on_path("mise").map_or_else(
                    || "(mise on PATH: not found)".to_string(),
                    |p| p.display().to_string(),
                ),
            ),
            (keys::RUNTIMES, keys::MAX_UNPACKED) => add(
                def.section,
                def.name,
                format!(
                    "{} (MiB a runtime archive may unpack to)",
                    omg_adapters_runtimes::UnpackLimits::default().max_bytes >> 20
                ),
            ),
            ("runtimes.*", keys::MIRROR) => {
                for name in omg_adapters_releases::NATIVE_RUNTIMES {
                    let mirror = omg_adapters_releases::default_mirror(name);
                    add(
                        &Settings::runtime_section(name),
                        def.name,
                        mirror.unwrap_or_default().into(),
                    );
                }
            }
            (keys::AUDIT, keys::AUDIT_RELEASE) => {
                add(def.section, def.name, default("(from os-release)"))
            }
            _ => add(def.section, def.name, default("")),
        }
    }
    let unknown = config
        .file_keys()
        .into_iter()
        .filter(|k| !known.contains(k))
        .map(|(section, key)| {
            if section.is_empty() {
                key
            } else {
                format!("{section}.{key}")
            }
        })
        .collect();
    let report = ConfigReport {
        exists: file.as_deref().is_some_and(std::path::Path::exists),
        file,
        settings,
        unknown,
    };
    let (stdout, stderr) = omg_cli::render::config(out, &report);
    Ok(Reply {
        stdout,
        stderr,
        code: omg_cli::exit::OK,
    })
}

/// `omg completions <shell>`: clap's script for omg's whole command line.
pub fn completions(shell: ShellArg) -> Reply {
    let shell = match shell {
        ShellArg::Bash => clap_complete::Shell::Bash,
        ShellArg::Zsh => clap_complete::Shell::Zsh,
        ShellArg::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "omg", &mut script);
    Reply::from(String::from_utf8_lossy(&script).into_owned())
}
