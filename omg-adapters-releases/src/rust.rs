//! rust: the channel manifests (`<mirror>/dist/channel-rust-<channel or version>.toml`, the
//! v2 TOML format rustup reads) with each archive's sha256, and `<mirror>/manifests.txt`,
//! the list of every manifest ever published, for the versions. Each manifest is signed by
//! the Rust release key in `<manifest>.asc` (a detached signature, as rustup checks it).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    Addon, ArchiveFormat, Artifact, Error, Fetcher, InstallLayout, Platform, RemoteVersion, Result,
    RuntimeProvider, Strip,
};
use serde::Deserialize;

use super::index::{from_toml, utf8, CachedIndex};
use super::signature::{Checked, Signatures};
use super::text::{fetch_bytes, malformed};
use super::unknown::{newest_first, unknown_version};

/// rust's distribution server.
pub const DEFAULT_MIRROR: &str = "https://static.rust-lang.org";

const CHANNELS: [&str; 3] = ["stable", "beta", "nightly"];

/// rust from its channel manifests.
pub struct RustProvider {
    fetcher: Arc<dyn Fetcher>,
    mirror: String,
    /// `manifests.txt`, as versions.
    list: CachedIndex<Vec<RemoteVersion>>,
    /// The channel manifests, by URL.
    manifests: CachedIndex<Manifest>,
    signatures: Signatures,
}

/// A channel manifest (only what omg reads).
#[derive(Debug, Deserialize)]
struct Manifest {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    pkg: HashMap<String, Package>,
    /// A component's name as users write it -> its package (`clippy` -> `clippy-preview`).
    #[serde(default)]
    renames: HashMap<String, Rename>,
}

#[derive(Debug, Deserialize)]
struct Rename {
    to: String,
}

#[derive(Debug, Deserialize)]
struct Package {
    /// `1.80.0 (051478957 2024-07-21)`.
    #[serde(default)]
    version: String,
    #[serde(default)]
    target: HashMap<String, Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    #[serde(default)]
    available: bool,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    hash: Option<String>,
    #[serde(default)]
    xz_url: Option<String>,
    #[serde(default)]
    xz_hash: Option<String>,
}

impl RustProvider {
    /// rust from `mirror` (a base URL with static.rust-lang.org's layout: `dist/` and
    /// `manifests.txt`; [`default_mirror`](crate::default_mirror) for the official one). Archive
    /// URLs in the manifests that point at the official server are rewritten to the mirror, as
    /// rustup does with `RUSTUP_DIST_SERVER`.
    pub fn new(fetcher: Arc<dyn Fetcher>, mirror: impl Into<String>) -> Self {
        RustProvider {
            fetcher,
            mirror: mirror.into().trim_end_matches('/').to_string(),
            list: CachedIndex::new("rust manifests.txt", Self::parse_manifests_txt),
            manifests: CachedIndex::new("rust channel manifest", from_toml),
            signatures: Signatures::off(),
        }
    }

    /// The same provider checking each manifest's `.asc` as `signatures` says.
    pub fn with_signatures(mut self, signatures: Signatures) -> Self {
        self.signatures = signatures;
        self
    }

    /// The manifest at `url` fetched afresh and checked against its `.asc`: the sums
    /// come from the very bytes the signature covers.
    async fn signed_manifest(&self, url: &str) -> Result<(Manifest, Checked)> {
        let body = fetch_bytes(&self.fetcher, url).await?;
        let file = url.rsplit('/').next().unwrap_or(url);
        let checked = self
            .signatures
            .detached(&self.fetcher, "rust", file, &body, &format!("{url}.asc"))
            .await?;
        let manifest = from_toml(&body).map_err(|e| malformed("rust channel manifest", url, e))?;
        Ok((manifest, checked))
    }

    /// The target triple for `platform` (`x86_64-unknown-linux-gnu`).
    fn triple(platform: &Platform) -> Option<String> {
        let arch = match platform.arch.as_str() {
            a @ ("x86_64" | "aarch64" | "riscv64gc" | "s390x") => a,
            "riscv64" => "riscv64gc",
            "powerpc64" => "powerpc64le",
            _ => return None,
        };
        Some(match platform.os.as_str() {
            "linux" => format!("{arch}-unknown-linux-gnu"),
            "macos" => format!("{arch}-apple-darwin"),
            "freebsd" => format!("{arch}-unknown-freebsd"),
            _ => return None,
        })
    }

