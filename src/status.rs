//! `omg status` in full: the engine's package counts, the last security audit's summary
//! (from the feed cache, see [`crate::audit`]) and the language runtimes on disk. omgd and
//! direct mode both answer through this, so their output is the same.

use omg_adapters_runtimes::{GlobalDefaults, RuntimesHome};
use omg_domain::runtime::{select, VersionSpec};
use omg_ports::{PackageSummary, RemoteVersion, Result, RuntimeStatus, Status};

use crate::{audit, Engine};

/// The full status of `engine`'s backend and this user's runtimes.
///
/// # Errors
///
/// As [`Engine::status`]; the audit summary and the runtimes are left empty when they
/// cannot be read.
pub async fn status(engine: &Engine) -> Result<Status> {
    complete(engine, engine.status().await?).await
}

/// As [`status`], counting the available packages in `packages`: the backend's whole list
/// (omgd's index holds it), not listed again.
///
/// # Errors
///
/// As [`Engine::status_of`].
pub async fn status_of(engine: &Engine, packages: &[PackageSummary]) -> Result<Status> {
    complete(engine, engine.status_of(packages).await?).await
}

/// Adds the audit summary and the runtimes to the engine's counts.
async fn complete(engine: &Engine, mut status: Status) -> Result<Status> {
    if let Ok(cache) = audit::default_cache_path() {
        status.security = audit::last_summary(&engine.backend_info(), &cache).await;
    }
    status.runtimes = runtimes();
    Ok(status)
}

/// This user's runtimes: installed versions and global defaults (empty without a home).
pub fn runtimes() -> Vec<RuntimeStatus> {
    match RuntimesHome::from_env() {
        Ok(home) => summary(&home, GlobalDefaults::from_env().as_ref()),
        Err(_) => Vec::new(),
    }
}

/// What `omg status` shows of the runtimes: for every runtime installed in `home` or with a
/// global default, its installed versions (newest first, as the adapter lists them) and the
/// version the default selects among them (the domain's [`select`]).
fn summary(home: &RuntimesHome, defaults: Option<&GlobalDefaults>) -> Vec<RuntimeStatus> {
    let specs = defaults.and_then(|d| d.load().ok()).unwrap_or_default();
    let mut names = home.runtimes();
    names.extend(specs.keys().cloned());
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let installed = home.installed(&name).unwrap_or_default();
            let default_spec = specs.get(&name).cloned();
            let default_version = default_spec.as_deref().and_then(|spec| {
                let releases: Vec<RemoteVersion> =
                    installed.iter().map(|i| i.record.release.clone()).collect();
                select(&VersionSpec::parse(spec), &releases).map(|r| r.version.clone())
            });
            RuntimeStatus {
                name,
                default_spec,
                default_version,
                installed: installed.iter().map(|i| i.version().to_string()).collect(),
            }
        })
        .collect()
}
