//! omgd: the per-user daemon serving a hot package index over omg's socket.
//!
//! Modules: [`args`] (command line, resolved settings), [`state`] (snapshot, cache,
//! counters), [`refresh`] (startup load/build, background rebuilds, persistence),
//! [`handler`] (the transport's `Handler`), [`suggest`] (completion), [`audit`] (the
//! security feed in the background), [`housekeeping`] (caches released when idle),
//! [`memory`] (glibc's arenas and trimming),
//! [`signals`] (SIGTERM/SIGINT), [`activation`] (systemd socket activation).

mod activation;
mod args;
mod audit;
mod aur;
mod fds;
mod handler;
mod housekeeping;
mod man;
mod memory;
mod refresh;
mod shared;
mod signals;
mod state;
mod suggest;
mod text;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use omg_adapters_store::RedbStore;
use omg_transport_uds::{bind_secure, serve, ServerConfig, SocketGuard};
use tokio::net::UnixListener;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use crate::args::{Args, Settings};
use crate::aur::{AurHolder, AurSettings};
use crate::handler::DaemonHandler;
use crate::refresh::Refresher;
use crate::state::State;

fn main() -> ExitCode {
    memory::limit_arenas();
    let args = Args::parse();
    if let Some(dir) = &args.print_man {
        return match man::write_page(dir) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("omgd: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    init_logging(args.verbose);
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("omgd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(args: &Args) -> anyhow::Result<()> {
    let settings = Settings::resolve(args)?;
    // Before any thread exists: it edits the environment.
    let activated = activation::take_listener()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let outcome = runtime.block_on(daemon(settings, activated));
    // A rebuild abandoned at shutdown may still be reading the databases on a blocking
    // thread: do not wait for it (everything worth keeping was saved before this point).
    runtime.shutdown_timeout(SHUTDOWN_WAIT);
    outcome
}

/// How long the end of omgd waits for threads still reading the databases.
const SHUTDOWN_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// How long requests in flight at shutdown get to finish (an `Invalidate` waiting for a
/// rebuild is cut off): SIGTERM is obeyed within a second.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// The listener to serve: the socket systemd passed, else our own from `bind_secure` with the
/// guard that removes it (and holds the instance lock) on the way out.
fn listen(
    settings: &Settings,
    activated: Option<std::os::unix::net::UnixListener>,
) -> anyhow::Result<(UnixListener, Option<SocketGuard>, String)> {
    if let Some(l) = activated {
        let listener =
            UnixListener::from_std(l).context("could not serve the socket systemd passed")?;
        return Ok((listener, None, "(passed by systemd)".to_string()));
    }
    let bound = bind_secure(&settings.socket)
        .with_context(|| format!("cannot serve {}", settings.socket.display()))?;
    let (listener, guard) = bound
        .into_tokio()
        .context("could not listen on the socket")?;
    let shown = guard.path().display().to_string();
    Ok((listener, Some(guard), shown))
}

async fn daemon(
    settings: Settings,
    activated: Option<std::os::unix::net::UnixListener>,
) -> anyhow::Result<()> {
    let shutdown = signals::shutdown()?;
    tokio::pin!(shutdown);
    let (listener, guard, shown) = listen(&settings, activated)?;
    // The state file is a cache: a damaged one is moved aside (with a warning) and rebuilt.
    let (store, _aside) = RedbStore::open_replacing_damaged(&settings.state)
        .with_context(|| format!("cannot open the state file {}", settings.state.display()))?;
    let refresher = Arc::new(Refresher::new(settings.backend.clone(), Arc::new(store)));
    // The first index can take seconds (libapt building its cache): a signal meanwhile
    // ends omgd at once.
    let (first, from_store) = tokio::select! {
        started = refresher.startup() => started?,
        () = &mut shutdown => {
            tracing::info!("stopped before the first index was ready");
            return Ok(());
        }
    };
    let state = Arc::new(State::new(first));
    let info = state.backend().clone();
    tracing::info!(
        socket = %shown,
        backend = %info.name,
        config = info.config.as_deref().unwrap_or("-"),
        root = %info.root,
        "omgd ready"
    );
    if from_store {
        refresher.seed_status(&state).await;
    }
    refresher.persist_in_background(&state, !from_store).await;
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = {
        let (refresher, state) = (Arc::clone(&refresher), Arc::clone(&state));
        tokio::spawn(async move {
            refresher
                .run(state, settings.poll, settings.refresh, stop_rx)
                .await;
        })
    };
    let auditor = tokio::spawn(audit::run(
        Arc::clone(&state),
        settings.audit,
        stop_tx.subscribe(),
    ));
    let housekeeper = tokio::spawn(housekeeping::run(Arc::clone(&state), stop_tx.subscribe()));
    let aur = Arc::new(AurHolder::default());
    let aur_task = (info.name == "alpm")
        .then(AurSettings::load)
        .flatten()
        .map(|settings| {
            let state = Arc::clone(&state);
            let installed_foreign = move || {
                state
                    .current()
                    .index
                    .packages()
                    .iter()
                    .filter(|p| p.repository == omg_ports::PackageSummary::LOCAL)
                    .map(|p| p.name.clone())
                    .collect()
            };
            tokio::spawn(aur::run(
                Arc::clone(&aur),
                refresher.store(),
                settings,
                installed_foreign,
                stop_tx.subscribe(),
            ))
        });
    let handler = Arc::new(DaemonHandler::new(
        Arc::clone(&state),
        Arc::clone(&refresher),
        Arc::clone(&aur),
    ));
    let report = serve(
        listener,
        handler,
        ServerConfig {
            // A transaction run through sudo tells the user's omgd to re-read the databases.
            allow_root: true,
            idle_timeout: settings.idle,
            max_connections: fds::raise_limit(),
            shutdown_grace: SHUTDOWN_GRACE,
            ..ServerConfig::default()
        },
        &mut shutdown,
    )
    .await;
    tracing::info!(
        accepted = report.accepted,
        refused = report.refused,
        aborted = report.aborted,
        "stopped serving"
    );
    let _ = stop_tx.send(true);
    if let Err(e) = housekeeper.await {
        tracing::warn!(error = %e, "the housekeeping task ended abnormally");
    }
    if let Some(task) = aur_task {
        if let Err(e) = task.await {
            tracing::warn!(error = %e, "the AUR task ended abnormally");
        }
    }
    if let Err(e) = auditor.await {
        tracing::warn!(error = %e, "the audit task ended abnormally");
    }
    if let Err(e) = worker.await {
        tracing::warn!(error = %e, "the refresh task ended abnormally");
    }
    refresher.quiesce(SHUTDOWN_GRACE).await;
    drop(refresher);
    drop(state);
    drop(guard);
    tracing::info!("omgd stopped");
    Ok(())
}
