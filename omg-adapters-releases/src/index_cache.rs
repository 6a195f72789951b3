//! The runtimes' remote indexes (node's index.json, go's list, the GitHub and Adoptium
//! release pages, SHASUMS files) cached on disk, so that `lts`, `latest` and ranges resolve
//! without the network: [`IndexCache`], a [`Fetcher`] in front of another.
//!
//! - A copy younger than `max_age` is used as it is (no request).
//! - An older one is revalidated with its validators (`If-None-Match`,
//!   `If-Modified-Since`); a 304 renews it.
//! - When the network fails, the cached copy is used with a warning
//!   ([`IndexCache::take_warnings`]); without one, the error stands.
//! - Offline (`[runtimes] offline`), only cached copies are used, whatever their
//!   age, and archives are not downloaded at all.
//!
//! Only requests marked as lists of versions ([`FetchRequest::index`]) are kept; checksum
//! files are read fresh for the download they check, and archives (`fetch_to_file`) are
//! never cached here: installed versions are their cache.
//! Each copy is two files named by the URL's sha256 under the cache directory, `.meta`
//! (JSON: URL, validators, times, the next page) and `.body`, each replaced by a rename;
//! concurrent omg processes at worst fetch the same index twice. Copies are read within
//! bounds and only when they are regular files.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, Page, ProgressSink, Result, Validators,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a cached index is used without asking: an hour.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);

/// The largest `.meta` file read back.
const MAX_META_BYTES: u64 = 64 * 1024;

/// What is kept beside a cached body.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    /// Unix seconds of the download or of the last 304.
    checked_at: u64,
    /// The next page (`Link: rel="next"`) of a paged answer.
    next: Option<String>,
}

/// A [`Fetcher`] that caches what it fetches into memory (indexes), in front of `inner`.
pub struct IndexCache {
    inner: Arc<dyn Fetcher>,
    dir: PathBuf,
    max_age: Duration,
    offline: bool,
    warnings: Mutex<Vec<String>>,
}

