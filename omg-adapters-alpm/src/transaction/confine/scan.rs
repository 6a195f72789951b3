//! One package archive, entry by entry: the rules on names and hard links, and what the
//! transaction-wide check needs (the directories entries are written into, the symbolic
//! links the package creates).

use std::collections::HashSet;
use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::transaction::archive::{Kind, Reader};

/// At most this many entries in one package (the largest Arch packages have some
/// hundred thousand files).
pub(super) const MAX_ENTRIES: usize = 1_000_000;
/// At most this many bytes in an entry's name or link target (PATH_MAX).
pub(super) const MAX_NAME: usize = 4096;
/// At most this many bytes of names kept while reading one package (a package of a hundred
/// thousand files keeps a few MiB).
pub(super) const MAX_KEPT: usize = 64 << 20;

/// Why a package is refused, or could not be read.
#[derive(Debug)]
pub(super) enum Problem {
    /// An entry breaks a rule: its name as stored, and the reason.
    Unsafe {
        entry: Vec<u8>,
        reason: String,
    },
    /// libarchive cannot read the package (libalpm could not either).
    Unreadable(String),
    Io(std::io::Error),
}

/// What the transaction-wide check needs of one package.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Each directory entries are written into (relative to the root, normalised), with
    /// the first entry written there, in archive order.
    pub dirs: Vec<(Vec<u8>, Vec<u8>)>,
    /// The symbolic links the package creates: path (normalised) and target as stored.
    pub symlinks: Vec<(Vec<u8>, Vec<u8>)>,
    /// The file that was read.
    pub identity: Identity,
}

/// A file's identity: the same inode, unchanged since (size, modification and change
/// times).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Identity {
    pub(crate) fn of(m: &std::fs::Metadata) -> Identity {
        use std::os::unix::fs::MetadataExt;
        Identity {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }
}

/// Reads the package file at `path`, applying the per-entry rules; collects directories
/// and symbolic links when `collect` (the root is not `/`).
pub(super) fn scan(path: &Path, collect: bool) -> Result<Scan, Problem> {
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_CLOEXEC | libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(path)
        .map_err(Problem::Io)?;
    let before = file.metadata().map_err(Problem::Io)?;
    if !before.is_file() {
        return Err(Problem::Unreadable("it is not a regular file".into()));
    }
    let same = file.try_clone().map_err(Problem::Io)?;
    let mut reader = Reader::open(file).map_err(Problem::Unreadable)?;
    let mut scan = Scan::default();
    let mut seen_dirs = HashSet::new();
    // Every non-directory entry so far: what a hard link may point at.
    let mut files: HashSet<Vec<u8>> = HashSet::new();
    let mut count = 0usize;
    let mut kept = 0usize;
    while let Some(entry) = reader.next().map_err(Problem::Unreadable)? {
        count += 1;
        let Some(name) = entry.name else {
            return Err(Problem::Unreadable(format!(
                "entry {count} has no name libarchive can read"
            )));
        };
        let refuse = |reason: String| Problem::Unsafe {
            entry: name.to_vec(),
            reason,
        };
        if count > MAX_ENTRIES {
            return Err(refuse(format!(
                "the package has more than {MAX_ENTRIES} entries"
            )));
        }
        if name.len() > MAX_NAME {
            return Err(refuse(format!("its name is longer than {MAX_NAME} bytes")));
        }
        let parts = components(name).map_err(|why| refuse(why.to_string()))?;
        let normal = parts.join(&b'/');
        match (entry.kind, entry.link) {
            (Kind::HardLink, Some(target)) => {
                hard_link(target, &files).map_err(refuse)?;
            }
            (Kind::HardLink, None) => {
                return Err(refuse("a hard link without a target".into()));
            }
            (Kind::Symlink, target) if collect => {
                let target = target.unwrap_or_default();
                if target.len() > MAX_NAME {
                    return Err(refuse(format!(
                        "its link target is longer than {MAX_NAME} bytes"
                    )));
                }
                scan.symlinks.push((normal.clone(), target.to_vec()));
            }
            _ => {}
        }
        kept += normal.len() + entry.link.map_or(0, <[u8]>::len);
        if kept > MAX_KEPT {
            return Err(refuse(format!(
                "the names in the package take more than {} MiB",
                MAX_KEPT >> 20
            )));
        }
        if entry.kind != Kind::Directory {
            files.insert(normal);
        }
        if collect && parts.len() > 1 {
            let dir = parts[..parts.len() - 1].join(&b'/');
            if seen_dirs.insert(dir.clone()) {
                scan.dirs.push((dir, name.to_vec()));
            }
        }
    }
    // What was read is the file as it is now.
    scan.identity = Identity::of(&before);
    if Identity::of(&same.metadata().map_err(Problem::Io)?) != scan.identity {
        return Err(Problem::Unreadable(
            "it changed while it was being checked".into(),
        ));
    }
    Ok(scan)
}

