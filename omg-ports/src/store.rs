//! The `Store` port: what the daemon keeps across restarts.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{BackendInfo, Fingerprint, PackageSummary, Result, Status};

/// A status computed at a known time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct StatusSnapshot {
    /// The counts.
    pub status: Status,
    /// When they were computed, in seconds since the Unix epoch.
    pub taken_at: i64,
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
}
