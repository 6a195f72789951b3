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

/// Like [`open_database`], for a file that is only a cache: when it is damaged (not a redb
/// database, corrupted, written by an incompatible redb, or holding tables of other types),
/// it is renamed to `<path>.damaged` and a new, empty database takes its place. Returns the
/// database and, when one was moved aside, where to. A file in use by another process is
/// still an error, and so is a path that is not a regular file (or a symbolic link to one).
pub(crate) fn open_database_replacing_damaged(
    path: &Path,
) -> Result<(Database, Option<std::path::PathBuf>)> {
    refuse_odd_file(path)?;
    create_parent(path)?;
    create_private_file(path)?;
    let damage = match raw_open_checked(path) {
        Ok(db) => match create_tables(&db, path) {
            Ok(()) => return Ok((db, None)),
            Err(e) => e.to_string(),
        },
        Err(Raw::Redb(e)) if !is_damage(&e) => return Err(open_failed(path, e)),
        Err(Raw::Redb(e)) => e.to_string(),
        Err(Raw::Panicked) => "redb stopped on damaged data (it panicked)".to_string(),
    };
    let mut aside = path.as_os_str().to_owned();
    aside.push(".damaged");
    let aside = std::path::PathBuf::from(aside);
    std::fs::rename(path, &aside).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    tracing::warn!(
        path = %path.display(),
        moved_to = %aside.display(),
        %damage,
        "the state file was damaged; moved it aside and starting a new one"
    );
    Ok((open_database(path)?, Some(aside)))
}

/// Refuses a path that exists but is not a regular file or a symbolic link to one (a dangling
/// link, a directory, a device): opening it would create a file somewhere unexpected, or read
/// something that is no database.
fn refuse_odd_file(path: &Path) -> Result<()> {
    let odd = |what: &str| Error::Storage {
        path: path.to_path_buf(),
        reason: format!("{what}; remove it, or give another state file"),
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::metadata(path) {
            Ok(target) if target.is_file() => Ok(()),
            Ok(_) => Err(odd("it is a symbolic link to something that is not a file")),
            Err(_) => Err(odd("it is a symbolic link to nothing (a dangling link)")),
        },
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(odd("it is not a regular file")),
    }
}

/// Why a raw open failed.
enum Raw {
    Redb(redb::DatabaseError),
    Panicked,
}

/// True for the failures that mean the file's contents are bad, not that it is busy or
/// unreadable.
fn is_damage(e: &redb::DatabaseError) -> bool {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            false
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(io)) => {
            matches!(io.kind(), ErrorKind::UnexpectedEof | ErrorKind::InvalidData)
        }
        _ => true,
    }
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
    raw_open_checked(path).map_err(|e| match e {
        Raw::Redb(e) => open_failed(path, e),
        Raw::Panicked => storage(
            path,
            "reading it",
            "redb stopped on damaged data (it panicked)",
        ),
    })
}

/// [`open_checked`] without the translation of its failures.
fn raw_open_checked(path: &Path) -> std::result::Result<Database, Raw> {
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
        Ok(Err(e)) => Err(Raw::Redb(e)),
        Err(_) => Err(Raw::Panicked),
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
