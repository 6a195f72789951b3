//! The `TransactionLog` port: what omg changed on the system, for `omg history`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{PlannedAction, ReasonChange, Result};

/// How a recorded transaction ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "error", rename_all = "lowercase")]
pub enum HistoryResult {
    /// Every step was carried out.
    Success,
    /// The transaction failed or was interrupted; the message says why.
    Failed(String),
}

/// One transaction as it was carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Sequence number, assigned by the log (ignored when recording).
    pub id: u64,
    /// When it started, in seconds since the Unix epoch.
    pub started_at: i64,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// The command line that asked for it (`omg install firefox`).
    pub command: String,
    /// The kind of transaction (`install`, `remove`, `upgrade`, `refresh`, `clean`, `mark`,
    /// `undo`, `redo`).
    pub verb: String,
    /// The user who asked (the one behind sudo when run through it), if known.
    pub user: Option<String>,
    /// The planned steps, with old and new versions.
    pub actions: Vec<PlannedAction>,
    /// The install reasons it changed, each package's old and new (`omg mark`; an undo or
    /// redo marking what came back as a dependency again); empty for a transaction, and in
    /// entries written before omg recorded them.
    #[serde(default)]
    pub reasons: Vec<ReasonChange>,
    /// How it ended.
    pub result: HistoryResult,
}

/// A durable, append-only record of transactions.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TransactionLog: Send + Sync {
    /// Append `entry` (its `id` is replaced) and return the id it got. When this returns `Ok`
    /// the entry survives a crash.
    async fn record(&self, entry: &HistoryEntry) -> Result<u64>;

    /// The last `limit` entries, oldest first.
    async fn entries(&self, limit: usize) -> Result<Vec<HistoryEntry>>;

    /// The entry numbered `id`, or `None` when there is none. The default reads every
    /// entry.
    async fn entry(&self, id: u64) -> Result<Option<HistoryEntry>> {
        Ok(self
            .entries(usize::MAX)
            .await?
            .into_iter()
            .find(|e| e.id == id))
    }
}
