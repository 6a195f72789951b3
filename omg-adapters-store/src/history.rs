//! [`RedbHistory`]: the [`TransactionLog`] port over its own small redb file.
//!
//! The history is written by the process that changes the system (root, usually through
//! sudo) and read by every user, so it is a file of its own, world-readable (0644 in a 0755
//! directory), beside the package databases rather than in a user's state directory.
//! Values are JSON: a history outlives the binary that wrote it, and stays readable by
//! newer versions.

use std::fmt;
use std::fs::{DirBuilder, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{Error, HistoryEntry, Result, TransactionLog};
use redb::{Builder, Database, ReadOnlyDatabase, ReadableDatabase, ReadableTable, TableDefinition};
use tracing::{debug, warn};

use crate::error::{open_failed, storage};
use crate::txn::write_durably;

/// Sequence number -> one [`HistoryEntry`] as JSON.
const HISTORY: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("history");

enum Handle {
    Write(Database),
    Read(ReadOnlyDatabase),
    /// The file does not exist yet: nothing was ever recorded.
    Empty,
}

/// The transaction history in one redb file. Clones share the open file.
#[derive(Clone)]
pub struct RedbHistory {
    db: Arc<Handle>,
    path: Arc<Path>,
}

impl fmt::Debug for RedbHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbHistory")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RedbHistory {
    /// Opens the history at `path` for recording, creating it (0644, its directory 0755)
    /// when absent. Blocks while another process records (redb's file lock).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the directory or file cannot be created (not root?);
    /// [`Error::Storage`] when the file is not a history or is damaged.
    pub fn open(path: &Path) -> Result<RedbHistory> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                DirBuilder::new()
                    .recursive(true)
                    .mode(0o755)
                    .create(parent)
                    .map_err(|source| Error::Io {
                        path: parent.to_path_buf(),
                        source,
                    })?;
            }
        }
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(path)
        {
            Ok(_) => debug!(path = %path.display(), "created the transaction history"),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let db = Builder::new()
            .create(path)
            .map_err(|e| open_failed(path, e))?;
        write_durably(&db, path, "creating its table", |txn| {
            txn.open_table(HISTORY)?;
            Ok(())
        })?;
        Ok(RedbHistory {
            db: Arc::new(Handle::Write(db)),
            path: Arc::from(path),
        })
    }

    /// Opens the history at `path` for reading only (any user may). A missing file is an
    /// empty history.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] when the file is damaged, not a history, or being written.
    pub fn open_read_only(path: &Path) -> Result<RedbHistory> {
        let handle = if path.exists() {
            Handle::Read(
                Builder::new()
                    .open_read_only(path)
                    .map_err(|e| open_failed(path, e))?,
            )
        } else {
            Handle::Empty
        };
        Ok(RedbHistory {
            db: Arc::new(handle),
            path: Arc::from(path),
        })
    }

    /// The history file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn append(&self, entry: &HistoryEntry) -> Result<u64> {
        let path = &self.path;
        let Handle::Write(db) = &*self.db else {
            return Err(storage(path, "recording", "it was opened read-only"));
        };
        let mut id = 0;
        write_durably(db, path, "recording a transaction", |txn| {
            let mut table = txn.open_table(HISTORY)?;
            id = table.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            let mut entry = entry.clone();
            entry.id = id;
            let json = serde_json::to_vec(&entry)
                .map_err(|e| redb::Error::Corrupted(format!("encoding the entry: {e}")))?;
            table.insert(id, json.as_slice())?;
            Ok(())
        })?;
        Ok(id)
    }

    fn read(&self, limit: usize) -> Result<Vec<HistoryEntry>> {
        let path = &self.path;
        let txn = match &*self.db {
            Handle::Write(db) => db.begin_read(),
            Handle::Read(db) => db.begin_read(),
            Handle::Empty => return Ok(Vec::new()),
        }
        .map_err(|e| storage(path, "reading it", e))?;
        let table = match txn.open_table(HISTORY) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(storage(path, "reading it", e)),
        };
        let mut entries = Vec::new();
        let rows = table.iter().map_err(|e| storage(path, "reading it", e))?;
        for row in rows.rev().take(limit) {
            let (key, value) = row.map_err(|e| storage(path, "reading it", e))?;
            match serde_json::from_slice::<HistoryEntry>(value.value()) {
                Ok(entry) => entries.push(entry),
                Err(e) => {
                    warn!(id = key.value(), error = %e, "skipping an unreadable history entry")
                }
            }
        }
        entries.reverse();
        Ok(entries)
    }

    fn get(&self, id: u64) -> Result<Option<HistoryEntry>> {
        let path = &self.path;
        let txn = match &*self.db {
            Handle::Write(db) => db.begin_read(),
            Handle::Read(db) => db.begin_read(),
            Handle::Empty => return Ok(None),
        }
        .map_err(|e| storage(path, "reading it", e))?;
        let table = match txn.open_table(HISTORY) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(storage(path, "reading it", e)),
        };
        let Some(value) = table.get(id).map_err(|e| storage(path, "reading it", e))? else {
            return Ok(None);
        };
        serde_json::from_slice::<HistoryEntry>(value.value())
            .map(Some)
            .map_err(|e| storage(path, &format!("reading entry {id}"), e))
    }
}

