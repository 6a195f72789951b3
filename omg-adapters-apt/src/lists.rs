//! Descriptions and provided names for the index, streamed from apt's list files.
//!
//! libapt reads a description through a per-package record lookup, which on a compressed
//! list seeks by decompressing again: minutes for a whole archive. The index instead reads
//! every list file once, front to back, and keeps the summary line and the `Provides` of
//! each `(package, version, architecture)`. Which files to read comes from libapt (the package
//! files of the open cache), never from a hard-coded path.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};
use rustc_hash::FxHashMap;

use crate::deb822::Paragraphs;

/// Buffer size for reading list files: large reads keep the decompressors busy.
const BUFFER: usize = 256 * 1024;

/// What a list file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// A repository's `Packages` index.
    Packages,
    /// dpkg's `status` database.
    Status,
    /// A `Translation-*` index: descriptions by `Description-md5`.
    Translation,
}

/// One file libapt built its cache from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListFile {
    /// Where it is.
    pub(crate) path: PathBuf,
    /// What it holds.
    pub(crate) kind: ListKind,
}

/// How a list file is compressed, from its name, as apt names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Lz4,
    Gzip,
    Xz,
    Zstd,
    /// A compression this crate does not read (`.bz2`, `.lzma`).
    Unsupported,
}

fn compression(path: &Path) -> Compression {
    match path.extension().and_then(|e| e.to_str()) {
        Some("lz4") => Compression::Lz4,
        Some("gz") => Compression::Gzip,
        Some("xz") => Compression::Xz,
        Some("zst") => Compression::Zstd,
        Some("bz2" | "lzma") => Compression::Unsupported,
        _ => Compression::None,
    }
}

/// Opens `path` for reading, decompressing by its extension (`.lz4` frames, `.gz`, `.xz`,
/// `.zst`, or plain text). `Ok(None)` for a compression this crate does not read.
pub(crate) fn open(path: &Path) -> Result<Option<Box<dyn BufRead + Send>>> {
    let kind = compression(path);
    if kind == Compression::Unsupported {
        return Ok(None);
    }
    let file = File::open(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => Error::MissingDatabase {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let raw: Box<dyn Read + Send> = match kind {
        Compression::None | Compression::Unsupported => Box::new(file),
        // The decoder buffers whole blocks itself: read them where they are.
        Compression::Lz4 => {
            return Ok(Some(Box::new(lz4_flex::frame::FrameDecoder::new(
                BufReader::with_capacity(BUFFER, file),
            ))))
        }
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            BUFFER, file,
        ))),
        Compression::Xz => Box::new(xz2::read::XzDecoder::new_multi_decoder(
            BufReader::with_capacity(BUFFER, file),
        )),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::new(file).map_err(|e| corrupt(path, &e))?)
        }
    };
    Ok(Some(Box::new(BufReader::with_capacity(BUFFER, raw))))
}

fn corrupt(path: &Path, error: &io::Error) -> Error {
    Error::CorruptDatabase {
        path: path.to_path_buf(),
        reason: format!("reading or decompressing it failed: {error}"),
    }
}

