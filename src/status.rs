//! `omg status` in full: the engine's package counts, the last security audit's summary
//! (from the feed cache, see [`crate::audit`]) and the language runtimes on disk. omgd and
//! direct mode both answer through this, so their output is the same.

use omg_adapters_runtimes::{GlobalDefaults, RuntimesHome};
use omg_ports::{Result, RuntimeStatus, Status};

use crate::{audit, Engine};

/// The full status of `engine`'s backend and this user's runtimes.
///
/// # Errors
///
/// As [`Engine::status`]; the audit summary and the runtimes are left empty when they
/// cannot be read.
pub async fn status(engine: &Engine) -> Result<Status> {
    let mut status = engine.status().await?;
    if let Ok(cache) = audit::default_cache_path() {
        status.security = audit::last_summary(&engine.backend_info(), &cache).await;
    }
    status.runtimes = runtimes();
    Ok(status)
}

/// This user's runtimes: installed versions and global defaults (empty without a home).
pub fn runtimes() -> Vec<RuntimeStatus> {
    match RuntimesHome::from_env() {
        Ok(home) => omg_adapters_runtimes::summary(&home, GlobalDefaults::from_env().as_ref()),
        Err(_) => Vec::new(),
    }
}
