//! [`HttpFetcher`]: the [`Fetcher`] port over reqwest (rustls, tokio).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, Page, ProgressEvent, ProgressSink, Result,
    Validators,
};
use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION,
};
use reqwest::{Response, StatusCode, Url};
use tokio::io::AsyncWriteExt;

use crate::auth::{authorization, BearerToken, Credential};
use crate::limit::rate_limited;
use crate::link::next_link;

/// The most redirects one request follows (reqwest's default policy's number).
const MAX_REDIRECTS: usize = 10;

/// Timeouts and identity of an [`HttpFetcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Longest wait for a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer; a download that keeps receiving data
    /// never times out, however long it takes.
    pub read_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Tokens sent as `Authorization: Bearer` with the requests under their scope (and, at
    /// every redirect, only while the new URL is under it too); none by default.
    pub bearer_tokens: Vec<BearerToken>,
}

impl Default for HttpConfig {
    /// 10 s to connect, 30 s without data, `omg/<version>`.
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            user_agent: concat!("omg/", env!("CARGO_PKG_VERSION")).to_owned(),
            bearer_tokens: Vec::new(),
        }
    }
}

/// Downloads over HTTP(S) with reqwest and rustls (webpki's and the system's roots).
/// Redirects (at most 10) are followed here rather than by reqwest, so that a bearer token
/// goes only to the URLs under its scope, hop by hop.
///
/// Cheap to clone: clones share one connection pool. Needs a tokio runtime (any flavour).
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    credentials: Arc<[Credential]>,
}

impl HttpFetcher {
    /// A fetcher with `config`'s timeouts.
    ///
    /// # Errors
    ///
    /// [`Error::Library`] when the TLS backend cannot be set up;
    /// [`Error::InvalidRequest`] for a bearer token whose scope is not an `http(s)` URL or
    /// whose text cannot be a header.
    pub fn new(config: &HttpConfig) -> Result<HttpFetcher> {
        let credentials = config
            .bearer_tokens
            .iter()
            .map(Credential::new)
            .collect::<Result<Vec<_>>>()?;
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Library {
                library: "reqwest".into(),
                message: format!("cannot set up the HTTP client: {e}"),
            })?;
        Ok(HttpFetcher {
            client,
            credentials: credentials.into(),
        })
    }

    /// Sends `request` (conditional when it carries validators), following redirects;
    /// `None` for a 304.
    async fn start(&self, request: &FetchRequest) -> Result<Option<Response>> {
        let mut conditional = HeaderMap::new();
        if let Some(etag) = header_value(request.validators.etag.as_deref()) {
            conditional.insert(IF_NONE_MATCH, etag);
        }
        if let Some(date) = header_value(request.validators.last_modified.as_deref()) {
            conditional.insert(IF_MODIFIED_SINCE, date);
        }
        let mut url = Url::parse(&request.url)
            .map_err(|e| download(request, format!("it is not a URL ({e})")))?;
        for _ in 0..=MAX_REDIRECTS {
            let mut headers = conditional.clone();
            let token = authorization(&self.credentials, &url);
            if let Some(value) = token {
                headers.insert(AUTHORIZATION, value.clone());
            }
            let response = self
                .client
                .get(url.clone())
                .headers(headers)
                .send()
                .await
                .map_err(|e| download(request, reason(&e)))?;
            match redirect_target(&response) {
                Some(Ok(next)) => {
                    tracing::debug!(from = %url, to = %next, "following a redirect");
                    url = next;
                }
                Some(Err(why)) => return Err(download(request, why)),
                None => return self.answer(request, &url, response, token.is_some()),
            }
        }
        Err(download(
            request,
            format!("more than {MAX_REDIRECTS} redirects"),
        ))
    }

    /// The final answer to `request` (from `url`, with or without a token): the response
    /// to read, `None` for a 304, or the error its status means.
    fn answer(
        &self,
        request: &FetchRequest,
        url: &Url,
        response: Response,
        authenticated: bool,
    ) -> Result<Option<Response>> {
        let status = response.status();
        if let Some(limited) =
            rate_limited(&request.url, url, status, response.headers(), authenticated)
        {
            return Err(limited);
        }
        match status {
            StatusCode::NOT_MODIFIED if !request.validators.is_empty() => Ok(None),
            StatusCode::OK => {
                if let Some(len) = response.content_length() {
                    if len > request.max_bytes {
                        return Err(too_large(request, len));
                    }
                }
                Ok(Some(response))
            }
            status => Err(download(
                request,
                format!("the server answered HTTP {status}"),
            )),
        }
    }
}

