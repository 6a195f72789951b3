//! omg's security feeds: the parsers of the trackers' feeds ([`feeds`]), and
//! [`TrackerSource`], the [`AdvisorySource`](omg_ports::AdvisorySource) that fetches a feed
//! through any [`Fetcher`](omg_ports::Fetcher) (`omg-adapters-http`'s `HttpFetcher` in omg)
//! with conditional requests and keeps it in a [`Store`](omg_ports::Store)'s feed cache.
//!
//! ```no_run
//! # async fn demo(store: std::sync::Arc<dyn omg_ports::Store>) -> omg_ports::Result<()> {
//! use std::sync::Arc;
//! use omg_adapters_feeds::TrackerSource;
//! use omg_adapters_http::{HttpConfig, HttpFetcher};
//! use omg_ports::{AdvisorySource, FeedKind, FeedRequest};
//!
//! let fetcher = Arc::new(HttpFetcher::new(&HttpConfig::default())?);
//! let source = TrackerSource::new(fetcher, store);
//! let feed = source
//!     .advisories(&FeedRequest {
//!         kind: FeedKind::Debian,
//!         url: "https://security-tracker.debian.org/tracker/data/json".into(),
//!         release: Some("bookworm".into()),
//!         offline: false,
//!     })
//!     .await?;
//! println!("{} issues for bookworm", feed.advisories.len());
//! # Ok(()) }
//! ```
//!
//! # Feeds
//!
//! | feed | default URL | format |
//! | --- | --- | --- |
//! | Arch | `https://security.archlinux.org/all.json` | JSON array of AVG groups |
//! | Debian | `https://security-tracker.debian.org/tracker/data/json` | JSON: source -> issue -> releases |
//! | Ubuntu | `https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip` | zip of OSV JSON records |
//! | DSA list | the tracker repository's `data/DSA/list` (raw, on salsa.debian.org) | text: advisory, CVEs, releases fixed |
//! | DLA list | the tracker repository's `data/DLA/list` | the same, for LTS |
//!
//! The Debian JSON carries CVE and `TEMP-` ids only; the DSA and DLA numbers come from the
//! two lists, fetched and cached the same way.
//!
//! [`news`] reads the Arch news feed (`https://archlinux.org/feeds/news/`, RSS 2.0) within
//! bounds, for `omg news` and the check before `omg update`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod feeds;
pub mod news;
mod source;

pub use news::{fetch_news, parse_news, NewsError, NewsItem};
pub use source::{TrackerSource, DEFAULT_MAX_FEED_BYTES};
