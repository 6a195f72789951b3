//! The `RuntimeProvider` port: where a language runtime's releases come from.
//!
//! A provider knows one source (node's dist index, go's download list, bun's GitHub releases,
//! python-build-standalone, rust's channel manifests, Adoptium, ...) in its own format. It
//! answers three questions, and nothing else:
//!
//! 1. which versions exist ([`RuntimeProvider::remote_versions`], newest first, with LTS
//!    codenames and channels where the source publishes them),
//! 2. what to download for one version and platform ([`RuntimeProvider::artifact`]: the URL,
//!    the sha256 the source publishes for it, the archive format),
//! 3. how the unpacked tree is laid out ([`RuntimeProvider::layout`]: which top-level
//!    directory to strip, which component directories to merge, which directories go on
//!    `PATH`).
//!
//! Downloading, verifying, unpacking and activating are the installer's (in
//! `omg-adapters-runtimes`); matching a version spec such as `20`, `lts/iron` or `stable`
//! against the versions is the domain's (`omg_domain::runtime`). Providers reach the network
//! only through the [`crate::Fetcher`] port.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;

/// An operating system and CPU architecture, in Rust's spelling
/// (`std::env::consts::OS` / `ARCH`: `linux`, `macos`; `x86_64`, `aarch64`). Each provider
/// maps it to its source's own names (`linux-x64`, `linux-amd64`, `x86_64-unknown-linux-gnu`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Platform {
    /// The operating system (`linux`, `macos`, `windows`).
    pub os: String,
    /// The CPU architecture (`x86_64`, `aarch64`, `arm`).
    pub arch: String,
}

impl Platform {
    /// The platform this program was compiled for.
    pub fn current() -> Self {
        Platform {
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.os, self.arch)
    }
}

/// One version a source offers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteVersion {
    /// The version as omg names it and its install directory: no `v` prefix (`20.11.1`,
    /// `1.22.0`, `3.12.2`, `21.0.2+13`). A rust nightly is named by its channel and date
    /// (`nightly-2024-05-01`).
    pub version: String,
    /// The LTS codename when the source marks the release as long-term support (node:
    /// `Iron`); `None` otherwise.
    pub lts: Option<String>,
    /// The release channel when the source has channels (rust: `stable`, `beta`,
    /// `nightly`); `None` otherwise.
    pub channel: Option<String>,
    /// True for a pre-release (go's `1.23rc1`, a beta): never chosen by a partial spec or
    /// `latest`, only when named exactly.
    pub prerelease: bool,
    /// The release date (`YYYY-MM-DD`) when the source publishes it.
    pub date: Option<String>,
}

impl RemoteVersion {
    /// A stable release with no LTS codename, channel or date.
    pub fn new(version: impl Into<String>) -> Self {
        RemoteVersion {
            version: version.into(),
            ..RemoteVersion::default()
        }
    }
}

/// How a downloaded archive is compressed and packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveFormat {
    /// A gzip-compressed tar archive (`.tar.gz`, `.tgz`).
    TarGz,
    /// An xz-compressed tar archive (`.tar.xz`).
    TarXz,
    /// A zip archive (`.zip`).
    Zip,
}

impl ArchiveFormat {
    /// The format a file name's extension names, if any.
    pub fn from_file_name(name: &str) -> Option<Self> {
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(ArchiveFormat::TarGz)
        } else if name.ends_with(".tar.xz") {
            Some(ArchiveFormat::TarXz)
        } else if name.ends_with(".zip") {
            Some(ArchiveFormat::Zip)
        } else {
            None
        }
    }
}

