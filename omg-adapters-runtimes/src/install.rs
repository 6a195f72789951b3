//! Installing one version: download, verify, unpack, lay out, rename into place.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use omg_ports::{
    Artifact, Error, FetchOutcome, FetchRequest, Fetcher, InstallLayout, Platform, ProgressEvent,
    ProgressSink, RemoteVersion, Result, RuntimeProvider, Strip,
};
use sha2::{Digest, Sha256};

use crate::home::{
    safe_name, InstallRecord, InstalledRuntime, RuntimesHome, RECORD_FILE, STAGING_LOCK,
};
use crate::lock;
use crate::plain_http::plain_http_warning;
use crate::unpack::{unpack_within, UnpackLimits};

/// The largest archive accepted when the source does not say how large it is.
const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// Installs runtimes into a [`RuntimesHome`], downloading through a [`Fetcher`].
#[derive(Clone)]
pub struct Installer {
    pub(crate) home: RuntimesHome,
    fetcher: Arc<dyn Fetcher>,
    pub(crate) platform: Platform,
    limits: UnpackLimits,
}

impl Installer {
    /// An installer for this machine's platform.
    pub fn new(home: RuntimesHome, fetcher: Arc<dyn Fetcher>) -> Self {
        Installer {
            home,
            fetcher,
            platform: Platform::current(),
            limits: UnpackLimits::default(),
        }
    }

