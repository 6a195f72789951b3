//! ruby: the prebuilt rubies of ruby/ruby-builder (the builds ruby/setup-ruby uses), one
//! GitHub release (`toolcache`) whose assets are `ruby-<version>-<platform>.tar.gz`.
//!
//! ruby-builder publishes no checksum files. The sha256 omg verifies comes, in this order,
//! from a `SHA256SUMS` or `SHASUMS256.txt` asset of the release (sha256sum's format), a
//! `<asset>.sha256` asset, or the `digest` GitHub's API reports for the asset
//! (`sha256:<hex>`; GitHub computes it for assets uploaded since mid-2025 and reports
//! `null` for older ones). An asset with none of them is not installed
//! ([`Error::MissingChecksum`]).

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Error, Fetcher, InstallLayout, Platform, RemoteVersion, Result,
    RuntimeProvider, Strip,
};

use super::github::{api_error, published_sha256, Release};
use super::index::{from_json, CachedIndex};
use super::unknown::{newest_first, unknown_version};

/// The GitHub API's URL of ruby-builder's repository.
pub const DEFAULT_MIRROR: &str = "https://api.github.com/repos/ruby/ruby-builder";

/// The release that holds every build.
const TAG: &str = "toolcache";

/// ruby from ruby-builder's `toolcache` release.
pub struct RubyProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    release: CachedIndex<Release>,
}

impl RubyProvider {
    /// ruby from `mirror`: a base URL answering `<mirror>/releases/tags/toolcache` in the GitHub
    /// API's format ([`default_mirror`](crate::default_mirror) for GitHub itself).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        RubyProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            release: CachedIndex::new("ruby-builder release", from_json),
        }
    }

    fn release_url(&self) -> String {
        format!("{}/releases/tags/{TAG}", self.mirror)
    }

    async fn release(&self) -> Result<Arc<Release>> {
        self.release
            .get(&self.fetcher, &self.release_url())
            .await
            .map_err(api_error)
    }

    /// ruby-builder's platform names for `platform`, preferred first: the oldest system
    /// built on (its glibc is the oldest, so the build runs on the most systems).
    fn platforms(platform: &Platform) -> &'static [&'static str] {
        match (platform.os.as_str(), platform.arch.as_str()) {
            ("linux", "x86_64") => &["ubuntu-22.04", "ubuntu-24.04", "ubuntu-20.04"],
            ("linux", "aarch64") => &["ubuntu-22.04-arm64", "ubuntu-24.04-arm64"],
            ("macos", "aarch64") => &["macos-13-arm64", "macos-14-arm64"],
            ("macos", "x86_64") => &["macos-latest", "macos-13"],
            _ => &[],
        }
    }

    /// `ruby-3.3.5-ubuntu-22.04.tar.gz` -> `3.3.5` for `ubuntu-22.04`. Only released
    /// CRuby versions (jruby, truffleruby and `ruby-head` are left out).
    fn version_of<'a>(asset: &'a str, platform: &str) -> Option<&'a str> {
        let version = asset
            .strip_prefix("ruby-")?
            .strip_suffix(".tar.gz")?
            .strip_suffix(platform)?
            .strip_suffix('-')?;
        version
            .starts_with(|c: char| c.is_ascii_digit())
            .then_some(version)
    }

    fn list(release: &Release, platform: &Platform) -> Vec<RemoteVersion> {
        let mut seen = HashSet::new();
        let mut versions = Vec::new();
        for p in Self::platforms(platform) {
            for a in &release.assets {
                if let Some(v) = Self::version_of(&a.name, p) {
                    if seen.insert(v.to_string()) {
                        versions.push(RemoteVersion {
                            version: v.into(),
                            // 3.4.0-preview2, 3.3.0-rc1.
                            prerelease: v.bytes().any(|b| b.is_ascii_alphabetic()),
                            ..RemoteVersion::default()
                        });
                    }
                }
            }
        }
        newest_first(&mut versions);
        versions
    }
}

#[async_trait]
impl RuntimeProvider for RubyProvider {
    fn name(&self) -> &str {
        "ruby"
    }

    fn binaries(&self) -> Vec<String> {
        ["ruby", "gem", "bundle", "irb", "rake"]
            .map(String::from)
            .to_vec()
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        if Self::platforms(platform).is_empty() {
            return Ok(Vec::new());
        }
        let release = self.release().await?;
        Ok(Self::list(&release, platform))
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        if Self::platforms(platform).is_empty() {
            return Err(Error::UnsupportedPlatform {
                runtime: "ruby".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        }
        let release = self.release().await?;
        let Some(asset) = Self::platforms(platform).iter().find_map(|p| {
            let name = format!("ruby-{version}-{p}.tar.gz");
            release.asset(&name)
        }) else {
            return Err(unknown_version(
                "ruby",
                version,
                &Self::list(&release, platform),
            ));
        };
        let Some((sha256, checksum_source)) =
            published_sha256(&self.fetcher, &release, asset, "ruby-builder SHA256SUMS").await?
        else {
            return Err(Error::MissingChecksum {
                file: asset.name.clone(),
                source_url: format!(
                    "{} (the asset has no GitHub digest, and the release no SHA256SUMS, SHASUMS256.txt or {}.sha256 asset)",
                    self.release_url(),
                    asset.name
                ),
            });
        };
        Ok(Artifact {
            version: version.into(),
            url: asset.browser_download_url.clone(),
            file_name: asset.name.clone(),
            sha256,
            checksum_source,
            format: ArchiveFormat::TarGz,
            size: asset.size,
            signed_by: None,
            warnings: Vec::new(),
        })
    }

    /// One top-level directory (`x64`, `arm64`: the tool cache's architecture directory).
    fn layout(&self, _artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        InstallLayout::bin_under(Strip::SingleTopLevel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names() {
        let v = |n: &'static str| RubyProvider::version_of(n, "ubuntu-22.04");
        assert_eq!(v("ruby-3.3.5-ubuntu-22.04.tar.gz"), Some("3.3.5"));
        assert_eq!(
            v("ruby-3.4.0-preview2-ubuntu-22.04.tar.gz"),
            Some("3.4.0-preview2")
        );
        assert_eq!(v("ruby-3.3.5-ubuntu-22.04-arm64.tar.gz"), None);
        assert_eq!(v("ruby-3.3.5-ubuntu-24.04.tar.gz"), None);
        assert_eq!(v("jruby-9.4.8.0-ubuntu-22.04.tar.gz"), None);
        assert_eq!(v("ruby-head-ubuntu-22.04.tar.gz"), None);
    }
}
