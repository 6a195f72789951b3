//! The transaction history file, and telling a running omgd that the packages changed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use omg::Engine;
use omg_adapters_store::RedbHistory;
use omg_ports::{HistoryEntry, HistoryResult, PlannedAction, ReasonChange, Result, TransactionLog};
use omg_transport_uds::{default_socket_path, BlockingClient, ClientConfig, Request};
use tracing::debug;

/// `$OMG_HISTORY_FILE`, else `<root>/var/lib/omg/history.redb`, `root` being the root
/// directory the backend installs into (`/`, or pacman.conf's RootDir, or --root).
pub fn history_path(root: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("OMG_HISTORY_FILE") {
        return PathBuf::from(p);
    }
    root.join("var/lib/omg/history.redb")
}

/// A change to the system, from when it started: [`Started::record`] writes it to the
/// history once it ended. Transactions and `omg mark` alike.
pub struct Started {
    at: i64,
    clock: Instant,
}

/// What a change did, for the history.
pub struct Change {
    /// `install`, `remove`, `mark`, ...
    pub verb: String,
    /// The command line that asked for it.
    pub command: String,
    /// The packages a transaction changed (or meant to).
    pub actions: Vec<PlannedAction>,
    /// The install reasons `omg mark` changed.
    pub reasons: Vec<ReasonChange>,
    /// How it ended.
    pub result: HistoryResult,
}

impl Started {
    /// Now.
    pub fn now() -> Started {
        Started {
            at: jiff::Timestamp::now().as_second(),
            clock: Instant::now(),
        }
    }

    /// Appends `change` to the history of `engine`'s root (a failure is a warning, never
    /// the change's failure) and tells a running omgd (at `socket`, else the user's) that
    /// the packages changed: even a failed change may have changed something.
    pub async fn record(self, engine: &Engine, socket: Option<&Path>, change: Change) {
        let entry = HistoryEntry {
            id: 0,
            started_at: self.at,
            duration_ms: u64::try_from(self.clock.elapsed().as_millis()).unwrap_or(u64::MAX),
            command: change.command,
            verb: change.verb,
            user: user(),
            actions: change.actions,
            reasons: change.reasons,
            result: change.result,
        };
        let root = PathBuf::from(engine.backend_info().root);
        append(&root, &entry).await;
        notify_daemon(socket);
    }
}

/// Appends `entry` to the history; a failure is a warning, never the transaction's failure.
pub async fn append(root: &Path, entry: &HistoryEntry) {
    let path = history_path(root);
    let result: Result<u64> = async { RedbHistory::open(&path)?.record(entry).await }.await;
    if let Err(e) = result {
        eprintln!("omg: warning: the transaction is not in the history: {e}");
    }
}

/// The last `limit` entries of the history.
pub async fn read(root: &Path, limit: usize) -> Result<Vec<HistoryEntry>> {
    RedbHistory::open_read_only(&history_path(root))?
        .entries(limit)
        .await
}

/// The entry numbered `id`, or [`omg_ports::Error::InvalidRequest`] when the history has
/// none.
pub async fn entry(root: &Path, id: u64) -> Result<HistoryEntry> {
    let path = history_path(root);
    RedbHistory::open_read_only(&path)?
        .entry(id)
        .await?
        .ok_or_else(|| {
            omg_ports::Error::InvalidRequest(format!(
                "there is no transaction {id} in the history ({})",
                path.display()
            ))
        })
}

/// The user behind sudo, else this process's user.
pub fn user() -> Option<String> {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
}

/// Asks omgd to drop its caches and re-read the databases. Its own change detection would
/// notice within seconds; this makes the next `omg search` right at once. Run through sudo,
/// the daemon to tell is the invoking user's.
pub fn notify_daemon(socket: Option<&Path>) {
    let socket = socket.map(Path::to_path_buf).unwrap_or_else(user_socket);
    let config = ClientConfig {
        timeout: Some(Duration::from_secs(2)),
        // Through sudo, the daemon is the invoking user's: its socket is theirs.
        trusted_uid: sudo_uid(),
        ..ClientConfig::default()
    };
    match BlockingClient::connect_and_request(&socket, &config, Request::Invalidate) {
        Ok(_) => debug!(socket = %socket.display(), "omgd invalidated"),
        Err(e) => debug!(socket = %socket.display(), error = %e, "no omgd to invalidate"),
    }
}

/// The uid of the user who ran sudo, when this process runs through sudo.
fn sudo_uid() -> Option<u32> {
    std::env::var("SUDO_UID").ok()?.parse().ok()
}

fn user_socket() -> PathBuf {
    match sudo_uid() {
        Some(uid) => {
            let runtime = PathBuf::from(format!("/run/user/{uid}"));
            let dir = runtime.is_dir().then(|| runtime.into_os_string());
            omg_transport_uds::socket_path_for(dir.as_deref(), uid)
        }
        None => default_socket_path(),
    }
}
