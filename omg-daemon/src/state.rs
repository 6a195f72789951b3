//! The served state: the current snapshot (engine + index) behind an `ArcSwap`, the answer
//! cache, and the counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use moka::sync::Cache;
use omg::{Engine, Index, ListKind};
use omg_ports::{BackendInfo, Fingerprint};
use omg_transport_uds::{DaemonStats, Response, TextOutput};
use tokio::sync::OnceCell;

use crate::shared::SharedTexts;

/// Bytes of answers the cache may hold (estimated): thousands of pages of search results,
/// and a bound that keeps omgd inside its resident-memory budget (80 MB with the host's whole
/// apt index) whatever is asked.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest answer cached, estimated as the cache's bound is: half of it.
const LARGEST_CACHED: u64 = CACHE_BYTES / 2;
/// The largest answer an idle omgd keeps (estimated as the cache's bound is).
const IDLE_LARGEST_KEPT: u64 = 256 * 1024;
/// An answer at least this large (estimated as the cache's bound is) leaves enough freed
/// memory behind to give it back at the next housekeeping tick rather than after 30 s idle.
const LARGE_BUILT: u64 = 1024 * 1024;
/// How long a cached answer lives at most.
const CACHE_TTL: Duration = Duration::from_secs(600);

/// One consistent view of the databases: the backend that read them and its index.
pub struct Snapshot {
    pub engine: Engine,
    pub index: Index,
    pub generation: u64,
    pub fingerprint: Fingerprint,
}

/// What a cached answer was computed for. Every key carries the index generation, so an
/// answer computed on an older snapshot is never served for a newer one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    Search {
        generation: u64,
        text: String,
        limit: Option<usize>,
        installed_only: bool,
    },
    /// A search of the AUR (and the repositories unless `aur_only`), for the AUR index of
    /// `aur_generation`.
    SearchAur {
        generation: u64,
        aur_generation: u64,
        text: String,
        limit: Option<usize>,
        installed_only: bool,
        aur_only: bool,
    },
    Info {
        generation: u64,
        names: Vec<String>,
    },
    List {
        generation: u64,
        kind: ListKind,
    },
    Status {
        generation: u64,
    },
    Why {
        generation: u64,
        name: String,
    },
    /// The answer of `search` rendered for a client that prints as `output` says.
    Text {
        search: Box<CacheKey>,
        output: TextOutput,
    },
}

/// The state shared by the handler and the refresher.
pub struct State {
    snapshot: ArcSwap<Snapshot>,
    backend: BackendInfo,
    cache: Cache<CacheKey, Arc<Response>>,
    started: Instant,
    requests: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Milliseconds since `started` of the last answer computed through the backend (0:
    /// none since the caches were last released).
    backend_used_ms: AtomicU64,
    /// Held while an audit runs: the feed cache file admits one user at a time.
    audit: tokio::sync::Mutex<()>,
    /// Answers being computed: a request for one waits for that computation instead of
    /// starting another (the first status of 60,000 apt packages takes seconds, and clients
    /// that gave up on it ask again).
    computing: Mutex<HashMap<CacheKey, Arc<OnceCell<Arc<Response>>>>>,
    /// Large cached texts as sealed memory files.
    shared: SharedTexts,
    /// Set when a large answer was computed ([`State::take_large_built`]).
    large_built: AtomicBool,
}

impl State {
    pub fn new(snapshot: Snapshot) -> State {
        State {
            backend: snapshot.engine.backend_info(),
            snapshot: ArcSwap::from_pointee(snapshot),
            cache: Cache::builder()
                .max_capacity(CACHE_BYTES)
                .weigher(|k: &CacheKey, v: &Arc<Response>| weight(k, v))
                .time_to_live(CACHE_TTL)
                .build(),
            started: Instant::now(),
            requests: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            backend_used_ms: AtomicU64::new(0),
            audit: tokio::sync::Mutex::new(()),
            computing: Mutex::new(HashMap::new()),
            shared: SharedTexts::new(CACHE_TTL),
            large_built: AtomicBool::new(false),
        }
    }

