//! Opening the database file: its directory, its permissions, redb's checks and repair.

use std::fs::{DirBuilder, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use omg_ports::{Error, Result};
use redb::{Builder, Database, RepairSession};
use tracing::debug;

use crate::error::{open_failed, storage};
use crate::tables::{INDEX_CHUNKS, INDEX_HEADER, STATUS};
use crate::txn::write_durably;

/// Most of the database the page cache may hold: an index of 60,000 packages is about 5 MB,
/// read once at start and written after a rebuild; a larger cache only keeps omgd's resident
/// size up (16 MiB cost ~20 MiB of RSS after a save on a 63,682-package host).
const CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Opens (creating it if absent) the database at `path`, with its tables.
pub(crate) fn open_database(path: &Path) -> Result<Database> {
    create_parent(path)?;
    create_private_file(path)?;
    let db = open_checked(path)?;
    create_tables(&db, path)?;
    Ok(db)
}

/// Opens the existing database at `path` to read a small value, without redb's whole-file
/// integrity check (which reads every page: tens of milliseconds for a feed cache holding the
/// Debian tracker's JSON). A file left by a crash is still repaired by redb on open.
pub(crate) fn open_unchecked(path: &Path) -> Result<Database> {
    let mut builder = Builder::new();
    builder.set_cache_size(CACHE_BYTES);
    match catch_unwind(AssertUnwindSafe(|| builder.open(path))) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(open_failed(path, e)),
        Err(_) => Err(storage(
            path,
            "reading it",
            "redb stopped on damaged data (it panicked)",
        )),
    }
}

/// Creates the directory of `path`, private (0700), when it does not exist.
fn create_parent(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(parent)
        .map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })
}

/// Creates `path` empty and readable by its owner only (0600) when it does not exist; redb
/// initialises an empty file as a new database.
fn create_private_file(path: &Path) -> Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {
            debug!(path = %path.display(), "created a new state database");
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Opens `path` with redb's integrity check, which refuses a file damaged outside redb
/// (`StorageError::Corrupted`) where a plain open would trust it, and repairs a file left by
/// a crash. It reads the whole file: about 20 ms for an index of 63,000 packages. redb's debug builds panic on some kinds of damage: a panic is reported as the
/// file being damaged too.
fn open_checked(path: &Path) -> Result<Database> {
    let mut builder = Builder::new();
    builder
        .set_cache_size(CACHE_BYTES)
        .set_check_integrity_on_open(true)
        // Called on every open with the check, crash or not: there is nothing to warn about.
        .set_repair_callback(|session: &mut RepairSession| {
            debug!(progress = session.progress(), "checking the state database");
        });
    match catch_unwind(AssertUnwindSafe(|| builder.create(path))) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(open_failed(path, e)),
        Err(_) => Err(storage(
            path,
            "reading it",
            "redb stopped on damaged data (it panicked)",
        )),
    }
}

/// Opens every table once so that reads find them, and so that a redb file of some other
/// program, with tables of other types under these names, is refused now.
fn create_tables(db: &Database, path: &Path) -> Result<()> {
    write_durably(db, path, "creating its tables", |txn| {
        txn.open_table(INDEX_HEADER)?;
        txn.open_table(INDEX_CHUNKS)?;
        txn.open_table(STATUS)?;
        Ok(())
    })
}
