//! libapt's binary caches (`srcpkgcache.bin`, `pkgcache.bin`) kept in omg's own cache
//! directory.
//!
//! Opening libapt's cache parses every list file unless a valid `pkgcache.bin` can be
//! mapped instead, and some systems turn the file off (Debian's container images set
//! `Dir::Cache::pkgcache ""`), or keep it where only root may write. Pointing libapt at a
//! file of omg's own makes every open after the first a map of that file. libapt itself
//! checks the file against the lists, dpkg's status and the architectures on every open,
//! and rebuilds it when anything changed, exactly as it does for its own file.

use std::ffi::OsString;
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use omg_ports::Fingerprint;

use crate::config::Paths;

/// Where an [`AptBackend`](crate::AptBackend) lets libapt keep its binary caches.
///
/// The files are named after the configuration's paths (lists, dpkg status, sources) and
/// architectures, so backends of different roots or apt.confs do not share one. About
/// 40 MB each for a Debian archive; configurations whose lists and status are smaller
/// than 1 MiB get none, since parsing them is about as fast as mapping a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum CacheDir {
    /// `$XDG_CACHE_HOME/omg/apt`, else `$HOME/.cache/omg/apt`; no binary cache when
    /// neither variable is set to an absolute path.
    #[default]
    User,
    /// This directory (relative to the current one when relative), created (mode 0700)
    /// when missing.
    At(PathBuf),
    /// None of omg's own: libapt does what the configuration says
    /// (`Dir::Cache::pkgcache` and `Dir::Cache::srcpkgcache`).
    Off,
}

/// Below this many bytes of lists and status, no binary cache is kept.
const MIN_SOURCE_BYTES: u64 = 1 << 20;

/// The two files libapt is pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheFiles {
    /// The directory both are in.
    pub(crate) dir: PathBuf,
    /// `Dir::Cache::srcpkgcache`: the lists alone.
    pub(crate) srcpkgcache: PathBuf,
    /// `Dir::Cache::pkgcache`: the lists and dpkg's status.
    pub(crate) pkgcache: PathBuf,
}

/// The files to use for `paths` under `dir`, creating the directory; `None` when `dir` is
/// [`CacheDir::Off`], the sources are too small to be worth it (`sources` are their stamps),
/// or the directory cannot be found or created (logged: the cache opens without).
pub(crate) fn files(dir: &CacheDir, paths: &Paths, sources: &Fingerprint) -> Option<CacheFiles> {
    let dir = match dir {
        CacheDir::Off => return None,
        // libapt would take a relative path as relative to `Dir::Cache`.
        CacheDir::At(dir) => std::path::absolute(dir).ok()?,
        CacheDir::User => user_dir()?,
    };
    let bytes: u64 = sources.stamps.iter().map(|s| s.len).sum();
    if bytes < MIN_SOURCE_BYTES {
        return None;
    }
    if let Err(e) = DirBuilder::new().recursive(true).mode(0o700).create(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot create omg's apt cache directory: opening without a binary cache");
        return None;
    }
    let id = format!("{:016x}", config_hash(paths));
    Some(CacheFiles {
        srcpkgcache: dir.join(format!("srcpkgcache-{id}.bin")),
        pkgcache: dir.join(format!("pkgcache-{id}.bin")),
        dir,
    })
}

/// `$XDG_CACHE_HOME/omg/apt`, else `$HOME/.cache/omg/apt`.
fn user_dir() -> Option<PathBuf> {
    let dir = user_dir_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"));
    if dir.is_none() {
        tracing::debug!("neither XDG_CACHE_HOME nor HOME is an absolute path: no binary apt cache");
    }
    dir
}

/// `<xdg_cache_home>/omg/apt`, else `<home>/.cache/omg/apt`, ignoring relative paths as
/// the XDG base directory specification asks.
fn user_dir_from(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute(xdg_cache_home).or_else(|| absolute(home).map(|h| h.join(".cache")))?;
    Some(base.join("omg").join("apt"))
}

