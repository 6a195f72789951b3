//! Files that are not, or no longer, good databases; values that do not decode.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};

use common::{apt, fingerprint, packages, status, temp};
use omg_adapters_store::{RedbStore, FORMAT_VERSION};
use omg_ports::{Error, Result, Store};
use redb::{ReadableDatabase, TableDefinition};

const STATUS: TableDefinition<&str, &[u8]> = TableDefinition::new("status");
const INDEX_CHUNKS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("index_chunks");

fn key() -> String {
    serde_json::to_string(&apt()).expect("json")
}

/// Asserts `result` is `Error::Storage` naming `path`, and returns its message.
fn storage_error<T: std::fmt::Debug>(result: Result<T>, path: &Path) -> String {
    match result {
        Err(e @ Error::Storage { .. }) => {
            let message = e.to_string();
            assert!(message.contains(&path.display().to_string()), "{message}");
            message
        }
        other => panic!("expected a storage error, got {other:?}"),
    }
}

/// A database holding an index and a status, closed cleanly; returns its path.
async fn a_database(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("good.redb");
    let store = RedbStore::open(&path)?;
    for generation in 0..4 {
        let index = packages(3_000, generation);
        store
            .save_index(&apt(), &fingerprint(generation), &index)
            .await?;
    }
    store.save_status(&apt(), &status(3_000, 3)).await?;
    Ok(path)
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = temp();
    let path = dir.path().join("state.redb");
    std::fs::write(
        &path,
        "this is not a redb file, it is some text ".repeat(200),
    )
    .expect("write");
    let message = storage_error(RedbStore::open(&path), &path);
    assert!(
        message.contains("not a redb database or it is damaged"),
        "{message}"
    );
    assert!(message.contains("remove the file"), "{message}");
}

#[test]
fn a_short_garbage_file_is_refused() {
    let dir = temp();
    let path = dir.path().join("state.redb");
    std::fs::write(&path, b"junk").expect("write");
    storage_error(RedbStore::open(&path), &path);
}

#[test]
fn a_directory_at_the_path_is_refused() {
    let dir = temp();
    let path = dir.path().join("state.redb");
    std::fs::create_dir(&path).expect("mkdir");
    let e = RedbStore::open(&path).expect_err("a directory is no database");
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
}

#[test]
fn a_second_open_is_refused_while_the_first_is_open() -> Result<()> {
    let dir = temp();
    let path = dir.path().join("state.redb");
    let _first = RedbStore::open(&path)?;
    let message = storage_error(RedbStore::open(&path), &path);
    assert!(message.contains("in use by another process"), "{message}");
    assert!(
        message.contains("try again when it has finished"),
        "{message}"
    );
    Ok(())
}

/// Opens the damaged file at `path`: either it opens and answers loads (with data, `None`
/// or a storage error), or it is refused with a storage error naming it. Returns whether it
/// opened. A panic anywhere fails the test.
async fn opens_or_is_refused(path: &Path) -> bool {
    match RedbStore::open(path) {
        Ok(store) => {
            for result in [
                store.load_index(&apt(), &fingerprint(3)).await.map(|_| ()),
                store.load_status(&apt()).await.map(|_| ()),
            ] {
                if let Err(e) = result {
                    storage_error::<()>(Err(e), path);
                }
            }
            true
        }
        Err(e) => {
            storage_error::<()>(Err(e), path);
            false
        }
    }
}

/// Cut at any length, a database opens (repaired, or empty) or is refused.
#[tokio::test]
async fn a_truncated_database_opens_or_is_refused() -> Result<()> {
    let dir = temp();
    let bytes = std::fs::read(a_database(dir.path()).await?).expect("read");
    let full = bytes.len();
    let cuts = [
        1,
        9,
        100,
        511,
        4096,
        8192,
        full / 4,
        full / 2,
        full - 4096,
        full - 1,
    ];
    let mut opened = 0;
    for cut in cuts {
        let path = dir.path().join(format!("cut-{cut}.redb"));
        std::fs::write(&path, &bytes[..cut]).expect("write");
        opened += usize::from(opens_or_is_refused(&path).await);
    }
    eprintln!(
        "truncated {full}-byte database: {opened} of {} cuts opened",
        cuts.len()
    );
    Ok(())
}

