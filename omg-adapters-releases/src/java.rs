//! java: Eclipse Temurin builds through Adoptium's API (`/v3/info/available_releases`, and
//! `/v3/assets/feature_releases/<feature>/ga` with each package's link and sha256, in pages
//! of 20 builds, newest first, the next page named by the answer's `Link` header).

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Enough, Error, Fetcher, InstallLayout, Platform, RemoteVersion,
    Result, RuntimeProvider, Strip,
};
use serde::Deserialize;

use super::index::{from_json, CachedIndex};
use super::paged::{items, PagedIndex, Pages};
use super::text::malformed;
use super::unknown::{newest_first, unknown_version};

/// Adoptium's API.
pub const DEFAULT_MIRROR: &str = "https://api.adoptium.net";

/// How many builds of one feature release a page holds (the API's largest page is 20).
const PAGE_SIZE: u32 = 20;

/// The most pages of one feature release read (500 builds; Temurin 8 has about 60).
const MAX_PAGES: usize = 25;

/// java (Eclipse Temurin JDKs) from Adoptium's API.
pub struct JavaProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    available: CachedIndex<AvailableReleases>,
    /// By feature release (its first page's URL).
    features: PagedIndex<Release>,
}

/// `/v3/info/available_releases` (only what omg reads).
#[derive(Debug, Deserialize)]
struct AvailableReleases {
    available_releases: Vec<u32>,
    #[serde(default)]
    available_lts_releases: Vec<u32>,
}

/// One release of a feature_releases answer.
#[derive(Debug, Deserialize)]
struct Release {
    #[serde(default)]
    binaries: Vec<Binary>,
    /// `jdk-21.0.5+11`.
    #[serde(default)]
    release_name: String,
    #[serde(default)]
    timestamp: Option<String>,
    version_data: VersionData,
}

#[derive(Debug, Deserialize)]
struct VersionData {
    /// `21.0.5+11.0.LTS`.
    semver: String,
}

#[derive(Debug, Deserialize)]
struct Binary {
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    os: String,
    #[serde(default)]
    image_type: String,
    #[serde(default)]
    package: Option<Package>,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    link: String,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

impl JavaProvider {
    /// java from `mirror`: a base URL answering Adoptium's v3 API
    /// ([`default_mirror`](crate::default_mirror) for Adoptium itself).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        JavaProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            available: CachedIndex::new("Adoptium available_releases", from_json),
            features: PagedIndex::new(
                "java",
                "Adoptium feature_releases",
                MAX_PAGES,
                from_json,
                std::convert::identity,
            ),
        }
    }

    /// Adoptium's names: `linux`/`mac`, `x64`/`aarch64`.
    fn names(platform: &Platform) -> Option<(&'static str, &'static str)> {
        let os = match platform.os.as_str() {
            "linux" => "linux",
            "macos" => "mac",
            _ => return None,
        };
        let arch = match platform.arch.as_str() {
            "x86_64" => "x64",
            "aarch64" => "aarch64",
            "arm" => "arm",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            _ => return None,
        };
        Some((os, arch))
    }

    fn feature_url(&self, feature: u32, os: &str, arch: &str) -> String {
        format!(
            "{}/v3/assets/feature_releases/{feature}/ga?architecture={arch}&image_type=jdk&jvm_impl=hotspot&os={os}&page_size={PAGE_SIZE}&sort_order=DESC&vendor=eclipse",
            self.mirror
        )
    }

    async fn available(&self) -> Result<Arc<AvailableReleases>> {
        let url = format!("{}/v3/info/available_releases", self.mirror);
        self.available.get(&self.fetcher, &url).await
    }

    /// The versions of every feature as far as its builds were read, newest first.
    fn read_versions(
        &self,
        available: &AvailableReleases,
        os: &str,
        arch: &str,
    ) -> Vec<RemoteVersion> {
        let mut versions = Vec::new();
        for &feature in &available.available_releases {
            let lts = available.available_lts_releases.contains(&feature);
            let pages = self.features.read(&self.feature_url(feature, os, arch));
            versions.extend(Self::versions_of(&pages, lts, os, arch));
        }
        newest_first(&mut versions);
        versions
    }

    /// The feature release of a build's name (`21.0.5+11`, `21+35` -> 21).
    fn feature_of(version: &str) -> Option<u32> {
        version.split(['.', '+']).next()?.parse().ok()
    }

    /// The build of `version` in `releases`.
    fn find<'a>(releases: &'a Pages<Release>, version: &str) -> Option<&'a Release> {
        items(releases).find(|r| Self::version_name(&r.version_data.semver) == version)
    }

    /// omg's name for a build: its semver up to the build number (`21.0.5+11.0.LTS` ->
    /// `21.0.5+11`, `8.0.432+6` stays).
    fn version_name(semver: &str) -> String {
        match semver.split_once('+') {
            Some((core, build)) => {
                let digits: String = build.chars().take_while(char::is_ascii_digit).collect();
                if digits.is_empty() {
                    core.to_string()
                } else {
                    format!("{core}+{digits}")
                }
            }
            None => semver.to_string(),
        }
    }

    /// The JDK package of `release` for the platform.
    fn package<'a>(release: &'a Release, os: &str, arch: &str) -> Option<&'a Package> {
        release
            .binaries
            .iter()
            .filter(|b| b.os == os && b.architecture == arch && b.image_type == "jdk")
            .find_map(|b| b.package.as_ref())
    }

    fn versions_of(
        releases: &Pages<Release>,
        lts: bool,
        os: &str,
        arch: &str,
    ) -> Vec<RemoteVersion> {
        items(releases)
            .filter(|r| Self::package(r, os, arch).is_some())
            .map(|r| RemoteVersion {
                version: Self::version_name(&r.version_data.semver),
                lts: lts.then(|| "LTS".to_string()),
                date: r.timestamp.as_ref().map(|t| t.chars().take(10).collect()),
                ..RemoteVersion::default()
            })
            .collect()
    }
}

