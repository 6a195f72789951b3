//! The tools mise manages, activated by omg's hook: a user needs one hook, not two.
//!
//! The version files name tools omg does not install itself (`deno` in mise.toml, `core:node`
//! or `terraform` in `.tool-versions`); when the hook's key changes (a directory with other
//! files, an edited file, a new install under mise's `installs/<tool>`), hook-env asks mise
//! for their bin directories (`mise bin-paths <tool>@<version>...`, run in the current
//! directory) and puts them on PATH after omg's own. mise is the one omg would hand the tool
//! to: `[runtimes] mise`, else the first on `PATH`, else omg's bundled release when it is
//! installed (the hook never downloads). An unchanged key costs one `stat` per tool.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use omg_adapters_releases::{MISE, MISE_VERSION};
use omg_adapters_runtimes::RuntimesHome;
use omg_cli_core::child::{find_on_path, run_bounded};
use omg_config::Settings;

/// What is read of `mise bin-paths`' output, and how long it may take.
const BIN_PATHS_BYTES: u64 = 64 * 1024;
const BIN_PATHS_TIMEOUT: Duration = Duration::from_secs(10);

/// The mtime (ns) of mise's install directory for `tool` (`$MISE_DATA_DIR/installs/<tool>`,
/// a backend's prefix as mise names the directory: `core:node` -> `node`,
/// `aqua:cli/cli` -> `aqua-cli-cli`), 0 when it does not exist: an install changes it.
pub fn stamp(tool: &str, env: &dyn Fn(&str) -> String) -> u128 {
    let data = match env("MISE_DATA_DIR") {
        d if !d.is_empty() => PathBuf::from(d),
        _ => match env("XDG_DATA_HOME") {
            d if !d.is_empty() => Path::new(&d).join("mise"),
            _ => Path::new(&env("HOME")).join(".local/share/mise"),
        },
    };
    let dir = tool
        .strip_prefix("core:")
        .unwrap_or(tool)
        .replace([':', '/'], "-");
    std::fs::metadata(data.join("installs").join(dir))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The bin directories of `tools` (name, version as the file says it) as mise gives them
/// in `cwd`, or the reason there are none.
pub fn bin_paths(tools: &[(String, String)], cwd: &Path) -> Result<Vec<PathBuf>, String> {
    let mise = mise_without_download().ok_or_else(|| {
        let names: Vec<&str> = tools.iter().map(|(t, _)| t.as_str()).collect();
        format!(
            "{} {} managed by mise, and no mise is installed; run `omg runtimes install {}` once",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            names.first().copied().unwrap_or_default()
        )
    })?;
    let mut command = Command::new(&mise);
    command
        .arg("bin-paths")
        // The names come from files: none is taken for an option.
        .arg("--")
        .args(tools.iter().map(|(t, v)| format!("{t}@{v}")))
        .current_dir(cwd);
    let out = run_bounded(command, BIN_PATHS_BYTES, BIN_PATHS_TIMEOUT)
        .ok_or_else(|| format!("`{} bin-paths` did not answer", mise.display()))?;
    if !out.status.success() {
        let first = out.stderr.lines().next().unwrap_or_default().to_string();
        return Err(format!("`mise bin-paths` failed: {first}"));
    }
    Ok(out
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('/'))
        .map(PathBuf::from)
        .collect())
}

/// The mise omg uses, when it is there without a download.
fn mise_without_download() -> Option<PathBuf> {
    let settings = Settings::load().ok();
    if let Some(p) = settings.as_ref().and_then(Settings::mise) {
        return Some(p);
    }
    if let Some(p) = find_on_path(MISE) {
        return Some(p);
    }
    let version = settings
        .as_ref()
        .and_then(Settings::mise_version)
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| MISE_VERSION.to_string());
    let runtimes = RuntimesHome::from_env().ok()?;
    let data = runtimes.root().parent()?;
    RuntimesHome::at(data)
        .installed_version(MISE, &version)?
        .bin_dirs()
        .into_iter()
        .map(|d| d.join(MISE))
        .find(|p| p.is_file())
}
