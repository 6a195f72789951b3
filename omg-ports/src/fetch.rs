//! The `Fetcher` port: HTTP(S) GET with a size limit, progress, and conditional requests.
//!
//! Used for the security feeds of `omg audit` (small to tens of megabytes, into memory with
//! [`Fetcher::fetch`]) and for large downloads such as runtime tarballs (streamed to a file
//! with [`Fetcher::fetch_to_file`]). Progress is reported as [`ProgressEvent::Download`]
//! events named after [`FetchRequest::label`].
//!
//! [`ProgressEvent::Download`]: crate::ProgressEvent::Download

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{ProgressSink, Result};

/// What the server said about a body, to ask next time whether it changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Validators {
    /// The `ETag` header, verbatim (quotes and `W/` included).
    pub etag: Option<String>,
    /// The `Last-Modified` header, verbatim (an HTTP date).
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when neither validator is known: a request with them is unconditional.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// One GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The URL (`https://`, `http://`).
    pub url: String,
    /// The largest body accepted, in bytes; a larger one fails with
    /// [`crate::Error::Download`] as soon as the limit is passed (or at once when the server
    /// announces a larger `Content-Length`).
    pub max_bytes: u64,
    /// Validators of the copy the caller has: sent as `If-None-Match` /
    /// `If-Modified-Since`, so that an unchanged resource answers
    /// [`FetchOutcome::NotModified`].
    pub validators: Validators,
    /// The name progress events carry (a feed or file name); the URL when empty.
    pub label: String,
    /// A list of versions (an index, a page of releases) that a cache in front of the
    /// fetcher may keep and serve offline; checksum files and archives are not.
    pub index: bool,
}

impl FetchRequest {
    /// An unconditional GET of `url` accepting at most `max_bytes`.
    pub fn new(url: impl Into<String>, max_bytes: u64) -> Self {
        let url = url.into();
        FetchRequest {
            label: url.clone(),
            url,
            max_bytes,
            validators: Validators::default(),
            index: false,
        }
    }

    /// The same request, marked as a list of versions ([`FetchRequest::index`]).
    pub fn as_index(mut self) -> Self {
        self.index = true;
        self
    }

    /// The same request, conditional on `validators` (the caller's copy).
    pub fn if_changed(mut self, validators: Validators) -> Self {
        self.validators = validators;
        self
    }

    /// The same request, with progress events named `label`.
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }
}

/// The answer to a (possibly conditional) GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome<T> {
    /// The server confirmed that the caller's copy is current (HTTP 304).
    NotModified,
    /// A new body (for [`Fetcher::fetch`] the bytes; for [`Fetcher::fetch_to_file`] the
    /// number of bytes written) and its validators.
    Fetched {
        /// The body, or what stands for it.
        body: T,
        /// The validators the server sent with it.
        validators: Validators,
    },
}

/// One page of an API that pages its answers (GitHub's releases, Adoptium's builds): the
/// body, and where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The page's body.
    pub body: Vec<u8>,
    /// The absolute URL of the next page: the target of the answer's `Link` header with
    /// relation `next` (RFC 8288), resolved against the page's URL; `None` on the last page.
    pub next: Option<String>,
}

/// Downloads over HTTP(S). Implemented by `omg-adapters-http` (reqwest).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Fetcher: Send + Sync {
    /// GET `request.url` into memory.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Download`] naming the URL for a network failure, a timeout, an HTTP
    /// status other than 200 and 304, or a body larger than `request.max_bytes`.
    async fn fetch(
        &self,
        request: &FetchRequest,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<Vec<u8>>>;

    /// GET `request.url` into the file `dest`, streamed (never held in memory whole). The
    /// body is written to a temporary file beside `dest` and renamed over it once complete,
    /// so `dest` is either untouched or the whole new body. On
    /// [`FetchOutcome::NotModified`], `dest` is untouched.
    ///
    /// # Errors
    ///
    /// As [`Fetcher::fetch`], and [`crate::Error::Io`] naming the file when it cannot be
    /// written.
    async fn fetch_to_file(
        &self,
        request: &FetchRequest,
        dest: &Path,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<u64>>;

    /// GET `request.url` into memory as one page of a paged answer (unconditionally: its
    /// validators are not sent), with the next page's URL from the `Link` header. A fetcher
    /// that cannot read headers keeps this default: [`Fetcher::fetch`], and no next page.
    ///
    /// # Errors
    ///
    /// As [`Fetcher::fetch`]; [`crate::Error::Download`] when the `Link` header names a next
    /// page that is not an `http(s)` URL.
    async fn fetch_page(&self, request: &FetchRequest) -> Result<Page> {
        let unconditional = FetchRequest {
            validators: Validators::default(),
            ..request.clone()
        };
        match self.fetch(&unconditional, None).await? {
            FetchOutcome::Fetched { body, .. } => Ok(Page { body, next: None }),
            FetchOutcome::NotModified => Err(crate::Error::Download {
                url: request.url.clone(),
                reason: "the server answered 304 Not Modified to an unconditional request".into(),
            }),
        }
    }
}