/// What to download for one version on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// The version this is ([`RemoteVersion::version`]).
    pub version: String,
    /// The archive's URL.
    pub url: String,
    /// The archive's file name (`node-v20.11.1-linux-x64.tar.xz`), for messages and the
    /// temporary file.
    pub file_name: String,
    /// The archive's sha256 as the source publishes it (lower-case hex, 64 characters). A
    /// provider that finds no published checksum answers [`crate::Error::MissingChecksum`]
    /// instead of an artifact: nothing unverified is ever installed.
    pub sha256: String,
    /// Where [`Artifact::sha256`] came from (the `SHASUMS256.txt` URL, the JSON index), for
    /// messages.
    pub checksum_source: String,
    /// The archive format.
    pub format: ArchiveFormat,
    /// The archive's size in bytes when the source publishes it.
    pub size: Option<u64>,
    /// Who signed the checksum source, when its publisher's OpenPGP signature was verified
    /// (`SHASUMS256.txt signed by <fingerprint> (<user id>)`); `None` when unverified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// What the install should tell the user about how the artifact was verified (no
    /// signature published, fetched over plain `http://`), one sentence each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Which top-level directory of an unpacked archive to strip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strip {
    /// Keep the tree as it is.
    Nothing,
    /// The archive has exactly one top-level directory, whatever its name
    /// (`jdk-21.0.2+13/`); its contents become the install root.
    SingleTopLevel,
    /// This directory (`node-v20.11.1-linux-x64`); entries outside it are an error.
    Directory(String),
}

/// How the unpacked tree becomes an installed runtime.
///
/// Applied in order: strip ([`InstallLayout::strip`]), merge components
/// ([`InstallLayout::merge`]), then [`InstallLayout::bin_dirs`] go on `PATH` and
/// [`InstallLayout::env`] is set, both relative to the install root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallLayout {
    /// The top-level directory to strip.
    pub strip: Strip,
    /// Component directories (relative to the stripped root) whose contents are moved into
    /// the root, in this order, for archives that ship one tree per component (rust's
    /// combined tarball: `rustc`, `cargo`, `rust-std-x86_64-unknown-linux-gnu`). Empty for
    /// most runtimes.
    pub merge: Vec<String>,
    /// Component directories merged as [`InstallLayout::merge`]'s are, after them, when the
    /// archive has them, and passed over when it does not (rust's `clippy-preview` and
    /// `rustfmt-preview`, which some platforms' combined tarballs lack).
    #[serde(default)]
    pub merge_if_present: Vec<String>,
    /// Directories, relative to the install root, that go on `PATH` (`bin`; go: `bin`;
    /// bun: `.`).
    pub bin_dirs: Vec<String>,
    /// Environment variables pointing into the install root: name and directory relative to
    /// it (`JAVA_HOME` = `.`, `GOROOT` = `.`).
    pub env: Vec<(String, String)>,
}

impl InstallLayout {
    /// Strip `strip`, put `bin/` on `PATH`, nothing else: the layout of most runtimes.
    pub fn bin_under(strip: Strip) -> Self {
        InstallLayout {
            strip,
            merge: Vec::new(),
            merge_if_present: Vec::new(),
            bin_dirs: vec!["bin".into()],
            env: Vec::new(),
        }
    }
}

/// A part of a runtime version installed into it after its archive, from its own archive:
/// rust's components (`rust-src`, `llvm-tools`, `rust-analyzer`) and the standard library of
/// another target (`wasm32-unknown-unknown`), as `rust-toolchain.toml` asks for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Addon {
    /// A component, by the name users write (`rust-src`, `llvm-tools`).
    Component(String),
    /// The standard library for a target triple (`wasm32-unknown-unknown`).
    Target(String),
}

impl fmt::Display for Addon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addon::Component(c) => write!(f, "component {c}"),
            Addon::Target(t) => write!(f, "target {t}"),
        }
    }
}

/// When a paged list of versions has been read far enough
/// ([`RuntimeProvider::remote_versions_until`]): a test of the versions read so far, newest
/// first.
#[derive(Clone)]
pub struct Enough(Arc<VersionsTest>);

/// A test of versions, as [`Enough`] holds it.
type VersionsTest = dyn Fn(&[RemoteVersion]) -> bool + Send + Sync;

impl Enough {
    /// Enough once `test` holds for the versions read so far.
    pub fn when(test: impl Fn(&[RemoteVersion]) -> bool + Send + Sync + 'static) -> Self {
        Enough(Arc::new(test))
    }

    /// Never enough: every page is read (up to the provider's bound).
    pub fn never() -> Self {
        Enough::when(|_| false)
    }

