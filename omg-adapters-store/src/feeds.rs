//! The feed cache: downloaded security feeds, by URL. The metadata (validators, times) and
//! the body live in two tables written in one transaction, so a 304 rewrites only the
//! metadata and a crash never leaves a body without its metadata.

use std::path::Path;

use omg_ports::{CachedFeed, FeedMeta, Result};
use redb::{Database, ReadableTable, TableError};

use crate::codec;
use crate::error::storage;
use crate::tables::{FEED_BODY, FEED_META};
use crate::txn::{begin_read, read_value, write_durably};

/// The cached feed of `url`: its metadata and body, read in one snapshot.
pub(crate) fn load(db: &Database, path: &Path, url: &str) -> Result<Option<CachedFeed>> {
    let doing = "reading a cached feed";
    let txn = begin_read(db, path, doing)?;
    let Some(meta) = read_value::<&str, FeedMeta>(&txn, path, FEED_META, url, url)?.into_option()
    else {
        return Ok(None);
    };
    let table = match txn.open_table(FEED_BODY) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(storage(path, doing, e)),
    };
    let body = table.get(url).map_err(|e| storage(path, doing, e))?;
    Ok(body.map(|b| CachedFeed {
        meta,
        body: b.value().to_vec(),
    }))
}

/// Replace the cached feed of `meta.url`.
pub(crate) fn save(db: &Database, path: &Path, meta: &FeedMeta, body: &[u8]) -> Result<()> {
    let bytes = codec::encode(meta);
    write_durably(db, path, "saving a feed", |txn| {
        txn.open_table(FEED_META)?
            .insert(meta.url.as_str(), bytes.as_slice())?;
        txn.open_table(FEED_BODY)?.insert(meta.url.as_str(), body)?;
        Ok(())
    })
}

/// Replace the metadata of `meta.url`'s cached feed, when a body is cached for it.
pub(crate) fn save_meta(db: &Database, path: &Path, meta: &FeedMeta) -> Result<()> {
    let bytes = codec::encode(meta);
    write_durably(db, path, "saving a feed's metadata", |txn| {
        let has_body = txn.open_table(FEED_BODY)?.get(meta.url.as_str())?.is_some();
        if has_body {
            txn.open_table(FEED_META)?
                .insert(meta.url.as_str(), bytes.as_slice())?;
        }
        Ok(())
    })
}
