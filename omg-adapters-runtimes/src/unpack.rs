//! Unpacking tar.gz, tar.xz and zip archives, refusing every entry that would land outside
//! the destination: `..` components, absolute paths, links whose target leaves the tree,
//! hard links to outside, and writes through a link the archive itself created.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use omg_ports::{ArchiveFormat, Error, Result};

/// One entry, whatever the archive format.
enum Kind {
    Dir,
    File { mode: u32 },
    Symlink(PathBuf),
    Hardlink(PathBuf),
}

/// How much an archive may unpack to: a small archive that expands to gigabytes (a
/// decompression bomb) is refused before it fills the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnpackLimits {
    /// Most bytes the files of one archive may hold once unpacked. Default 16 GiB (a JDK
    /// or a Rust toolchain unpacks to under 2 GiB).
    pub max_bytes: u64,
    /// Most entries (files, directories, links) of one archive. Default 1,000,000.
    pub max_entries: u64,
    /// Past [`UnpackLimits::ratio_floor`] unpacked bytes, the most the unpacked size may be
    /// a multiple of the archive's. Default 100 (runtime archives expand 3 to 10 times).
    pub max_ratio: u64,
    /// Unpacked bytes below which the ratio is not checked. Default 256 MiB.
    pub ratio_floor: u64,
}

impl Default for UnpackLimits {
    fn default() -> Self {
        UnpackLimits {
            max_bytes: 16 << 30,
            max_entries: 1_000_000,
            max_ratio: 100,
            ratio_floor: 256 << 20,
        }
    }
}

/// Unpacks `archive` (in `format`) into the existing directory `dest` within the default
/// [`UnpackLimits`]. `label` names the archive in errors (its file name).
///
/// # Errors
///
/// As [`unpack_within`].
pub fn unpack(archive: &Path, format: ArchiveFormat, dest: &Path, label: &str) -> Result<()> {
    unpack_within(archive, format, dest, label, UnpackLimits::default())
}

/// Unpacks `archive` (in `format`) into the existing directory `dest`, refusing to unpack
/// more than `limits` allow. `label` names the archive in errors (its file name).
///
/// # Errors
///
/// [`Error::UnsafeArchiveEntry`] for an entry that would escape `dest`, including a link
/// that resolves outside through other links of the archive, or one past `limits` (nothing
/// further is unpacked; the caller discards `dest`); [`Error::CorruptPackage`] when the
/// archive is not in `format` or is cut short; [`Error::Io`] when writing fails.
pub fn unpack_within(
    archive: &Path,
    format: ArchiveFormat,
    dest: &Path,
    label: &str,
    limits: UnpackLimits,
) -> Result<()> {
    let file = File::open(archive).map_err(|source| Error::Io {
        path: archive.to_path_buf(),
        source,
    })?;
    let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut u = Unpacker {
        dest,
        label,
        archive,
        limits,
        compressed,
        written: 0,
        entries: 0,
        links: Vec::new(),
    };
    match format {
        ArchiveFormat::TarGz => u.tar(flate2::read::GzDecoder::new(io::BufReader::new(file)))?,
        ArchiveFormat::TarXz => u.tar(xz2::read::XzDecoder::new(io::BufReader::new(file)))?,
        ArchiveFormat::Zip => u.zip(file)?,
    }
    u.links_resolve_inside()
}

struct Unpacker<'a> {
    dest: &'a Path,
    label: &'a str,
    archive: &'a Path,
    limits: UnpackLimits,
    /// The archive's own size.
    compressed: u64,
    /// Bytes of files unpacked so far.
    written: u64,
    /// Entries seen so far.
    entries: u64,
    /// Every symbolic link created (path relative to `dest`, target), checked once the tree
    /// is complete: a later entry can change where an earlier link leads.
    links: Vec<(String, PathBuf, PathBuf)>,
}

