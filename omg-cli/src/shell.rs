//! `omg shell <runtime> <version>|--unset`: this shell's override of a runtime's version,
//! like `nvm use`, pyenv's `PYENV_VERSION` and mise's `mise shell`.
//!
//! A program cannot change the environment of the shell that runs it, so `omg shell` prints
//! shell code, and the `omg` function the hook defines ([`crate::hook::hook_script`]) evals
//! it, passing `--shell`. The code sets (or unsets) `OMG_<RUNTIME>_VERSION` and then does
//! what the hook would do with it ([`crate::hook::hook_env_with`]): the version is on PATH
//! at once, not only after the next prompt (`omg shell node 18 && node -v`). Without
//! `--shell` (the binary run directly, not through the function) it prints nothing and says
//! how to load the hook.
//!
//! The version is checked as a spec of the runtime
//! ([`omg_domain::runtime::override_resolution`]) but need not be installed: as with mise's
//! `mise shell`, the hook then says it is missing and how to install it.

use omg_adapters_releases::NATIVE_RUNTIMES;
use omg_cli_core::args::ShellArg;
use omg_cli_core::exit;
use omg_cli_core::render::escape;
use omg_cli_core::Answer;
use omg_domain::runtime::{override_resolution, override_variable};

use crate::hook::{hook_env_with, quote, quote_fish};

/// What `omg shell` prints. `version` is `None` for `--unset`; `json` is `--json`, which
/// does not apply (the output is shell code).
pub fn shell(runtime: &str, version: Option<&str>, shell: Option<ShellArg>, json: bool) -> Answer {
    let (shell, variable, value) = match override_code(runtime, version, shell, json) {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let mut code = set_code(shell, &variable, &value);
    // What the hook does with the new value, now.
    let env = |k: &str| {
        if k == variable {
            value.clone()
        } else {
            std::env::var(k).unwrap_or_default()
        }
    };
    let (activate, stderr) = hook_env_with(shell, &env);
    code.push_str(&activate);
    Answer {
        stdout: code,
        stderr,
        code: exit::OK,
    }
}

/// The shell, the variable and its new value (empty: unset) `omg shell` sets, or the
/// answer that refuses: `--json`, a runtime omg does not install, no `--shell` (the binary
/// run directly), a version that is no spec of the runtime.
fn override_code(
    runtime: &str,
    version: Option<&str>,
    shell: Option<ShellArg>,
    json: bool,
) -> Result<(ShellArg, String, String), Answer> {
    let fail = |code: u8, message: String| Answer {
        stdout: String::new(),
        stderr: format!("omg: error: {message}\n"),
        code,
    };
    if json {
        return Err(fail(
            exit::USAGE,
            "omg shell prints shell code for the hook's `omg` function; --json does not apply"
                .into(),
        ));
    }
    if !NATIVE_RUNTIMES.contains(&runtime) {
        return Err(fail(
            exit::USAGE,
            format!(
                "omg shell sets the runtimes omg installs itself ({}), not {}; mise's \
                 `mise shell` sets others",
                NATIVE_RUNTIMES.join(", "),
                escape(runtime)
            ),
        ));
    }
    let variable = override_variable(runtime);
    let Some(shell) = shell else {
        return Err(fail(
            exit::FAILURE,
            format!(
                "omg shell sets {variable} in the shell it is typed in:\n\
                 only the `omg` function that omg's hook defines can do that. Load the hook,\n\
                 then open a new shell:\n  \
                 bash: eval \"$(omg hook bash)\" in ~/.bashrc\n  \
                 zsh:  eval \"$(omg hook zsh)\" in ~/.zshrc\n  \
                 fish: omg hook fish | source in ~/.config/fish/config.fish"
            ),
        ));
    };
    let value = match version {
        Some(v) => {
            override_resolution(runtime, v).map_err(|e| fail(exit::USAGE, e.to_string()))?;
            v.trim().to_string()
        }
        None => String::new(),
    };
    Ok((shell, variable, value))
}

/// The code that sets `variable` to `value` in `shell`, or unsets it when `value` is empty.
fn set_code(shell: ShellArg, variable: &str, value: &str) -> String {
    match (shell, value.is_empty()) {
        (ShellArg::Fish, false) => format!("set -gx {variable} {};\n", quote_fish(value)),
        (ShellArg::Fish, true) => format!("set -e {variable};\n"),
        (_, false) => format!("export {variable}={};\n", quote(value)),
        (_, true) => format!("unset {variable};\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(
        runtime: &str,
        version: Option<&str>,
        shell: Option<ShellArg>,
        json: bool,
    ) -> Result<String, Answer> {
        override_code(runtime, version, shell, json).map(|(s, k, v)| set_code(s, &k, &v))
    }

    #[test]
    fn prints_code_for_the_shell_or_says_how_to_get_the_hook() {
        let Err(a) = code("node", Some("18"), None, false) else {
            panic!("no --shell: code printed");
        };
        assert_eq!((a.code, a.stdout.as_str()), (exit::FAILURE, ""));
        assert!(
            a.stderr.contains("eval \"$(omg hook bash)\""),
            "{}",
            a.stderr
        );
        assert!(a.stderr.contains("OMG_NODE_VERSION"), "{}", a.stderr);
        assert!(a.stderr.lines().all(|l| l.len() <= 80), "{}", a.stderr);

        let ok = |runtime, version, shell| match code(runtime, version, Some(shell), false) {
            Ok(c) => c,
            Err(a) => panic!("{runtime} {version:?}: {}", a.stderr),
        };
        assert_eq!(
            ok("node", Some(" 18 "), ShellArg::Bash),
            "export OMG_NODE_VERSION='18';\n"
        );
        assert_eq!(ok("go", None, ShellArg::Fish), "set -e OMG_GO_VERSION;\n");
        assert_eq!(ok("go", None, ShellArg::Zsh), "unset OMG_GO_VERSION;\n");
        assert_eq!(
            ok("python", Some("3.12"), ShellArg::Fish),
            "set -gx OMG_PYTHON_VERSION '3.12';\n"
        );

        // Invalid: the variable named, nothing printed.
        let Err(a) = code("node", Some("beta"), Some(ShellArg::Zsh), false) else {
            panic!("beta accepted for node");
        };
        assert_eq!((a.code, a.stdout.as_str()), (exit::USAGE, ""));
        assert!(a.stderr.contains("OMG_NODE_VERSION"), "{}", a.stderr);
        // mise's tools are mise's to set.
        let Err(a) = code("deno", Some("1.40"), Some(ShellArg::Bash), false) else {
            panic!("deno accepted");
        };
        assert!(a.stderr.contains("mise shell"), "{}", a.stderr);
        let Err(a) = code("node", Some("18"), Some(ShellArg::Bash), true) else {
            panic!("--json accepted");
        };
        assert_eq!(a.code, exit::USAGE);
    }
}
