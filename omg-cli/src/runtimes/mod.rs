//! The language-runtime commands, answered by `omg` itself (no daemon, no helper): `use`,
//! `runtimes install|uninstall|list`, `which`, `exec`, `current`, `hook`, `hook-env`.
//!
//! Native runtimes come from the providers of `omg_adapters_releases` and are
//! installed by `omg_adapters_runtimes`; anything else goes through mise ([`mise`]).

mod active;
mod commands;
mod context;
pub mod hook;
pub mod mise;
mod progress;

use crate::args::{Cli, Command, RuntimesAction};
use crate::fast_path::Answer;
use crate::render::{self, Output};

pub use context::find_on_path;

/// Answers a runtime command ([`Command::is_runtime`]). `exec` replaces the process and
/// returns only on failure.
pub fn run(cli: &Cli) -> Answer {
    let out = Output::from_env(&cli.global);
    match &cli.command {
        Command::Hook { shell } => {
            let exe = std::env::current_exe().unwrap_or_else(|_| "omg".into());
            return ok(hook::hook_script(*shell, &exe));
        }
        Command::HookEnv { shell } => {
            let (stdout, stderr) = hook::hook_env(*shell);
            return Answer {
                stdout,
                stderr,
                code: crate::exit::OK,
            };
        }
        _ => {}
    }
    let result = context::Ctx::load().and_then(|ctx| match &cli.command {
        Command::Use {
            runtime,
            version,
            global,
        } => commands::use_(&ctx, &out, runtime, version.as_deref(), *global),
        Command::Runtimes { action } => match action {
            RuntimesAction::Install { runtime, version } => {
                commands::install(&ctx, &out, runtime, version.as_deref())
            }
            RuntimesAction::Uninstall { runtime, version } => {
                commands::uninstall(&ctx, &out, runtime, version)
            }
            RuntimesAction::List { runtime, remote } => {
                commands::list(&ctx, &out, runtime.as_deref(), *remote)
            }
        },
        Command::Which { name } => commands::which(&ctx, &out, name),
        Command::Exec { target, command } => commands::exec(&ctx, &out, target, command),
        Command::Current => commands::current(&ctx, &out),
        _ => Err(omg_ports::Error::InvalidRequest(
            "not a runtime command".into(),
        )),
    });
    match result {
        Ok(a) => a,
        Err(e) => {
            let (stdout, stderr) = render::error(&out, &e);
            Answer {
                stdout,
                stderr,
                code: crate::exit::code(&e),
            }
        }
    }
}

fn ok(stdout: String) -> Answer {
    Answer {
        stdout,
        stderr: String::new(),
        code: crate::exit::OK,
    }
}