/// A stable 64-bit FNV-1a hash of what the cache is built from.
fn config_hash(paths: &Paths) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let parts = [
        path_bytes(&paths.lists),
        path_bytes(&paths.status),
        path_bytes(&paths.sourcelist),
        path_bytes(&paths.sourceparts),
        paths.architecture.as_bytes(),
    ];
    let architectures = paths.architectures.iter().map(String::as_bytes);
    for part in parts.into_iter().chain(architectures) {
        for byte in part.iter().chain(std::iter::once(&0)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn path_bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

/// The largest system cache omg copies: libapt's caches of the biggest archives are a few
/// hundred MB; anything larger is not one.
const MAX_SEED_BYTES: u64 = 1 << 30;

/// Seeds omg's two files from the configuration's own (`/var/cache/apt/pkgcache.bin` and
/// `srcpkgcache.bin` on most hosts, which apt rebuilds as root after each `apt update`)
/// when omg's are missing or older: the first open then maps what apt already built
/// instead of parsing every list (a second or more for a Debian archive). libapt checks the
/// copy exactly as it checks its own file, and rebuilds it when it does not match the
/// lists, dpkg's status or the architectures. Only regular files of root's or this user's
/// that nobody else may write are copied (no symlink is followed); anything that fails is
/// logged and leaves the open to build as before.
pub(crate) fn seed(files: &CacheFiles, paths: &Paths) {
    let pairs = [
        (&files.srcpkgcache, &paths.system_srcpkgcache),
        (&files.pkgcache, &paths.system_pkgcache),
    ];
    for (ours, system) in pairs {
        if system.as_os_str().is_empty() {
            continue;
        }
        match seed_one(ours, system) {
            Ok(true) => {
                tracing::debug!(from = %system.display(), to = %ours.display(), "seeded omg's binary apt cache from the system's")
            }
            Ok(false) => {}
            Err(e) => {
                tracing::debug!(from = %system.display(), error = %e, "cannot seed omg's binary apt cache from the system's")
            }
        }
    }
}

/// Copies `system` over `ours` (through a temporary file beside it, renamed into place,
/// with `system`'s modification time) when `system` is a regular file of at most
/// [`MAX_SEED_BYTES`] newer than `ours`; false when there was nothing to copy.
fn seed_one(ours: &Path, system: &Path) -> std::io::Result<bool> {
    use std::fs::{File, OpenOptions};
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};

    let mut source = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(system)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let meta = source.metadata()?;
    if !meta.is_file() || meta.len() > MAX_SEED_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a regular file of at most 1 GiB",
        ));
    }
    // libapt maps its cache trusting what is in it: only a file that root (apt) or this
    // user wrote, and nobody else may write, is taken.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if !(meta.uid() == 0 || meta.uid() == me) || meta.mode() & 0o022 != 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "owned by another user, or writable by others",
        ));
    }
    if let Ok(current) = std::fs::metadata(ours) {
        if current.modified()? >= meta.modified()? {
            return Ok(false);
        }
    }
    let mut name = ours.as_os_str().to_owned();
    name.push(format!(".seed{}", std::process::id()));
    let temporary = PathBuf::from(name);
    let copied = (|| {
        let mut target = File::create(&temporary)?;
        // Bounded: the file may grow while it is copied.
        let n = std::io::copy(
            &mut std::io::Read::take(&mut source, MAX_SEED_BYTES),
            &mut target,
        )?;
        if n != meta.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the file changed while it was copied",
            ));
        }
        // The copy keeps apt's time: it is as old as what it was built from, and a later
        // `apt update` (a newer file of apt's) is seeded again.
        target.set_modified(meta.modified()?)?;
        std::fs::rename(&temporary, ours)
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    copied.map(|()| true)
}

/// True when libapt's `messages` are about a file in `files`' directory: the binary cache
/// could not be written or read, and the open is worth retrying without it.
pub(crate) fn is_about(files: &CacheFiles, messages: &[String]) -> bool {
    let dir = files.dir.to_string_lossy();
    messages.iter().any(|m| m.contains(dir.as_ref()))
}

