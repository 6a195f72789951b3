//! `omg hook <shell>` and `omg hook-env <shell>`: PATH activation on directory change, the
//! way mise does it (no shims).
//!
//! The hook runs `omg hook-env` before each prompt and when the directory changes. hook-env
//! walks up from the current directory reading the version files, resolves every runtime omg
//! installs, and compares the outcome with `$__OMG_HOOK` (what it printed last time: each
//! runtime's spec, deciding file and the mtime of its install directory). When nothing
//! changed it prints nothing; otherwise it prints shell code that removes the PATH entries it
//! added before (`$__OMG_PATHS`), prepends the new ones, sets the layout's variables
//! (`GOROOT`) and unsets the old ones (`$__OMG_ENV`). It never touches the network; tools
//! that mise manages are asked of mise only when the key changed ([`crate::hook_mise`]).
//! The shell's `OMG_<RUNTIME>_VERSION` (set by `omg shell`, the [`crate::shell`] module)
//! beats the files; as it is part of the key, changing it
//! re-activates at the next prompt.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use omg_adapters_releases::NATIVE_RUNTIMES;
use omg_adapters_runtimes::{read_version_files_with, GlobalDefaults, RuntimesHome};
use omg_domain::runtime::{env_overrides, resolve_all, with_overrides};

use omg_cli_core::active::{installed_match, origin_text, path_toolchain, uses_system};
use omg_cli_core::args::ShellArg;

use crate::hook_mise;

/// The shell code `omg hook <shell>` prints, calling the omg at `omg`.
///
/// Besides the prompt hook it defines:
/// - an `omg` function: `omg shell ...` evals what `<omg> shell --shell <shell> ...` prints
///   (the override, `OMG_<RUNTIME>_VERSION`, set or unset in this shell, and the PATH for
///   it at once); every other command, and `omg shell --help`, goes to the `omg` binary on
///   PATH (`command omg`).
/// - in bash, `cd`, `pushd` and `popd` functions that run the hook as soon as the directory
///   changed (`cd proj && node -v` on one line; zsh's `chpwd_functions` and fish's PWD
///   handler do this by themselves). They call the builtin with the same arguments and
///   return its exit status. A function of that name defined before the hook is kept, under
///   the name `_omg_user_cd` (`_omg_user_pushd`, ...), and called in its place; one defined
///   after the hook replaces the wrapper, and then only the prompt runs the hook.
pub fn hook_script(shell: ShellArg, omg: &Path) -> String {
    let omg = quote(&omg.to_string_lossy());
    match shell {
        ShellArg::Bash => format!(
            r#"_omg_hook() {{
  local previous_exit_status=$?
  eval "$({omg} hook-env bash)"
  return $previous_exit_status
}}
if [[ ";${{PROMPT_COMMAND[*]:-}};" != *";_omg_hook;"* ]]; then
  PROMPT_COMMAND="_omg_hook${{PROMPT_COMMAND:+;$PROMPT_COMMAND}}"
fi
_omg_wrap_chdir() {{
  local def
  def=$(declare -f "$1") || def=
  [[ $def == *_omg_pwd* ]] && return
  local call="builtin $1"
  if [[ -n $def ]]; then
    eval "_omg_user_$1${{def#"$1"}}"
    call=_omg_user_$1
  fi
  eval "function $1 {{
  local _omg_pwd=\$PWD _omg_status
  $call \"\$@\"
  _omg_status=\$?
  if [[ \$PWD != \"\$_omg_pwd\" ]]; then _omg_hook; fi
  return \$_omg_status
}}"
}}
_omg_wrap_chdir cd
_omg_wrap_chdir pushd
_omg_wrap_chdir popd
unset -f _omg_wrap_chdir
function omg {{
  local _omg_arg _omg_code
  if [[ ${{1-}} == shell ]]; then
    for _omg_arg in "$@"; do
      case $_omg_arg in -h | --help) command omg "$@"; return ;; esac
    done
    shift
    _omg_code=$({omg} shell --shell bash "$@") || return
    eval "$_omg_code"
  else
    command omg "$@"
  fi
}}
_omg_hook
"#
        ),
        ShellArg::Zsh => format!(
            r#"_omg_hook() {{
  eval "$({omg} hook-env zsh)"
}}
typeset -ag precmd_functions chpwd_functions
if (( ! ${{precmd_functions[(I)_omg_hook]}} )); then
  precmd_functions=(_omg_hook $precmd_functions)
