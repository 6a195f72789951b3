//! bun: GitHub's releases API for oven-sh/bun, each release's `bun-<os>-<arch>.zip` and
//! `SHASUMS256.txt` assets.

use std::sync::Arc;

use super::checksums::parse_shasums;
use super::github::{releases_index, Release};
use super::paged::{items, PagedIndex, Pages};
use super::signature::Signatures;
use super::text::fetch_text;
use super::unknown::unknown_version;
use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Enough, Error, Fetcher, InstallLayout, Platform, RemoteVersion,
    Result, RuntimeProvider, Strip,
};

/// The GitHub API's URL of bun's repository.
pub const DEFAULT_MIRROR: &str = "https://api.github.com/repos/oven-sh/bun";

/// The most pages of 100 releases read (1,000 releases, several times what bun has made).
const MAX_PAGES: usize = 10;

/// bun from its GitHub releases.
pub struct BunProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    releases: PagedIndex<Release>,
    signatures: Signatures,
}

impl BunProvider {
    /// bun from `mirror`: a base URL answering `<mirror>/releases?per_page=100` in the GitHub
    /// API's format, the next pages named by its `Link` header
    /// ([`default_mirror`](crate::default_mirror) for GitHub itself).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        BunProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            releases: releases_index("bun", "bun releases", MAX_PAGES),
            signatures: Signatures::off(),
        }
    }

    /// The same provider checking the release's `SHASUMS256.txt.asc` as `signatures` says.
    pub fn with_signatures(mut self, signatures: Signatures) -> Self {
        self.signatures = signatures;
        self
    }

    fn releases_url(&self) -> String {
        format!("{}/releases?per_page=100", self.mirror)
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

    /// The versions of `releases` with a `<stem>.zip`, newest first.
    fn list(releases: &Pages<Release>, stem: &str) -> Vec<RemoteVersion> {
        let zip = format!("{stem}.zip");
        items(releases)
            .filter(|r| !r.draft && r.assets.iter().any(|a| a.name == zip))
            .map(|r| RemoteVersion {
                version: Self::version_of(&r.tag_name),
                prerelease: r.prerelease,
                date: r.date(),
                ..RemoteVersion::default()
            })
            .collect()
    }

    /// The release of `version` in `releases`.
    fn find<'a>(releases: &'a Pages<Release>, version: &str) -> Option<&'a Release> {
        items(releases).find(|r| Self::version_of(&r.tag_name) == version.trim_start_matches('v'))
    }

    /// `bun-linux-x64`, `bun-darwin-aarch64`.
    fn asset_stem(platform: &Platform) -> Option<String> {
        let os = match platform.os.as_str() {
            "linux" => "linux",
            "macos" => "darwin",
            _ => return None,
        };
        let arch = match platform.arch.as_str() {
            "x86_64" => "x64",
            "aarch64" => "aarch64",
            _ => return None,
        };
        Some(format!("bun-{os}-{arch}"))
    }

    fn version_of(tag: &str) -> String {
        tag.trim_start_matches("bun-")
            .trim_start_matches('v')
            .to_string()
    }
}

#[async_trait]
impl RuntimeProvider for BunProvider {
    fn name(&self) -> &str {
        "bun"
    }

    fn binaries(&self) -> Vec<String> {
        ["bun"].map(String::from).to_vec()
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let Some(stem) = Self::asset_stem(platform) else {
            return Ok(Vec::new());
        };
        let first = self
            .releases
            .first(&self.fetcher, &self.releases_url())
            .await?;
        Ok(Self::list(&first, &stem))
    }

    async fn remote_versions_until(
        &self,
        platform: &Platform,
        enough: &Enough,
    ) -> Result<Vec<RemoteVersion>> {
        let Some(stem) = Self::asset_stem(platform) else {
            return Ok(Vec::new());
        };
        let releases = self
            .releases_until(|pages| enough.is_met(&Self::list(pages, &stem)))
            .await?;
        Ok(Self::list(&releases, &stem))
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let releases = self
            .releases_until(|pages| Self::find(pages, version).is_some())
            .await?;
        let Some(release) = Self::find(&releases, version) else {
            let known = Self::asset_stem(platform)
                .map(|stem| Self::list(&releases, &stem))
                .unwrap_or_default();
            return Err(unknown_version("bun", version, &known));
        };
        let unsupported = || Error::UnsupportedPlatform {
            runtime: "bun".into(),
            version: version.into(),
            platform: platform.to_string(),
        };
        let stem = Self::asset_stem(platform).ok_or_else(unsupported)?;
        let file = format!("{stem}.zip");
        let asset = release.asset(&file).ok_or_else(unsupported)?;
        let missing = |source_url: String| Error::MissingChecksum {
            file: file.clone(),
            source_url,
        };
        // The cleartext-signed copy when it is published and verifies, else the plain file.
        let asc = release.asset("SHASUMS256.txt.asc");
        let (signed, checked) = self
            .signatures
            .cleartext(
                &self.fetcher,
                "bun",
                "SHASUMS256.txt",
                asc.map(|a| a.browser_download_url.as_str()),
            )
            .await?;
        let (sums_url, text) = match (signed, asc) {
            (Some(text), Some(asc)) => (asc.browser_download_url.clone(), text),
            _ => {
                let Some(sums_asset) = release.asset("SHASUMS256.txt") else {
                    return Err(missing(format!("the assets of {}", release.tag_name)));
                };
                let url = sums_asset.browser_download_url.clone();
                let text = fetch_text(&self.fetcher, &url, "bun SHASUMS256.txt").await?;
                (url, text)
            }
        };
        let sums = parse_shasums(&text);
        let (signed_by, warnings) = checked.into_fields();
        let sha256 = sums
            .get(&file)
            .cloned()
            .ok_or_else(|| missing(sums_url.clone()))?;
        Ok(Artifact {
            version: Self::version_of(&release.tag_name),
            url: asset.browser_download_url.clone(),
            file_name: file,
            sha256,
            checksum_source: sums_url,
            format: ArchiveFormat::Zip,
            size: asset.size,
            signed_by,
            warnings,
        })
    }

    fn layout(&self, artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        InstallLayout {
            strip: Strip::Directory(artifact.file_name.trim_end_matches(".zip").to_string()),
            merge: Vec::new(),
            merge_if_present: Vec::new(),
            bin_dirs: vec![".".into()],
            env: Vec::new(),
        }
    }
}
