//! The AUR in omgd's index: the metadata dump (`[aur] dump_url`) fetched when omgd starts
//! and then every `[aur] refresh_secs` (a conditional request), kept in the state file so a
//! restart serves it at once, and searched beside the repositories' index. The full records
//! (with their dependency lists) go to the state file only, by name, for `omg info`. Only on
//! libalpm with `[aur] enabled`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use omg_adapters_aur::people::{self, People};
use omg_adapters_aur::AurRpc;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_store::RedbStore;
use omg_domain::search::search_indexes_with_aur;
use omg_domain::Index;
use omg_ports::{
    AurPackage, FeedMeta, FetchOutcome, Package, PackageSummary, Result, SearchQuery, Store,
    Validators,
};
use omg_transport_uds::{InfoEntry, Response};
use tokio::sync::watch;

/// The cache key of the dump's records in the state file (beside the URL, so another
/// `[aur] dump_url` starts afresh).
const CACHE_PREFIX: &str = "omgd-aur-compact:";

/// The source key of the dump's full records in the state file (beside the URL).
const RECORDS_PREFIX: &str = "omgd-aur-full:";

/// The full records of one load of the dump, saved to the state file in batches while the
/// dump is read (on the reader's blocking thread), then pruned to this load.
struct FullRecords {
    store: Arc<dyn Store>,
    source: String,
    generation: u64,
    batch: Mutex<Vec<AurPackage>>,
    failed: std::sync::atomic::AtomicBool,
    handle: tokio::runtime::Handle,
}

impl FullRecords {
    fn new(store: Arc<dyn Store>, source: String) -> FullRecords {
        let generation = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        FullRecords {
            store,
            source,
            generation,
            batch: Mutex::new(Vec::with_capacity(RECORDS_BATCH)),
            failed: std::sync::atomic::AtomicBool::new(false),
            handle: tokio::runtime::Handle::current(),
        }
    }

    /// Adds a record; a full batch is saved at once (called on a blocking thread).
    fn add(&self, record: AurPackage) {
        let full = match self.batch.lock() {
            Ok(mut batch) => {
                batch.push(record);
                (batch.len() >= RECORDS_BATCH).then(|| std::mem::take(&mut *batch))
            }
            Err(_) => None,
        };
        if let Some(full) = full {
            let saved = self.handle.block_on(self.store.save_aur_records(
                &self.source,
                self.generation,
                &full,
            ));
            self.note(saved);
        }
    }

    fn note(&self, saved: Result<()>) {
        if let Err(e) = saved {
            if !self.failed.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "the AUR's full records could not be saved");
            }
        }
    }

    /// Saves the last batch, then removes the records this load does not have.
    async fn finish(&self) {
        let rest = self
            .batch
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default();
        let saved = self
            .store
            .save_aur_records(&self.source, self.generation, &rest)
            .await;
        self.note(saved);
        if self.failed.load(Ordering::Relaxed) {
            return;
        }
        match self
            .store
            .prune_aur_records(&self.source, self.generation)
            .await
        {
            Ok(removed) => tracing::debug!(removed, "AUR full records pruned"),
            Err(e) => tracing::warn!(error = %e, "the AUR's old full records stay"),
        }
    }
}

/// What omgd keeps of one AUR record: the fields a search shows (the RPC search answer's
/// shape, [`search_shape`], without the URL), nothing of the lists the dump also carries.
#[derive(Debug, Clone, PartialEq, bitcode::Encode, bitcode::Decode)]
pub struct Compact {
    name: String,
    version: String,
    description: Option<String>,
    /// `None` when it is the name (most packages).
    package_base: Option<String>,
    maintainer: Option<String>,
    num_votes: u32,
    popularity: f64,
    out_of_date: Option<i64>,
    first_submitted: i64,
    last_modified: i64,
}

impl From<AurPackage> for Compact {
    fn from(p: AurPackage) -> Compact {
        Compact {
            package_base: (p.package_base != p.name).then_some(p.package_base),
            name: p.name,
            version: p.version,
            description: p.description,
            maintainer: p.maintainer,
            num_votes: p.num_votes,
            popularity: p.popularity,
            out_of_date: p.out_of_date,
            first_submitted: p.first_submitted,
            last_modified: p.last_modified,
        }
    }
}

