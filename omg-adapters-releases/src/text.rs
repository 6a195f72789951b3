//! Small indexes and checksum files, fetched into memory.

use std::sync::Arc;

use omg_ports::{Error, FetchOutcome, FetchRequest, Fetcher, Result};

/// The most an index or checksum file may weigh.
pub(crate) const MAX_INDEX_BYTES: u64 = 64 << 20;

/// GETs `url` (an index, a checksum file) into memory.
///
/// # Errors
///
/// The fetcher's [`Error::Download`].
pub async fn fetch_bytes(fetcher: &Arc<dyn Fetcher>, url: &str) -> Result<Vec<u8>> {
    fetch_request(fetcher, &FetchRequest::new(url, MAX_INDEX_BYTES)).await
}

/// As [`fetch_bytes`], for a list of versions that a cache may keep
/// ([`FetchRequest::as_index`]).
pub(crate) async fn fetch_index_bytes(fetcher: &Arc<dyn Fetcher>, url: &str) -> Result<Vec<u8>> {
    fetch_request(fetcher, &FetchRequest::new(url, MAX_INDEX_BYTES).as_index()).await
}

async fn fetch_request(fetcher: &Arc<dyn Fetcher>, request: &FetchRequest) -> Result<Vec<u8>> {
    let url = request.url.as_str();
    match fetcher.fetch(request, None).await? {
        FetchOutcome::Fetched { body, .. } => Ok(body),
        FetchOutcome::NotModified => Err(Error::Download {
            url: url.into(),
            reason: "the server answered 304 Not Modified to an unconditional request".into(),
        }),
    }
}

/// As [`fetch_bytes`], as UTF-8 text.
///
/// # Errors
///
/// [`Error::Download`], or [`Error::MalformedFeed`] when the body is not UTF-8.
pub async fn fetch_text(fetcher: &Arc<dyn Fetcher>, url: &str, what: &str) -> Result<String> {
    let body = fetch_bytes(fetcher, url).await?;
    String::from_utf8(body).map_err(|_| malformed(what, url, "it is not UTF-8 text".into()))
}

/// A [`Error::MalformedFeed`] for a runtime index.
pub(crate) fn malformed(what: &str, url: &str, reason: String) -> Error {
    Error::MalformedFeed {
        feed: what.into(),
        url: url.into(),
        reason,
    }
}