#[async_trait]
impl TransactionLog for RedbHistory {
    async fn record(&self, entry: &HistoryEntry) -> Result<u64> {
        let this = self.clone();
        let entry = entry.clone();
        blocking(move || this.append(&entry)).await
    }

    async fn entries(&self, limit: usize) -> Result<Vec<HistoryEntry>> {
        let this = self.clone();
        blocking(move || this.read(limit)).await
    }

    async fn entry(&self, id: u64) -> Result<Option<HistoryEntry>> {
        let this = self.clone();
        blocking(move || this.get(id)).await
    }
}

/// Runs `job` on tokio's blocking pool when inside a runtime, else in place.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => rt.spawn_blocking(job).await.map_err(|e| Error::Storage {
            path: "history".into(),
            reason: format!("the history task failed: {e}"),
        })?,
        Err(_) => job(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::{ActionKind, HistoryResult, PlannedAction};

    fn entry(verb: &str) -> HistoryEntry {
        HistoryEntry {
            id: 0,
            started_at: 1_700_000_000,
            duration_ms: 1200,
            command: format!("omg {verb} foo"),
            verb: verb.into(),
            user: Some("alice".into()),
            actions: vec![PlannedAction {
                kind: ActionKind::Install,
                name: "foo".into(),
                old_version: None,
                new_version: Some("1.0-1".into()),
                repository: Some("core".into()),
                download_size: 10,
                installed_size: 20,
                reason: None,
            }],
            reasons: Vec::new(),
            result: HistoryResult::Success,
        }
    }

    #[tokio::test]
    async fn records_in_order_and_reads_back_read_only() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: "tmp".into(),
            source,
        })?;
        let path = dir.path().join("lib/omg/history.redb");
        {
            let log = RedbHistory::open(&path)?;
            assert_eq!(log.record(&entry("install")).await?, 1);
            assert_eq!(log.record(&entry("remove")).await?, 2);
            assert_eq!(log.record(&entry("upgrade")).await?, 3);
            let last_two = log.entries(2).await?;
            let verbs: Vec<_> = last_two.iter().map(|e| e.verb.as_str()).collect();
            assert_eq!(verbs, ["remove", "upgrade"]);
            let second = log.entry(2).await?.map(|e| (e.id, e.verb));
            assert_eq!(second, Some((2, "remove".to_string())));
            assert_eq!(log.entry(4).await?, None);
        }
        // By id from the read-only file too, and nothing from a missing file.
        let read = RedbHistory::open_read_only(&path)?;
        assert_eq!(read.entry(3).await?.map(|e| e.verb), Some("upgrade".into()));
        let missing = RedbHistory::open_read_only(&dir.path().join("none.redb"))?;
        assert_eq!(missing.entry(1).await?, None);
        let mode = std::fs::metadata(&path).map(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode() & 0o777
        });
        assert_eq!(mode.ok(), Some(0o644));
        let reader = RedbHistory::open_read_only(&path)?;
        let all = reader.entries(100).await?;
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, 1);
        assert_eq!(
            all[0],
            HistoryEntry {
                id: 1,
                ..entry("install")
            }
        );
        assert!(reader.record(&entry("x")).await.is_err());
        Ok(())
    }

    #[tokio::test]
    async fn reason_changes_are_kept_and_older_entries_have_none() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: "tmp".into(),
            source,
        })?;
        let log = RedbHistory::open(&dir.path().join("history.redb"))?;
        let mark = HistoryEntry {
            verb: "mark".into(),
            actions: Vec::new(),
            reasons: vec![omg_ports::ReasonChange {
                name: "foo".into(),
                from: omg_ports::InstallReason::Dependency,
                to: omg_ports::InstallReason::Explicit,
            }],
            ..entry("mark")
        };
        log.record(&mark).await?;
        assert_eq!(log.entries(1).await?, [HistoryEntry { id: 1, ..mark }]);
        // An entry as omg wrote it before it recorded reasons.
        let mut old = serde_json::to_value(entry("install")).expect("JSON");
        old.as_object_mut().expect("object").remove("reasons");
        let back: HistoryEntry = serde_json::from_value(old).expect("an older entry");
        assert!(back.reasons.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_missing_file_is_an_empty_history_and_garbage_is_refused() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: "tmp".into(),
            source,
        })?;
        let missing = dir.path().join("none.redb");
        assert!(RedbHistory::open_read_only(&missing)?
            .entries(10)
            .await?
            .is_empty());
        let garbage = dir.path().join("garbage.redb");
        std::fs::write(&garbage, b"not a database at all, not at all").map_err(|source| {
            Error::Io {
                path: garbage.clone(),
                source,
            }
        })?;
        let err = RedbHistory::open(&garbage).unwrap_err();
        assert!(matches!(err, Error::Storage { .. }), "{err}");
        Ok(())
    }
}
