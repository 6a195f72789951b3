//! Opening the backend the global flags name.

use omg::{BackendChoice, Omg};
use omg_cli_core::args::{BackendArg, Cli};
use omg_cli_core::route::{HelperCommand, Route, WriteCommand};
use omg_ports::Result;

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
    let route = cli.command.route();
    if matches!(
        route,
        Route::Helper(HelperCommand::Write(..) | HelperCommand::Mark(_))
    ) {
        if let Some(t) = omg_config::Settings::load()?.lock_timeout()? {
            builder = builder.lock_timeout(t);
        }
    }
    // The command that repairs missing or damaged databases cannot require them.
    let refreshes = matches!(
        route,
        Route::Helper(HelperCommand::Write(
            WriteCommand::Sync
                | WriteCommand::Update {
                    no_refresh: false,
                    ..
                },
            _
        ))
    );
    builder.allow_damaged_databases(refreshes).build()
}
