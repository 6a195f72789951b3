//! The `Store` port: what the daemon keeps across restarts.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{
    AurPackage, BackendInfo, Fingerprint, PackageSummary, Result, SecuritySummary, Status,
    Validators,
};

/// A status computed at a known time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct StatusSnapshot {
    /// The counts.
    pub status: Status,
    /// When they were computed, in seconds since the Unix epoch.
    pub taken_at: i64,
}

/// What is known about a cached download (a security feed), apart from its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct FeedMeta {
    /// The URL it was downloaded from (the cache's key).
    pub url: String,
    /// Its validators, for the next conditional request.
    pub validators: Validators,
    /// When the body was downloaded, in seconds since the Unix epoch.
    pub fetched_at: i64,
    /// When the server last confirmed it (a download, or a 304 since), seconds since the epoch.
    pub checked_at: i64,
    /// The body's length in bytes.
    pub len: u64,
}

/// A cached download: what is known about it, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFeed {
    /// Validators and times.
    pub meta: FeedMeta,
    /// The body as downloaded.
    pub body: Vec<u8>,
}

/// Durable state, one set per backend configuration ([`BackendInfo`]): the index of every
/// package as of a database [`Fingerprint`], and the last status. A write that returned `Ok`
/// survives a crash of the process at any later moment.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// The packages saved for `backend`, if they were saved under exactly `fingerprint`
    /// (the databases have not changed since).
    async fn load_index(
        &self,
        backend: &BackendInfo,
        fingerprint: &Fingerprint,
    ) -> Result<Option<Vec<PackageSummary>>>;

    /// Replace the saved index of `backend` with `packages`, read at `fingerprint`.
    async fn save_index(
        &self,
        backend: &BackendInfo,
        fingerprint: &Fingerprint,
        packages: &[PackageSummary],
    ) -> Result<()>;

    /// The last status saved for `backend`.
    async fn load_status(&self, backend: &BackendInfo) -> Result<Option<StatusSnapshot>>;

    /// Replace the saved status of `backend`.
    async fn save_status(&self, backend: &BackendInfo, snapshot: &StatusSnapshot) -> Result<()>;

    /// The cached copy of the feed downloaded from `url`, if any. Stores without a feed
    /// cache return [`crate::Error::Unsupported`].
    async fn load_feed(&self, url: &str) -> Result<Option<CachedFeed>> {
        let _ = url;
        Err(no_feed_cache())
    }

    /// Replace the cached copy of `meta.url` with `body` (only ever a body that parsed).
    async fn save_feed(&self, meta: &FeedMeta, body: &[u8]) -> Result<()> {
        let _ = (meta, body);
        Err(no_feed_cache())
    }

    /// Update what is known about the cached copy of `meta.url` without rewriting its body
    /// (after a 304). Does nothing when no body is cached for it.
    async fn save_feed_meta(&self, meta: &FeedMeta) -> Result<()> {
        let _ = meta;
        Err(no_feed_cache())
    }

    /// The last security audit's summary for `backend`, if one was saved. Stores without a
    /// feed cache return [`crate::Error::Unsupported`].
    async fn load_security(&self, backend: &BackendInfo) -> Result<Option<SecuritySummary>> {
        let _ = backend;
        Err(no_feed_cache())
    }

    /// Replace the security audit's summary for `backend`.
    async fn save_security(&self, backend: &BackendInfo, summary: &SecuritySummary) -> Result<()> {
        let _ = (backend, summary);
        Err(no_feed_cache())
    }

    /// Keeps the AUR's full `records` read from `source` (the metadata dump's cache key),
    /// stamped with `generation` (one load of the dump), each replacing the record of the
    /// same name. A load is saved in batches, then [`Store::prune_aur_records`] removes what
    /// it no longer has. Stores without a feed cache return [`crate::Error::Unsupported`].
    async fn save_aur_records(
        &self,
        source: &str,
        generation: u64,
        records: &[AurPackage],
    ) -> Result<()> {
        let _ = (source, generation, records);
        Err(no_feed_cache())
    }

    /// Removes the AUR records of `source` not saved at `generation` (packages the latest
    /// load no longer has); answers how many.
    async fn prune_aur_records(&self, source: &str, generation: u64) -> Result<usize> {
        let _ = (source, generation);
        Err(no_feed_cache())
    }

    /// The AUR records of `source` for `names`, in their order; a name without a record
    /// (or whose record cannot be read) is left out.
    async fn load_aur_records(&self, source: &str, names: &[String]) -> Result<Vec<AurPackage>> {
        let _ = (source, names);
        Err(no_feed_cache())
    }
}

fn no_feed_cache() -> crate::Error {
    crate::Error::Unsupported {
        backend: "store".into(),
        operation: "a feed cache".into(),
    }
}
