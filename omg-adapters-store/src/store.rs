//! [`RedbStore`]: the [`Store`] port over one redb file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    AurPackage, BackendInfo, CachedFeed, FeedMeta, Fingerprint, PackageSummary, Result,
    SecuritySummary, StatusSnapshot, Store,
};
use redb::Database;
use tokio::runtime::{Handle, RuntimeFlavor};
use tracing::debug;

use crate::codec;
use crate::error::storage;
use crate::index::{read_index, write_index, EncodedIndex};
use crate::key::backend_key;
use crate::open::{open_database, open_database_replacing_damaged};
use crate::tables::{SECURITY, STATUS};
use crate::txn::{begin_read, read_value, write_durably};
use crate::{aur, feeds};

/// omg's state in one redb file: per backend configuration, the package index as of a
/// fingerprint and the last status. Cheap to share: clones use the same open database.
///
/// One process at a time may have the file open (redb locks it); a second
/// [`open`](Self::open) fails with [`Error::Storage`](omg_ports::Error::Storage).
#[derive(Clone)]
pub struct RedbStore {
    db: Arc<Database>,
    path: Arc<Path>,
}

impl fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RedbStore {
    /// Opens the state database at `path`, creating it (and its directory, private to the
    /// user) when absent. A file left by a crash is repaired.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](omg_ports::Error::Storage) naming `path` when it is not a redb
    /// database, is damaged, or is open in another process;
    /// [`Error::Io`](omg_ports::Error::Io) when its directory or the file cannot be created.
    ///
    /// Blocking: it reads the whole file to check it (milliseconds for a few megabytes).
    pub fn open(path: &Path) -> Result<RedbStore> {
        let db = open_database(path)?;
        debug!(path = %path.display(), "opened the state database");
        Ok(RedbStore {
            db: Arc::new(db),
            path: Arc::from(path),
        })
    }

    /// Opens the state database at `path` as [`open`](Self::open) does, treating it as the
    /// cache it is: a damaged file (not a redb database, corrupted, of an incompatible
    /// version) is renamed to `<path>.damaged` and a new database created in its place.
    /// Returns the store and where a damaged file went, if one was moved aside.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](omg_ports::Error::Storage) naming `path` when it is open in another
    /// process, or is not a regular file (a dangling symbolic link, a directory);
    /// [`Error::Io`](omg_ports::Error::Io) when it cannot be created or moved aside.
    pub fn open_replacing_damaged(path: &Path) -> Result<(RedbStore, Option<PathBuf>)> {
        let (db, aside) = open_database_replacing_damaged(path)?;
        Ok((
            RedbStore {
                db: Arc::new(db),
                path: Arc::from(path),
            },
            aside,
        ))
    }