fi
if (( ! ${{chpwd_functions[(I)_omg_hook]}} )); then
  chpwd_functions=(_omg_hook $chpwd_functions)
fi
function omg {{
  local _omg_arg _omg_code
  if [[ ${{1-}} == shell ]]; then
    for _omg_arg in "$@"; do
      case $_omg_arg in -h | --help) command omg "$@"; return ;; esac
    done
    shift
    _omg_code=$({omg} shell --shell zsh "$@") || return
    eval "$_omg_code"
  else
    command omg "$@"
  fi
}}
_omg_hook
"#
        ),
        ShellArg::Fish => format!(
            r#"function __omg_hook --on-event fish_prompt --on-variable PWD
    {omg} hook-env fish | source
end
function omg
    if test "$argv[1]" = shell; and not contains -- -h $argv; and not contains -- --help $argv
        set -l code ({omg} shell --shell fish $argv[2..-1]); or return
        string join \n -- $code | source
    else
        command omg $argv
    end
end
__omg_hook
"#
        ),
    }
}

/// Single-quoted for sh and fish.
pub(crate) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub(crate) fn quote_fish(s: &str) -> String {
    format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'"))
}

/// What `omg hook-env` prints: `(stdout, stderr)`. Empty when nothing changed.
pub fn hook_env(shell: ShellArg) -> (String, String) {
    hook_env_with(shell, &|k: &str| std::env::var(k).unwrap_or_default())
}

/// [`hook_env`] with the environment read through `env` (a variable's value, empty when
/// unset): `omg shell` asks it with the override it is about to set.
pub fn hook_env_with(shell: ShellArg, env: &dyn Fn(&str) -> String) -> (String, String) {
    let Ok(cwd) = std::env::current_dir() else {
        return (String::new(), String::new());
    };
    let Ok(home) = RuntimesHome::from_env() else {
        return (String::new(), String::new());
    };
    let Some(defaults) = GlobalDefaults::from_env() else {
        return (String::new(), String::new());
    };
    hook_env_for(shell, &cwd, &home, &defaults, env)
}

