//! The AUR in omgd's index: the metadata dump (`[aur] dump_url`) fetched when omgd starts
//! and then every `[aur] refresh_secs` (a conditional request), kept in the state file so a
//! restart serves it at once, and searched beside the repositories' index. Only on libalpm
//! with `[aur] enabled`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use omg_adapters_aur::AurRpc;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_store::RedbStore;
use omg_domain::search::{aur_summary, search_shape, search_with_aur};
use omg_domain::Index;
use omg_ports::{
    AurPackage, AurSource, FeedMeta, FetchOutcome, Result, SearchQuery, SearchResults, Store,
    Validators,
};
use omg_transport_uds::Response;
use tokio::sync::watch;

/// The cache key of the dump's records in the state file (beside the URL, so another
/// `[aur] dump_url` starts afresh).
const CACHE_PREFIX: &str = "omgd-aur-records:";

/// The AUR's packages as omgd searches them: the index of their summaries and their
/// records in the search answer's shape, by name.
pub struct AurIndex {
    index: Index,
    records: Vec<AurPackage>,
    by_name: HashMap<String, usize>,
}

impl AurIndex {
    /// The index of `records` (kept in [`search_shape`]).
    pub fn new(records: &[AurPackage]) -> AurIndex {
        let records: Vec<AurPackage> = records.iter().map(search_shape).collect();
        let index = Index::new(records.iter().map(aur_summary).collect());
        let by_name = records
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        AurIndex {
            index,
            records,
            by_name,
        }
    }

    /// How many packages it holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The answer to `SearchAur`: `official` is the repositories' index (`None` for
    /// `--aur`), ranked together as direct mode ranks the RPC's answer.
    pub fn search(&self, official: Option<&Index>, query: &SearchQuery) -> Response {
        let unlimited = SearchQuery {
            text: query.text.clone(),
            limit: None,
            installed_only: false,
        };
        let answer = || -> Result<Response> {
            let official = match official {
                Some(index) => index.search(&unlimited)?,
                None => SearchResults::default(),
            };
            let aur = self.index.search_literal(&unlimited)?;
            let record = |name: &str| self.by_name.get(name).map(|&i| &self.records[i]);
            let (results, aur) = search_with_aur(official, aur, record, query);
            Ok(Response::SearchAur { results, aur })
        };
        answer().unwrap_or_else(Response::from)
    }
}

/// The AUR's current index, shared by the refresh task and the handler.
#[derive(Default)]
pub struct AurHolder {
    current: RwLock<Option<Arc<AurIndex>>>,
}

impl AurHolder {
    /// The current index, `None` until the dump was loaded once.
    pub fn current(&self) -> Option<Arc<AurIndex>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    fn set(&self, index: AurIndex) {
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
        })
    }
}

/// Serve the cached dump at once, then fetch it (conditionally) now and every
/// `settings.every`, until `stop` turns true.
pub async fn run(
    holder: Arc<AurHolder>,
    store: Arc<RedbStore>,
    settings: AurSettings,
    mut stop: watch::Receiver<bool>,
) {
    let key = format!("{CACHE_PREFIX}{}", settings.dump_url);
    let mut validators = Validators::default();
    match load_cached(&*store, &key).await {
        Ok(Some((records, cached))) => {
            holder.set(AurIndex::new(&records));
            validators = cached;
            tracing::info!(
                packages = records.len(),
                "AUR metadata loaded from the state file"
            );
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
        let fetched = tokio::select! {
            _ = stop.changed() => break,
            fetched = source.dump(&validators) => fetched,
        };
        match fetched {
            Ok(FetchOutcome::NotModified) => tracing::debug!("AUR metadata unchanged"),
            Ok(FetchOutcome::Fetched {
                body: records,
                validators: fresh,
            }) => {
                let index = AurIndex::new(&records);
                tracing::info!(packages = index.len(), "AUR metadata refreshed");
                if let Err(e) = save_cached(&*store, &key, &index.records, &fresh).await {
                    tracing::warn!(error = %e, "the AUR metadata could not be saved");
                }
                holder.set(index);
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

async fn load_cached(
    store: &dyn Store,
    key: &str,
) -> Result<Option<(Vec<AurPackage>, Validators)>> {
    let Some(cached) = store.load_feed(key).await? else {
        return Ok(None);
    };
    let records: Vec<AurPackage> =
        bitcode::decode(&cached.body).map_err(|e| omg_ports::Error::MalformedFeed {
            feed: "aur".into(),
            url: key.to_string(),
            reason: format!("the cached AUR records do not decode ({e})"),
        })?;
    Ok(Some((records, cached.meta.validators)))
}

async fn save_cached(
    store: &dyn Store,
    key: &str,
    records: &[AurPackage],
    validators: &Validators,
) -> Result<()> {
    let body = bitcode::encode(records);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let meta = FeedMeta {
        url: key.to_string(),
        validators: validators.clone(),
        fetched_at: now,
        checked_at: now,
        len: body.len() as u64,
    };
    store.save_feed(&meta, &body).await
}
