//! Which mise omg hands other runtimes to: the one configured (`[runtimes] mise`), else the
//! first on `PATH`, else omg's own copy of a pinned release (`[runtimes] mise_version`,
//! from `[runtimes] mise_mirror`), downloaded on first use into
//! `$XDG_DATA_HOME/omg/mise/<version>/` by the runtimes' installer: sha256 checked against
//! the release's SHASUMS256.txt (fail closed), itself checked against its minisign signature
//! by mise's key, unpacked within limits into a staging directory, renamed into place.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use omg_adapters_releases::{MiseReleases, Signatures, DEFAULT_MISE_MIRROR, MISE, MISE_VERSION};
use omg_adapters_runtimes::{Installer, RuntimesHome, UnpackLimits};
use omg_config::Settings;
use omg_ports::{Fetcher, Platform, ProgressSink, RemoteVersion, Result, RuntimeProvider};

/// Where the mise omg uses comes from.
pub enum MiseSource {
    /// `[runtimes] mise` (or `OMG_RUNTIMES_MISE`).
    Configured(PathBuf),
    /// The first `mise` on `PATH`.
    OnPath(PathBuf),
    /// omg's own copy of a pinned release.
    Bundled(Bundled),
}

/// omg's own mise: one release, installed under `$XDG_DATA_HOME/omg/mise/`.
pub struct Bundled {
    releases: MiseReleases,
    installer: Installer,
}

impl MiseSource {
    /// From the settings: the configured binary, else `on_path`, else the bundled release
    /// under `data_dir` (`$XDG_DATA_HOME/omg`), its `SHASUMS256.txt.minisig` checked as
    /// `signatures` says.
    pub fn choose(
        settings: &Settings,
        on_path: Option<PathBuf>,
        data_dir: &Path,
        fetcher: Arc<dyn Fetcher>,
        limits: UnpackLimits,
        signatures: Signatures,
    ) -> MiseSource {
        if let Some(p) = settings.mise() {
            return MiseSource::Configured(p);
        }
        if let Some(p) = on_path {
            return MiseSource::OnPath(p);
        }
        let version = settings
            .mise_version()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| MISE_VERSION.to_string());
        let mirror = settings
            .mise_mirror()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_MISE_MIRROR.to_string());
        let home = RuntimesHome::at(data_dir);
        MiseSource::Bundled(Bundled {
            releases: MiseReleases::new(fetcher.clone(), &mirror, &version)
                .with_signatures(signatures),
            installer: Installer::new(home, fetcher).with_unpack_limits(limits),
        })
    }
}

impl Bundled {
    /// The pinned version.
    pub fn version(&self) -> &str {
        self.releases.version()
    }

    /// Whether mise publishes a build for `platform`.
    pub fn supported(&self, platform: &Platform) -> bool {
        MiseReleases::platform_name(platform).is_some()
    }

    /// Its directory, `$XDG_DATA_HOME/omg/mise/<version>`.
    pub fn dir(&self) -> PathBuf {
        self.installer.home().version_dir(MISE, self.version())
    }

    /// The binary when this release is installed.
    pub fn installed(&self) -> Option<PathBuf> {
        let installed = self
            .installer
            .home()
            .installed_version(MISE, self.version())?;
        installed
            .bin_dirs()
            .into_iter()
            .map(|d| d.join(MISE))
            .find(|p| p.is_file())
    }

    /// The binary, downloading and installing the release first when it is not installed.
    ///
    /// # Errors
    ///
    /// The installer's: [`omg_ports::Error::Download`], [`omg_ports::Error::MissingChecksum`]
    /// and [`omg_ports::Error::ChecksumMismatch`] (nothing installed),
    /// [`omg_ports::Error::UnsupportedPlatform`], [`omg_ports::Error::CorruptPackage`] for an
    /// archive without `mise/bin/mise`.
    ///
    /// With the binary come the warnings about how the download was verified (no
    /// signature published, plain `http://`), for the user.
    pub async fn ensure(
        &self,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<(PathBuf, Vec<String>)> {
        if let Some(p) = self.installed() {
            return Ok((p, Vec::new()));
        }
        tracing::info!(version = self.version(), "downloading omg's own mise");
        let release = RemoteVersion::new(self.version());
        let installed = self
            .installer
            .install(&self.releases as &dyn RuntimeProvider, &release, progress)
            .await?;
        let binary = installed
            .bin_dirs()
            .into_iter()
            .map(|d| d.join(MISE))
            .find(|p| p.is_file());
        let binary = binary.ok_or_else(|| omg_ports::Error::CorruptPackage {
            path: installed.path.clone(),
            reason: "the mise release has no bin/mise".into(),
        })?;
        Ok((binary, installed.record.artifact.warnings.clone()))
    }
}

/// The most of `mise --version`'s output read, and how long it may take.
const VERSION_BYTES: u64 = 4096;
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// The first line of `<binary> --version` (`2026.9.15 linux-x64 (2026-09-27)`), control
/// characters escaped; `None` when it does not run, fails or takes too long.
pub fn version_of(binary: &Path) -> Option<String> {
    let mut command = Command::new(binary);
    command.arg("--version");
    let out = omg_cli_core::child::run_bounded(command, VERSION_BYTES, VERSION_TIMEOUT)?;
    let line = out.stdout.lines().next()?.trim();
    (out.status.success() && !line.is_empty())
        .then(|| omg_cli_core::render::escape(line).into_owned())
}
