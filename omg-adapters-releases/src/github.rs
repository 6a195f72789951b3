//! GitHub's releases API (`<repo>/releases`, `<repo>/releases/tags/<tag>`), as bun, python
//! and ruby read it: each release's assets with their download URLs and, where GitHub has
//! computed one, their `digest` (`sha256:<hex>`). The list of releases comes in pages
//! (`?per_page=<n>`, then the `Link` header's next page: [`releases_index`]); an exhausted
//! rate limit is said as GitHub's ([`api_error`]).

use std::sync::Arc;

use omg_ports::{Error, Fetcher, Result};
use serde::Deserialize;

use super::checksums::parse_shasums;
use super::index::from_json;
use super::paged::PagedIndex;
use super::text::fetch_text;

/// The paged list of releases of `runtime`'s repository (`<mirror>/releases?per_page=<n>`),
/// named `what`, at most `max_pages` pages.
pub(crate) fn releases_index(
    runtime: &'static str,
    what: &'static str,
    max_pages: usize,
) -> PagedIndex<Release> {
    PagedIndex::new(runtime, what, max_pages, from_json, api_error)
}

/// A fetch error from GitHub's API, said as GitHub's: an exhausted rate limit names GitHub
/// and what raises it (a token), or, when a token was sent, that its limit is used up.
pub(crate) fn api_error(e: Error) -> Error {
    match e {
        Error::RateLimited {
            url,
            resets_at,
            authenticated,
            ..
        } => Error::RateLimited {
            service: "GitHub's API".into(),
            url,
            resets_at,
            authenticated,
            advice: if authenticated {
                "the token's hourly requests are used up: wait until then, or use another \
                 token"
                    .into()
            } else {
                "set GITHUB_TOKEN (or [runtimes] github_token in config.toml) to a GitHub \
                 token, which raises the limit from 60 to 5,000 requests an hour (omg sends it \
                 only to [runtimes] github_api_url, https://api.github.com by default), or \
                 wait until then"
                    .into()
            },
        },
        other => other,
    }
}

/// One release (only what omg reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Release {
    pub tag_name: String,
    #[serde(default)]
    pub prerelease: bool,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub assets: Vec<Asset>,
}

/// One asset of a release.
#[derive(Debug, Deserialize)]
pub(crate) struct Asset {
    pub name: String,
    pub browser_download_url: String,
    #[serde(default)]
    pub size: Option<u64>,
    /// `sha256:<hex>`, or null for assets GitHub has no digest for.
    #[serde(default)]
    pub digest: Option<String>,
}

impl Asset {
    /// The asset's sha256 from its `digest`, when GitHub publishes one.
    pub fn sha256_digest(&self) -> Option<String> {
        let hex = self.digest.as_deref()?.strip_prefix("sha256:")?.trim();
        is_sha256(hex).then(|| hex.to_ascii_lowercase())
    }
}

impl Release {
    /// The asset named `name`.
    pub fn asset(&self, name: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.name == name)
    }

    /// The `YYYY-MM-DD` the release was published.
    pub fn date(&self) -> Option<String> {
        self.published_at
            .as_ref()
            .map(|d| d.chars().take(10).collect())
    }
}

/// The sha256 `release` publishes for its asset `file`, and where it came from: the
/// `SHA256SUMS` or `SHASUMS256.txt` asset (sha256sum's format), else a `<file>.sha256` asset
/// (its first word), else GitHub's digest of the asset. `None` when there is none.
pub(crate) async fn published_sha256(
    fetcher: &Arc<dyn Fetcher>,
    release: &Release,
    file: &Asset,
    what: &str,
) -> Result<Option<(String, String)>> {
    for list in ["SHA256SUMS", "SHASUMS256.txt"] {
        if let Some(a) = release.asset(list) {
            let text = fetch_text(fetcher, &a.browser_download_url, what).await?;
            // A sums file that lacks the line is final: it is the source's list.
            return Ok(parse_shasums(&text)
                .remove(&file.name)
                .map(|sum| (sum, a.browser_download_url.clone())));
        }
    }
    if let Some(a) = release.asset(&format!("{}.sha256", file.name)) {
        let text = fetch_text(fetcher, &a.browser_download_url, what).await?;
        let sum = text.split_whitespace().next().unwrap_or("");
        return Ok(
            is_sha256(sum).then(|| (sum.to_ascii_lowercase(), a.browser_download_url.clone()))
        );
    }
    Ok(file.sha256_digest().map(|sum| {
        (
            sum,
            format!("the GitHub digest of {}", file.browser_download_url),
        )
    }))
}

pub(crate) fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