/// What omgd keeps of one record beside its summary in the index (the name, version and
/// description live there): ~64 bytes, the maintainer a position in [`AurIndex`]'s table
/// of names (a few thousand people maintain the 100,000 packages).
#[derive(Debug, Clone)]
struct Meta {
    /// `None` when it is the name (most packages).
    package_base: Option<Box<str>>,
    /// A position in `AurIndex::maintainers`, [`ORPHANED`] for none.
    maintainer: u32,
    num_votes: u32,
    popularity: f64,
    out_of_date: Option<i64>,
    first_submitted: i64,
    last_modified: i64,
}

/// `Meta::maintainer` of an orphaned package.
const ORPHANED: u32 = u32::MAX;

/// The AUR's packages as omgd searches them: the index of their summaries, and beside it
/// what a search answer needs besides.
pub struct AurIndex {
    /// The summaries, their repository left empty (100,000 copies of "aur" would cost
    /// megabytes): the hits get it as they leave.
    index: Index,
    /// Beside each summary, the rest of its record.
    metas: Vec<Meta>,
    /// The maintainers' names, each once.
    maintainers: Vec<Box<str>>,
    /// Positions in the index, sorted by name: a record found by binary search, without a
    /// map holding a second copy of every name.
    by_name: Vec<u32>,
    /// Which load of the dump this is (answers cached for another are never served).
    generation: u64,
}

impl AurIndex {
    /// The index of `records` (whose strings move into it).
    pub fn new(records: Vec<Compact>) -> AurIndex {
        let mut metas = Vec::with_capacity(records.len());
        let mut summaries = Vec::with_capacity(records.len());
        let mut maintainers: Vec<Box<str>> = Vec::new();
        let mut seen: std::collections::HashMap<Box<str>, u32> = std::collections::HashMap::new();
        for c in records {
            let maintainer = match c.maintainer {
                None => ORPHANED,
                Some(m) => match seen.get(m.as_str()) {
                    Some(&at) => at,
                    None => {
                        let at = u32::try_from(maintainers.len()).unwrap_or(ORPHANED);
                        let m = m.into_boxed_str();
                        seen.insert(m.clone(), at);
                        maintainers.push(m);
                        at
                    }
                },
            };
            metas.push(Meta {
                package_base: c.package_base.map(String::into_boxed_str),
                maintainer,
                num_votes: c.num_votes,
                popularity: c.popularity,
                out_of_date: c.out_of_date,
                first_submitted: c.first_submitted,
                last_modified: c.last_modified,
            });
            summaries.push(PackageSummary {
                name: c.name,
                version: c.version,
                description: c.description.unwrap_or_default(),
                repository: String::new(),
                architecture: String::new(),
                installed: None,
                provides: Vec::new(),
            });
        }
        drop(seen);
        let index = Index::new(summaries);
        let packages = index.packages();
        let mut by_name: Vec<u32> = (0..packages.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        by_name
            .sort_unstable_by(|&a, &b| packages[a as usize].name.cmp(&packages[b as usize].name));
        AurIndex {
            index,
            metas,
            maintainers,
            by_name,
            generation: 0,
        }
    }

    /// Which load of the dump this is: 1 for the first the holder served, then counting.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// How many packages it holds.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// The record of `name` in the search answer's shape.
    /// The position of the record named `name` in the index.
    fn position(&self, name: &str) -> Option<usize> {
        let packages = self.index.packages();
        let at = self
            .by_name
            .binary_search_by(|&i| packages[i as usize].name.as_str().cmp(name))
            .ok()?;
        Some(self.by_name[at] as usize)
    }

    fn record(&self, name: &str) -> Option<AurPackage> {
        let i = self.position(name)?;
        let (p, m) = (self.index.packages().get(i)?, self.metas.get(i)?);
        Some(AurPackage {
            name: p.name.clone(),
            package_base: m
                .package_base
                .as_deref()
                .map_or_else(|| p.name.clone(), str::to_string),
            version: p.version.clone(),
            description: (!p.description.is_empty()).then(|| p.description.clone()),
            maintainer: self
                .maintainers
                .get(m.maintainer as usize)
                .map(|name| name.to_string()),
            num_votes: m.num_votes,
            popularity: m.popularity,
            out_of_date: m.out_of_date,
            first_submitted: m.first_submitted,
            last_modified: m.last_modified,
            ..AurPackage::default()
        })
    }

    /// The answer to `SearchAur`: `official` is the repositories' index (`None` for
    /// `--aur`), ranked together as direct mode ranks the RPC's answer.
    pub fn search(&self, official: Option<&Index>, query: &SearchQuery) -> Response {
        match search_indexes_with_aur(
            official,
            &self.index,
            |n| self.position(n),
            |n| self.record(n),
            query,
        ) {
            Ok((results, aur)) => Response::SearchAur { results, aur },
            Err(e) => Response::from(e),
        }
    }
}

/// The AUR's current index, shared by the refresh task and the handler, and where the full
/// records are kept.
#[derive(Default)]
pub struct AurHolder {
    current: RwLock<Option<Arc<AurIndex>>>,
    loads: AtomicU64,
    records: RwLock<Option<Records>>,
}

/// The store of the full records and their source's key in it.
#[derive(Clone)]
struct Records {
    store: Arc<dyn Store>,
    source: String,
}

/// How many full records are saved in one transaction while the dump is read.
const RECORDS_BATCH: usize = 2000;

impl AurHolder {
    /// The current index, `None` until the dump was loaded once.
    pub fn current(&self) -> Option<Arc<AurIndex>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    fn set_records(&self, store: Arc<dyn Store>, source: String) {
        if let Ok(mut r) = self.records.write() {
            *r = Some(Records { store, source });
        }
    }

