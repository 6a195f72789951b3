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

/// Unpacks `archive` (in `format`) into the existing directory `dest`. `label` names the
/// archive in errors (its file name).
///
/// # Errors
///
/// [`Error::UnsafeArchiveEntry`] for an entry that would escape `dest` (nothing further is
/// unpacked; the caller discards `dest`); [`Error::CorruptPackage`] when the archive is not
/// in `format` or is cut short; [`Error::Io`] when writing fails.
pub fn unpack(archive: &Path, format: ArchiveFormat, dest: &Path, label: &str) -> Result<()> {
    let file = File::open(archive).map_err(|source| Error::Io {
        path: archive.to_path_buf(),
        source,
    })?;
    let u = Unpacker {
        dest,
        label,
        archive,
    };
    match format {
        ArchiveFormat::TarGz => u.tar(flate2::read::GzDecoder::new(io::BufReader::new(file))),
        ArchiveFormat::TarXz => u.tar(xz2::read::XzDecoder::new(io::BufReader::new(file))),
        ArchiveFormat::Zip => u.zip(file),
    }
}

struct Unpacker<'a> {
    dest: &'a Path,
    label: &'a str,
    archive: &'a Path,
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

    fn tar(&self, reader: impl Read) -> Result<()> {
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

    fn zip(&self, file: File) -> Result<()> {
        let mut archive = zip::ZipArchive::new(file).map_err(|e| self.corrupt(e))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| self.corrupt(e))?;
            let name = entry.name().to_string();
            let kind = if entry.is_dir() {
                Kind::Dir
            } else if entry.is_symlink() {
                let mut target = String::new();
                entry
                    .read_to_string(&mut target)
                    .map_err(|e| self.corrupt(e))?;
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

    fn write(&self, name: &str, kind: Kind, body: &mut impl Read) -> Result<()> {
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
                io::copy(body, &mut out).map_err(|e| {
                    if e.kind() == io::ErrorKind::UnexpectedEof
                        || e.kind() == io::ErrorKind::InvalidData
                        || e.kind() == io::ErrorKind::InvalidInput
                    {
                        self.corrupt(e)
                    } else {
                        io_err(e)
                    }
                })?;
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