/// Removes the temporary files (`<file>.XXXXXX`) a failed write of `files` left behind:
/// libapt writes each cache beside its final name and renames it, and a failed rename
/// leaves a whole cache behind.
pub(crate) fn remove_leftovers(files: &CacheFiles) {
    let prefixes: Vec<String> = [&files.pkgcache, &files.srcpkgcache]
        .iter()
        .filter_map(|f| f.file_name())
        .map(|name| format!("{}.", name.to_string_lossy()))
        .collect();
    let Ok(entries) = std::fs::read_dir(&files.dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                tracing::debug!(path = %entry.path().display(), error = %e, "cannot remove a leftover binary cache");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::FileStamp;

    fn paths(lists: &str) -> Paths {
        Paths {
            status: "/var/lib/dpkg/status".into(),
            extended_states: "/var/lib/apt/extended_states".into(),
            lists: lists.into(),
            sourcelist: "/etc/apt/sources.list".into(),
            sourceparts: "/etc/apt/sources.list.d/".into(),
            preferences: "/etc/apt/preferences".into(),
            preferencesparts: "/etc/apt/preferences.d/".into(),
            architecture: "amd64".into(),
            architectures: Vec::new(),
            pkgcache: String::new(),
            srcpkgcache: String::new(),
            system_pkgcache: PathBuf::new(),
            system_srcpkgcache: PathBuf::new(),
        }
    }

    fn sources(len: u64) -> Fingerprint {
        Fingerprint {
            stamps: vec![FileStamp {
                path: "/x".into(),
                modified_ns: 1,
                len,
            }],
        }
    }

    #[test]
    fn names_follow_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let at = CacheDir::At(dir.path().join("omg/apt"));
        let big = sources(MIN_SOURCE_BYTES);
        let a = files(&at, &paths("/var/lib/apt/lists/"), &big).unwrap();
        let b = files(&at, &paths("/srv/root/var/lib/apt/lists/"), &big).unwrap();
        assert_ne!(a.pkgcache, b.pkgcache);
        let mut multiarch = paths("/var/lib/apt/lists/");
        multiarch.architectures = vec!["amd64".into(), "i386".into()];
        assert_ne!(a.pkgcache, files(&at, &multiarch, &big).unwrap().pkgcache);
        assert_eq!(a, files(&at, &paths("/var/lib/apt/lists/"), &big).unwrap());
        assert!(a.pkgcache.starts_with(dir.path().join("omg/apt")));
        assert_ne!(a.pkgcache, a.srcpkgcache);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&a.dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn small_sources_off_and_unusable_dirs_get_none() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths("/var/lib/apt/lists/");
        let at = CacheDir::At(dir.path().to_path_buf());
        assert_eq!(files(&at, &p, &sources(MIN_SOURCE_BYTES - 1)), None);
        let big = sources(MIN_SOURCE_BYTES);
        assert_eq!(files(&CacheDir::Off, &p, &big), None);
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert_eq!(files(&CacheDir::At(file.join("sub")), &p, &big), None);
    }

    #[test]
    fn the_user_dir_follows_xdg_then_home() {
        let some = |s: &str| Some(OsString::from(s));
        assert_eq!(
            user_dir_from(some("/x/cache"), some("/home/u")),
            Some(PathBuf::from("/x/cache/omg/apt"))
        );
        assert_eq!(
            user_dir_from(some("relative"), some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/omg/apt"))
        );
        assert_eq!(
            user_dir_from(None, some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/omg/apt"))
        );
        assert_eq!(user_dir_from(None, some("")), None);
        assert_eq!(user_dir_from(None, None), None);
    }

    #[test]
    fn messages_about_the_directory_are_recognised() {
        let f = CacheFiles {
            dir: "/home/u/.cache/omg/apt".into(),
            srcpkgcache: "/home/u/.cache/omg/apt/s.bin".into(),
            pkgcache: "/home/u/.cache/omg/apt/p.bin".into(),
        };
        assert!(is_about(
            &f,
            &["Could not open file /home/u/.cache/omg/apt/p.bin.XXXX".into()]
        ));
        assert!(!is_about(&f, &["Malformed line 3 in sources.list".into()]));
    }
}
