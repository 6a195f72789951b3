//! go: the JSON download list (`<mirror>/?mode=json&include=all`) with each file's sha256.

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Error, Fetcher, InstallLayout, Platform, RemoteVersion, Result,
    RuntimeProvider, Strip,
};
use serde::Deserialize;

use super::index::{from_json, CachedIndex};

/// go.dev's download page (its JSON mode, and the files under it).
pub const DEFAULT_MIRROR: &str = "https://go.dev/dl";

/// go from its download list.
pub struct GoProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    /// The list (it carries the checksums `artifact` needs).
    index: CachedIndex<Vec<Release>>,
}

#[derive(Debug, Deserialize)]
struct Release {
    version: String,
    #[serde(default)]
    stable: bool,
    #[serde(default)]
    files: Vec<GoFile>,
}

#[derive(Debug, Deserialize)]
struct GoFile {
    filename: String,
    os: String,
    arch: String,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    kind: String,
}

impl GoProvider {
    /// go from `mirror` (a base URL with go.dev/dl's layout;
    /// [`default_mirror`](crate::default_mirror) for the official one).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        GoProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            index: CachedIndex::new("go download list", from_json),
        }
    }

    fn index_url(&self) -> String {
        format!("{}/?mode=json&include=all", self.mirror)
    }

    async fn index(&self) -> Result<Arc<Vec<Release>>> {
        self.index.get(&self.fetcher, &self.index_url()).await
    }

    /// go's names: `linux`/`darwin`, `amd64`/`arm64`/`armv6l`/`386`.
    fn names(platform: &Platform) -> Option<(&'static str, &'static str)> {
        let os = match platform.os.as_str() {
            "linux" => "linux",
            "macos" => "darwin",
            "freebsd" => "freebsd",
            _ => return None,
        };
        let arch = match platform.arch.as_str() {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "arm" => "armv6l",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            _ => return None,
        };
        Some((os, arch))
    }

    fn archive_for<'a>(release: &'a Release, platform: &Platform) -> Option<&'a GoFile> {
        let (os, arch) = Self::names(platform)?;
        release.files.iter().find(|f| {
            f.os == os
                && f.arch == arch
                && f.kind == "archive"
                && ArchiveFormat::from_file_name(&f.filename).is_some()
        })
    }
}

#[async_trait]
impl RuntimeProvider for GoProvider {
    fn name(&self) -> &str {
        "go"
    }

    fn binaries(&self) -> Vec<String> {
        ["go", "gofmt"].map(String::from).to_vec()
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let index = self.index().await?;
        Ok(index
            .iter()
            .filter(|r| Self::archive_for(r, platform).is_some())
            .map(|r| RemoteVersion {
                version: r.version.trim_start_matches("go").to_string(),
                prerelease: !r.stable,
                ..RemoteVersion::default()
            })
            .collect())
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let index = self.index().await?;
        let wanted = format!("go{}", version.trim_start_matches("go"));
        let Some(release) = index.iter().find(|r| r.version == wanted) else {
            return Err(Error::UnknownVersion {
                runtime: "go".into(),
                spec: version.into(),
                closest: Vec::new(),
            });
        };
        let Some(file) = Self::archive_for(release, platform) else {
            return Err(Error::UnsupportedPlatform {
                runtime: "go".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        };
        let Some(format) = ArchiveFormat::from_file_name(&file.filename) else {
            return Err(Error::UnsupportedPlatform {
                runtime: "go".into(),
                version: version.into(),
                platform: platform.to_string(),
            });
        };
        if file.sha256.trim().is_empty() {
            return Err(Error::MissingChecksum {
                file: file.filename.clone(),
                source_url: self.index_url(),
            });
        }
        Ok(Artifact {
            version: version.trim_start_matches("go").into(),
            url: format!("{}/{}", self.mirror, file.filename),
            file_name: file.filename.clone(),
            sha256: file.sha256.trim().to_ascii_lowercase(),
            checksum_source: self.index_url(),
            format,
            size: file.size,
            signed_by: None,
            warnings: Vec::new(),
        })
    }

    fn layout(&self, _artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        InstallLayout {
            env: vec![("GOROOT".into(), ".".into())],
            ..InstallLayout::bin_under(Strip::Directory("go".into()))
        }
    }
}
