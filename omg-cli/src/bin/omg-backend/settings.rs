//! The commands about omg itself, answered without opening a backend: `omg config` (every
//! setting omg reads, its value and origin) and `omg completions <shell>`.

use clap::CommandFactory;
use omg_cli::args::{Cli, ShellArg};
use omg_cli::config::{default_path, Config, Origin};
use omg_cli::render::{ConfigReport, Output, Setting};
use omg_ports::{FeedKind, Result};

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
    for kind in [
        FeedKind::Arch,
        FeedKind::Debian,
        FeedKind::Ubuntu,
        FeedKind::DebianDsa,
        FeedKind::DebianDla,
    ] {
        add(
            "audit",
            &format!("{}_feed", kind.name()),
            kind.default_url().into(),
        );
    }
    add("audit", "release", "(from os-release)".into());
    add(
        "transactions",
        "lock_timeout",
        omg::alpm::DEFAULT_LOCK_TIMEOUT.as_secs().to_string(),
    );
    add(
        "runtimes",
        "mise",
        omg_cli::runtimes::find_on_path("mise").map_or_else(
            || "(mise on PATH: not found)".to_string(),
            |p| p.display().to_string(),
        ),
    );
    add(
        "runtimes",
        "max_unpacked",
        format!(
            "{} (MiB a runtime archive may unpack to)",
            omg_adapters_runtimes::UnpackLimits::default().max_bytes >> 20
        ),
    );
    for name in omg_adapters_remote::runtimes::NATIVE_RUNTIMES {
        let default = omg_adapters_remote::runtimes::default_mirror(name).unwrap_or_default();
        add(&format!("runtimes.{name}"), "mirror", default.into());
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