#[async_trait]
impl RuntimeProvider for JavaProvider {
    fn name(&self) -> &str {
        "java"
    }

    fn binaries(&self) -> Vec<String> {
        ["java", "javac", "jar", "jshell", "keytool"]
            .map(String::from)
            .to_vec()
    }

    /// The newest 20 GA builds (the first page) of every feature release Adoptium lists,
    /// LTS ones marked `LTS` (so `lts` picks the newest LTS build). A feature with no build
    /// for the platform is left out.
    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let Some((os, arch)) = Self::names(platform) else {
            return Ok(Vec::new());
        };
        let available = self.available().await?;
        let mut versions = Vec::new();
        let mut last_error = None;
        for &feature in &available.available_releases {
            let lts = available.available_lts_releases.contains(&feature);
            match self
                .features
                .first(&self.fetcher, &self.feature_url(feature, os, arch))
                .await
            {
                Ok(releases) => versions.extend(Self::versions_of(&releases, lts, os, arch)),
                // Adoptium answers 404 for a feature without builds for the platform.
                Err(e @ Error::Download { .. }) => {
                    tracing::debug!("java {feature}: {e}");
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        match last_error {
            Some(e) if versions.is_empty() => Err(e),
            _ => {
                newest_first(&mut versions);
                Ok(versions)
            }
        }
    }

    /// The first pages of every feature, then further pages of one feature after another,
    /// the newest feature first, until `enough` holds for all the builds read.
    async fn remote_versions_until(
        &self,
        platform: &Platform,
        enough: &Enough,
    ) -> Result<Vec<RemoteVersion>> {
        let Some((os, arch)) = Self::names(platform) else {
            return Ok(Vec::new());
        };
        let first = self.remote_versions(platform).await?;
        if enough.is_met(&first) {
            return Ok(first);
        }
        let available = self.available().await?;
        for &feature in available.available_releases.iter().rev() {
            let url = self.feature_url(feature, os, arch);
            // A feature whose first page failed (no builds for the platform) is passed over.
            if self.features.read(&url).is_empty() {
                continue;
            }
            let lts = available.available_lts_releases.contains(&feature);
            let others: Vec<RemoteVersion> = self
                .read_versions(&available, os, arch)
                .into_iter()
                .filter(|v| Self::feature_of(&v.version) != Some(feature))
                .collect();
            self.features
                .until(&self.fetcher, &url, |pages| {
                    let mut all = others.clone();
                    all.extend(Self::versions_of(pages, lts, os, arch));
                    newest_first(&mut all);
                    enough.is_met(&all)
                })
                .await?;
            let all = self.read_versions(&available, os, arch);
            if enough.is_met(&all) {
                return Ok(all);
            }
        }
        Ok(self.read_versions(&available, os, arch))
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let Some((os, arch)) = Self::names(platform) else {
            return Err(Error::UnsupportedPlatform {
                runtime: "java".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        };
        let available = self.available().await?;
        let feature =
            Self::feature_of(version).filter(|f| available.available_releases.contains(f));
        let Some(feature) = feature else {
            let known = self.remote_versions(platform).await.unwrap_or_default();
            return Err(unknown_version("java", version, &known));
        };
        let url = self.feature_url(feature, os, arch);
        let releases = self
            .features
            .until(&self.fetcher, &url, |pages| {
                Self::find(pages, version).is_some()
            })
            .await?;
        let Some(release) = Self::find(&releases, version) else {
            let lts = available.available_lts_releases.contains(&feature);
            let known = Self::versions_of(&releases, lts, os, arch);
            return Err(unknown_version("java", version, &known));
        };
        let Some(package) = Self::package(release, os, arch) else {
            return Err(Error::UnsupportedPlatform {
                runtime: "java".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        };
        let Some(format) = ArchiveFormat::from_file_name(&package.name) else {
            return Err(malformed(
                "Adoptium feature_releases",
                &url,
                format!(
                    "{} ({}) is not a tar.gz, tar.xz or zip",
                    package.name, release.release_name
                ),
            ));
        };
        let sha256 = package
            .checksum
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::MissingChecksum {
                file: package.name.clone(),
                source_url: url.clone(),
            })?;
        Ok(Artifact {
            version: version.into(),
            url: package.link.clone(),
            file_name: package.name.clone(),
            sha256: sha256.to_ascii_lowercase(),
            checksum_source: url,
            format,
            size: package.size,
            signed_by: None,
            warnings: Vec::new(),
        })
    }

    /// One top-level directory (`jdk-21.0.5+11`); on macOS the JDK is in its
    /// `Contents/Home`. `JAVA_HOME` points at the JDK.
    fn layout(&self, _artifact: &Artifact, platform: &Platform) -> InstallLayout {
        let home = if platform.os == "macos" {
            "Contents/Home"
        } else {
            "."
        };
        InstallLayout {
            strip: Strip::SingleTopLevel,
            merge: Vec::new(),
            merge_if_present: Vec::new(),
            bin_dirs: vec![if home == "." {
                "bin".into()
            } else {
                format!("{home}/bin")
            }],
            env: vec![("JAVA_HOME".into(), home.into())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert_eq!(JavaProvider::version_name("21.0.5+11.0.LTS"), "21.0.5+11");
        assert_eq!(JavaProvider::version_name("8.0.432+6"), "8.0.432+6");
        assert_eq!(JavaProvider::version_name("23.0.1+11"), "23.0.1+11");
        assert_eq!(JavaProvider::version_name("22.0.2"), "22.0.2");
    }
}