/// The components of an entry name, without empty and `.` ones; an absolute name or a
/// `..` component is refused.
pub(super) fn components(name: &[u8]) -> Result<Vec<&[u8]>, &'static str> {
    if name.first() == Some(&b'/') {
        return Err("an absolute path");
    }
    let mut parts = Vec::new();
    for part in name.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return Err("a '..' component, which climbs out of the directory"),
            _ => parts.push(part),
        }
    }
    Ok(parts)
}

/// A hard link must name a file earlier in the same package: libarchive calls
/// `link(target, entry)` from the root, so an absolute target, or one climbing out with
/// `..`, links a file outside the root into it (and writes the entry's data, owner and
/// mode onto that file).
fn hard_link(target: &[u8], files: &HashSet<Vec<u8>>) -> Result<(), String> {
    let shown = super::shown(target);
    if target.len() > MAX_NAME {
        return Err(format!(
            "a hard link whose target is longer than {MAX_NAME} bytes"
        ));
    }
    if target.first() == Some(&b'/') {
        return Err(format!(
            "a hard link to '{shown}', an absolute path: it would link that file of the \
             host into the root"
        ));
    }
    let parts = components(target)
        .map_err(|_| format!("a hard link to '{shown}', which climbs out of the root with '..'"))?;
    if files.contains(&parts.join(&b'/')) {
        Ok(())
    } else {
        Err(format!(
            "a hard link to '{shown}', which is not a file earlier in the package"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_and_refused_like_paths() {
        assert_eq!(
            components(b"./usr//bin/./x/").unwrap(),
            [&b"usr"[..], b"bin", b"x"]
        );
        assert!(components(b"/etc/x").is_err());
        assert!(components(b"usr/../../etc").is_err());
        assert!(components(b"..").is_err());
        assert!(components(b"usr/..x/y").is_ok());
        assert!(components(b".").unwrap().is_empty());
    }

    #[test]
    fn what_libarchive_cannot_read_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("x.pkg.tar.zst");
        std::fs::write(&garbage, b"\x28\xb5\x2f\xfd not really zstd").unwrap();
        assert!(matches!(scan(&garbage, true), Err(Problem::Unreadable(_))));
        assert!(matches!(
            scan(dir.path(), true),
            Err(Problem::Unreadable(_)) | Err(Problem::Io(_))
        ));
        assert!(matches!(
            scan(&dir.path().join("missing"), true),
            Err(Problem::Io(_))
        ));
    }

    #[test]
    fn hard_links_must_name_an_earlier_file() {
        let files: HashSet<Vec<u8>> = [b"usr/bin/a".to_vec()].into();
        assert!(hard_link(b"usr/bin/a", &files).is_ok());
        assert!(hard_link(b"./usr//bin/a", &files).is_ok());
        assert!(hard_link(b"usr/bin/b", &files)
            .unwrap_err()
            .contains("not a file earlier"));
        assert!(hard_link(b"/etc/shadow", &files)
            .unwrap_err()
            .contains("absolute"));
        assert!(hard_link(b"../../etc/shadow", &files)
            .unwrap_err()
            .contains("'..'"));
        assert!(hard_link(b"usr/bin/../bin/a", &files).is_err());
    }
}