    /// The answer to `InfoAur`, as direct mode answers `omg info` with the RPC: each name's
    /// record from the repositories (`repository`: `None` without it, `Some(None)` for a
    /// name it does not have), else the AUR's; an installed package no repository has gets
    /// the AUR's record with its installed state. `InvalidRequest` (the client then answers
    /// itself) when a name has no record anywhere or the AUR's records are not held.
    pub async fn info(&self, names: &[String], repository: Vec<Option<Package>>) -> Response {
        let records = self.records.read().ok().and_then(|r| r.clone());
        let (Some(records), Some(_)) = (records, self.current()) else {
            return Response::InvalidRequest(
                "omgd holds no AUR metadata (not Arch, [aur] enabled = false, or the dump was \
                 not fetched yet)"
                    .into(),
            );
        };
        let ask: Vec<String> = names
            .iter()
            .zip(&repository)
            .filter(|(_, p)| {
                p.as_ref()
                    .is_none_or(|p| p.repository == PackageSummary::LOCAL)
            })
            .map(|(n, _)| n.clone())
            .collect();
        let found = match records.store.load_aur_records(&records.source, &ask).await {
            Ok(found) => found,
            Err(e) => return Response::InvalidRequest(format!("the AUR records: {e}")),
        };
        let mut by_name: HashMap<String, AurPackage> =
            found.into_iter().map(|p| (p.name.clone(), p)).collect();
        let mut entries = Vec::with_capacity(names.len());
        for (name, repo) in names.iter().zip(repository) {
            match (by_name.remove(name), repo) {
                (Some(package), local) => entries.push(InfoEntry::Aur {
                    package,
                    installed: local.and_then(|p| p.installed),
                }),
                (None, Some(p)) => entries.push(InfoEntry::Repository(p)),
                (None, None) => {
                    return Response::InvalidRequest(format!(
                        "{name}: no record in the repositories or the AUR's metadata"
                    ))
                }
            }
        }
        Response::InfoAur(entries)
    }

    fn set(&self, mut index: AurIndex) {
        index.generation = self.loads.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut c) = self.current.write() {
            *c = Some(Arc::new(index));
        }
    }
}

/// What the AUR task needs: where the dump is and how often to ask.
pub struct AurSettings {
    /// `[aur] dump_url`.
    pub dump_url: String,
    /// `[aur] rpc_url` (the adapter's other address; unused by the dump).
    pub rpc_url: String,
    /// `[aur] refresh_secs` (zero: only the cached copy, never a download).
    pub every: Duration,
    /// The AUR cache (`$XDG_CACHE_HOME/omg/aur`), where the reviews keep their records of
    /// people and omgd adds what each refresh saw; `None` when there is no such directory.
    pub records: Option<PathBuf>,
}