    /// The manifest of a version as omg names it: `stable`/`beta`/`nightly`, `1.80.0`,
    /// `1.80` -> `dist/channel-rust-<it>.toml`; `nightly-2024-05-01`, `beta-2024-05-01` ->
    /// `dist/2024-05-01/channel-rust-<channel>.toml`.
    fn manifest_url(&self, version: &str) -> String {
        for channel in ["nightly", "beta"] {
            if let Some(date) = version
                .strip_prefix(channel)
                .and_then(|r| r.strip_prefix('-'))
            {
                return format!("{}/dist/{date}/channel-rust-{channel}.toml", self.mirror);
            }
        }
        format!("{}/dist/channel-rust-{version}.toml", self.mirror)
    }

    async fn manifest(&self, url: &str) -> Result<Arc<Manifest>> {
        self.manifests.get(&self.fetcher, url).await
    }

    /// `manifests.txt`'s versions, each once ([`Self::from_manifests_line`]).
    fn parse_manifests_txt(body: &[u8]) -> std::result::Result<Vec<RemoteVersion>, String> {
        let mut seen = std::collections::HashSet::new();
        Ok(utf8(body)?
            .lines()
            .filter_map(Self::from_manifests_line)
            .filter(|v| seen.insert(v.version.clone()))
            .collect())
    }

    /// A `manifests.txt` line (`static.rust-lang.org/dist/2024-07-25/channel-rust-1.80.0.toml`)
    /// as a version: numbered stable releases, and dated betas and nightlies. Minor-series
    /// (`1.80`) and channel-named copies are left out: they repeat a dated one.
    fn from_manifests_line(line: &str) -> Option<RemoteVersion> {
        let mut parts = line.trim().rsplit('/');
        let name = parts
            .next()?
            .strip_prefix("channel-rust-")?
            .strip_suffix(".toml")?;
        let date = parts.next()?;
        let is_date = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !is_date {
            return None;
        }
        let dated = |channel: &str| RemoteVersion {
            version: format!("{channel}-{date}"),
            channel: Some(channel.into()),
            prerelease: true,
            date: Some(date.into()),
            lts: None,
        };
        match name {
            "nightly" | "beta" => Some(dated(name)),
            v if v.split('.').count() == 3
                && v.split('.')
                    .all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit())) =>
            {
                Some(RemoteVersion {
                    version: v.into(),
                    channel: Some("stable".into()),
                    date: Some(date.into()),
                    ..RemoteVersion::default()
                })
            }
            _ => None,
        }
    }

    /// The versions the three channel manifests name, when the mirror has no
    /// `manifests.txt`.
    async fn channel_versions(&self) -> Result<Vec<RemoteVersion>> {
        let mut out = Vec::new();
        let mut last_error = None;
        for channel in CHANNELS {
            let url = self.manifest_url(channel);
            match self.manifest(&url).await {
                Ok(m) => {
                    let date = m.date.clone().unwrap_or_default();
                    let Some(rust) = m.pkg.get("rust") else {
                        continue;
                    };
                    let number = rust.version.split_whitespace().next().unwrap_or_default();
                    let version = if channel == "stable" {
                        number.to_string()
                    } else {
                        format!("{channel}-{date}")
                    };
                    if version.is_empty() || version.ends_with('-') {
                        continue;
                    }
                    out.push(RemoteVersion {
                        version,
                        channel: Some(channel.into()),
                        prerelease: channel != "stable",
                        date: m.date.clone(),
                        lts: None,
                    });
                }
                Err(e) => last_error = Some(e),
            }
        }
        match last_error {
            Some(e) if out.is_empty() => Err(e),
            _ => Ok(out),
        }
    }
}

#[async_trait]
impl RuntimeProvider for RustProvider {
    fn name(&self) -> &str {
        "rust"
    }

