//! The AUR's full records (the metadata dump's, with their dependency lists), by source and
//! name, so that omgd answers `omg info` of AUR packages from disk while its memory holds
//! only what a search needs. Each value is the load's generation (8 bytes, little-endian),
//! then the record in [`crate::codec`] bytes: a load overwrites by name, then prunes the
//! names of other generations.

use std::path::Path;

use omg_ports::{AurPackage, Result};
use redb::{Database, ReadableTable, TableError};

use crate::codec;
use crate::error::storage;
use crate::tables::AUR_RECORDS;
use crate::txn::{begin_read, write_durably};

/// Saves `records` of `source` at `generation`, in one transaction.
pub(crate) fn save(
    db: &Database,
    path: &Path,
    source: &str,
    generation: u64,
    records: &[AurPackage],
) -> Result<()> {
    write_durably(db, path, "saving AUR records", |txn| {
        let mut table = txn.open_table(AUR_RECORDS)?;
        for record in records {
            let mut value = generation.to_le_bytes().to_vec();
            value.extend_from_slice(&codec::encode(record));
            table.insert((source, record.name.as_str()), value.as_slice())?;
        }
        Ok(())
    })
}

/// Removes the records of `source` whose generation is not `generation`.
pub(crate) fn prune(db: &Database, path: &Path, source: &str, generation: u64) -> Result<usize> {
    let mut removed = 0usize;
    write_durably(db, path, "pruning AUR records", |txn| {
        let mut table = txn.open_table(AUR_RECORDS)?;
        let mut stale: Vec<String> = Vec::new();
        for entry in table.range((source, "")..)? {
            let (key, value) = entry?;
            let (from, name) = key.value();
            if from != source {
                break;
            }
            if value.value().get(..8) != Some(&generation.to_le_bytes()[..]) {
                stale.push(name.to_string());
            }
        }
        for name in &stale {
            table.remove((source, name.as_str()))?;
        }
        removed = stale.len();
        Ok(())
    })?;
    Ok(removed)
}

/// The records of `source` for `names`, in their order, those that exist and decode.
pub(crate) fn load(
    db: &Database,
    path: &Path,
    source: &str,
    names: &[String],
) -> Result<Vec<AurPackage>> {
    let doing = "reading AUR records";
    let txn = begin_read(db, path, doing)?;
    let table = match txn.open_table(AUR_RECORDS) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(storage(path, doing, e)),
    };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let Some(value) = table
            .get((source, name.as_str()))
            .map_err(|e| storage(path, doing, e))?
        else {
            continue;
        };
        match value.value().get(8..).map(codec::decode::<AurPackage>) {
            Some(Ok(record)) => out.push(record),
            Some(Err(e)) => {
                tracing::warn!(name = %name, error = %e, "an AUR record is unreadable; skipped")
            }
            None => tracing::warn!(name = %name, "an AUR record is truncated; skipped"),
        }
    }
    Ok(out)
}
