//! python: python-build-standalone's GitHub releases
//! (`cpython-<version>+<release>-<triple>-install_only.tar.gz` assets, checksums in each
//! release's `SHA256SUMS` asset).

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Enough, Error, Fetcher, InstallLayout, Platform, RemoteVersion,
    Result, RuntimeProvider, Strip,
};

use super::github::{published_sha256, releases_index, Asset, Release};
use super::paged::{items, PagedIndex, Pages};
use super::unknown::{newest_first, unknown_version};

/// The GitHub API's URL of python-build-standalone's repository.
pub const DEFAULT_MIRROR: &str = "https://api.github.com/repos/astral-sh/python-build-standalone";

/// How many releases a page holds. Each release rebuilds the newest patch of every
/// maintained minor version, and carries hundreds of assets, so a page of 20 stays a few
/// megabytes.
const RELEASES_PER_PAGE: u32 = 20;

/// The most pages read (500 releases: every release python-build-standalone has made so
/// far, with room to spare).
const MAX_PAGES: usize = 25;

/// python from python-build-standalone's `install_only` builds.
pub struct PythonProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    releases: PagedIndex<Release>,
}

impl PythonProvider {
    /// python from `mirror`: a base URL answering `<mirror>/releases?per_page=20` in the GitHub
    /// API's format, the next pages named by its `Link` header
    /// ([`default_mirror`](crate::default_mirror) for GitHub itself).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        PythonProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            releases: releases_index("python", "python-build-standalone releases", MAX_PAGES),
        }
    }

    fn releases_url(&self) -> String {
        format!("{}/releases?per_page={RELEASES_PER_PAGE}", self.mirror)
    }

    /// The releases, read until `enough` holds for them.
    async fn releases_until(
        &self,
        enough: impl Fn(&Pages<Release>) -> bool,
    ) -> Result<Pages<Release>> {
        self.releases
            .until(&self.fetcher, &self.releases_url(), enough)
            .await
    }

    /// The target triple of the builds for `platform` (`x86_64-unknown-linux-gnu`).
    fn triple(platform: &Platform) -> Option<&'static str> {
        Some(match (platform.os.as_str(), platform.arch.as_str()) {
            ("linux", "x86_64") => "x86_64-unknown-linux-gnu",
            ("linux", "aarch64") => "aarch64-unknown-linux-gnu",
            ("macos", "x86_64") => "x86_64-apple-darwin",
            ("macos", "aarch64") => "aarch64-apple-darwin",
            _ => return None,
        })
    }

    /// The python version of an `install_only` asset for `triple`
    /// (`cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz` -> `3.12.7`).
    fn version_of<'a>(asset: &'a str, triple: &str) -> Option<&'a str> {
        let rest = asset
            .strip_prefix("cpython-")?
            .strip_suffix("-install_only.tar.gz")?;
        let (version, rest) = rest.split_once('+')?;
        let (_release, asset_triple) = rest.split_once('-')?;
        (asset_triple == triple && !version.is_empty()).then_some(version)
    }

    /// The newest release's asset for `version` on `triple`.
    fn find<'a>(
        releases: &'a Pages<Release>,
        version: &str,
        triple: &str,
    ) -> Option<(&'a Release, &'a Asset)> {
        items(releases).filter(|r| !r.draft).find_map(|r| {
            r.assets
                .iter()
                .find(|a| Self::version_of(&a.name, triple) == Some(version))
                .map(|a| (r, a))
        })
    }

    fn list(releases: &Pages<Release>, triple: &str) -> Vec<RemoteVersion> {
        let mut seen = HashSet::new();
        let mut versions = Vec::new();
        // Newest release first: a version rebuilt by several releases is dated by the newest.
        for r in items(releases).filter(|r| !r.draft) {
            for a in &r.assets {
                if let Some(v) = Self::version_of(&a.name, triple) {
                    if seen.insert(v.to_string()) {
                        versions.push(RemoteVersion {
                            version: v.to_string(),
                            // 3.13.0rc3, 3.14.0a1: letters mark a pre-release.
                            prerelease: r.prerelease || v.bytes().any(|b| b.is_ascii_alphabetic()),
                            date: r.date(),
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
impl RuntimeProvider for PythonProvider {
    fn name(&self) -> &str {
        "python"
    }

    fn binaries(&self) -> Vec<String> {
        ["python3", "python", "pip3", "pip"]
            .map(String::from)
            .to_vec()
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let Some(triple) = Self::triple(platform) else {
            return Ok(Vec::new());
        };
        let first = self
            .releases
            .first(&self.fetcher, &self.releases_url())
            .await?;
        Ok(Self::list(&first, triple))
    }

    async fn remote_versions_until(
        &self,
        platform: &Platform,
        enough: &Enough,
    ) -> Result<Vec<RemoteVersion>> {
        let Some(triple) = Self::triple(platform) else {
            return Ok(Vec::new());
        };
        let releases = self
            .releases_until(|pages| enough.is_met(&Self::list(pages, triple)))
            .await?;
        Ok(Self::list(&releases, triple))
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let Some(triple) = Self::triple(platform) else {
            return Err(Error::UnsupportedPlatform {
                runtime: "python".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        };
        let releases = self
            .releases_until(|pages| Self::find(pages, version, triple).is_some())
            .await?;
        let Some((release, asset)) = Self::find(&releases, version, triple) else {
            return Err(unknown_version(
                "python",
                version,
                &Self::list(&releases, triple),
            ));
        };
        let Some((sha256, checksum_source)) = published_sha256(
            &self.fetcher,
            release,
            asset,
            "python-build-standalone SHA256SUMS",
        )
        .await?
        else {
            return Err(Error::MissingChecksum {
                file: asset.name.clone(),
                source_url: format!("the SHA256SUMS asset of release {}", release.tag_name),
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

    fn layout(&self, _artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        InstallLayout::bin_under(Strip::Directory("python".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names() {
        let t = "x86_64-unknown-linux-gnu";
        let v = |n: &'static str| PythonProvider::version_of(n, t);
        assert_eq!(
            v("cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"),
            Some("3.12.7")
        );
        assert_eq!(
            v("cpython-3.13.0rc3+20241008-x86_64-unknown-linux-gnu-install_only.tar.gz"),
            Some("3.13.0rc3")
        );
        // Other micro-architecture levels, stripped builds, full archives, other targets.
        assert_eq!(
            v("cpython-3.12.7+20241016-x86_64_v3-unknown-linux-gnu-install_only.tar.gz"),
            None
        );
        assert_eq!(
            v("cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"),
            None
        );
        assert_eq!(
            v("cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst"),
            None
        );
        assert_eq!(
            v("cpython-3.12.7+20241016-x86_64-unknown-linux-musl-install_only.tar.gz"),
            None
        );
    }
}
