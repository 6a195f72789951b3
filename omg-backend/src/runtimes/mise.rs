//! Runtimes omg does not install itself go through mise (`omg use deno 1.40` ->
//! `mise use deno@1.40`): the one configured (`[runtimes] mise`), else the one on PATH, else
//! omg's own copy of a pinned release ([`super::mise_source`]).

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use omg_ports::{Error, Result};

use super::context::Ctx;
use super::mise_source::MiseSource;
use super::progress;
use omg_cli_core::Answer;

/// mise's words for an omg command (without the program).
pub fn words(command: &MiseCommand) -> Vec<String> {
    let tool = |runtime: &str, version: &Option<String>| match version {
        Some(v) => format!("{runtime}@{v}"),
        None => runtime.to_string(),
    };
    match command {
        MiseCommand::Use {
            runtime,
            version,
            global,
        } => {
            let mut w = vec!["use".to_string()];
            if *global {
                w.push("--global".into());
            }
            w.push(tool(runtime, version));
            w
        }
        MiseCommand::Install { runtime, version } => vec!["install".into(), tool(runtime, version)],
        MiseCommand::Uninstall { runtime, version } => {
            vec!["uninstall".into(), tool(runtime, &Some(version.clone()))]
        }
        MiseCommand::List { runtime, remote } => {
            let verb = if *remote { "ls-remote" } else { "ls" };
            vec![verb.into(), runtime.clone()]
        }
        MiseCommand::Which { name } => vec!["which".into(), name.clone()],
        MiseCommand::Exec {
            runtime,
            version,
            command,
        } => {
            let mut w = vec!["exec".into(), tool(runtime, version), "--".into()];
            w.extend(command.iter().cloned());
            w
        }
    }
}

/// An omg command for a runtime mise handles.
#[derive(Debug, Clone)]
pub enum MiseCommand {
    /// `omg use`.
    Use {
        /// The tool.
        runtime: String,
        /// The version.
        version: Option<String>,
        /// `--global`.
        global: bool,
    },
    /// `omg runtimes install`.
    Install {
        /// The tool.
        runtime: String,
        /// The version.
        version: Option<String>,
    },
    /// `omg runtimes uninstall`.
    Uninstall {
        /// The tool.
        runtime: String,
        /// The version.
        version: String,
    },
    /// `omg runtimes list`.
    List {
        /// The tool.
        runtime: String,
        /// `--remote`.
        remote: bool,
    },
    /// `omg which`.
    Which {
        /// The tool or binary.
        name: String,
    },
    /// `omg exec`.
    Exec {
        /// The tool.
        runtime: String,
        /// The version.
        version: Option<String>,
        /// The command.
        command: Vec<String>,
    },
}

/// The mise binary: the configured one, the one on PATH, or omg's own (downloaded and
/// verified now when it is not installed yet).
fn mise_binary(ctx: &Ctx, runtime: &str) -> Result<PathBuf> {
    match &ctx.mise {
        MiseSource::Configured(p) | MiseSource::OnPath(p) => Ok(p.clone()),
        MiseSource::Bundled(bundled) => {
            if let Some(p) = bundled.installed() {
                return Ok(p);
            }
            if !bundled.supported(ctx.installer.platform()) {
                return Err(Error::NoMise {
                    runtime: runtime.to_string(),
                    native: ctx.native_list(),
                });
            }
            eprintln!(
                "omg: no mise configured or on PATH: installing mise {} into {}",
                bundled.version(),
                bundled.dir().display()
            );
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Library {
                    library: "tokio".into(),
                    message: e.to_string(),
                })?;
            let (binary, warnings) = runtime.block_on(bundled.ensure(progress::sink(false)))?;
            for w in warnings {
                eprintln!("omg: warning: {}", omg_cli_core::render::escape(&w));
            }
            Ok(binary)
        }
    }
}

/// Whether `command` is worth downloading omg's own mise for: it installs, runs or lists
/// what can be installed. Which, list and uninstall only look at what mise installed.
fn downloads(command: &MiseCommand) -> bool {
    match command {
        MiseCommand::Use { .. } | MiseCommand::Install { .. } | MiseCommand::Exec { .. } => true,
        MiseCommand::List { remote, .. } => *remote,
        MiseCommand::Uninstall { .. } | MiseCommand::Which { .. } => false,
    }
}

/// What mise would answer with nothing installed.
fn nothing_installed(command: &MiseCommand) -> Result<Answer> {
    match command {
        MiseCommand::Uninstall { runtime, version } => Err(Error::NotInstalled {
            runtime: runtime.clone(),
            version: version.clone(),
        }),
        MiseCommand::Which { name } => Err(Error::InvalidRequest(format!(
            "{name} is neither a runtime omg installs itself nor a tool mise installed \
             (omg's own mise is not installed yet; `omg use <tool> <version>` installs both)"
        ))),
        _ => Ok(Answer {
            stdout: String::new(),
            stderr: String::new(),
            code: 0,
        }),
    }
}

fn runtime_of(command: &MiseCommand) -> &str {
    match command {
        MiseCommand::Use { runtime, .. }
        | MiseCommand::Install { runtime, .. }
        | MiseCommand::Uninstall { runtime, .. }
        | MiseCommand::List { runtime, .. }
        | MiseCommand::Exec { runtime, .. } => runtime,
        MiseCommand::Which { name } => name,
    }
}

/// Runs mise for `command` with the terminal (mise draws its own progress) and answers its
/// exit code; `exec` replaces this process.
///
/// # Errors
///
/// The bundled mise's install errors ([`Error::ChecksumMismatch`], [`Error::Download`],
/// ...); [`Error::Io`] when mise cannot be started.
pub fn run(ctx: &Ctx, command: &MiseCommand) -> Result<Answer> {
    if let MiseSource::Bundled(bundled) = &ctx.mise {
        if bundled.installed().is_none() && !downloads(command) {
            // Nothing can be installed through a mise that is not there yet.
            return nothing_installed(command);
        }
    }
    let mise = mise_binary(ctx, runtime_of(command))?;
    let mise = mise.as_path();
    let args = words(command);
    tracing::info!("delegating to {} {}", mise.display(), args.join(" "));
    let mut cmd = Command::new(mise);
    cmd.args(&args);
    if matches!(command, MiseCommand::Exec { .. }) {
        let err = cmd.exec();
        return Err(Error::Io {
            path: mise.to_path_buf(),
            source: err,
        });
    }
    let status = cmd.status().map_err(|source| Error::Io {
        path: mise.to_path_buf(),
        source,
    })?;
    Ok(Answer {
        stdout: String::new(),
        stderr: String::new(),
        code: status
            .code()
            .map(|c| u8::try_from(c).unwrap_or(1))
            .unwrap_or(1),
    })
}
