//! node: `<mirror>/index.json` and `<mirror>/v<version>/SHASUMS256.txt`, signed by a
//! releaser's OpenPGP key in `SHASUMS256.txt.sig` (node's README, "Verifying binaries").

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    ArchiveFormat, Artifact, Error, Fetcher, InstallLayout, Platform, RemoteVersion, Result,
    RuntimeProvider, Strip,
};
use serde::Deserialize;

use super::checksums::parse_shasums;
use super::index::{from_json, CachedIndex};
use super::signature::Signatures;
use super::text::{fetch_bytes, malformed};

/// nodejs.org's distribution directory.
pub const DEFAULT_MIRROR: &str = "https://nodejs.org/dist";

/// node from its dist index.
pub struct NodeProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    index: CachedIndex<Vec<Entry>>,
    signatures: Signatures,
}

/// One entry of index.json (only what omg reads).
#[derive(Debug, Deserialize)]
struct Entry {
    version: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    files: Vec<String>,
    /// A codename (`"Iron"`) or `false`.
    #[serde(default)]
    lts: serde_json::Value,
}

impl NodeProvider {
    /// node from `mirror` (a base URL with node's dist layout;
    /// [`default_mirror`](crate::default_mirror) for the official one).
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        NodeProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            index: CachedIndex::new("node index", from_json),
            signatures: Signatures::off(),
        }
    }

    /// The same provider checking `SHASUMS256.txt.sig` as `signatures` says.
    pub fn with_signatures(mut self, signatures: Signatures) -> Self {
        self.signatures = signatures;
        self
    }

    /// node's name for the platform: `linux-x64`, `darwin-arm64`.
    fn platform_name(platform: &Platform) -> Option<String> {
        let os = match platform.os.as_str() {
            "linux" => "linux",
            "macos" => "darwin",
            _ => return None,
        };
        let arch = match platform.arch.as_str() {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            "arm" => "armv7l",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            _ => return None,
        };
        Some(format!("{os}-{arch}"))
    }

    /// The key index.json's `files` uses for the platform (`linux-x64`, `osx-arm64-tar`).
    fn files_key(platform: &Platform) -> Option<String> {
        let name = Self::platform_name(platform)?;
        Some(match name.strip_prefix("darwin-") {
            Some(arch) => format!("osx-{arch}-tar"),
            None => name,
        })
    }

    fn unsupported(&self, version: &str, platform: &Platform) -> Error {
        Error::UnsupportedPlatform {
            runtime: "node".into(),
            version: version.into(),
            platform: platform.to_string(),
        }
    }
}

#[async_trait]
impl RuntimeProvider for NodeProvider {
    fn name(&self) -> &str {
        "node"
    }

    fn binaries(&self) -> Vec<String> {
        ["node", "npm", "npx", "corepack"]
            .map(String::from)
            .to_vec()
    }

    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let url = format!("{}/index.json", self.mirror);
        let entries = self.index.get(&self.fetcher, &url).await?;
        let key = Self::files_key(platform);
        Ok(entries
            .iter()
            .filter(|e| key.as_ref().is_some_and(|k| e.files.iter().any(|f| f == k)))
            .map(|e| RemoteVersion {
                version: e.version.trim_start_matches('v').to_string(),
                lts: e.lts.as_str().map(String::from),
                channel: None,
                prerelease: false,
                date: e.date.clone(),
            })
            .collect())
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let version = version.trim_start_matches('v');
        let Some(name) = Self::platform_name(platform) else {
            return Err(self.unsupported(version, platform));
        };
        let sums_url = format!("{}/v{version}/SHASUMS256.txt", self.mirror);
        let body = fetch_bytes(&self.fetcher, &sums_url).await?;
        let checked = self
            .signatures
            .detached(
                &self.fetcher,
                "node",
                "SHASUMS256.txt",
                &body,
                &format!("{sums_url}.sig"),
            )
            .await?;
        let text = String::from_utf8(body).map_err(|_| {
            malformed(
                "node SHASUMS256.txt",
                &sums_url,
                "it is not UTF-8 text".into(),
            )
        })?;
        let sums = parse_shasums(&text);
        let (signed_by, warnings) = checked.into_fields();
        let stem = format!("node-v{version}-{name}");
        let candidates = [
            (format!("{stem}.tar.xz"), ArchiveFormat::TarXz),
            (format!("{stem}.tar.gz"), ArchiveFormat::TarGz),
        ];
        // The archive must be listed; the first listed format wins (xz is smaller).
        for (file, format) in &candidates {
            if let Some(sum) = sums.get(file) {
                return Ok(Artifact {
                    version: version.into(),
                    url: format!("{}/v{version}/{file}", self.mirror),
                    file_name: file.clone(),
                    sha256: sum.clone(),
                    checksum_source: sums_url,
                    format: *format,
                    size: None,
                    signed_by,
                    warnings,
                });
            }
        }
        // No line for either archive: fail closed.
        Err(Error::MissingChecksum {
            file: candidates[0].0.clone(),
            source_url: sums_url,
        })
    }

    fn layout(&self, artifact: &Artifact, _platform: &Platform) -> InstallLayout {
        let dir = artifact
            .file_name
            .trim_end_matches(".tar.xz")
            .trim_end_matches(".tar.gz")
            .to_string();
        InstallLayout::bin_under(Strip::Directory(dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names() {
        let p = |os: &str, arch: &str| Platform {
            os: os.into(),
            arch: arch.into(),
        };
        assert_eq!(
            NodeProvider::platform_name(&p("linux", "x86_64")).as_deref(),
            Some("linux-x64")
        );
        assert_eq!(
            NodeProvider::files_key(&p("macos", "aarch64")).as_deref(),
            Some("osx-arm64-tar")
        );
        assert_eq!(NodeProvider::platform_name(&p("windows", "x86_64")), None);
    }
}