    /// Opens the existing state database at `path` for quick reads (such as
    /// [`Store::load_security`] for `omg status`): no whole-file integrity check, nothing
    /// created. Use [`RedbStore::open`] for a store that is written.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](omg_ports::Error::Storage) naming `path` when it is missing, not a
    /// redb database, or open in another process.
    pub fn open_for_reading(path: &Path) -> Result<RedbStore> {
        let db = crate::open::open_unchecked(path)?;
        Ok(RedbStore {
            db: Arc::new(db),
            path: Arc::from(path),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `job` on tokio's blocking pool with the database; a panic in it becomes
    /// `Error::Storage`. Outside a tokio runtime (another executor), runs it in place.
    async fn blocking<T: Send + 'static>(
        &self,
        doing: &'static str,
        job: impl FnOnce(&Database, &Path) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let Ok(runtime) = Handle::try_current() else {
            return job(&self.db, &self.path);
        };
        let db = Arc::clone(&self.db);
        let path = Arc::clone(&self.path);
        runtime
            .spawn_blocking(move || job(&db, &path))
            .await
            .map_err(|e| storage(&self.path, doing, e))?
    }

    fn key(&self, backend: &BackendInfo) -> Result<String> {
        backend_key(backend).map_err(|e| storage(&self.path, "naming the backend", e))
    }
}

/// Runs `work` (milliseconds of CPU) where it does not hold up other tasks: on a
/// multi-thread runtime, tokio moves them off this worker meanwhile.
fn cpu_bound<T>(work: impl FnOnce() -> T) -> T {
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

#[async_trait]
impl Store for RedbStore {
    async fn load_index(
        &self,
        backend: &BackendInfo,
        fingerprint: &Fingerprint,
    ) -> Result<Option<Vec<PackageSummary>>> {
        let key = self.key(backend)?;
        let fingerprint = fingerprint.clone();
        self.blocking("loading the index", move |db, path| {
            read_index(db, path, &key, &fingerprint)
        })
        .await
    }

    async fn save_index(
        &self,
        backend: &BackendInfo,
        fingerprint: &Fingerprint,
        packages: &[PackageSummary],
    ) -> Result<()> {
        let key = self.key(backend)?;
        let index = cpu_bound(|| EncodedIndex::new(fingerprint, packages));
        self.blocking("saving the index", move |db, path| {
            write_index(db, path, &key, &index)
        })
        .await
    }

    async fn load_status(&self, backend: &BackendInfo) -> Result<Option<StatusSnapshot>> {
        let key = self.key(backend)?;
        self.blocking("loading the status", move |db, path| {
            let txn = begin_read(db, path, "loading the status")?;
            Ok(read_value(&txn, path, STATUS, key.as_str(), &key)?.into_option())
        })
        .await
    }

    async fn save_status(&self, backend: &BackendInfo, snapshot: &StatusSnapshot) -> Result<()> {
        let key = self.key(backend)?;
        let bytes = codec::encode(snapshot);
        self.blocking("saving the status", move |db, path| {
            write_durably(db, path, "saving the status", |txn| {
                txn.open_table(STATUS)?
                    .insert(key.as_str(), bytes.as_slice())?;
                Ok(())
            })
        })
        .await
    }

    async fn load_feed(&self, url: &str) -> Result<Option<CachedFeed>> {
        let url = url.to_owned();
        self.blocking("loading a feed", move |db, path| {
            feeds::load(db, path, &url)
        })
        .await
    }

    async fn save_feed(&self, meta: &FeedMeta, body: &[u8]) -> Result<()> {
        let (meta, body) = (meta.clone(), body.to_vec());
        self.blocking("saving a feed", move |db, path| {
            feeds::save(db, path, &meta, &body)
        })
        .await
    }

    async fn load_security(&self, backend: &BackendInfo) -> Result<Option<SecuritySummary>> {
        let key = self.key(backend)?;
        self.blocking("loading the audit summary", move |db, path| {
            let txn = begin_read(db, path, "loading the audit summary")?;
            match txn.open_table(SECURITY) {
                Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
                _ => Ok(read_value(&txn, path, SECURITY, key.as_str(), &key)?.into_option()),
            }
        })
        .await
    }

    async fn save_security(&self, backend: &BackendInfo, summary: &SecuritySummary) -> Result<()> {
        let key = self.key(backend)?;
        let bytes = codec::encode(summary);
        self.blocking("saving the audit summary", move |db, path| {
            write_durably(db, path, "saving the audit summary", |txn| {
                txn.open_table(SECURITY)?
                    .insert(key.as_str(), bytes.as_slice())?;
                Ok(())
            })
        })
        .await
    }

    async fn save_feed_meta(&self, meta: &FeedMeta) -> Result<()> {
        let meta = meta.clone();
        self.blocking("saving a feed's metadata", move |db, path| {
            feeds::save_meta(db, path, &meta)
        })
        .await
    }

    async fn save_aur_records(
        &self,
        source: &str,
        generation: u64,
        records: &[AurPackage],
    ) -> Result<()> {
        let (source, records) = (source.to_owned(), records.to_vec());
        self.blocking("saving AUR records", move |db, path| {
            aur::save(db, path, &source, generation, &records)
        })
        .await
    }

    async fn prune_aur_records(&self, source: &str, generation: u64) -> Result<usize> {
        let source = source.to_owned();
        self.blocking("pruning AUR records", move |db, path| {
            aur::prune(db, path, &source, generation)
        })
        .await
    }

    async fn load_aur_records(&self, source: &str, names: &[String]) -> Result<Vec<AurPackage>> {
        let (source, names) = (source.to_owned(), names.to_vec());
        self.blocking("reading AUR records", move |db, path| {
            aur::load(db, path, &source, &names)
        })
        .await
    }
}