/// [`hook_env`] with its inputs explicit.
pub fn hook_env_for(
    shell: ShellArg,
    cwd: &Path,
    home: &RuntimesHome,
    defaults: &GlobalDefaults,
    env: &dyn Fn(&str) -> String,
) -> (String, String) {
    let mut stderr = String::new();
    let global = match defaults.load() {
        Ok(g) => g,
        Err(e) => {
            stderr.push_str(&format!("omg: {e}\n"));
            Default::default()
        }
    };
    // The runtimes omg installs, and the tools the files name that mise manages.
    let (files, mise_tools): (Vec<_>, Vec<_>) = resolve_all(
        &read_version_files_with(cwd, &|k: &str| Some(env(k)).filter(|v| !v.is_empty())),
        &global,
        defaults.path(),
    )
    .into_iter()
    .partition(|r| NATIVE_RUNTIMES.contains(&r.runtime.as_str()));
    let mise_tools: Vec<(String, String)> = mise_tools
        .into_iter()
        .filter(|r| r.spec_text != "system")
        .map(|r| (r.runtime, r.spec_text))
        .collect();
    // The shell's OMG_<RUNTIME>_VERSION beats the files; an invalid one is passed over (the
    // files decide) and said once, when the key changes.
    let (overrides, invalid) = env_overrides(NATIVE_RUNTIMES, &|k: &str| Some(env(k)));
    let all = with_overrides(files, overrides);
    let mut key: String = all
        .iter()
        .map(|r| {
            let stamp = std::fs::metadata(home.runtime_dir(&r.runtime))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            format!(
                "{}={}@{}#{stamp}",
                r.runtime,
                r.spec_text,
                origin_text(&r.origin)
            )
        })
        .collect::<Vec<_>>()
        .join(";");
    for e in &invalid {
        key.push_str(&format!(";!{}={:?}", e.variable, e.value));
    }
    for (tool, spec) in &mise_tools {
        key.push_str(&format!(
            ";mise:{tool}={spec}#{}",
            hook_mise::stamp(tool, env)
        ));
    }
    if key == env("__OMG_HOOK") {
        return (String::new(), stderr);
    }
    for e in &invalid {
        stderr.push_str(&format!("omg: {e}\n"));
    }

    let mut bins: Vec<PathBuf> = Vec::new();
    let mut vars: Vec<(String, PathBuf)> = Vec::new();
    for r in &all {
        // `system`: the runtime on PATH as it is, nothing of omg's.
        if uses_system(home, &r.runtime, &r.spec).unwrap_or(false) {
            continue;
        }
        // A toolchain on disk (rustup's `path`): its bin, nothing installed.
        if let Some(root) = path_toolchain(&r.spec) {
            bins.push(root.join("bin"));
            continue;
        }
        match installed_match(home, &r.runtime, &r.spec) {
            Ok(Some(i)) => {
                bins.extend(i.bin_dirs());
                vars.extend(i.env());
            }
            _ => stderr.push_str(&format!(
                "omg: {} {} ({}) is not installed; run `omg runtimes install {} {}`\n",
                r.runtime,
                r.spec_text,
                origin_text(&r.origin),
                r.runtime,
                r.spec_text
            )),
        }
    }
    // mise's tools after omg's own.
    if !mise_tools.is_empty() {
        match hook_mise::bin_paths(&mise_tools, cwd) {
            Ok(dirs) => bins.extend(dirs),
            Err(e) => stderr.push_str(&format!("omg: {}\n", omg_cli_core::render::escape(&e))),
        }
    }
    let old_paths = env("__OMG_PATHS");
    let old: Vec<&str> = old_paths.split(':').filter(|s| !s.is_empty()).collect();
    let path_var = env("PATH");
    let kept = path_var
        .split(':')
        .filter(|p| !p.is_empty() && !old.contains(p));
    let new_bins: Vec<String> = bins
        .iter()
        .map(|b| b.to_string_lossy().into_owned())
        .collect();
    let path: Vec<String> = new_bins
        .iter()
        .cloned()
        .chain(kept.map(String::from))
        .collect();
    let old_env = env("__OMG_ENV");
    let unset: Vec<&str> = old_env
        .split(':')
        .filter(|v| !v.is_empty() && !vars.iter().any(|(k, _)| k == v))
        .collect();
    let env_names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();

    let mut out = String::new();
    let mut set = |name: &str, value: &str| match shell {
        ShellArg::Fish => out.push_str(&format!("set -gx {name} {};\n", quote_fish(value))),
        _ => out.push_str(&format!("export {name}={};\n", quote(value))),
    };
    match shell {
        ShellArg::Fish => {
            let parts: Vec<String> = path.iter().map(|p| quote_fish(p)).collect();
            set("__OMG_PATHS", &new_bins.join(":"));
            out.push_str(&format!("set -gx PATH {};\n", parts.join(" ")));
        }
        _ => {
            set("PATH", &path.join(":"));
            set("__OMG_PATHS", &new_bins.join(":"));
        }
    }
    let mut set = |name: &str, value: &str| match shell {
        ShellArg::Fish => out.push_str(&format!("set -gx {name} {};\n", quote_fish(value))),
        _ => out.push_str(&format!("export {name}={};\n", quote(value))),
    };
    set("__OMG_HOOK", &key);
    set("__OMG_ENV", &env_names.join(":"));
    for (k, v) in &vars {
        set(k, &v.to_string_lossy());
    }
    for name in unset {
        match shell {
            ShellArg::Fish => out.push_str(&format!("set -e {name};\n")),
            _ => out.push_str(&format!("unset {name};\n")),
        }
    }
    (out, stderr)
}

