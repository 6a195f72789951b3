//! omg's HTTP [`Fetcher`](omg_ports::Fetcher): [`HttpFetcher`], reqwest over rustls (no
//! OpenSSL), with a size limit checked while streaming, conditional requests
//! (`If-None-Match`, `If-Modified-Since`), downloads streamed to a file, pages of paged APIs
//! with their `Link` header's next page (`link.rs`), bearer tokens sent only under their
//! scope, redirects included (`auth.rs`), and rate limits said as such (`limit.rs`). The only crate of
//! omg that knows HTTP; the feeds (`omg-adapters-feeds`) and the runtime sources
//! (`omg-adapters-releases`) take any `Arc<dyn Fetcher>`.
//!
//! ```no_run
//! # async fn demo() -> omg_ports::Result<()> {
//! use omg_adapters_http::{HttpConfig, HttpFetcher};
//! use omg_ports::{FetchOutcome, FetchRequest, Fetcher};
//!
//! let fetcher = HttpFetcher::new(&HttpConfig::default())?;
//! let request = FetchRequest::new("https://nodejs.org/dist/index.json", 64 << 20);
//! if let FetchOutcome::Fetched { body, .. } = fetcher.fetch(&request, None).await? {
//!     println!("{} bytes", body.len());
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod http;
mod limit;
mod link;

pub use auth::BearerToken;
pub use http::{HttpConfig, HttpFetcher};