impl Unpacker<'_> {
    fn corrupt(&self, reason: impl std::fmt::Display) -> Error {
        Error::CorruptPackage {
            path: self.archive.to_path_buf(),
            reason: format!("{} is not a readable archive: {reason}", self.label),
        }
    }

    fn unsafe_entry(&self, entry: &str, reason: &str) -> Error {
        Error::UnsafeArchiveEntry {
            archive: self.label.to_string(),
            entry: entry.to_string(),
            reason: reason.to_string(),
        }
    }

    fn tar(&mut self, reader: impl Read) -> Result<()> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| self.corrupt(e))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| self.corrupt(e))?;
            let name = entry
                .path()
                .map_err(|e| self.corrupt(e))?
                .to_string_lossy()
                .into_owned();
            let header = entry.header();
            let link = || -> Result<PathBuf> {
                Ok(header
                    .link_name()
                    .map_err(|e| self.corrupt(e))?
                    .map(|l| l.into_owned())
                    .unwrap_or_default())
            };
            let kind = match header.entry_type() {
                tar::EntryType::Directory => Kind::Dir,
                tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File {
                    mode: header.mode().unwrap_or(0o644),
                },
                tar::EntryType::Symlink => Kind::Symlink(link()?),
                tar::EntryType::Link => Kind::Hardlink(link()?),
                // pax/GNU metadata entries are consumed by the tar crate; skip the rest.
                tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => continue,
                other => {
                    return Err(
                        self.unsafe_entry(&name, &format!("unsupported entry type {other:?}"))
                    )
                }
            };
            self.write(&name, kind, &mut entry)?;
        }
        Ok(())
    }

    fn zip(&mut self, file: File) -> Result<()> {
        let mut archive = zip::ZipArchive::new(file).map_err(|e| self.corrupt(e))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| self.corrupt(e))?;
            let name = entry.name().to_string();
            let kind = if entry.is_dir() {
                Kind::Dir
            } else if entry.is_symlink() {
                // A link's target is a path: PATH_MAX bytes at most, not a whole entry.
                let mut target = String::new();
                (&mut entry)
                    .take(PATH_MAX + 1)
                    .read_to_string(&mut target)
                    .map_err(|e| self.corrupt(e))?;
                if target.len() as u64 > PATH_MAX {
                    return Err(self.unsafe_entry(&name, "link target longer than a path"));
                }
                Kind::Symlink(PathBuf::from(target))
            } else {
                Kind::File {
                    mode: entry.unix_mode().unwrap_or(0o644),
                }
            };
            self.write(&name, kind, &mut entry)?;
        }
        Ok(())
    }

    /// The entry's path relative to `dest`, or why it is refused. `None` for the root
    /// itself (`./`).
    fn relative(&self, name: &str) -> Result<Option<PathBuf>> {
        let mut rel = PathBuf::new();
        for c in Path::new(name).components() {
            match c {
                Component::Normal(p) => rel.push(p),
                Component::CurDir => {}
                Component::ParentDir => return Err(self.unsafe_entry(name, "parent directory")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(self.unsafe_entry(name, "absolute path"))
                }
            }
        }
        Ok((!rel.as_os_str().is_empty()).then_some(rel))
    }

    /// Refuses writing through a link: no existing ancestor of `rel` (inside `dest`), nor
    /// `rel` itself, may be a symbolic link.
    fn no_links_on_the_way(&self, name: &str, rel: &Path) -> Result<()> {
        let mut at = self.dest.to_path_buf();
        for c in rel.components() {
            at.push(c);
            match fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(self.unsafe_entry(name, "path goes through a link"))
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Ok(())
    }

    fn write(&mut self, name: &str, kind: Kind, body: &mut impl Read) -> Result<()> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            let limit = self.limits.max_entries;
            return Err(self.unsafe_entry(name, &format!("more than {limit} entries")));
        }
        let Some(rel) = self.relative(name)? else {
            return Ok(());
        };
        self.no_links_on_the_way(name, &rel)?;
        let path = self.dest.join(&rel);
        let io_err = |source| Error::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err)?;
        }
        match kind {
            Kind::Dir => fs::create_dir_all(&path).map_err(io_err)?,
            Kind::File { mode } => {
                let mut out = File::create(&path).map_err(io_err)?;
                // One byte past what the limits leave tells that they were passed.
                let allowed = self.bytes_allowed();
                let copied = io::copy(&mut body.take(allowed.saturating_add(1)), &mut out)
                    .map_err(|e| {
                        if e.kind() == io::ErrorKind::UnexpectedEof
                            || e.kind() == io::ErrorKind::InvalidData
                            || e.kind() == io::ErrorKind::InvalidInput
                        {
                            self.corrupt(e)
                        } else {
                            io_err(e)
                        }
                    })?;
                self.written = self.written.saturating_add(copied);
                if copied > allowed {
                    return Err(self.too_big(name));
                }
                set_mode(&path, (mode & 0o777) | 0o400).map_err(io_err)?;
            }
            Kind::Symlink(target) => {
                if !stays_inside(&rel, &target) {
                    return Err(self.unsafe_entry(
                        name,
                        &format!("link points outside ({})", target.display()),
                    ));
                }
                symlink(&target, &path).map_err(io_err)?;
                self.links.push((name.to_string(), rel, target));
            }
            Kind::Hardlink(target) => {
                let target_name = target.to_string_lossy().into_owned();
                let Some(target_rel) = self.relative(&target_name).ok().flatten() else {
                    return Err(self.unsafe_entry(name, "hard link points outside"));
                };
                self.no_links_on_the_way(name, &target_rel)?;
                fs::hard_link(self.dest.join(&target_rel), &path).map_err(io_err)?;
            }
        }
        Ok(())
    }
}