/// Bytes overwritten anywhere: the integrity check on open repairs or refuses the file.
#[tokio::test]
async fn a_scribbled_database_opens_or_is_refused() -> Result<()> {
    let dir = temp();
    let bytes = std::fs::read(a_database(dir.path()).await?).expect("read");
    let mut opened = 0;
    let places: Vec<usize> = (0..bytes.len()).step_by(bytes.len() / 13).collect();
    for &at in &places {
        let path = dir.path().join(format!("scribbled-{at}.redb"));
        let mut damaged = bytes.clone();
        let end = (at + 64).min(damaged.len());
        damaged[at..end].fill(0xA5);
        std::fs::write(&path, &damaged).expect("write");
        opened += usize::from(opens_or_is_refused(&path).await);
    }
    eprintln!(
        "scribbled database: {opened} of {} places opened",
        places.len()
    );
    Ok(())
}

/// A database holding an apt index of `count` packages at generation 1, closed.
async fn with_index(dir: &Path, count: usize) -> Result<PathBuf> {
    let path = dir.join("state.redb");
    let store = RedbStore::open(&path)?;
    store
        .save_index(&apt(), &fingerprint(1), &packages(count, 1))
        .await?;
    Ok(path)
}

/// Runs `change` in a write transaction on the closed database at `path`.
fn change_raw(path: &Path, change: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).expect("open");
    let txn = db.begin_write().expect("write");
    change(&txn);
    txn.commit().expect("commit");
}

/// Writes `value` as the apt status of the closed database at `path`.
fn put_raw_status(path: &Path, value: &[u8]) {
    change_raw(path, |txn| {
        let mut table = txn.open_table(STATUS).expect("table");
        table.insert(key().as_str(), value).expect("insert");
    });
}

/// How many chunks the apt index has in the closed database at `path`.
fn chunks_raw(path: &Path) -> usize {
    let db = redb::Database::open(path).expect("open");
    let txn = db.begin_read().expect("read");
    let table = txn.open_table(INDEX_CHUNKS).expect("table");
    let key = key();
    let range = table
        .range((key.as_str(), 0)..=(key.as_str(), u32::MAX))
        .expect("range");
    range.count()
}

#[tokio::test]
async fn values_of_another_format_are_absent_until_overwritten() -> Result<()> {
    let dir = temp();
    let path = dir.path().join("state.redb");
    drop(RedbStore::open(&path)?);
    put_raw_status(&path, &[FORMAT_VERSION + 1, 1, 2, 3]);

    let store = RedbStore::open(&path)?;
    assert_eq!(store.load_status(&apt()).await?, None);
    store.save_status(&apt(), &status(5, 5)).await?;
    assert_eq!(store.load_status(&apt()).await?, Some(status(5, 5)));
    Ok(())
}

#[tokio::test]
async fn values_that_do_not_decode_are_absent_until_overwritten() -> Result<()> {
    let dir = temp();
    let path = with_index(dir.path(), 3_000).await?;
    change_raw(&path, |txn| {
        let mut table = txn.open_table(INDEX_CHUNKS).expect("table");
        let garbage: &[u8] = &[FORMAT_VERSION, 0xff, 0xff, 0xff, 0xff];
        table.insert((key().as_str(), 1), garbage).expect("insert");
    });
    put_raw_status(&path, &[]);

    let store = RedbStore::open(&path)?;
    assert_eq!(store.load_index(&apt(), &fingerprint(1)).await?, None);
    assert_eq!(store.load_status(&apt()).await?, None);
    store
        .save_index(&apt(), &fingerprint(1), &packages(3_000, 1))
        .await?;
    assert_eq!(
        store.load_index(&apt(), &fingerprint(1)).await?,
        Some(packages(3_000, 1))
    );
    Ok(())
}

#[tokio::test]
async fn an_index_missing_a_chunk_is_absent() -> Result<()> {
    let dir = temp();
    let path = with_index(dir.path(), 3_000).await?;
    assert_eq!(chunks_raw(&path), 3);
    change_raw(&path, |txn| {
        let mut table = txn.open_table(INDEX_CHUNKS).expect("table");
        table.remove((key().as_str(), 2)).expect("remove");
    });
    let store = RedbStore::open(&path)?;
    assert_eq!(store.load_index(&apt(), &fingerprint(1)).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_shorter_index_leaves_no_stale_chunks() -> Result<()> {
    let dir = temp();
    let path = with_index(dir.path(), 5_000).await?;
    assert_eq!(chunks_raw(&path), 5);
    {
        let store = RedbStore::open(&path)?;
        store
            .save_index(&apt(), &fingerprint(2), &packages(100, 2))
            .await?;
        assert_eq!(
            store.load_index(&apt(), &fingerprint(2)).await?,
            Some(packages(100, 2))
        );
    }
    assert_eq!(chunks_raw(&path), 1);
    Ok(())
}