    /// Large cached texts as sealed memory files.
    pub fn shared(&self) -> &SharedTexts {
        &self.shared
    }

    /// The snapshot being served now.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// The backend served (fixed for the daemon's life).
    pub fn backend(&self) -> &BackendInfo {
        &self.backend
    }

    /// Serve `snapshot` from now on and drop every cached answer.
    pub fn swap(&self, snapshot: Snapshot) {
        self.snapshot.store(Arc::new(snapshot));
        self.cache.invalidate_all();
        self.shared.clear();
    }

    /// Drop the cached status answers (the security summary changed).
    pub fn forget_status(&self) {
        let generation = self.current().generation;
        self.cache.invalidate(&CacheKey::Status { generation });
    }

    /// Wait until no other audit runs, and keep others waiting until the guard is dropped.
    pub async fn audit_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.audit.lock().await
    }

    /// Note that an answer was computed through the backend (its library cache is open).
    pub fn note_backend_use(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.backend_used_ms.store(now.max(1), Ordering::Relaxed);
    }

    /// True, once, when the backend was used and then left alone for `idle`: the caller
    /// releases its caches.
    pub fn backend_idle_for(&self, idle: Duration) -> bool {
        let used = self.backend_used_ms.load(Ordering::Relaxed);
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let idle_ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
        used != 0
            && now.saturating_sub(used) >= idle_ms
            && self
                .backend_used_ms
                .compare_exchange(used, 0, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// Count one request.
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The cached answer for `key`, counting the hit or miss.
    pub fn cached(&self, key: &CacheKey) -> Option<Arc<Response>> {
        let found = self.cache.get(key);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The computation of `key`'s answer: the one under way, or a new one. Pass it to
    /// [`State::computed`] once it has its answer.
    pub fn computing(&self, key: &CacheKey) -> Arc<OnceCell<Arc<Response>>> {
        let mut map = self
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(key.clone()).or_default())
    }

    /// `cell`, `key`'s computation, is over: the next request finds its answer in the cache
    /// (or, for a failure, computes again).
    pub fn computed(&self, key: &CacheKey, cell: &Arc<OnceCell<Arc<Response>>>) {
        let mut map = self
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if map.get(key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            map.remove(key);
        }
    }

    /// Keep `answer` for `key` (failures are not cached, nor an answer that would take
    /// more than [`LARGEST_CACHED`]: `search lib` with the AUR is 60,000 hits,
    /// tens of megabytes, and cheaper to compute again than to keep).
    pub fn remember(&self, key: CacheKey, answer: Arc<Response>) {
        if u64::from(weight(&key, &answer)) >= LARGE_BUILT {
            self.large_built.store(true, Ordering::Relaxed);
        }
        if cacheable(&key, &answer) {
            self.cache.insert(key, answer);
        }
    }

    /// True once after an answer of [`LARGE_BUILT`] bytes or more was computed: building
    /// it left its hits' memory freed behind (the housekeeping then gives it back).
    pub fn take_large_built(&self) -> bool {
        self.large_built.swap(false, Ordering::Relaxed)
    }

    /// Apply the cache's pending evictions now (moka applies them as it is used; an idle
    /// omgd would keep what it evicted), and drop the answers larger than
    /// [`IDLE_LARGEST_KEPT`]: an idle omgd keeps the small answers of repeated queries, not
    /// the megabytes of a few large ones (with the AUR's 100,000 records, 135 MB resident
    /// after 36 s idle with them, against a budget of 120 MB).
    pub fn settle_cache(&self) {
        let large: Vec<Arc<CacheKey>> = self
            .cache
            .iter()
            .filter(|(k, v)| !kept_when_idle(k, v))
            .map(|(k, _)| k)
            .collect();
        for key in large {
            self.cache.invalidate(&*key);
        }
        self.cache.run_pending_tasks();
        // Every file is of a large answer.
        self.shared.clear();
    }

    /// The counters.
    pub fn stats(&self) -> DaemonStats {
        let snap = self.current();
        DaemonStats {
            packages: snap.index.len() as u64,
            index_generation: snap.generation,
            uptime_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            cache_hits: self.hits.load(Ordering::Relaxed),
            cache_misses: self.misses.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
        }
    }
}

/// Whether `answer` is kept: not a failure, not larger than [`LARGEST_CACHED`].
fn cacheable(key: &CacheKey, answer: &Response) -> bool {
    !answer.is_failure() && u64::from(weight(key, answer)) <= LARGEST_CACHED
}

/// Whether an idle omgd keeps `answer` cached: not larger than [`IDLE_LARGEST_KEPT`].
fn kept_when_idle(key: &CacheKey, answer: &Response) -> bool {
    u64::from(weight(key, answer)) <= IDLE_LARGEST_KEPT
}

/// A rough size in bytes of a cached answer, for the cache's bound.
fn weight(key: &CacheKey, answer: &Response) -> u32 {
    let answer_bytes = match answer {
        Response::Search(r) => r.hits.len() * 256,
        // A hit: its summary (152 bytes) and strings; an AUR record: 488 bytes and strings.
        Response::SearchAur { results, aur } => results.hits.len() * 256 + aur.len() * 640,
        Response::Packages(p) => p.len() * 2048,
        Response::List(l) => l.len() * 256,
        Response::Why(w) => (w.required_by.len() + w.optional_for.len() + w.chains.len() * 4) * 64,
        Response::Text { stdout, stderr, .. } => stdout.len() + stderr.len(),
        _ => 0,
    };
    u32::try_from(64 + key_bytes(key) + answer_bytes).unwrap_or(u32::MAX)
}

/// The bytes of a key's strings.
fn key_bytes(key: &CacheKey) -> usize {
    match key {
        CacheKey::Search { text, .. } | CacheKey::SearchAur { text, .. } => text.len(),
        CacheKey::Info { names, .. } => names.iter().map(String::len).sum(),
        CacheKey::Why { name, .. } => name.len(),
        CacheKey::List { .. } | CacheKey::Status { .. } => 0,
        CacheKey::Text { search, .. } => key_bytes(search),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::{AurPackage, MatchKind, PackageSummary, SearchHit, SearchResults};

    fn search_aur(hits: usize, aur: usize) -> Response {
        let hit = SearchHit {
            package: PackageSummary {
                name: "x".into(),
                version: "1".into(),
                description: String::new(),
                repository: "aur".into(),
                architecture: String::new(),
                installed: None,
                provides: Vec::new(),
            },
            kind: MatchKind::Substring,
            score: 0,
        };
        Response::SearchAur {
            results: SearchResults {
                hits: vec![hit; hits],
                total: hits,
            },
            aur: vec![AurPackage::default(); aur],
        }
    }

    /// Pages of results are kept; an answer of tens of thousands of AUR records (`search
    /// lib`: tens of megabytes) and failures are not.
    #[test]
    fn large_answers_and_failures_are_not_cached() {
        let key = CacheKey::SearchAur {
            generation: 1,
            aur_generation: 1,
            text: "lib".into(),
            limit: None,
            installed_only: false,
            aur_only: false,
        };
        assert!(cacheable(&key, &search_aur(20, 20)));
        assert!(cacheable(&key, &search_aur(8_000, 8_000)));
        assert!(!cacheable(&key, &search_aur(62_000, 60_000)));
        assert!(!cacheable(&key, &Response::Internal("no".into())));
        // Idle, a page of results stays; thousands of records go.
        assert!(kept_when_idle(&key, &search_aur(20, 20)));
        assert!(kept_when_idle(&key, &search_aur(200, 200)));
        assert!(!kept_when_idle(&key, &search_aur(8_000, 8_000)));
    }
}