fn read_error(path: &Path, error: io::Error) -> Error {
    if compression(path) == Compression::None
        && !matches!(
            error.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    {
        Error::Io {
            path: path.to_path_buf(),
            source: error,
        }
    } else {
        corrupt(path, &error)
    }
}

/// Summary lines of every package version found in a set of list files.
#[derive(Debug, Default)]
pub(crate) struct Descriptions {
    /// `name version arch` -> summary line.
    by_version: FxHashMap<String, String>,
    /// `name version arch` -> `Description-md5`, for paragraphs without a description.
    md5_by_version: FxHashMap<String, String>,
    /// `Description-md5` -> summary line, from the `Translation-*` files.
    by_md5: FxHashMap<String, String>,
    /// `name version arch` -> the `Provides` field, for the versions that have one.
    provides_by_version: FxHashMap<String, String>,
}

/// The names in a `Provides` field (`mail-transport-agent, libfoo1 (= 1.2)`), without
/// version constraints, each once.
pub(crate) fn provided_names(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in field.split(',') {
        let name = omg_ports::PackageSummary::provided_name(item);
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// The key of one package version: its fields cannot contain spaces.
pub(crate) fn version_key(out: &mut String, name: &str, version: &str, arch: &str) {
    out.clear();
    out.push_str(name);
    out.push(' ');
    out.push_str(version);
    out.push(' ');
    out.push_str(arch);
}

impl Descriptions {
    /// The summary line of `name` at `version` for `arch`, when a list file had it, taken
    /// out: a version's own line is moved, not copied (each version is asked for once); a
    /// translated line, which versions share, is copied.
    pub(crate) fn take_summary(
        &mut self,
        key: &mut String,
        name: &str,
        version: &str,
        arch: &str,
    ) -> Option<String> {
        version_key(key, name, version, arch);
        if let Some(summary) = self.by_version.remove(key.as_str()) {
            return Some(summary);
        }
        let md5 = self.md5_by_version.get(key.as_str())?;
        self.by_md5.get(md5).cloned()
    }

    /// The names `name` at `version` for `arch` provides, when a list file had it.
    pub(crate) fn provides(
        &self,
        key: &mut String,
        name: &str,
        version: &str,
        arch: &str,
    ) -> Vec<String> {
        version_key(key, name, version, arch);
        self.provides_by_version
            .get(key.as_str())
            .map(|field| provided_names(field))
            .unwrap_or_default()
    }

    /// How many package versions have a description.
    pub(crate) fn len(&self) -> usize {
        self.by_version.len() + self.md5_by_version.len()
    }
}

/// Reads `files` once each, in order; the first description (and `Provides`) of a version
/// wins.
///
/// A file that fails to decompress is [`Error::CorruptDatabase`] naming it; a file in a
/// compression this crate does not read is skipped with a warning (its packages keep an
/// empty description).
pub(crate) fn read_descriptions(files: &[ListFile]) -> Result<Descriptions> {
    let mut out = Descriptions::default();
    for file in files {
        let started = std::time::Instant::now();
        let Some(reader) = open(&file.path)? else {
            tracing::warn!(path = %file.path.display(), "skipping a list file in an unsupported compression");
            continue;
        };
        let read = match file.kind {
            ListKind::Packages | ListKind::Status => read_packages(reader, &mut out),
            ListKind::Translation => read_translation(reader, &mut out),
        };
        let paragraphs = read.map_err(|e| read_error(&file.path, e))?;
        tracing::debug!(
            path = %file.path.display(),
            paragraphs,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "read list file"
        );
    }
    Ok(out)
}

const PACKAGE: usize = 0;
const VERSION: usize = 1;
const ARCHITECTURE: usize = 2;
const DESCRIPTION: usize = 3;
const DESCRIPTION_MD5: usize = 4;
const PROVIDES: usize = 5;

fn packages_field(name: &[u8]) -> Option<usize> {
    // Cheap first-byte dispatch: most fields of a Packages paragraph are not wanted.
    match name.first()?.to_ascii_lowercase() {
        b'p' if name.eq_ignore_ascii_case(b"Package") => Some(PACKAGE),
        b'v' if name.eq_ignore_ascii_case(b"Version") => Some(VERSION),
        b'a' if name.eq_ignore_ascii_case(b"Architecture") => Some(ARCHITECTURE),
        b'd' if name.eq_ignore_ascii_case(b"Description") => Some(DESCRIPTION),
        b'd' if name.eq_ignore_ascii_case(b"Description-md5") => Some(DESCRIPTION_MD5),
        b'p' if name.eq_ignore_ascii_case(b"Provides") => Some(PROVIDES),
        _ => None,
    }
}

fn read_packages(reader: Box<dyn BufRead + Send>, out: &mut Descriptions) -> io::Result<usize> {
    let mut paragraphs = Paragraphs::new(reader, 6, packages_field);
    let mut key = String::new();
    let mut count = 0;
    while let Some(p) = paragraphs.next_paragraph()? {
        count += 1;
        let (Some(name), Some(version)) = (p.get(PACKAGE), p.get(VERSION)) else {
            continue;
        };
        version_key(
            &mut key,
            name,
            version,
            p.get(ARCHITECTURE).unwrap_or("all"),
        );
        match (p.get(DESCRIPTION), p.get(DESCRIPTION_MD5)) {
            (Some(summary), _) => {
                if !out.by_version.contains_key(key.as_str()) {
                    out.by_version.insert(key.clone(), summary.to_owned());
                }
            }
            (None, Some(md5)) => {
                if !out.md5_by_version.contains_key(key.as_str()) {
                    out.md5_by_version.insert(key.clone(), md5.to_owned());
                }
            }
            (None, None) => {}
        }
        if let Some(provides) = p.get(PROVIDES) {
            if !out.provides_by_version.contains_key(key.as_str()) {
                out.provides_by_version
                    .insert(key.clone(), provides.to_owned());
            }
        }
    }
    Ok(count)
}

const T_MD5: usize = 0;
const T_DESCRIPTION: usize = 1;

fn translation_field(name: &[u8]) -> Option<usize> {
    const PREFIX: &[u8] = b"Description-";
    if name.eq_ignore_ascii_case(b"Description-md5") {
        Some(T_MD5)
    } else if name.len() > PREFIX.len()
        && name
            .get(..PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
    {
        Some(T_DESCRIPTION)
    } else {
        None
    }
}

fn read_translation(reader: Box<dyn BufRead + Send>, out: &mut Descriptions) -> io::Result<usize> {
    let mut paragraphs = Paragraphs::new(reader, 2, translation_field);
    let mut count = 0;
    while let Some(p) = paragraphs.next_paragraph()? {
        count += 1;
        if let (Some(md5), Some(summary)) = (p.get(T_MD5), p.get(T_DESCRIPTION)) {
            if !out.by_md5.contains_key(md5) {
                out.by_md5.insert(md5.to_owned(), summary.to_owned());
            }
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PACKAGES: &str = "Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nProvides: greeting, libhello1 (= 2.10-3), greeting\nDescription: example package\n long\n\n\
                            Package: tr\nVersion: 1\nArchitecture: all\nDescription-md5: abc\n\n";
    const TRANSLATION: &str =
        "Package: tr\nDescription-md5: abc\nDescription-en: translated summary\n more\n\n";

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        let mut f = File::create(&path).unwrap();
        f.write_all(bytes).unwrap();
        path
    }

    fn lz4(text: &str) -> Vec<u8> {
        let mut enc = lz4_flex::frame::FrameEncoder::new(Vec::new());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn reads_every_compression_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(PACKAGES.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let xz = {
            let mut e = xz2::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(PACKAGES.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::encode_all(PACKAGES.as_bytes(), 1).unwrap();
        for (name, bytes) in [
            ("a_Packages", PACKAGES.as_bytes().to_vec()),
            ("a_Packages.lz4", lz4(PACKAGES)),
            ("a_Packages.gz", gz),
            ("a_Packages.xz", xz),
            ("a_Packages.zst", zst),
        ] {
            let path = write(dir.path(), name, &bytes);
            let mut d = read_descriptions(&[ListFile {
                path,
                kind: ListKind::Packages,
            }])
            .unwrap();
            let mut key = String::new();
            assert_eq!(
                d.take_summary(&mut key, "hello", "2.10-3", "amd64")
                    .as_deref(),
                Some("example package"),
                "{name}"
            );
            assert_eq!(d.take_summary(&mut key, "hello", "2.10-2", "amd64"), None);
            assert_eq!(
                d.provides(&mut key, "hello", "2.10-3", "amd64"),
                ["greeting", "libhello1"],
                "{name}"
            );
            assert!(d.provides(&mut key, "tr", "1", "all").is_empty());
        }
    }

    #[test]
    fn translations_fill_missing_descriptions() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ListFile {
                path: write(dir.path(), "x_Packages", PACKAGES.as_bytes()),
                kind: ListKind::Packages,
            },
            ListFile {
                path: write(dir.path(), "x_i18n_Translation-en", TRANSLATION.as_bytes()),
                kind: ListKind::Translation,
            },
        ];
        let mut d = read_descriptions(&files).unwrap();
        assert_eq!(d.len(), 2);
        let mut key = String::new();
        for _ in 0..2 {
            assert_eq!(
                d.take_summary(&mut key, "tr", "1", "all").as_deref(),
                Some("translated summary")
            );
        }
    }

    #[test]
    fn truncated_lz4_is_a_corrupt_database_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let big: String = (0..2000)
            .map(|i| format!("Package: p{i}\nVersion: {i}\nDescription: number {i}\n\n"))
            .collect();
        let bytes = lz4(&big);
        let path = write(dir.path(), "t_Packages.lz4", &bytes[..bytes.len() / 2]);
        let err = read_descriptions(&[ListFile {
            path: path.clone(),
            kind: ListKind::Packages,
        }])
        .unwrap_err();
        match &err {
            Error::CorruptDatabase { path: p, .. } => assert_eq!(p, &path),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("t_Packages.lz4"), "{err}");
    }

    #[test]
    fn a_missing_file_is_a_missing_database() {
        let err = read_descriptions(&[ListFile {
            path: PathBuf::from("/nonexistent/omg/x_Packages"),
            kind: ListKind::Packages,
        }])
        .unwrap_err();
        assert!(matches!(err, Error::MissingDatabase { .. }), "{err:?}");
    }
}
