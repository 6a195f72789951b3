//! `omg-backend`: the helper `omg` execs for what it does not answer itself (direct mode).
//! It links libalpm and libapt-pkg (through the facade `omg`), the HTTP client of the
//! security feeds and runtime downloads, and the feeds' redb cache; it opens the host's
//! package databases and answers one command.
//!
//! [`answer`] is the whole program: one `match` over the command's
//! [`Route`](omg_cli_core::route::Route), each arm a handler of this crate.

pub mod audit;
pub mod aur;
pub mod doctor;
pub mod engine;
pub mod man;
pub mod mark;
pub mod news;
pub mod reads;
pub mod runtimes;
pub mod settings;
pub mod write;

use std::future::Future;

use omg_cli_core::args::Cli;
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::{HelperCommand as H, Route};
use omg_cli_core::{exit, Answer};
use omg_ports::{Error, Result};

/// Answers `cli`'s command: what to print and the exit code.
pub fn answer(cli: &Cli) -> Answer {
    let out = Output::from_env(&cli.global);
    let route = cli.command.route();
    let result = match route {
        Route::Client(_) => Err(Error::InvalidRequest(
            "`omg hook`, `omg hook-env` and `omg daemon` are answered by omg itself, not by \
             omg-backend; run them as `omg ...`"
                .into(),
        )),
        Route::Read(read) => with_engine(cli, |engine| {
            reads::read(engine, &out, read, cli.global.offline)
        }),
        Route::Helper(command) => match command {
            H::ListNames(kind, names) => {
                with_engine(cli, |engine| reads::list(engine, &out, kind, names))
            }
            H::Files(names) => with_engine(cli, |engine| reads::files(engine, &out, names)),
            H::Owns(paths) => with_engine(cli, |engine| reads::owns(engine, &out, paths)),
            H::Mark(args) => with_engine(cli, |engine| async move {
                mark::run(engine, cli, &out, args).await.map(Answer::from)
            }),
            H::History { limit } => with_engine(cli, |engine| async move {
                let root = std::path::PathBuf::from(&engine.backend_info().root);
                let history = write::read_history(&root, limit).await?;
                Ok(Answer::from(render::history(&out, &history)))
            }),
            H::HistoryShow(id) => with_engine(cli, |engine| async move {
                let root = std::path::PathBuf::from(&engine.backend_info().root);
                let entry = write::record::entry(&root, id).await?;
                Ok(Answer::from(render::history_entry(&out, &entry)))
            }),
            H::Write(command, args) => with_engine(cli, |engine| async move {
                write::run(engine, cli, &out, command, args)
                    .await
                    .map(Answer::from)
            }),
            H::Runtime(command) => Ok(runtimes::run(&cli.global, command)),
            H::News(args) => news::run(&out, args),
            H::Config => settings::config(&out),
            H::Doctor => block_on(doctor::doctor(cli, &out)),
        },
    };
    match result {
        Ok(answer) => answer,
        Err(e) => {
            // A transaction's JSON is a stream of events: its failure is the last one (a dry
            // run prints one object, and its error as any command's).
            let events = matches!(route, Route::Helper(H::Write(_, args)) if !args.dry_run);
            let (stdout, stderr) = if events {
                render::error_event(&out, &e)
            } else {
                render::error(&out, &e)
            };
            Answer {
                stdout,
                stderr,
                code: exit::code(&e),
            }
        }
    }
}

/// Runs `f` on the backend the flags name, on a current-thread runtime (timers and sockets
/// for the audit's downloads, the signal driver for Ctrl-C during a transaction).
fn with_engine<'a, F, Fut>(cli: &Cli, f: F) -> Result<Answer>
where
    F: FnOnce(&'a omg::Engine) -> Fut,
    Fut: Future<Output = Result<Answer>> + 'a,
{
    let runtime = runtime()?;
    let engine = {
        let _context = runtime.enter();
        engine::open_engine(cli)?
    };
    // This process ends right after printing: releasing the backend would free every package
    // one by one (~10% of a search's time for 20,000 packages) for the OS to reclaim anyway.
    // Leaked, its worker thread sits idle in its queue while the process exits.
    let engine: &'a omg::Engine = Box::leak(Box::new(engine));
    runtime.block_on(f(engine))
}

fn block_on<T>(future: impl Future<Output = T>) -> Result<T> {
    Ok(runtime()?.block_on(future))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Library {
            library: "tokio".into(),
            message: format!("cannot start the async runtime: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn the_commands_of_omg_itself_are_refused_with_the_way_to_run_them() {
        for line in [
            &["omg-backend", "daemon", "status"][..],
            &["omg-backend", "hook", "bash"],
            &["omg-backend", "hook-env", "zsh"],
        ] {
            let answer = answer(&Cli::parse_from(line));
            assert_eq!(answer.code, exit::USAGE, "{line:?}");
            assert!(
                answer.stderr.contains("run them as `omg ...`"),
                "{}",
                answer.stderr
            );
            assert!(answer.stdout.is_empty());
        }
    }

    #[test]
    fn a_missing_backend_configuration_is_an_error_naming_it() {
        let answer = answer(&Cli::parse_from([
            "omg-backend",
            "--backend",
            "alpm",
            "--config",
            "/nonexistent/pacman.conf",
            "status",
        ]));
        assert_ne!(answer.code, exit::OK);
        assert!(
            answer.stderr.contains("/nonexistent/pacman.conf"),
            "{}",
            answer.stderr
        );
    }
}