impl Unpacker<'_> {
    /// Bytes the next file may still hold: what is left of `max_bytes`, and of the ratio to
    /// the archive's size once past its floor.
    fn bytes_allowed(&self) -> u64 {
        let l = &self.limits;
        let by_ratio = l
            .ratio_floor
            .max(self.compressed.saturating_mul(l.max_ratio));
        l.max_bytes.min(by_ratio).saturating_sub(self.written)
    }

    fn too_big(&self, name: &str) -> Error {
        let l = &self.limits;
        let reason = format!(
            "unpacks to more than {} (at most {} MiB in all, and past {} MiB at most {} times \
             the archive's {} bytes): a decompression bomb, or raise the limit",
            format_args!("{} bytes", self.written),
            l.max_bytes >> 20,
            l.ratio_floor >> 20,
            l.max_ratio,
            self.compressed
        );
        self.unsafe_entry(name, &reason)
    }

    /// Every link of the finished tree resolves inside it, following the links it passes
    /// through as the kernel would (`s -> .` then `t -> s/s/../..` is `..`).
    fn links_resolve_inside(&self) -> Result<()> {
        for (name, rel, target) in &self.links {
            if !resolves_inside(self.dest, rel, target) {
                return Err(self.unsafe_entry(
                    name,
                    &format!(
                        "link resolves outside through other links ({})",
                        target.display()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Longest link target accepted, in bytes (Linux's PATH_MAX).
const PATH_MAX: u64 = 4096;

/// Most links followed while resolving one (the kernel's own bound is 40).
const MAX_LINK_HOPS: usize = 40;

/// True when the link at `rel` (inside `dest`) with `target`, resolved on the file system
/// component by component through the links it meets, stays inside `dest`. Components that
/// do not exist are taken as directories.
fn resolves_inside(dest: &Path, rel: &Path, target: &Path) -> bool {
    let mut at: Vec<std::ffi::OsString> = rel
        .parent()
        .map(|p| p.iter().map(|c| c.to_os_string()).collect())
        .unwrap_or_default();
    let mut todo: std::collections::VecDeque<std::ffi::OsString> =
        std::collections::VecDeque::new();
    if target.is_absolute() {
        return false;
    }
    todo.extend(target.iter().map(|c| c.to_os_string()));
    let mut hops = 0;
    while let Some(c) = todo.pop_front() {
        match c.to_str() {
            Some(".") => continue,
            Some("..") => {
                if at.pop().is_none() {
                    return false;
                }
                continue;
            }
            _ => {}
        }
        at.push(c);
        let here: PathBuf = at.iter().fold(dest.to_path_buf(), |p, c| p.join(c));
        let Ok(meta) = fs::symlink_metadata(&here) else {
            continue;
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        hops += 1;
        let Ok(next) = fs::read_link(&here) else {
            return false;
        };
        if hops > MAX_LINK_HOPS || next.is_absolute() {
            return false;
        }
        at.pop();
        for part in next.iter().rev() {
            todo.push_front(part.to_os_string());
        }
    }
    true
}

/// True when a link at `rel` with `target` resolves, lexically, inside the tree.
fn stays_inside(rel: &Path, target: &Path) -> bool {
    if target.is_absolute() || target.as_os_str().is_empty() {
        return false;
    }
    let mut depth: usize = rel.components().count().saturating_sub(1);
    for c in target.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, path: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, path: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("symbolic links are not supported here ({})", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets() {
        let cases = [
            ("bin/npm", "../lib/node_modules/npm/bin/npm-cli.js", true),
            ("bin/npm", "../../etc/passwd", false),
            ("a", "b", true),
            ("a", "..", false),
            ("a/b/c", "../../x", true),
            ("a/b/c", "../../../x", false),
            ("a", "/etc/passwd", false),
            ("a", "./././b", true),
        ];
        for (rel, target, want) in cases {
            assert_eq!(
                stays_inside(Path::new(rel), Path::new(target)),
                want,
                "{rel} -> {target}"
            );
        }
    }
}