    /// True when `versions` (those read so far) are enough.
    pub fn is_met(&self, versions: &[RemoteVersion]) -> bool {
        (self.0)(versions)
    }
}

impl fmt::Debug for Enough {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Enough(..)")
    }
}

/// One language runtime's source of releases.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait RuntimeProvider: Send + Sync {
    /// The runtime's name as users type it (`node`, `go`, `bun`, `python`, `rust`, `ruby`,
    /// `java`), lower-case; also the directory name under the runtimes root.
    fn name(&self) -> &str;

    /// The executables the runtime provides (`node`, `npm`, `npx`), so that `omg which npm`
    /// knows which runtime decides it. The first is the runtime's own binary.
    fn binaries(&self) -> Vec<String>;

    /// The versions the source offers for `platform`, newest first: every one, or for a
    /// source that pages its list, those of the first page (the newest; see
    /// [`RuntimeProvider::remote_versions_until`]).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Download`] when the source cannot be reached;
    /// [`crate::Error::MalformedFeed`] when its index is not in the expected format.
    async fn remote_versions(&self, platform: &Platform) -> Result<Vec<RemoteVersion>>;

    /// The versions the source offers for `platform`, newest first, read further than
    /// [`RuntimeProvider::remote_versions`] when the source pages its list (GitHub's releases,
    /// Adoptium's builds): `remote_versions` reads only the first page, which lists the newest
    /// versions, and this reads the next pages one by one until `enough` says the versions
    /// read so far suffice (the one a command asked for is among them), the source has no
    /// more pages, or the provider's bound on pages is reached; [`Enough::never`] reads
    /// every page. A source that lists everything at once keeps this default:
    /// [`RuntimeProvider::remote_versions`].
    ///
    /// # Errors
    ///
    /// As [`RuntimeProvider::remote_versions`]; [`crate::Error::TooManyPages`] when the bound
    /// is reached before `enough` is satisfied.
    async fn remote_versions_until(
        &self,
        platform: &Platform,
        enough: &Enough,
    ) -> Result<Vec<RemoteVersion>> {
        let _ = enough;
        self.remote_versions(platform).await
    }

    /// The archive to download for `version` (exact, as [`RemoteVersion::version`]) on
    /// `platform`, with its published sha256.
    ///
    /// # Errors
    ///
    /// [`crate::Error::UnknownVersion`] when the source has no such version;
    /// [`crate::Error::UnsupportedPlatform`] when it has no build for `platform`;
    /// [`crate::Error::MissingChecksum`] when the source publishes no checksum for the
    /// archive; [`crate::Error::Download`] when the source cannot be reached.
    async fn artifact(&self, version: &str, platform: &Platform) -> Result<Artifact>;

    /// How the unpacked archive of `artifact` is laid out.
    fn layout(&self, artifact: &Artifact, platform: &Platform) -> InstallLayout;

    /// The archive of `addon` for installed `version` on `platform`, with its published
    /// sha256, and how it is laid out: its [`InstallLayout::merge`] directories are moved
    /// into the installed version's root. Runtimes without addons keep this default.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidRequest`] naming the addon when the source does not have it
    /// (the default); otherwise as [`RuntimeProvider::artifact`].
    async fn addon(
        &self,
        version: &str,
        addon: &Addon,
        platform: &Platform,
    ) -> Result<(Artifact, InstallLayout)> {
        let _ = platform;
        Err(crate::Error::InvalidRequest(format!(
            "{} {version} has no {addon} (only rust has components and targets)",
            self.name()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_file_names() {
        assert_eq!(
            ArchiveFormat::from_file_name("node-v20.11.1-linux-x64.tar.xz"),
            Some(ArchiveFormat::TarXz)
        );
        assert_eq!(
            ArchiveFormat::from_file_name("go1.22.0.linux-amd64.tar.gz"),
            Some(ArchiveFormat::TarGz)
        );
        assert_eq!(
            ArchiveFormat::from_file_name("bun-linux-x64.zip"),
            Some(ArchiveFormat::Zip)
        );
        assert_eq!(ArchiveFormat::from_file_name("SHASUMS256.txt"), None);
    }
}
