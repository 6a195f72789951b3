//! `omg-backend`: direct mode. `omg` execs it; it can also be run by hand. Its logic is the
//! library's ([`omg_backend::answer`]).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use omg_cli_core::args::Cli;

fn main() -> ExitCode {
    // `omg-backend --print-man DIR`: the manual pages, for `make install` (not a command of
    // omg's, so not in the shared command line).
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(std::ffi::OsStr::new(omg_backend::man::PRINT_MAN_FLAG)) {
        return print_man(args.next());
    }
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let answer = omg_backend::answer(&cli);
    // A closed pipe (`omg search x | head`) is not an error worth reporting.
    let _ = std::io::stderr().lock().write_all(answer.stderr.as_bytes());
    let _ = std::io::stdout().lock().write_all(answer.stdout.as_bytes());
    ExitCode::from(answer.code)
}

fn print_man(dir: Option<std::ffi::OsString>) -> ExitCode {
    let Some(dir) = dir else {
        eprintln!("usage: omg-backend --print-man DIR");
        return ExitCode::from(omg_cli_core::exit::USAGE);
    };
    match omg_backend::man::write_pages(std::path::Path::new(&dir)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "omg-backend: cannot write the manual pages into {}: {e}",
                std::path::Path::new(&dir).display()
            );
            ExitCode::FAILURE
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
