//! mise's own releases: the mise binary omg downloads for the runtimes it does not install
//! itself, when no mise is configured or on `PATH` (not one of [`crate::NATIVE_RUNTIMES`]).
//!
//! The layout is mise's GitHub release layout, as mise's own installer (mise.run,
//! `packaging/standalone/install.envsubst` in jdx/mise) reads it: the archive
//! `<base>/v<version>/mise-v<version>-<os>-<arch>.tar.gz` (`linux-x64`, `linux-arm64`,
//! `linux-armv7`, `macos-x64`, `macos-arm64`) holding `mise/bin/mise`, and
//! `<base>/v<version>/SHASUMS256.txt` with sha256sum lines naming `./mise-v<version>-...`,
//! signed with minisign in `SHASUMS256.txt.minisig` (the key of mise's `minisign.pub`,
//! shipped with omg as the `mise` publisher's). Only the pinned version is offered: no
//! index is read.

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Error, Fetcher, InstallLayout, Platform, RemoteVersion, Result,
    RuntimeProvider, Strip,
};

use crate::checksums::parse_shasums;
use crate::signature::Signatures;
use crate::text::{fetch_bytes, malformed};

/// The mise release omg downloads unless `[runtimes] mise_version` names another.
pub const MISE_VERSION: &str = "2026.9.15";

/// Where mise's releases are published (`[runtimes] mise_mirror` names another base).
pub const DEFAULT_MISE_MIRROR: &str = "https://github.com/jdx/mise/releases/download";

/// The name of mise's releases as a [`RuntimeProvider`], and their directory under omg's
/// data directory.
pub const MISE: &str = "mise";

/// One pinned mise release from `<mirror>/v<version>/`.
pub struct MiseReleases {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    version: String,
    signatures: Signatures,
}

impl MiseReleases {
    /// mise `version` (a leading `v` is dropped) from `mirror`, a base URL laid out as mise's
    /// GitHub releases ([`DEFAULT_MISE_MIRROR`]).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: &str, version: &str) -> Self {
        MiseReleases {
            fetcher,
            mirror: mirror.trim().trim_end_matches('/').to_string(),
            version: version.trim().trim_start_matches('v').to_string(),
            signatures: Signatures::off(),
        }
    }

    /// The same releases, checking `SHASUMS256.txt.minisig` as `signatures` says.
    pub fn with_signatures(mut self, signatures: Signatures) -> Self {
        self.signatures = signatures;
        self
    }

    /// The pinned version, without `v`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `linux-x64`, `macos-arm64`: mise's name of a platform.
    pub fn platform_name(platform: &Platform) -> Option<String> {
        let os = match platform.os.as_str() {
            "linux" => "linux",
            "macos" => "macos",
            _ => return None,
        };
        let arch = match platform.arch.as_str() {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            "arm" if os == "linux" => "armv7",
            _ => return None,
        };
        Some(format!("{os}-{arch}"))
    }

    fn release_dir(&self, version: &str) -> String {
        format!("{}/v{version}", self.mirror)
    }
}

#[async_trait]
impl RuntimeProvider for MiseReleases {
    fn name(&self) -> &str {
        MISE
    }

    fn binaries(&self) -> Vec<String> {
        vec![MISE.to_string()]
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        Ok(Self::platform_name(platform)
            .map(|_| vec![RemoteVersion::new(self.version.clone())])
            .unwrap_or_default())
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let version = version.trim_start_matches('v');
        if version != self.version {
            return Err(Error::UnknownVersion {
                runtime: MISE.into(),
                spec: version.into(),
                closest: vec![self.version.clone()],
            });
        }
        let plat = Self::platform_name(platform).ok_or_else(|| Error::UnsupportedPlatform {
            runtime: MISE.into(),
            version: version.into(),
            platform: platform.to_string(),
        })?;
        let file = format!("mise-v{version}-{plat}.tar.gz");
        let dir = self.release_dir(version);
        let sums_url = format!("{dir}/SHASUMS256.txt");
        let body = fetch_bytes(&self.fetcher, &sums_url).await?;
        let checked = self
            .signatures
            .minisign(
                &self.fetcher,
                MISE,
                "SHASUMS256.txt",
                &body,
                &format!("{sums_url}.minisig"),
            )
            .await?;
        let text = String::from_utf8(body).map_err(|_| {
            malformed(
                "mise SHASUMS256.txt",
                &sums_url,
                "it is not UTF-8 text".into(),
            )
        })?;
        let sums = parse_shasums(&text);
        let (signed_by, warnings) = checked.into_fields();
        let sha256 = sums
            .get(&file)
            .cloned()
            .ok_or_else(|| Error::MissingChecksum {
                file: file.clone(),
                source_url: sums_url.clone(),
            })?;
        Ok(Artifact {
            version: version.into(),
            url: format!("{dir}/{file}"),
            file_name: file,
            sha256,
            checksum_source: sums_url,
            format: ArchiveFormat::TarGz,
            size: None,
            signed_by,
            warnings,
        })
    }

    fn layout(&self, _artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        // mise.run moves `mise/bin/mise` out of the unpacked tree.
        InstallLayout::bin_under(Strip::Directory(MISE.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_as_mise_publishes_them() {
        let p = |os: &str, arch: &str| Platform {
            os: os.into(),
            arch: arch.into(),
        };
        let name = |os, arch| MiseReleases::platform_name(&p(os, arch));
        assert_eq!(name("linux", "x86_64").as_deref(), Some("linux-x64"));
        assert_eq!(name("linux", "aarch64").as_deref(), Some("linux-arm64"));
        assert_eq!(name("linux", "arm").as_deref(), Some("linux-armv7"));
        assert_eq!(name("macos", "aarch64").as_deref(), Some("macos-arm64"));
        assert_eq!(name("windows", "x86_64"), None);
    }
}
