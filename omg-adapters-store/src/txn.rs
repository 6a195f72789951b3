//! Reading encoded values, and durable write transactions.

use std::borrow::Borrow;
use std::path::Path;

use omg_ports::Result;
use redb::{
    Database, Durability, Key, ReadTransaction, ReadableDatabase, TableDefinition, TableError,
    TableHandle, WriteTransaction,
};
use tracing::{info, warn};

use crate::codec::{self, DecodeError};
use crate::error::storage;

/// What a table holds for a key.
pub(crate) enum Stored<T> {
    /// A value that decoded.
    Value(T),
    /// Nothing.
    Absent,
    /// A value that did not decode (already logged): to be treated as absent.
    Unreadable,
}

impl<T> Stored<T> {
    /// The value, when there is a readable one.
    pub(crate) fn into_option(self) -> Option<T> {
        match self {
            Stored::Value(value) => Some(value),
            Stored::Absent | Stored::Unreadable => None,
        }
    }
}

/// Begins a read transaction on `db`.
pub(crate) fn begin_read(db: &Database, path: &Path, doing: &str) -> Result<ReadTransaction> {
    db.begin_read().map_err(|e| storage(path, doing, e))
}

/// The value of `key` in `table`, decoded. A value that does not decode is logged (as
/// `backend`'s) and reported as [`Stored::Unreadable`], not as an error.
pub(crate) fn read_value<'k, K: Key + 'static, T: bitcode::DecodeOwned>(
    txn: &ReadTransaction,
    path: &Path,
    table: TableDefinition<'static, K, &'static [u8]>,
    key: impl Borrow<K::SelfType<'k>>,
    backend: &str,
) -> Result<Stored<T>> {
    let doing = "reading it";
    let name = table.name();
    let opened = match txn.open_table(table) {
        Ok(opened) => opened,
        Err(TableError::TableDoesNotExist(_)) => return Ok(Stored::Absent),
        Err(e) => return Err(storage(path, doing, e)),
    };
    let Some(guard) = opened.get(key).map_err(|e| storage(path, doing, e))? else {
        return Ok(Stored::Absent);
    };
    match codec::decode(guard.value()) {
        Ok(value) => Ok(Stored::Value(value)),
        Err(e @ DecodeError::Version(_)) => {
            info!(table = name, backend, "ignoring saved state: {e}");
            Ok(Stored::Unreadable)
        }
        Err(e) => {
            warn!(table = name, backend, "ignoring damaged saved state: {e}");
            Ok(Stored::Unreadable)
        }
    }
}

/// Runs `write` in one write transaction committed durably: after `Ok`, a crash at any
/// moment keeps all it wrote, and before it, none.
pub(crate) fn write_durably(
    db: &Database,
    path: &Path,
    doing: &str,
    write: impl FnOnce(&WriteTransaction) -> std::result::Result<(), redb::Error>,
) -> Result<()> {
    let mut txn = db.begin_write().map_err(|e| storage(path, doing, e))?;
    txn.set_durability(Durability::Immediate)
        .map_err(|e| storage(path, doing, e))?;
    write(&txn).map_err(|e| storage(path, doing, e))?;
    txn.commit().map_err(|e| storage(path, doing, e))
}