impl IndexCache {
    /// A cache in `dir` (created when needed) in front of `inner`.
    pub fn new(inner: Arc<dyn Fetcher>, dir: impl Into<PathBuf>) -> IndexCache {
        IndexCache {
            inner,
            dir: dir.into(),
            max_age: DEFAULT_MAX_AGE,
            offline: false,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The same cache, using copies younger than `max_age` without asking.
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> IndexCache {
        self.max_age = max_age;
        self
    }

    /// The same cache, never asking the network (cached copies only, no downloads).
    #[must_use]
    pub fn offline(mut self, offline: bool) -> IndexCache {
        self.offline = offline;
        self
    }

    /// The warnings since the last call (a cached copy used because the network failed),
    /// each once.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    /// Adds a warning of the caller's (about what it did without the network), kept with the
    /// cache's own for [`IndexCache::take_warnings`].
    pub fn warn(&self, text: String) {
        if let Ok(mut w) = self.warnings.lock() {
            if !w.contains(&text) {
                w.push(text);
            }
        }
    }

    fn paths(&self, url: &str) -> (PathBuf, PathBuf) {
        let key: String = Sha256::digest(url.as_bytes())
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        (
            self.dir.join(format!("{key}.meta")),
            self.dir.join(format!("{key}.body")),
        )
    }

    /// The cached copy of `url` (its meta and body), when there is a usable one.
    fn load(&self, url: &str, max_body: u64) -> Option<(Meta, Vec<u8>)> {
        let (meta_path, body_path) = self.paths(url);
        let meta: Meta = serde_json::from_slice(&read_bounded(&meta_path, MAX_META_BYTES)?).ok()?;
        if meta.url != url {
            return None;
        }
        Some((meta, read_bounded(&body_path, max_body)?))
    }

    fn save(&self, meta: &Meta, body: &[u8]) {
        let (meta_path, body_path) = self.paths(&meta.url);
        let saved = fs::create_dir_all(&self.dir)
            .and_then(|()| write_atomic(&body_path, body))
            .and_then(|()| write_atomic(&meta_path, &serde_json::to_vec(meta).unwrap_or_default()));
        if let Err(e) = saved {
            tracing::debug!(url = %meta.url, error = %e, "the index was not cached");
        }
    }

    fn fresh(&self, meta: &Meta) -> bool {
        now().saturating_sub(meta.checked_at) < self.max_age.as_secs()
    }

    /// The body (and next page) of `request`, through the cache; `page` asks the inner
    /// fetcher for a page (with its `Link`), else a plain fetch.
    async fn cached(
        &self,
        request: &FetchRequest,
        page: bool,
    ) -> Result<(Vec<u8>, Option<String>)> {
        let url = request.url.as_str();
        let cached = self.load(url, request.max_bytes);
        if self.offline {
            return match cached {
                Some((meta, body)) => Ok((body, meta.next)),
                None => Err(Error::Download {
                    url: url.to_string(),
                    reason:
                        "omg is offline (--offline, [runtimes] offline) and has no cached copy; \
                             run the command once online"
                            .into(),
                }),
            };
        }
        if let Some((meta, body)) = &cached {
            if self.fresh(meta) {
                return Ok((body.clone(), meta.next.clone()));
            }
        }
        let asked = if page {
            // Pages are asked for in full: their `Link` comes with the body.
            self.inner.fetch_page(request).await.map(|p| {
                (
                    FetchOutcome::Fetched {
                        body: p.body,
                        validators: Validators::default(),
                    },
                    p.next,
                )
            })
        } else {
            let conditional = match &cached {
                Some((meta, _)) => request.clone().if_changed(Validators {
                    etag: meta.etag.clone(),
                    last_modified: meta.last_modified.clone(),
                }),
                None => request.clone(),
            };
            self.inner
                .fetch(&conditional, None)
                .await
                .map(|o| (o, None))
        };
        match (asked, cached) {
            (Ok((FetchOutcome::Fetched { body, validators }, next)), _) => {
                self.save(
                    &Meta {
                        url: url.to_string(),
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                        checked_at: now(),
                        next: next.clone(),
                    },
                    &body,
                );
                Ok((body, next))
            }
            (Ok((FetchOutcome::NotModified, _)), Some((mut meta, body))) => {
                meta.checked_at = now();
                self.save(&meta, &body);
                Ok((body, meta.next))
            }
            (Ok((FetchOutcome::NotModified, _)), None) => Err(Error::Download {
                url: url.to_string(),
                reason: "the server answered 304 Not Modified to an unconditional request".into(),
            }),
            // Only a failure to download falls back; a rate limit or a refusal is the
            // answer.
            (Err(e @ Error::Download { .. }), Some((meta, body))) => {
                self.warn(format!(
                    "{e}; using the copy cached {} ago",
                    age(now().saturating_sub(meta.checked_at))
                ));
                Ok((body, meta.next))
            }
            (Err(e), _) => Err(e),
        }
    }
}

#[async_trait]
impl Fetcher for IndexCache {
    async fn fetch(
        &self,
        request: &FetchRequest,
        _progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<Vec<u8>>> {
        // Only lists of versions are kept: a checksum file is read fresh for the download
        // it checks (which offline does not happen). A caller's own validators mean it keeps
        // its own copy.
        if !request.index || !request.validators.is_empty() {
            if self.offline {
                return Err(offline_refusal(&request.url));
            }
            return self.inner.fetch(request, None).await;
        }
        let (body, _) = self.cached(request, false).await?;
        Ok(FetchOutcome::Fetched {
            body,
            validators: Validators::default(),
        })
    }

    async fn fetch_page(&self, request: &FetchRequest) -> Result<Page> {
        let (body, next) = self.cached(request, true).await?;
        Ok(Page { body, next })
    }

    async fn fetch_to_file(
        &self,
        request: &FetchRequest,
        dest: &Path,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<u64>> {
        if self.offline {
            return Err(offline_refusal(&request.url));
        }
        self.inner.fetch_to_file(request, dest, progress).await
    }
}

fn offline_refusal(url: &str) -> Error {
    Error::Download {
        url: url.to_string(),
        reason: "omg is offline (--offline, [runtimes] offline): nothing is downloaded".into(),
    }
}

/// "3 h", "12 min", "40 s".
fn age(seconds: u64) -> String {
    match seconds {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 3600 => format!("{} h", s / 3600),
        s if s >= 60 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `path`'s bytes when it is a regular file of at most `max` bytes (not followed when it is
/// a link).
fn read_bounded(path: &Path, max: u64) -> Option<Vec<u8>> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= max).then_some(bytes)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}