    fn binaries(&self) -> Vec<String> {
        ["rustc", "cargo", "rustdoc"].map(String::from).to_vec()
    }

    /// Every numbered stable release and every dated beta and nightly `manifests.txt`
    /// lists (a list of all published manifests; it does not say which targets each has),
    /// else the current stable, beta and nightly from their channel manifests.
    async fn remote_versions(&self, _platform: &Platform) -> Result<Vec<RemoteVersion>> {
        let url = format!("{}/manifests.txt", self.mirror);
        let mut versions = match self.list.get(&self.fetcher, &url).await {
            Ok(list) => list.as_ref().clone(),
            Err(e) => {
                tracing::warn!("{e}; listing only the current channels");
                self.channel_versions().await?
            }
        };
        newest_first(&mut versions);
        Ok(versions)
    }

    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact> {
        let unsupported = || Error::UnsupportedPlatform {
            runtime: "rust".into(),
            version: version.into(),
            platform: platform.to_string(),
        };
        let triple = Self::triple(platform).ok_or_else(unsupported)?;
        let url = self.manifest_url(version);
        let (manifest, checked) = match self.signed_manifest(&url).await {
            Ok(m) => m,
            Err(e @ Error::Download { .. }) => {
                // No manifest: an unknown version, unless the list has it (then the
                // download itself failed).
                let known = self.remote_versions(platform).await.unwrap_or_default();
                if CHANNELS.contains(&version) || known.iter().any(|v| v.version == version) {
                    return Err(e);
                }
                return Err(unknown_version("rust", version, &known));
            }
            Err(e) => return Err(e),
        };
        let target = manifest
            .pkg
            .get("rust")
            .ok_or_else(|| malformed("rust channel manifest", &url, "no [pkg.rust]".into()))?
            .target
            .get(&triple)
            .filter(|t| t.available)
            .ok_or_else(unsupported)?;
        self.package_artifact(version, &url, target, checked)
    }

    async fn addon(
        &self,
        version: &str,
        addon: &Addon,
        platform: &Platform,
    ) -> Result<(Artifact, InstallLayout)> {
        let host = Self::triple(platform).ok_or_else(|| Error::UnsupportedPlatform {
            runtime: "rust".into(),
            version: version.into(),
            platform: platform.to_string(),
        })?;
        let (artifact, dir) = self.addon_artifact(version, addon, &host).await?;
        Ok((
            artifact,
            InstallLayout {
                merge: vec![dir],
                bin_dirs: Vec::new(),
                ..InstallLayout::bin_under(Strip::SingleTopLevel)
            },
        ))
    }

    /// The combined tarball holds one directory per component under one top-level
    /// directory; `rustc`, `cargo` and `rust-std-<triple>` are merged into the root (so
    /// `bin/rustc` finds its sysroot and the standard library), and so are clippy and
    /// rustfmt where the tarball has them (rustup's default profile: `cargo clippy`,
    /// `cargo fmt` on PATH); the others (docs, ...) stay in their component directories.
    fn layout(&self, _artifact: &Artifact, platform: &Platform) -> InstallLayout {
        let triple = Self::triple(platform).unwrap_or_default();
        InstallLayout {
            merge: vec!["rustc".into(), "cargo".into(), format!("rust-std-{triple}")],
            merge_if_present: vec!["clippy-preview".into(), "rustfmt-preview".into()],
            ..InstallLayout::bin_under(Strip::SingleTopLevel)
        }
    }
}