/// `omg hook-env`'s own entry, before clap: the shell name is the only argument.
pub fn parse_shell(word: Option<&str>) -> Option<ShellArg> {
    match word? {
        "bash" => Some(ShellArg::Bash),
        "zsh" => Some(ShellArg::Zsh),
        "fish" => Some(ShellArg::Fish),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_adapters_runtimes::{InstallRecord, RECORD_FILE};
    use omg_ports::{ArchiveFormat, Artifact, InstallLayout, RemoteVersion, Strip};
    use std::collections::HashMap;

    fn install_record(home: &RuntimesHome, runtime: &str, version: &str, env: &[(&str, &str)]) {
        let dir = home.version_dir(runtime, version);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let record = InstallRecord {
            runtime: runtime.into(),
            release: RemoteVersion::new(version),
            artifact: Artifact {
                version: version.into(),
                url: "http://127.0.0.1/x.tar.gz".into(),
                file_name: "x.tar.gz".into(),
                sha256: "0".repeat(64),
                checksum_source: "http://127.0.0.1/SHASUMS256.txt".into(),
                format: ArchiveFormat::TarGz,
                size: None,
                signed_by: None,
                warnings: Vec::new(),
            },
            layout: InstallLayout {
                env: env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..InstallLayout::bin_under(Strip::Nothing)
            },
            addons: Vec::new(),
        };
        std::fs::write(dir.join(RECORD_FILE), serde_json::to_vec(&record).unwrap()).unwrap();
    }

    /// Runs hook-env with `vars` as the environment and applies what it exports (bash form).
    fn step(
        shell: ShellArg,
        cwd: &Path,
        home: &RuntimesHome,
        defaults: &GlobalDefaults,
        vars: &mut HashMap<String, String>,
    ) -> String {
        let snapshot = vars.clone();
        let env = move |k: &str| snapshot.get(k).cloned().unwrap_or_default();
        let (out, _) = hook_env_for(shell, cwd, home, defaults, &env);
        for line in out.lines() {
            if let Some(rest) = line.strip_prefix("export ") {
                let (k, v) = rest.trim_end_matches(';').split_once('=').unwrap();
                vars.insert(k.into(), v.trim_matches('\'').into());
            } else if let Some(k) = line.strip_prefix("unset ") {
                vars.remove(k.trim_end_matches(';'));
            }
        }
        out
    }

    #[test]
    fn switches_path_and_env_and_is_silent_when_nothing_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let home = RuntimesHome::at(tmp.path().join("runtimes"));
        let defaults = GlobalDefaults::at(tmp.path().join("runtimes.toml"));
        install_record(&home, "node", "20.11.1", &[]);
        install_record(&home, "go", "1.22.1", &[("GOROOT", ".")]);
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::fs::create_dir_all(a.join("deep")).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join(".nvmrc"), "20\n").unwrap();
        std::fs::write(a.join(".go-version"), "1.22\n").unwrap();
        std::fs::write(b.join(".nvmrc"), "18\n").unwrap();

        let mut vars = HashMap::from([("PATH".to_string(), "/usr/bin:/bin".to_string())]);
        let out = step(ShellArg::Bash, &a.join("deep"), &home, &defaults, &mut vars);
        assert!(!out.is_empty());
        let node_bin = home.version_dir("node", "20.11.1").join("bin");
        let go_root = home.version_dir("go", "1.22.1");
        assert_eq!(
            vars["PATH"],
            format!(
                "{}:{}:/usr/bin:/bin",
                go_root.join("bin").display(),
                node_bin.display()
            )
        );
        assert_eq!(vars["GOROOT"], go_root.display().to_string());
        // Nothing changed: nothing printed.
        assert_eq!(step(ShellArg::Bash, &a, &home, &defaults, &mut vars), "");
        // Elsewhere node 18 is not installed and go is not set: PATH back to the user's,
        // GOROOT unset.
        let out = step(ShellArg::Bash, &b, &home, &defaults, &mut vars);
        assert!(out.contains("unset GOROOT;"), "{out}");
        assert_eq!(vars["PATH"], "/usr/bin:/bin");
        assert!(!vars.contains_key("GOROOT"));

        // fish: a list, quoted.
        let env = |k: &str| {
            if k == "PATH" {
                "/usr/bin".to_string()
            } else {
                String::new()
            }
        };
        let (fish, _) = hook_env_for(ShellArg::Fish, &a, &home, &defaults, &env);
        assert!(
            fish.contains(&format!(
                "set -gx PATH '{}' '{}' '/usr/bin';",
                go_root.join("bin").display(),
                node_bin.display()
            )),
            "{fish}"
        );
    }

    #[test]
    fn the_shells_override_beats_the_files_and_changing_it_reactivates() {
        // nvm's `nvm use`, pyenv's PYENV_VERSION, mise's MISE_NODE_VERSION: the shell's
        // choice beats the directory's version files until it is dropped.
        let tmp = tempfile::tempdir().unwrap();
        let home = RuntimesHome::at(tmp.path().join("runtimes"));
        let defaults = GlobalDefaults::at(tmp.path().join("runtimes.toml"));
        install_record(&home, "node", "20.11.1", &[]);
        install_record(&home, "node", "18.19.0", &[]);
        let a = tmp.path().join("a");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::write(a.join(".nvmrc"), "20\n").unwrap();
        let bin = |v: &str| {
            home.version_dir("node", v)
                .join("bin")
                .display()
                .to_string()
        };

        let mut vars = HashMap::from([("PATH".to_string(), "/usr/bin".to_string())]);
        step(ShellArg::Bash, &a, &home, &defaults, &mut vars);
        assert_eq!(vars["PATH"], format!("{}:/usr/bin", bin("20.11.1")));
        // Set: the next prompt switches, and the key says where the version came from.
        vars.insert("OMG_NODE_VERSION".into(), "18".into());
        let out = step(ShellArg::Bash, &a, &home, &defaults, &mut vars);
        assert!(!out.is_empty());
        assert_eq!(vars["PATH"], format!("{}:/usr/bin", bin("18.19.0")));
        assert!(vars["__OMG_HOOK"].contains("$OMG_NODE_VERSION"), "{vars:?}");
        assert_eq!(step(ShellArg::Bash, &a, &home, &defaults, &mut vars), "");
        // ... wherever the shell goes: no file there, still 18.
        let out = step(ShellArg::Bash, tmp.path(), &home, &defaults, &mut vars);
        assert_eq!(out, "");
        assert_eq!(vars["PATH"], format!("{}:/usr/bin", bin("18.19.0")));
        // Dropped (unset or empty): the file decides again.
        vars.insert("OMG_NODE_VERSION".into(), String::new());
        step(ShellArg::Bash, &a, &home, &defaults, &mut vars);
        assert_eq!(vars["PATH"], format!("{}:/usr/bin", bin("20.11.1")));

        // Invalid: said once (when the key changes), and the file decides.
        vars.insert("OMG_NODE_VERSION".into(), "lts/iron\u{7}".into());
        let snapshot = vars.clone();
        let env = move |k: &str| snapshot.get(k).cloned().unwrap_or_default();
        let (out, err) = hook_env_for(ShellArg::Bash, &a, &home, &defaults, &env);
        assert!(
            err.contains("OMG_NODE_VERSION=\"lts/iron\\u{7}\" is not a node version"),
            "{err}"
        );
        assert!(!out.contains('\u{7}'), "{out:?}");
        step(ShellArg::Bash, &a, &home, &defaults, &mut vars);
        let snapshot = vars.clone();
        let env = move |k: &str| snapshot.get(k).cloned().unwrap_or_default();
        assert_eq!(
            hook_env_for(ShellArg::Bash, &a, &home, &defaults, &env),
            (String::new(), String::new())
        );
        assert_eq!(vars["PATH"], format!("{}:/usr/bin", bin("20.11.1")));
    }
}
