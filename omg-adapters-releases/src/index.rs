//! [`CachedIndex`]: a source's index fetched once and kept for the provider's life, the one
//! fetch-parse-keep shape every provider uses for its index, releases or manifests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use omg_ports::{Fetcher, Result};
use serde::de::DeserializeOwned;

use crate::text::{fetch_index_bytes, malformed};

/// How a fetched body becomes the index: the value, or why the body is not one.
pub(crate) type Parse<T> = fn(&[u8]) -> std::result::Result<T, String>;

/// An index of a source (`index.json`, a page of GitHub releases, a channel manifest),
/// fetched on first use and kept by URL for as long as the provider lives (one command).
/// Only a parsed index is kept: a failed download or a malformed body is returned as an
/// error and the next call fetches again.
pub(crate) struct CachedIndex<T> {
    /// What the index is, for [`omg_ports::Error::MalformedFeed`] (`"go download list"`).
    what: &'static str,
    parse: Parse<T>,
    kept: Mutex<HashMap<String, Arc<T>>>,
}

impl<T: Send + Sync> CachedIndex<T> {
    /// An empty cache of indexes named `what`, read with `parse`.
    pub(crate) fn new(what: &'static str, parse: Parse<T>) -> Self {
        CachedIndex {
            what,
            parse,
            kept: Mutex::new(HashMap::new()),
        }
    }

    /// The index at `url`: the kept copy, else fetched through `fetcher` and parsed.
    ///
    /// # Errors
    ///
    /// The fetcher's [`omg_ports::Error::Download`]; [`omg_ports::Error::MalformedFeed`]
    /// naming `what` and `url` when `parse` refuses the body.
    pub(crate) async fn get(&self, fetcher: &Arc<dyn Fetcher>, url: &str) -> Result<Arc<T>> {
        if let Some(kept) = self.kept.lock().ok().and_then(|k| k.get(url).cloned()) {
            return Ok(kept);
        }
        let body = fetch_index_bytes(fetcher, url).await?;
        let index = Arc::new((self.parse)(&body).map_err(|e| malformed(self.what, url, e))?);
        if let Ok(mut k) = self.kept.lock() {
            k.insert(url.to_string(), index.clone());
        }
        Ok(index)
    }
}

/// [`Parse`] for a JSON index.
pub(crate) fn from_json<T: DeserializeOwned>(body: &[u8]) -> std::result::Result<T, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// [`Parse`] for a TOML index.
pub(crate) fn from_toml<T: DeserializeOwned>(body: &[u8]) -> std::result::Result<T, String> {
    toml::from_str(utf8(body)?).map_err(|e| e.to_string())
}

/// `body` as text, or the reason it is not.
pub(crate) fn utf8(body: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(body).map_err(|_| "it is not UTF-8 text".to_string())
}
