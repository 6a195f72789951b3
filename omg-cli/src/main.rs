//! `omg`: the thin client. Parses the command line, asks a running omgd that serves the same
//! configuration, and otherwise hands the work to the backend-linked helper `omg-backend`
//! installed beside it (direct mode). Either way the output is rendered by the same code.
//!
//! `omg` defines the C `main` itself (`no_main`): Rust's runtime start-up would look up the
//! main thread's stack bounds (glibc reads `/proc/self/maps` for that) and install a stack
//! overflow handler, ~45,000 instructions and a few system calls on every start, which is
//! a tenth of this client's whole budget on the daemon path (BENCHMARKS.md). What that
//! leaves out: a stack overflow is a plain SIGSEGV without Rust's message, a panic aborts
//! after its message instead of unwinding out of `main`, and SIGPIPE keeps its default
//! action, so `omg search x | head -1` ends quietly when `head` exits, like any C tool (the
//! helper `omg-backend` is an ordinary Rust program).
#![no_main]

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use std::io::Write;

use clap::Parser;
use omg_cli::{complete, daemon_cmd, fast_path, hook};
use omg_cli_core::args::Cli;
use omg_cli_core::exit;
use omg_cli_core::render::Output;
use omg_cli_core::route::{ClientCommand, Route};
use omg_cli_core::Answer;

/// A bump arena: `omg` lives milliseconds, and glibc's malloc cost more than the decoding
/// and rendering of a large answer (see omg_cli::arena).
#[global_allocator]
static ALLOCATOR: omg_cli::arena::Arena = omg_cli::arena::Arena::new();

/// The helper's file name, looked up beside this executable.
const HELPER: &str = "omg-backend";

/// The process entry point, called by the C runtime with the command line. The arguments
/// are read from `argv` here: `std::env::args_os` is filled before `main` only by glibc
/// (musl's start-up, which a static `omg` may use, leaves it empty without Rust's runtime).
///
/// # Safety
/// Called by the C runtime only: `argv` holds `argc` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn main(
    argc: std::ffi::c_int,
    argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    // SAFETY: this function's own contract, kept by the C runtime; the strings live as long
    // as the process.
    let args = unsafe { args_from(argc, argv) };
    let code = run(args);
    // Flush what `print` buffered before the C runtime's exit.
    let _ = std::io::stdout().flush();
    std::ffi::c_int::from(code)
}

/// The arguments after the program name.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings (the C runtime's `main` contract).
unsafe fn args_from(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> Vec<OsString> {
    use std::os::unix::ffi::OsStrExt;
    let n = usize::try_from(argc).unwrap_or(0);
    (1..n)
        .map(|i| {
            // SAFETY: i < argc, and each entry is a C string (the caller's contract).
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect()
}

fn run(args: Vec<OsString>) -> u8 {
    // Validate the command line here so usage errors and --help cost no helper start.
    // The plain lines of the daemon path skip clap's command tree (see quick_args).
    // The shell hook's per-prompt call: answered before clap builds its command tree.
    if args.len() == 2 && args[0] == "hook-env" {
        if let Some(shell) = hook::parse_shell(args[1].to_str()) {
            let (stdout, stderr) = hook::hook_env(shell);
            return print(Answer {
                stdout,
                stderr,
                code: exit::OK,
            });
        }
    }
    // A completion script's call, at each <Tab>: answered before clap parses (its own walk
    // builds the command tree only as far as it needs).
    if args.first().is_some_and(|a| a == "__complete") {
        if let Some((index, words)) = complete::parse(&args[1..]) {
            return print(Answer::from(complete::answer(&words, index)));
        }
    }
    let cli = omg_cli::quick_args::parse(&args).unwrap_or_else(|| {
        Cli::parse_from(std::iter::once(OsString::from("omg")).chain(args.iter().cloned()))
    });
    match cli.command.route() {
        Route::Client(ClientCommand::Daemon(action)) => {
            return print(daemon_cmd::run(&cli, action))
        }
        Route::Client(ClientCommand::Hook(shell)) => {
            let exe = std::env::current_exe().unwrap_or_else(|_| "omg".into());
            return print(Answer::from(hook::hook_script(shell, &exe)));
        }
        Route::Client(ClientCommand::Shell {
            runtime,
            version,
            shell,
        }) => {
            return print(omg_cli::shell::shell(
                runtime,
                version,
                shell,
                cli.global.json,
            ))
        }
        Route::Client(ClientCommand::Completions(shell)) => {
            let script = omg_cli_core::complete::script::script(shell);
            return print(Answer::from(script.to_string()));
        }
        Route::Client(ClientCommand::Complete { index, words }) => {
            return print(Answer::from(complete::answer(words, index)));
        }
        Route::Client(ClientCommand::HookEnv(shell)) => {
            let (stdout, stderr) = hook::hook_env(shell);
            return print(Answer {
                stdout,
                stderr,
                code: exit::OK,
            });
        }
        Route::Read(read) => {
            if let Some(answer) =
                fast_path::try_daemon(&cli.global, read, &Output::from_env(&cli.global))
            {
                return print(answer);
            }
        }
        // The helper's: it links the libraries, downloads, unpacks and draws progress.
        Route::Helper(_) => {}
    }
    let helper = match helper_path() {
        Ok(p) => p,
        Err(message) => {
            eprintln!("omg: error: {message}");
            return exit::BACKEND;
        }
    };
    // exec only returns on failure.
    let err = Command::new(&helper).arg0("omg").args(args).exec();
    eprintln!(
        "omg: error: could not run {}: {err}; reinstall omg so that {HELPER} sits beside it",
        helper.display()
    );
    exit::BACKEND
}

/// Print an answer and return its exit code.
fn print(answer: Answer) -> u8 {
    // A closed pipe (`omg search x | head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(answer.stdout.as_bytes());
    let _ = std::io::stderr().lock().write_all(answer.stderr.as_bytes());
    answer.code
}

/// `$OMG_BACKEND_BIN`, else `omg-backend` in the directory of this executable.
fn helper_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("OMG_BACKEND_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot locate the omg executable: {e}"))?;
    let dir = exe
        .parent()
        .ok_or_else(|| format!("{} has no parent directory", exe.display()))?;
    let helper = dir.join(HELPER);
    if helper.is_file() {
        Ok(helper)
    } else {
        Err(format!(
            "{} is missing; omg needs its helper {HELPER} installed beside it \
             (or OMG_BACKEND_BIN pointing at it)",
            helper.display()
        ))
    }
}
