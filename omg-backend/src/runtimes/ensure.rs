//! Getting a runtime version installed.

use std::sync::Arc;

use omg_adapters_runtimes::InstalledRuntime;
use omg_cli_core::active::{installed_match, remote_release, rust_toolchain_missing};
use omg_domain::runtime::{Resolution, VersionSpec};
use omg_ports::{Addon, Error, ProgressSink, Result, RuntimeProvider};

use super::context::Ctx;

/// The installed version `spec` selects, installing the newest remote match when none is
/// installed. The bool is true when it was installed now.
pub async fn ensure(
    ctx: &Ctx,
    provider: &Arc<dyn RuntimeProvider>,
    spec: &VersionSpec,
    progress: Option<Arc<dyn ProgressSink>>,
) -> Result<(InstalledRuntime, bool)> {
    let runtime = provider.name();
    // An installed match is enough, except for the moving targets (latest, lts, channels),
    // where the source decides what is newest.
    let moving = matches!(
        spec,
        VersionSpec::Latest | VersionSpec::Lts | VersionSpec::LtsBack(_) | VersionSpec::Channel(_)
    );
    if !moving {
        if let Some(i) = installed_match(&ctx.home, runtime, spec)? {
            return Ok((i, false));
        }
    }
    let release = match remote_release(provider.as_ref(), spec, ctx.installer.platform()).await {
        Ok(release) => release,
        // Offline without a cached list, or the network down: a moving target resolves
        // among the installed versions (their records keep what the source said of each:
        // LTS, channel), as a stale cache would, with a warning.
        Err(e @ Error::Download { .. }) if moving => {
            let Some(i) = installed_match(&ctx.home, runtime, spec)? else {
                return Err(e);
            };
            ctx.warn(format!(
                "{e}; using {runtime} {}, the newest installed version that is `{spec}`",
                i.version()
            ));
            return Ok((i, false));
        }
        Err(e) => return Err(e),
    };
    if let Some(i) = ctx.home.installed_version(runtime, &release.version) {
        return Ok((i, false));
    }
    let installed = ctx
        .installer
        .install(provider.as_ref(), &release, progress)
        .await?;
    Ok((installed, true))
}

/// Adds what the rust toolchain file deciding `resolution` asks beyond `installed`
/// (`components`, `targets`), as rustup installs them with the toolchain. Returns the version
/// as it is now, what was added, and the sources' warnings.
pub async fn add_missing(
    ctx: &Ctx,
    provider: &Arc<dyn RuntimeProvider>,
    resolution: &Resolution,
    installed: InstalledRuntime,
    progress: Option<Arc<dyn ProgressSink>>,
) -> Result<(InstalledRuntime, Vec<Addon>, Vec<String>)> {
    let Some((_, missing)) = rust_toolchain_missing(resolution, &installed) else {
        return Ok((installed, Vec::new(), Vec::new()));
    };
    let mut now = installed;
    let mut warnings = Vec::new();
    for addon in &missing {
        let (next, w) = ctx
            .installer
            .add(provider.as_ref(), &now, addon, progress.clone())
            .await?;
        now = next;
        warnings.extend(w);
    }
    Ok((now, missing, warnings))
}