impl AurSettings {
    /// From config.toml and `OMG_AUR_*`, `None` when the AUR is off (`[aur] enabled =
    /// false`) or the configuration cannot be read (logged).
    pub fn load() -> Option<AurSettings> {
        let settings = match omg_config::Settings::load() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "no AUR: the configuration is unusable");
                return None;
            }
        };
        match settings.aur_enabled() {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                tracing::warn!(error = %e, "no AUR: [aur] enabled is unusable");
                return None;
            }
        }
        let every = match settings.aur_refresh_secs() {
            Ok(s) => Duration::from_secs(s),
            Err(e) => {
                tracing::warn!(error = %e, "no AUR: [aur] refresh_secs is unusable");
                return None;
            }
        };
        let urls = settings.aur_urls();
        Some(AurSettings {
            dump_url: urls.dump,
            rpc_url: urls.rpc,
            every,
            records: omg_adapters_aur::people::user_cache_dir(),
        })
    }
}

/// Serve the cached dump at once, then fetch it (conditionally) now and every
/// `settings.every`, until `stop` turns true.
pub async fn run(
    holder: Arc<AurHolder>,
    store: Arc<RedbStore>,
    settings: AurSettings,
    installed_foreign: impl Fn() -> Vec<String> + Send,
    mut stop: watch::Receiver<bool>,
) {
    let key = format!("{CACHE_PREFIX}{}", settings.dump_url);
    let records_key = format!("{RECORDS_PREFIX}{}", settings.dump_url);
    let records_store: Arc<dyn Store> = store.clone();
    holder.set_records(Arc::clone(&records_store), records_key.clone());
    let mut validators = Validators::default();
    match load_cached(&*store, &key).await {
        Ok(Some((records, cached))) => {
            let index = AurIndex::new(records);
            tracing::info!(
                packages = index.len(),
                "AUR metadata loaded from the state file"
            );
            holder.set(index);
            crate::memory::release_free_memory();
            validators = cached;
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "the cached AUR metadata is unusable; fetching it"),
    }
    if settings.every.is_zero() {
        return;
    }
    let source = match HttpFetcher::new(&HttpConfig::default()) {
        Ok(f) => AurRpc::with_urls(Arc::new(f), &settings.rpc_url, &settings.dump_url),
        Err(e) => {
            tracing::warn!(error = %e, "no AUR refresh: no HTTP client");
            return;
        }
    };
    loop {
        let watch = settings
            .records
            .as_deref()
            .map(|dir| Watch::new(dir, installed_foreign()));
        let observed = watch.as_ref().map(|w| Arc::clone(&w.observed));
        let mut watching = watch.map(|w| (w.bases, w.names, w.observed));
        let saver = Arc::new(FullRecords::new(
            Arc::clone(&records_store),
            records_key.clone(),
        ));
        let saving = Arc::clone(&saver);
        let fetched = tokio::select! {
            _ = stop.changed() => break,
            fetched = source.dump_map(&validators, move |p| {
                if let Some((bases, names, observed)) = watching.as_mut() {
                    if bases.contains(&p.package_base) || names.contains(&p.name) {
                        if let Ok(mut o) = observed.lock() {
                            o.entry(p.package_base.clone()).or_insert_with(|| people_of(&p));
                        }
                    }
                }
                saving.add(p.clone());
                Compact::from(p)
            }) => fetched,
        };
        if matches!(fetched, Ok(FetchOutcome::Fetched { .. })) {
            saver.finish().await;
        }
        if let (Some(dir), Some(observed), Ok(FetchOutcome::Fetched { .. })) =
            (settings.records.as_deref(), observed, &fetched)
        {
            record_people(dir, observed);
        }
        match fetched {
            Ok(FetchOutcome::NotModified) => tracing::debug!("AUR metadata unchanged"),
            Ok(FetchOutcome::Fetched {
                body: records,
                validators: fresh,
            }) => {
                if let Err(e) = save_cached(&*store, &key, &records, &fresh).await {
                    tracing::warn!(error = %e, "the AUR metadata could not be saved");
                }
                let index = AurIndex::new(records);
                tracing::info!(packages = index.len(), "AUR metadata refreshed");
                holder.set(index);
                // The parse and the encoding freed far more than the index keeps.
                crate::memory::release_free_memory();
                validators = fresh;
            }
            Err(e) => tracing::warn!(error = %e, "the AUR metadata could not be refreshed"),
        }
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(settings.every) => {}
        }
    }
}