#[async_trait]
impl Fetcher for HttpFetcher {
    async fn fetch(
        &self,
        request: &FetchRequest,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<Vec<u8>>> {
        let Some(response) = self.start(request).await? else {
            return Ok(FetchOutcome::NotModified);
        };
        let validators = validators(response.headers());
        let mut body = Body::new(request, response, progress);
        let mut out = Vec::with_capacity(body.expected_capacity());
        while let Some(chunk) = body.next().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(FetchOutcome::Fetched {
            body: out,
            validators,
        })
    }

    async fn fetch_page(&self, request: &FetchRequest) -> Result<Page> {
        let unconditional = FetchRequest {
            validators: Validators::default(),
            ..request.clone()
        };
        let Some(response) = self.start(&unconditional).await? else {
            return Err(download(
                request,
                "the server answered 304 Not Modified to an unconditional request".into(),
            ));
        };
        let next = next_link(response.headers(), response.url())
            .map_err(|why| download(request, why))?
            .map(String::from);
        let mut body = Body::new(&unconditional, response, None);
        let mut out = Vec::with_capacity(body.expected_capacity());
        while let Some(chunk) = body.next().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(Page { body: out, next })
    }

    async fn fetch_to_file(
        &self,
        request: &FetchRequest,
        dest: &Path,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<u64>> {
        let Some(response) = self.start(request).await? else {
            return Ok(FetchOutcome::NotModified);
        };
        let validators = validators(response.headers());
        let part = part_path(dest);
        let written = write_body(Body::new(request, response, progress), &part).await;
        let renamed = match written {
            Ok(len) => tokio::fs::rename(&part, dest)
                .await
                .map(|()| len)
                .map_err(|source| Error::Io {
                    path: dest.to_path_buf(),
                    source,
                }),
            Err(e) => Err(e),
        };
        match renamed {
            Ok(len) => Ok(FetchOutcome::Fetched {
                body: len,
                validators,
            }),
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                Err(e)
            }
        }
    }
}

/// Streams `body` into a new file at `part`, synced to disk; its length.
async fn write_body(mut body: Body<'_>, part: &Path) -> Result<u64> {
    let io = |source| Error::Io {
        path: part.to_path_buf(),
        source,
    };
    let mut file = tokio::fs::File::create(part).await.map_err(io)?;
    while let Some(chunk) = body.next().await? {
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    Ok(body.received)
}

/// `.<name>.part` beside `dest`.
fn part_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    dest.with_file_name(format!(".{name}.part"))
}

/// A response body read chunk by chunk, with the size limit and progress applied.
struct Body<'r> {
    request: &'r FetchRequest,
    response: Response,
    progress: Option<Arc<dyn ProgressSink>>,
    total: Option<u64>,
    received: u64,
}

impl<'r> Body<'r> {
    fn new(
        request: &'r FetchRequest,
        response: Response,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Self {
        let total = response.content_length();
        Body {
            request,
            response,
            progress,
            total,
            received: 0,
        }
    }

    /// The announced length, capped (a server may lie), for preallocation.
    fn expected_capacity(&self) -> usize {
        let cap = self.total.unwrap_or(0).min(self.request.max_bytes);
        usize::try_from(cap.min(64 << 20)).unwrap_or(0)
    }

    /// The next chunk, `None` at the end. Fails past the size limit, on a network error,
    /// and when the body ends before the announced length.
    async fn next(&mut self) -> Result<Option<bytes::Bytes>> {
        let chunk = self
            .response
            .chunk()
            .await
            .map_err(|e| download(self.request, reason(&e)))?;
        let Some(chunk) = chunk else {
            if let Some(total) = self.total.filter(|t| *t != self.received) {
                return Err(download(
                    self.request,
                    format!("the body ended after {} of {total} bytes", self.received),
                ));
            }
            return Ok(None);
        };
        self.received += chunk.len() as u64;
        if self.received > self.request.max_bytes {
            return Err(too_large(self.request, self.received));
        }
        if let Some(sink) = &self.progress {
            sink.event(ProgressEvent::Download {
                item: self.request.label.clone(),
                done: self.received,
                total: self.total,
            });
        }
        Ok(Some(chunk))
    }
}

/// Where a redirect answer sends the client: `None` for an answer that is not one, else
/// the next URL or why it cannot be followed.
fn redirect_target(response: &Response) -> Option<std::result::Result<Url, String>> {
    let status = response.status();
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let Some(location) = response.headers().get(LOCATION) else {
        return Some(Err(format!(
            "the server answered HTTP {status} without a Location"
        )));
    };
    let next = location
        .to_str()
        .ok()
        .and_then(|l| response.url().join(l).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    Some(next.ok_or_else(|| {
        format!(
            "the server answered HTTP {status} to a location that is not an http(s) URL: {}",
            String::from_utf8_lossy(location.as_bytes()).escape_debug()
        )
    }))
}

fn header_value(value: Option<&str>) -> Option<HeaderValue> {
    HeaderValue::from_str(value?).ok()
}

fn validators(headers: &HeaderMap) -> Validators {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    Validators {
        etag: text(ETAG),
        last_modified: text(LAST_MODIFIED),
    }
}

fn download(request: &FetchRequest, reason: String) -> Error {
    Error::Download {
        url: request.url.clone(),
        reason,
    }
}

fn too_large(request: &FetchRequest, len: u64) -> Error {
    download(
        request,
        format!(
            "the body is larger than the limit of {} bytes (at least {len})",
            request.max_bytes
        ),
    )
}

/// reqwest's error with its causes (the useful part is often the innermost one).
fn reason(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