    /// The same installer with other bounds on what an archive may unpack to.
    pub fn with_unpack_limits(mut self, limits: UnpackLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The same installer for another platform (tests, cross installs).
    pub fn for_platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// The platform installs are for.
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// The home installs go to.
    pub fn home(&self) -> &RuntimesHome {
        &self.home
    }

    /// Installs `release` of `provider`'s runtime, or returns it when it is already
    /// installed. Nothing is visible under the runtime's directory until the final rename.
    ///
    /// # Errors
    ///
    /// The provider's errors ([`Error::UnknownVersion`], [`Error::MissingChecksum`], ...);
    /// [`Error::Download`] (network, truncated body); [`Error::ChecksumMismatch`] naming the
    /// file and both sums; [`Error::UnsafeArchiveEntry`]; [`Error::CorruptPackage`] for an
    /// archive that does not unpack or does not have the expected layout; [`Error::Io`].
    pub async fn install(
        &self,
        provider: &dyn RuntimeProvider,
        release: &RemoteVersion,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<InstalledRuntime> {
        let runtime = provider.name().to_string();
        let version = release.version.clone();
        if !safe_name(&version) {
            return Err(Error::InvalidRequest(format!(
                "'{version}' cannot be a {runtime} version (it is not a plain directory name)"
            )));
        }
        if let Some(existing) = self.home.installed_version(&runtime, &version) {
            return Ok(existing);
        }
        let runtime_dir = self.home.runtime_dir(&runtime);
        fs::create_dir_all(&runtime_dir).map_err(|e| io(&runtime_dir, e))?;
        // One install of this version at a time: another omg installing it is waited for,
        // and its result used.
        let _version_lock = self.lock_version(&runtime, &version, &progress).await?;
        if let Some(existing) = self.home.installed_version(&runtime, &version) {
            return Ok(existing);
        }
        let mut artifact = provider.artifact(&version, &self.platform).await?;
        if let Some(w) = plain_http_warning(&artifact) {
            artifact.warnings.push(w);
        }
        let expected = normalized_sha256(&artifact)?;
        self.home.sweep(&runtime);
        // Dropped (deleted) on every early return below.
        let (staging, _staging_lock) = staging_in(&runtime_dir)?;

        let (archive, tree) = self
            .fetch_unpacked(&artifact, &expected, staging.path(), &progress)
            .await?;
        let layout = provider.layout(&artifact, &self.platform);
        let root = strip(&tree, &layout, &artifact)?;
        for component in &layout.merge {
            let src = root.join(component);
            if !src.is_dir() {
                return Err(corrupt(
                    &archive,
                    &artifact,
                    format!("the component directory '{component}' is missing"),
                ));
            }
            merge_into(&src, &root)?;
            fs::remove_dir_all(&src).map_err(|e| io(&src, e))?;
        }
        for component in &layout.merge_if_present {
            let src = root.join(component);
            if fs::symlink_metadata(&src).is_ok_and(|m| m.is_dir()) {
                merge_into(&src, &root)?;
                fs::remove_dir_all(&src).map_err(|e| io(&src, e))?;
            }
        }
        let record = InstallRecord {
            runtime: runtime.clone(),
            release: release.clone(),
            artifact: artifact.clone(),
            layout,
            addons: Vec::new(),
        };
        let record_path = root.join(RECORD_FILE);
        let json =
            serde_json::to_vec_pretty(&record).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        write_synced(&record_path, &json)?;
        // The staging lock stays in the staging directory, not in the installed tree.
        let _ = fs::remove_file(root.join(STAGING_LOCK));

        let target = self.home.version_dir(&runtime, &version);
        if let Err(e) = fs::rename(&root, &target) {
            // Another omg finished the same install first: use its copy.
            if let Some(existing) = self.home.installed_version(&runtime, &version) {
                return Ok(existing);
            }
            return Err(io(&target, e));
        }
        // The rename itself reaches the disk before the install is reported done.
        if let Err(e) = fs::File::open(&runtime_dir).and_then(|d| d.sync_all()) {
            tracing::debug!(dir = %runtime_dir.display(), error = %e, "cannot sync the directory");
        }
        tracing::info!("installed {runtime} {version} into {}", target.display());
        drop(staging);
        self.home
            .installed_version(&runtime, &version)
            .ok_or_else(|| Error::Io {
                path: target.join(RECORD_FILE),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "record missing after install",
                ),
            })
    }
}

impl Installer {
    /// `artifact` downloaded into `staging`, checked against `expected` (its sha256) and
    /// unpacked into `staging/tree`: the archive's path and the tree's.
    pub(crate) async fn fetch_unpacked(
        &self,
        artifact: &Artifact,
        expected: &str,
        staging: &Path,
        progress: &Option<Arc<dyn ProgressSink>>,
    ) -> Result<(PathBuf, PathBuf)> {
        let archive = staging.join(if safe_name(&artifact.file_name) {
            artifact.file_name.as_str()
        } else {
            "download"
        });
        let request = FetchRequest::new(
            artifact.url.clone(),
            artifact.size.unwrap_or(DEFAULT_MAX_BYTES),
        )
        .labelled(artifact.file_name.clone());
        step(progress, format!("downloading {}", artifact.file_name), 1);
        match self
            .fetcher
            .fetch_to_file(&request, &archive, progress.clone())
            .await?
        {
            FetchOutcome::Fetched { .. } => {}
            FetchOutcome::NotModified => {
                return Err(Error::Download {
                    url: artifact.url.clone(),
                    reason: "the server answered 304 Not Modified to an unconditional request"
                        .into(),
                })
            }
        }

        step(progress, format!("verifying {}", artifact.file_name), 2);
        let actual = sha256_file(&archive)?;
        if actual != expected {
            return Err(Error::ChecksumMismatch {
                file: artifact.file_name.clone(),
                expected: expected.to_string(),
                actual,
            });
        }

        step(progress, format!("unpacking {}", artifact.file_name), 3);
        let tree = staging.join("tree");
        fs::create_dir(&tree).map_err(|e| io(&tree, e))?;
        unpack_within(
            &archive,
            artifact.format,
            &tree,
            &artifact.file_name,
            self.limits,
        )?;
        Ok((archive, tree))
    }