/// The package bases whose people omgd records at a refresh: those the user cloned or
/// reviewed (the AUR cache's entries) and the installed packages no repository has.
struct Watch {
    bases: HashSet<String>,
    names: HashSet<String>,
    /// Filled while the dump is read: who is behind each watched base.
    observed: Arc<Mutex<HashMap<String, People>>>,
}

impl Watch {
    fn new(dir: &Path, foreign: Vec<String>) -> Watch {
        Watch {
            bases: people::known_bases(dir).into_iter().collect(),
            names: foreign.into_iter().collect(),
            observed: Arc::default(),
        }
    }
}

fn people_of(p: &AurPackage) -> People {
    People {
        at: now(),
        maintainer: p.maintainer.clone(),
        submitter: p.submitter.clone(),
        co_maintainers: p.co_maintainers.clone(),
    }
}

/// Adds what a refresh saw to each watched base's history of people (a change only).
fn record_people(dir: &Path, observed: Arc<Mutex<HashMap<String, People>>>) {
    let Ok(mut observed) = observed.lock() else {
        return;
    };
    let mut changed = 0usize;
    for (base, seen) in observed.drain() {
        match people::observe(&people::history_path(dir, &base), seen) {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(base = %base, error = %e, "cannot record who maintains an AUR package");
            }
        }
    }
    tracing::debug!(changed, "AUR maintainers recorded");
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn load_cached(store: &dyn Store, key: &str) -> Result<Option<(Vec<Compact>, Validators)>> {
    let Some(cached) = store.load_feed(key).await? else {
        return Ok(None);
    };
    let records: Vec<Compact> =
        bitcode::decode(&cached.body).map_err(|e| omg_ports::Error::AurAnswer {
            url: key.to_string(),
            reason: format!("omgd's cached copy does not decode ({e}); it is fetched again"),
        })?;
    Ok(Some((records, cached.meta.validators)))
}

async fn save_cached(
    store: &dyn Store,
    key: &str,
    records: &[Compact],
    validators: &Validators,
) -> Result<()> {
    let body = bitcode::encode(records);
    let now = now();
    let meta = FeedMeta {
        url: key.to_string(),
        validators: validators.clone(),
        fetched_at: now,
        checked_at: now,
        len: body.len() as u64,
    };
    store.save_feed(&meta, &body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(name: &str, base: &str, maintainer: Option<&str>) -> Compact {
        Compact::from(AurPackage {
            name: name.into(),
            package_base: base.into(),
            version: "1.0-1".into(),
            description: Some(format!("{name} does things")),
            maintainer: maintainer.map(str::to_string),
            num_votes: 7,
            popularity: 0.123_456_789,
            out_of_date: Some(1_700_000_000),
            first_submitted: 1_600_000_000,
            last_modified: 1_650_000_000,
            ..AurPackage::default()
        })
    }

    /// Every record comes back as it went in (in search shape), whatever was shared.
    #[test]
    fn records_come_back_whole_with_shared_maintainers_and_bases() {
        let records = vec![
            compact("b-split-one", "b-split", Some("alice")),
            compact("a-tool", "a-tool", Some("bob")),
            compact("b-split-two", "b-split", Some("alice")),
            compact("orphan", "orphan", None),
        ];
        let expected: Vec<AurPackage> = records
            .iter()
            .map(|c| AurPackage {
                name: c.name.clone(),
                package_base: c.package_base.clone().unwrap_or_else(|| c.name.clone()),
                version: c.version.clone(),
                description: c.description.clone(),
                maintainer: c.maintainer.clone(),
                num_votes: c.num_votes,
                popularity: c.popularity,
                out_of_date: c.out_of_date,
                first_submitted: c.first_submitted,
                last_modified: c.last_modified,
                ..AurPackage::default()
            })
            .collect();
        let index = AurIndex::new(records);
        assert_eq!(index.len(), 4);
        assert_eq!(index.maintainers.len(), 2);
        for want in expected {
            assert_eq!(index.record(&want.name), Some(want));
        }
        assert_eq!(index.record("missing"), None);
    }
}
