//! `omg-backend`: direct mode. Links libalpm and libapt-pkg, opens the host's package
//! databases and answers one command. `omg` execs it; it can also be run by hand.

mod audit;
mod doctor;
mod mark;
mod reads;
mod run;
mod settings;
mod write;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use omg_cli::args::{Cli, Command};
use omg_cli::exit;
use omg_cli::render::{self, Output};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    // The runtime commands `omg` hands over (all but the hook): downloads, unpacking and
    // progress live here so that the thin `omg` stays small. `exec` replaces this process.
    if cli.command.is_runtime() {
        let answer = omg_cli::runtimes::run(&cli);
        let _ = std::io::stdout().lock().write_all(answer.stdout.as_bytes());
        eprint!("{}", answer.stderr);
        return ExitCode::from(answer.code);
    }
    let out = Output::from_env(&cli.global);
    // About omg itself: no backend to open.
    let settings = match cli.command {
        Command::Config => Some(settings::config(&out)),
        Command::Completions { shell } => Some(Ok(settings::completions(shell))),
        _ => None,
    };
    if let Some(result) = settings {
        return print(&out, result);
    }
    // Timers and sockets for `omg audit`'s downloads; the signal driver for Ctrl-C during a
    // transaction.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("omg: error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    if let Command::Doctor = cli.command {
        let reply = runtime.block_on(doctor::doctor(&cli, &out));
        return print(&out, Ok(reply));
    }
    let result = runtime.block_on(run::run(&cli, &out));
    // A transaction's JSON is a stream of events: its failure is the last one (a dry run
    // prints one object, and its error as any command's).
    let events = cli.command.write_args().is_some_and(|w| !w.dry_run);
    if let (true, Err(e)) = (events, &result) {
        let (to_stdout, to_stderr) = render::error_event(&out, e);
        let _ = std::io::stdout().lock().write_all(to_stdout.as_bytes());
        eprint!("{to_stderr}");
        return ExitCode::from(exit::code(e));
    }
    print(&out, result)
}

/// Print `result` and return its exit code.
fn print(out: &Output, result: omg_ports::Result<run::Reply>) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match result {
        Ok(reply) => {
            eprint!("{}", reply.stderr);
            // A closed pipe (`omg search x | head`) is not an error worth reporting.
            let _ = stdout.write_all(reply.stdout.as_bytes());
            ExitCode::from(reply.code)
        }
        Err(e) => {
            let (to_stdout, to_stderr) = render::error(out, &e);
            let _ = stdout.write_all(to_stdout.as_bytes());
            eprint!("{to_stderr}");
            ExitCode::from(exit::code(&e))
        }
    }
}

/// Logs on stderr: omg's own warnings by default; the libraries' messages (libalpm's log,
/// target `libalpm`) only from `-v` on, since whatever of them matters reaches the user in
/// omg's own words (a plan warning, a progress message, an error). `OMG_LOG` overrides.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn,libalpm=off",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("OMG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
