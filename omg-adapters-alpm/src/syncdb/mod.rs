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

mod desc;
mod format;
mod index;
mod names;
mod reader;
mod tar;

#[cfg(test)]
mod tests;

use std::path::Path;

use omg_ports::Result;

pub(crate) use index::{IndexEntry, SyncIndex};

use crate::health;

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

/// Reads `path`, the database of repository `repo`, checked by the rules of
/// [`crate::health`]: a missing, empty, unrecognised or damaged file is an error.
pub(crate) fn read(path: &Path, repo: &str) -> Result<Loaded> {
    let bytes = health::read_checked(path)?;
    let len = bytes.len() as u64;
    let Some((index, errors)) = reader::read(&bytes, path, repo) else {
        return Ok(Loaded::Unsupported { len });
    };
    health::judge_loaded(path, repo, len, index.len(), &errors)?;
    tracing::debug!(
        repository = repo,
        packages = index.len(),
        "read sync database"
    );
    Ok(Loaded::Index(index))
}
