//! Installing an addon into an installed version: rust's components and targets, as
//! `rust-toolchain.toml` asks for them and rustup adds them to a toolchain.

use std::fs;
use std::sync::Arc;

use omg_ports::{Addon, Error, ProgressSink, Result, RuntimeProvider};

use crate::home::{InstalledRuntime, RECORD_FILE};
use crate::install::{
    corrupt, io, merge_into, normalized_sha256, staging_in, strip, write_synced, Installer,
};
use crate::plain_http::plain_http_warning;

impl Installer {
    /// Installs `addon` into `installed` (a version of `provider`'s runtime), or returns the
    /// version as it is when its record already has the addon. Under the version's lock the
    /// addon's archive is downloaded, checked against the sha256 its source publishes (fail
    /// closed: a wrong sum changes nothing) and unpacked in a staging directory beside the
    /// version; only then are its component directories moved into the version's root, as
    /// rustup adds a component to a toolchain, and the addon recorded (the record written
    /// to a new file, synced, and renamed over the old one). Returns the version as it is
    /// now and the warnings of the addon's source (a missing signature, a plain-HTTP mirror).
    ///
    /// # Errors
    ///
    /// [`Error::NotInstalled`] when the version is gone; the provider's errors (an addon the
    /// source does not have); as [`Installer::install`] for the download, the sum, the
    /// unpacking and a layout the archive does not have.
    pub async fn add(
        &self,
        provider: &dyn RuntimeProvider,
        installed: &InstalledRuntime,
        addon: &Addon,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<(InstalledRuntime, Vec<String>)> {
        let runtime = provider.name().to_string();
        let version = installed.version().to_string();
        let _version_lock = self.lock_version(&runtime, &version, &progress).await?;
        let not_installed = || Error::NotInstalled {
            runtime: runtime.clone(),
            version: version.clone(),
        };
        let current = self
            .home
            .installed_version(&runtime, &version)
            .ok_or_else(not_installed)?;
        if current.record.addons.contains(addon) {
            return Ok((current, Vec::new()));
        }
        let (mut artifact, layout) = provider.addon(&version, addon, &self.platform).await?;
        if let Some(w) = plain_http_warning(&artifact) {
            artifact.warnings.push(w);
        }
        let expected = normalized_sha256(&artifact)?;
        let runtime_dir = self.home.runtime_dir(&runtime);
        let (staging, _staging_lock) = staging_in(&runtime_dir)?;
        let (archive, tree) = self
            .fetch_unpacked(&artifact, &expected, staging.path(), &progress)
            .await?;
        let root = strip(&tree, &layout, &artifact)?;
        // Every component directory is there before anything moves.
        if let Some(missing) = layout.merge.iter().find(|c| !root.join(c).is_dir()) {
            return Err(corrupt(
                &archive,
                &artifact,
                format!("the component directory '{missing}' is missing"),
            ));
        }
        for component in &layout.merge {
            merge_into(&root.join(component), &current.path)?;
        }
        let mut record = current.record.clone();
        record.addons.push(addon.clone());
        let json =
            serde_json::to_vec_pretty(&record).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let next = staging.path().join(RECORD_FILE);
        write_synced(&next, &json)?;
        let record_path = current.path.join(RECORD_FILE);
        // The staging directory is on the same file system (beside the version).
        fs::rename(&next, &record_path).map_err(|e| io(&record_path, e))?;
        if let Err(e) = fs::File::open(&current.path).and_then(|d| d.sync_all()) {
            tracing::debug!(dir = %current.path.display(), error = %e, "cannot sync the directory");
        }
        tracing::info!("added {addon} to {runtime} {version}");
        drop(staging);
        let now = self
            .home
            .installed_version(&runtime, &version)
            .ok_or_else(not_installed)?;
        Ok((now, artifact.warnings))
    }
}