impl RustProvider {
    /// The archive a manifest's `[pkg.<name>.target.<key>]` entry names (xz preferred, as
    /// rustup does), its URL moved to the mirror, with the manifest's sha256.
    fn package_artifact(
        &self,
        version: &str,
        url: &str,
        target: &Target,
        checked: Checked,
    ) -> Result<Artifact> {
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let (archive_url, sha256, format) =
            match (nonempty(&target.xz_url), nonempty(&target.xz_hash)) {
                (Some(u), Some(h)) => (u, Some(h), ArchiveFormat::TarXz),
                _ => match nonempty(&target.url) {
                    Some(u) => (u, nonempty(&target.hash), ArchiveFormat::TarGz),
                    None => {
                        return Err(malformed(
                            "rust channel manifest",
                            url,
                            "a package's target has no url".into(),
                        ))
                    }
                },
            };
        let archive_url = match archive_url.strip_prefix(DEFAULT_MIRROR) {
            Some(rest) if self.mirror != DEFAULT_MIRROR => format!("{}{rest}", self.mirror),
            _ => archive_url,
        };
        let file_name = archive_url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let Some(sha256) = sha256 else {
            return Err(Error::MissingChecksum {
                file: file_name,
                source_url: url.to_string(),
            });
        };
        let (signed_by, warnings) = checked.into_fields();
        Ok(Artifact {
            version: version.into(),
            url: archive_url,
            file_name,
            sha256: sha256.to_ascii_lowercase(),
            checksum_source: url.to_string(),
            format,
            size: None,
            signed_by,
            warnings,
        })
    }

    /// An addon's package as rustup finds it in the manifest: a target's standard library
    /// is `rust-std` for that target; a component goes through `[renames]` (`llvm-tools` ->
    /// `llvm-tools-preview`) and is built for the host, or for every host (`*`: rust-src).
    /// The archive holds one component directory: the package's name, with the target for
    /// the per-target libraries (`rust-std-wasm32-unknown-unknown`, `rustc-dev-<host>`).
    async fn addon_artifact(
        &self,
        version: &str,
        addon: &Addon,
        host: &str,
    ) -> Result<(Artifact, String)> {
        let url = self.manifest_url(version);
        let (manifest, checked) = self.signed_manifest(&url).await?;
        let (package, keys) = match addon {
            Addon::Target(t) => ("rust-std".to_string(), vec![t.as_str()]),
            Addon::Component(c) => (
                manifest
                    .renames
                    .get(c)
                    .map_or_else(|| c.clone(), |r| r.to.clone()),
                vec![host, "*"],
            ),
        };
        let found = manifest.pkg.get(&package).and_then(|p| {
            keys.iter()
                .find_map(|k| p.target.get(*k).filter(|t| t.available).map(|t| (*k, t)))
        });
        let Some((key, target)) = found else {
            let mut offered: Vec<&str> = match addon {
                Addon::Target(_) => manifest
                    .pkg
                    .get("rust-std")
                    .map(|p| {
                        p.target
                            .iter()
                            .filter(|(_, t)| t.available)
                            .map(|(k, _)| k.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
                Addon::Component(_) => manifest
                    .pkg
                    .iter()
                    .filter(|(_, p)| {
                        keys.iter()
                            .any(|k| p.target.get(*k).is_some_and(|t| t.available))
                    })
                    .map(|(name, _)| name.as_str())
                    .collect(),
            };
            offered.sort_unstable();
            offered.truncate(12);
            return Err(Error::InvalidRequest(format!(
                "rust {version} has no {addon} for {host} (its manifest offers: {})",
                offered.join(", ")
            )));
        };
        let dir = if key == "*" {
            package.clone()
        } else if matches!(addon, Addon::Target(_))
            || ["rustc-dev", "rust-std"].contains(&package.as_str())
        {
            format!("{package}-{key}")
        } else {
            package.clone()
        };
        Ok((self.package_artifact(version, &url, target, checked)?, dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_lines() {
        let v = |l: &str| RustProvider::from_manifests_line(l).map(|r| (r.version, r.channel));
        assert_eq!(
            v("static.rust-lang.org/dist/2024-07-25/channel-rust-1.80.0.toml"),
            Some(("1.80.0".into(), Some("stable".into())))
        );
        assert_eq!(
            v("static.rust-lang.org/dist/2024-08-01/channel-rust-nightly.toml"),
            Some(("nightly-2024-08-01".into(), Some("nightly".into())))
        );
        assert_eq!(
            v("static.rust-lang.org/dist/2024-07-25/channel-rust-1.80.toml"),
            None
        );
        assert_eq!(
            v("static.rust-lang.org/dist/2024-07-25/channel-rust-stable.toml"),
            None
        );
        assert_eq!(
            v("static.rust-lang.org/dist/channel-rust-1.80.0.toml"),
            None
        );
        assert_eq!(v(""), None);
    }
}
