//! The language-runtime commands `omg` hands over (never sent to omgd): `use`,
//! `runtimes install|uninstall|list`, `which`, `exec`, `current`. The shell hook is `omg`'s
//! own (crate omg-cli).
//!
//! Native runtimes come from the providers of `omg_adapters_releases` and are
//! installed by `omg_adapters_runtimes`; anything else goes through mise ([`mise`]).

mod commands;
mod context;
mod ensure;
pub mod mise;
pub mod mise_source;
mod progress;

use omg_cli_core::args::{Global, RuntimesAction};
use omg_cli_core::render::Output;
use omg_cli_core::route::RuntimeCommand;
use omg_cli_core::Answer;

pub use context::{find_on_path, load_mise};

/// Answers a runtime command. `exec` replaces the process and returns only on failure.
pub fn run(global: &Global, command: RuntimeCommand<'_>) -> Answer {
    let out = Output::from_env(global);
    let result = context::Ctx::load(global.offline).and_then(|ctx| {
        let answer = answer(&ctx, &out, command);
        ctx.print_warnings();
        answer
    });
    match result {
        Ok(a) => a,
        Err(e) => Answer::failed(&out, &e),
    }
}

fn answer(
    ctx: &context::Ctx,
    out: &Output,
    command: RuntimeCommand<'_>,
) -> omg_ports::Result<Answer> {
    match command {
        RuntimeCommand::Use {
            runtime,
            version,
            global,
        } => commands::use_(ctx, out, runtime, version, global),
        RuntimeCommand::Runtimes(action) => match action {
            RuntimesAction::Install { runtime, version } => {
                commands::install(ctx, out, runtime, version.as_deref())
            }
            RuntimesAction::Uninstall { runtime, version } => {
                commands::uninstall(ctx, out, runtime, version)
            }
            RuntimesAction::List {
                runtime,
                remote,
                all,
            } => commands::list(ctx, out, runtime.as_deref(), *remote, *all),
        },
        RuntimeCommand::Which(name) => commands::which(ctx, out, name),
        RuntimeCommand::Exec { target, command } => commands::exec(ctx, out, target, command),
        RuntimeCommand::Current => commands::current(ctx, out),
    }
}
