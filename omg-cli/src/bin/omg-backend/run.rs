//! One command against the backend, rendered.

use omg::{BackendChoice, Omg};
use omg_cli::args::{BackendArg, Cli, Command};
use omg_cli::exit;
use omg_cli::render::{self, Output};
use omg_ports::{Error, ListKind, Result};

use crate::{mark, reads, write};

/// What to print and the exit code.
pub struct Reply {
    /// For stdout.
    pub stdout: String,
    /// For stderr (warnings).
    pub stderr: String,
    /// The exit code.
    pub code: u8,
}

impl From<String> for Reply {
    fn from(stdout: String) -> Self {
        Reply {
            stdout,
            stderr: String::new(),
            code: exit::OK,
        }
    }
}

/// Open the backend the flags name and answer the command.
pub async fn run(cli: &Cli, out: &Output) -> Result<Reply> {
    if let Command::Daemon { .. } = cli.command {
        return Err(daemon_not_here());
    }
    if cli.command.is_runtime() {
        return Err(Error::InvalidRequest(
            "language-runtime commands are answered before the backend is opened".into(),
        ));
    }
    let engine = open_engine(cli)?;
    let answer = answer(&engine, cli, out).await;
    // This process ends right after printing: releasing the backend would free every package
    // one by one (~10% of a search's time for 20,000 packages) for the OS to reclaim anyway.
    // Kept alive, its worker thread sits idle in its queue while the process exits.
    std::mem::forget(engine);
    answer
}

/// The backend the global flags name (and the configured lock timeout for writes).
pub fn open_engine(cli: &Cli) -> Result<omg::Engine> {
    let g = &cli.global;
    let mut builder = Omg::builder().backend(match g.backend {
        BackendArg::Auto => BackendChoice::Auto,
        BackendArg::Alpm => BackendChoice::Alpm,
        BackendArg::Apt => BackendChoice::Apt,
    });
    if let Some(c) = &g.config {
        builder = builder.config(c);
    }
    if let Some(r) = &g.root {
        builder = builder.root(r);
    }
    if cli.command.write_args().is_some() || matches!(cli.command, Command::Mark(_)) {
        if let Some(t) = omg_config::Settings::load()?.lock_timeout()? {
            builder = builder.lock_timeout(t);
        }
    }
    // The command that repairs missing or damaged databases cannot require them.
    let refreshes = matches!(
        cli.command,
        Command::Sync { .. }
            | Command::Update {
                no_refresh: false,
                ..
            }
    );
    builder.allow_damaged_databases(refreshes).build()
}

async fn answer(engine: &omg::Engine, cli: &Cli, out: &Output) -> Result<Reply> {
    if let Command::Audit(args) = &cli.command {
        let answer = crate::audit::run(engine, args, out).await?;
        return Ok(Reply {
            stdout: answer.stdout,
            stderr: answer.stderr,
            code: answer.code,
        });
    }
    if let Command::Search {
        query,
        limit,
        installed,
    } = &cli.command
    {
        let results = engine
            .search(&omg_cli::search::query(query, *limit, *installed))
            .await?;
        let answer = omg_cli::search::answer(out, &results);
        return Ok(Reply {
            stdout: answer.stdout,
            stderr: answer.stderr,
            code: answer.code,
        });
    }
    // Answered per name: what was found, then an error for each of the rest.
    match &cli.command {
        Command::Info { packages } => return reads::info(engine, out, packages).await,
        Command::List(list) if !list.names.is_empty() => {
            return reads::list(engine, out, list.kind(), &list.names).await
        }
        Command::Files { packages } => return reads::files(engine, out, packages).await,
        Command::Owns { paths } => return reads::owns(engine, out, paths).await,
        _ => {}
    }
    text(engine, cli, out).await.map(Reply::from)
}

async fn text(engine: &omg::Engine, cli: &Cli, out: &Output) -> Result<String> {
    match &cli.command {
        Command::Search { .. } => Err(Error::InvalidRequest("search is answered above".into())),
        Command::Info { .. } | Command::Files { .. } | Command::Owns { .. } => Err(
            Error::InvalidRequest("info, files and owns are answered above".into()),
        ),
        Command::Mark(args) => mark::run(engine, cli, out, args).await,
        Command::List(list) => {
            let kind = list.kind();
            Ok(render::list(out, kind, &engine.list(kind).await?))
        }
        Command::Status => Ok(render::status(out, &omg::status::status(engine).await?)),
        Command::Outdated => Ok(render::list(
            out,
            ListKind::Upgradable,
            &engine.list(ListKind::Upgradable).await?,
        )),
        Command::Explicit => Ok(render::list(
            out,
            ListKind::Explicit,
            &engine.list(ListKind::Explicit).await?,
        )),
        Command::Why { package } => Ok(render::why(out, &engine.why(package).await?)),
        Command::History { limit } => Ok(render::history(
            out,
            &write::read_history(std::path::Path::new(&engine.backend_info().root), *limit).await?,
        )),
        Command::Install { .. }
        | Command::Remove { .. }
        | Command::Update { .. }
        | Command::Sync { .. }
        | Command::Clean(_) => match cli.command.write_args() {
            Some(w) => write::run(engine, cli, out, w).await,
            None => Err(Error::InvalidRequest("not a write command".into())),
        },
        Command::Daemon { .. } => Err(daemon_not_here()),
        Command::Config | Command::Completions { .. } | Command::Doctor => {
            Err(Error::InvalidRequest(
                "config and completions are answered before the backend is opened".into(),
            ))
        }
        Command::Audit(_) => Err(Error::InvalidRequest("audit is answered above".into())),
        Command::Use { .. }
        | Command::Runtimes { .. }
        | Command::Which { .. }
        | Command::Exec { .. }
        | Command::Current
        | Command::Hook { .. }
        | Command::HookEnv { .. } => Err(Error::InvalidRequest(
            "language-runtime commands are answered before the backend is opened".into(),
        )),
    }
}

/// `omg daemon` is the thin client's business; the helper does not manage omgd.
fn daemon_not_here() -> Error {
    Error::InvalidRequest(
        "`omg daemon` is handled by omg itself, not by omg-backend; run `omg daemon ...`".into(),
    )
}
