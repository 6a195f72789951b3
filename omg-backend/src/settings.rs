//! The command about omg itself, answered without opening a backend: `omg config` (every
//! setting omg reads, its value and origin).

use omg_cli_core::render::{ConfigReport, Output, Setting};
use omg_config::keys::{self, KeyDefault, KEYS};
use omg_config::{default_path, Config, Origin, Settings};
use omg_ports::Result;

use omg_cli_core::Answer;

/// `omg config`.
pub fn config(out: &Output) -> Result<Answer> {
    let file = default_path();
    let config = match &file {
        Some(path) => Config::load_from(path)?,
        None => Config::default(),
    };
    let report = report(file, &config);
    let (stdout, stderr) = omg_cli_core::render::config(out, &report);
    Ok(Answer {
        stdout,
        stderr,
        code: omg_cli_core::exit::OK,
    })
}

/// `runtimes.github_token` as omg uses it (from `$OMG_RUNTIMES_GITHUB_TOKEN`,
/// `$GITHUB_TOKEN` or the file) with its origin, its value hidden.
fn hide_github_token(settings: &mut [Setting], config: &Config) {
    let key = format!("{}.{}", keys::RUNTIMES, keys::GITHUB_TOKEN);
    let Some(setting) = settings.iter_mut().find(|s| s.key == key) else {
        return;
    };
    let origin = |o: Origin| match o {
        Origin::Env(var) => format!("${var}"),
        Origin::File(p) => p.display().to_string(),
    };
    (setting.value, setting.origin) = match Settings::from_config(config.clone()).github_token() {
        Ok(Some((_, o))) => ("(set, hidden)".into(), origin(o)),
        Ok(None) => ("(none)".into(), "default".into()),
        Err(_) => (
            "(set, hidden; not a valid token)".into(),
            config
                .get(keys::RUNTIMES, keys::GITHUB_TOKEN)
                .map(|v| origin(v.origin))
                .unwrap_or_else(|| format!("${}", keys::GITHUB_TOKEN_ENV)),
        ),
    };
}

/// Every key of the schema with its value and origin, and the keys `config` sets that omg
/// does not know.
pub fn report(file: Option<std::path::PathBuf>, config: &Config) -> ConfigReport {
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
                crate::runtimes::find_on_path("mise").map_or_else(
                    || "(none on PATH: omg downloads mise_version's release)".to_string(),
                    |p| p.display().to_string(),
                ),
            ),
            (keys::RUNTIMES, keys::MISE_VERSION) => add(
                def.section,
                def.name,
                omg_adapters_releases::MISE_VERSION.into(),
            ),
            (keys::RUNTIMES, keys::MISE_MIRROR) => add(
                def.section,
                def.name,
                omg_adapters_releases::DEFAULT_MISE_MIRROR.into(),
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
            (keys::RUNTIMES, keys::KEYS_DIR) => add(
                def.section,
                def.name,
                default("(none: the keys shipped with omg)"),
            ),
            (keys::AUDIT, keys::AUDIT_RELEASE) => {
                add(def.section, def.name, default("(from os-release)"))
            }
            _ => add(def.section, def.name, default("")),
        }
    }
    hide_github_token(&mut settings, config);
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
    ConfigReport {
        exists: file.as_deref().is_some_and(std::path::Path::exists),
        file,
        settings,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_schema_is_reported_with_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[daemon]\nidle_secs = 9\n[runtimes.go]\nmirror = \"http://127.0.0.1:1/go\"\n\
             [nonsense]\nkey = 1\n",
        )
        .unwrap();
        let config = Config::load_from(&path).unwrap();
        let report = report(Some(path.clone()), &config);
        assert!(report.exists);
        let find = |key: &str| report.settings.iter().find(|s| s.key == key).unwrap();
        for def in KEYS.iter().filter(|d| !d.section.ends_with('*')) {
            find(&format!("{}.{}", def.section, def.name));
        }
        for name in omg_adapters_releases::NATIVE_RUNTIMES {
            find(&format!("runtimes.{name}.mirror"));
        }
        assert_eq!(find("daemon.idle_secs").value, "9");
        assert_eq!(find("daemon.idle_secs").origin, path.display().to_string());
        assert_eq!(find("daemon.refresh_secs").value, "300");
        assert_eq!(find("daemon.refresh_secs").origin, "default");
        assert_eq!(find("runtimes.go.mirror").value, "http://127.0.0.1:1/go");
        assert_eq!(report.unknown, vec!["nonsense.key".to_string()]);
    }

    #[test]
    fn the_github_token_is_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[runtimes]\ngithub_token = \"ghp_secret42\"\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        let report = report(Some(path.clone()), &config);
        let token = report
            .settings
            .iter()
            .find(|s| s.key == "runtimes.github_token")
            .unwrap();
        // $GITHUB_TOKEN, if the environment has one, wins over the file.
        let from_env = std::env::var("GITHUB_TOKEN").is_ok_and(|t| !t.trim().is_empty());
        assert_eq!(token.value, "(set, hidden)");
        if !from_env {
            assert_eq!(token.origin, path.display().to_string());
        }
        assert!(!format!("{report:?}").contains("ghp_secret42"));
        let api = report
            .settings
            .iter()
            .find(|s| s.key == "runtimes.github_api_url")
            .unwrap();
        assert_eq!(api.value, "https://api.github.com");
    }
}