    /// Takes the version's lock, saying so when another omg holds it.
    pub(crate) async fn lock_version(
        &self,
        runtime: &str,
        version: &str,
        progress: &Option<Arc<dyn ProgressSink>>,
    ) -> Result<lock::Lock> {
        let path = self.home.version_lock_path(runtime, version);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        if let Some(held) = lock::try_lock_file(&path)? {
            return Ok(held);
        }
        step(
            progress,
            format!("waiting for another omg installing {runtime} {version}"),
            1,
        );
        tracing::info!(
            runtime,
            version,
            "waiting for another omg installing this version"
        );
        tokio::task::spawn_blocking(move || lock::lock_file(&path))
            .await
            .map_err(|e| Error::Interrupted(format!("waiting for the install lock: {e}")))?
    }
}

/// A hidden staging directory in `runtime_dir` (deleted when dropped) and its lock, held while
/// the caller works in it: the sweep of another install leaves it alone.
pub(crate) fn staging_in(runtime_dir: &Path) -> Result<(tempfile::TempDir, Option<lock::Lock>)> {
    let staging = tempfile::Builder::new()
        .prefix(&format!(".tmp-{}-", std::process::id()))
        .tempdir_in(runtime_dir)
        .map_err(|e| io(runtime_dir, e))?;
    let held = lock::try_lock_file(&staging.path().join(STAGING_LOCK))?;
    Ok((staging, held))
}

/// `bytes` into a new file at `path`, on the disk before this returns.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::File::create(path).map_err(|e| io(path, e))?;
    file.write_all(bytes).map_err(|e| io(path, e))?;
    file.sync_all().map_err(|e| io(path, e))
}

pub(crate) fn step(progress: &Option<Arc<dyn ProgressSink>>, message: String, current: usize) {
    if let Some(p) = progress {
        p.event(ProgressEvent::Step {
            message,
            current,
            total: 3,
        });
    }
}

pub(crate) fn normalized_sha256(artifact: &Artifact) -> Result<String> {
    let sum = artifact.sha256.trim().to_ascii_lowercase();
    if sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sum)
    } else {
        Err(Error::MissingChecksum {
            file: artifact.file_name.clone(),
            source_url: artifact.checksum_source.clone(),
        })
    }
}

/// The lower-case hex sha256 of a file.
fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The install root inside `tree` after the layout's strip.
pub(crate) fn strip(tree: &Path, layout: &InstallLayout, artifact: &Artifact) -> Result<PathBuf> {
    let entries: Vec<PathBuf> = fs::read_dir(tree)
        .map_err(|e| io(tree, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let bad = |reason: String| corrupt(tree, artifact, reason);
    match &layout.strip {
        Strip::Nothing => Ok(tree.to_path_buf()),
        Strip::SingleTopLevel => match entries.as_slice() {
            [one] if one.is_dir() => Ok(one.clone()),
            _ => Err(bad(format!(
                "expected one top-level directory, found {} entries",
                entries.len()
            ))),
        },
        Strip::Directory(name) => {
            let dir = tree.join(name);
            if !dir.is_dir() {
                return Err(bad(format!("the top-level directory '{name}' is missing")));
            }
            if entries.len() != 1 {
                return Err(bad(format!(
                    "entries outside the top-level directory '{name}'"
                )));
            }
            Ok(dir)
        }
    }
}

/// Moves the contents of `src` into `dst`, merging directories that exist in both.
pub(crate) fn merge_into(src: &Path, dst: &Path) -> Result<()> {
    for entry in fs::read_dir(src).map_err(|e| io(src, e))? {
        let entry = entry.map_err(|e| io(src, e))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let from_is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        match fs::symlink_metadata(&to) {
            Ok(m) if m.is_dir() && from_is_dir => merge_into(&from, &to)?,
            Ok(m) => {
                if m.is_dir() {
                    fs::remove_dir_all(&to).map_err(|e| io(&to, e))?;
                } else {
                    fs::remove_file(&to).map_err(|e| io(&to, e))?;
                }
                fs::rename(&from, &to).map_err(|e| io(&to, e))?;
            }
            Err(_) => fs::rename(&from, &to).map_err(|e| io(&to, e))?,
        }
    }
    Ok(())
}

pub(crate) fn corrupt(path: &Path, artifact: &Artifact, reason: String) -> Error {
    Error::CorruptPackage {
        path: path.to_path_buf(),
        reason: format!("{}: {reason}", artifact.file_name),
    }
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
