//! `omg audit` in direct mode: the host's feed (chosen from the backend and os-release),
//! fetched through the remote adapter and cached in `$XDG_CACHE_HOME/omg/feeds.redb`,
//! matched against the installed packages by the domain; rendered by `omg_cli_core::audit` as
//! omgd's answer is.

use omg_cli_core::args::AuditArgs;
use omg_cli_core::render::Output;
use omg_cli_core::Answer;
use omg_ports::Result;

/// Run the audit over `engine`'s backend; `offline` (`--offline`) reads the cached feed only.
pub async fn run(
    engine: &omg::Engine,
    args: &AuditArgs,
    out: &Output,
    offline: bool,
) -> Result<Answer> {
    let config = omg_config::Config::load()?;
    let options = omg::audit::AuditOptions::configured(|s, k| config.string(s, k), offline)?;
    let audit = omg::audit::audit(engine, &options).await?;
    Ok(omg_cli_core::audit::answer(out, args, audit.outcome))
}
