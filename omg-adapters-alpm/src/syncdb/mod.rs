//! A streaming reader of sync databases, for the package index.
//!
//! libalpm loads a sync database by parsing every field of every package; the index needs
//! four. [`read`] decompresses the file once (gzip, zstd, xz or plain tar, told by its magic
//! bytes), walks the tar entries `name-version/desc` and keeps each package's name, version,
//! first description line and architecture, in libalpm's order (sorted by name).
//!
//! It mirrors libalpm's reading so that both agree on what a database holds and on whether
//! it is damaged: an entry directory must split like `_alpm_splitname` (the last two `-`
//! start the version) and pass `_alpm_pkg_check_meta`; `%NAME%` and `%VERSION%` must agree
//! with it; a missing `%NAME%` takes the directory's; `desc` files are read line by line with
//! libalpm's rules (see `desc`); `files` and other entries are skipped unread. Problems are
//! reported with libalpm's messages, and judged by [`crate::health`]. Text that is not UTF-8
//! in a kept field is damage too (the `alpm` crate cannot represent it).
//!
//! The file is streamed (never read whole), and the read is bounded (see `limits`): sizes as
//! headers claim them, the unpacked total, packages, index text and decoder memory. Past a
//! bound the database is corrupt, the reason naming the bound.

mod desc;
mod format;
mod index;
mod limits;
mod names;
mod reader;
mod tar;

#[cfg(test)]
mod tests;

use std::io::{BufReader, Read};
use std::path::Path;

use omg_ports::Result;

pub(crate) use index::{IndexEntry, SyncIndex};
pub(crate) use limits::{Exceeded, Limits};

use crate::health;
use format::Format;

/// A sync database file, read.
#[derive(Debug)]
pub(crate) enum Loaded {
    /// Read and sound.
    Index(SyncIndex),
    /// Sound so far but stored in a compression the reader does not handle (libalpm reads
    /// those): `len` is the file's size.
    Unsupported {
        /// Bytes in the file.
        len: u64,
    },
}

/// Bytes of the file buffered ahead of the decompressor.
const FILE_BUFFER: usize = 256 * 1024;

/// Reads `path`, the database of repository `repo`, checked by the rules of
/// [`crate::health`] within [`Limits::DEFAULT`]: a missing, empty, unrecognised, damaged or
/// oversized file, or one that is not a regular file, is an error.
pub(crate) fn read(path: &Path, repo: &str) -> Result<Loaded> {
    let limits = Limits::DEFAULT;
    let opened = health::open_checked(path)?;
    let len = opened.len;
    let too_large = |e: Exceeded| health::corrupt(path, &e.to_string());
    if len > limits.file {
        return Err(too_large(Exceeded::File {
            size: len,
            limit: limits.file,
        }));
    }
    let Some(format) = Format::detect(&opened.head) else {
        return Ok(Loaded::Unsupported { len });
    };
    // Bounded again as it is read, should the file grow meanwhile.
    let input = BufReader::with_capacity(FILE_BUFFER, opened.file.take(limits.file));
    let (index, errors) =
        reader::read(format, input, path, repo, len, limits).map_err(too_large)?;
    health::judge_loaded(path, repo, len, index.len(), &errors)?;
    tracing::debug!(
        repository = repo,
        packages = index.len(),
        "read sync database"
    );
    Ok(Loaded::Index(index))
}

/// Reads `bytes`, a whole database file, within `limits`: `None` for a compression the reader
/// does not handle. For the fuzz targets and tests.
pub(crate) fn read_bytes(
    bytes: &[u8],
    repo: &str,
    limits: Limits,
) -> Option<std::result::Result<reader::Outcome, Exceeded>> {
    let format = Format::detect(bytes)?;
    let path = Path::new("fuzz.db");
    Some(reader::read(
        format,
        bytes,
        path,
        repo,
        bytes.len() as u64,
        limits,
    ))
}

/// Parses `content` as the `desc` file of package `pkg-1.0-1`. For the fuzz targets.
pub(crate) fn parse_desc(content: &[u8]) -> crate::fuzzing::DescOutcome<'_> {
    let mut problems = Vec::new();
    let d = desc::parse(content, b"pkg", b"1.0-1", &mut problems);
    crate::fuzzing::DescOutcome {
        desc: d.desc,
        arch: d.arch,
        provides: d.provides,
        problems: problems.len(),
    }
}
