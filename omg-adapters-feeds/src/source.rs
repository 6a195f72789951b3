//! [`TrackerSource`]: the [`AdvisorySource`] port over a [`Fetcher`] and a [`Store`]'s feed
//! cache.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use omg_ports::{
    Advisories, AdvisorySource, CachedFeed, Error, FeedMeta, FeedOrigin, FeedRequest, FeedSnapshot,
    FetchOutcome, FetchRequest, Fetcher, Result, Store,
};
use tracing::{debug, info};

use crate::feeds;

/// The default size limit of a feed: 512 MiB (Debian's JSON is tens of megabytes, Ubuntu's
/// zip over a hundred).
pub const DEFAULT_MAX_FEED_BYTES: u64 = 512 << 20;

/// Security feeds, downloaded with conditional requests and cached.
///
/// - Online: a conditional GET with the cached copy's validators. A 304 reuses the cached
///   body (and records that the server confirmed it); a new body is parsed first and cached
///   only when it parses, so a malformed or truncated download never replaces a good copy.
///   When the download fails or is malformed and a copy is cached, the cached copy is used
///   and the snapshot carries a warning saying why.
/// - Offline: the cached copy only; [`Error::NoCachedFeed`] when there is none.
pub struct TrackerSource {
    fetcher: Arc<dyn Fetcher>,
    store: Arc<dyn Store>,
    max_bytes: u64,
}

impl TrackerSource {
    /// A source downloading with `fetcher` and caching in `store`.
    pub fn new(fetcher: Arc<dyn Fetcher>, store: Arc<dyn Store>) -> Self {
        TrackerSource {
            fetcher,
            store,
            max_bytes: DEFAULT_MAX_FEED_BYTES,
        }
    }

    /// The same source, refusing feeds larger than `max_bytes`.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    fn parse(&self, request: &FeedRequest, body: &[u8]) -> Result<Advisories> {
        feeds::parse(request.kind, &request.url, body, request.release.as_deref())
    }

    /// The cached copy as a snapshot, with `warning`.
    fn cached_snapshot(
        &self,
        request: &FeedRequest,
        cached: &CachedFeed,
        origin: FeedOrigin,
        warning: Option<String>,
    ) -> Result<FeedSnapshot> {
        Ok(FeedSnapshot {
            advisories: self.parse(request, &cached.body)?,
            origin,
            fetched_at: cached.meta.fetched_at,
            checked_at: cached.meta.checked_at,
            warning,
        })
    }

    /// A failed refresh (`error`): the cached copy with a warning, else the error.
    fn fall_back(
        &self,
        request: &FeedRequest,
        cached: Option<&CachedFeed>,
        error: Error,
    ) -> Result<FeedSnapshot> {
        match cached {
            Some(c) => {
                info!(feed = request.kind.name(), %error, "using the cached feed");
                self.cached_snapshot(request, c, FeedOrigin::Cache, Some(error.to_string()))
            }
            None => Err(error),
        }
    }
}

#[async_trait]
impl AdvisorySource for TrackerSource {
    async fn advisories(&self, request: &FeedRequest) -> Result<FeedSnapshot> {
        let cached = self.store.load_feed(&request.url).await?;
        if request.offline {
            return match &cached {
                Some(c) => self.cached_snapshot(request, c, FeedOrigin::Cache, None),
                None => Err(Error::NoCachedFeed {
                    feed: request.kind.name().to_owned(),
                    url: request.url.clone(),
                }),
            };
        }
        let mut fetch =
            FetchRequest::new(&request.url, self.max_bytes).labelled(request.kind.name());
        if let Some(c) = &cached {
            fetch = fetch.if_changed(c.meta.validators.clone());
        }
        let now = now();
        match self.fetcher.fetch(&fetch, None).await {
            Ok(FetchOutcome::NotModified) => {
                let Some(mut c) = cached else {
                    return Err(Error::Download {
                        url: request.url.clone(),
                        reason: "the server answered 304 Not Modified to an unconditional request"
                            .into(),
                    });
                };
                debug!(
                    feed = request.kind.name(),
                    "not modified; using the cached copy"
                );
                c.meta.checked_at = now;
                self.store.save_feed_meta(&c.meta).await?;
                self.cached_snapshot(request, &c, FeedOrigin::NotModified, None)
            }
            Ok(FetchOutcome::Fetched { body, validators }) => {
                match self.parse(request, &body) {
                    Ok(advisories) => {
                        let meta = FeedMeta {
                            url: request.url.clone(),
                            validators,
                            fetched_at: now,
                            checked_at: now,
                            len: body.len() as u64,
                        };
                        self.store.save_feed(&meta, &body).await?;
                        debug!(feed = request.kind.name(), bytes = body.len(), "downloaded");
                        Ok(FeedSnapshot {
                            advisories,
                            origin: FeedOrigin::Downloaded,
                            fetched_at: now,
                            checked_at: now,
                            warning: None,
                        })
                    }
                    // Only a bad body falls back; a bad request (an unknown release) is
                    // the caller's to fix.
                    Err(e @ Error::MalformedFeed { .. }) => {
                        self.fall_back(request, cached.as_ref(), e)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => self.fall_back(request, cached.as_ref(), e),
        }
    }
}

/// Seconds since the Unix epoch.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
