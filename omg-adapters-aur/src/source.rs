//! [`AurRpc`]: the [`AurSource`] over any [`Fetcher`].

use std::sync::Arc;

use async_trait::async_trait;
use omg_ports::{
    AurPackage, AurSearchBy, AurSource, Error, FetchOutcome, FetchRequest, Fetcher, Result,
    Validators,
};

use crate::dump::{parse_dump_map, DUMP_FEED};
use crate::escape::escape;
use crate::limits::{DUMP_MAX_BYTES, RPC_MAX_BYTES};
use crate::rpc::{malformed, parse_rpc, RPC_FEED};

/// aurweb's RPC base URL.
pub const DEFAULT_RPC_URL: &str = "https://aur.archlinux.org/rpc";

/// The extended metadata dump (every package with its dependency lists).
pub const DEFAULT_DUMP_URL: &str = "https://aur.archlinux.org/packages-meta-ext-v1.json.gz";

/// How many names one info request asks for (keeps URLs short, as AUR helpers do).
pub const INFO_CHUNK: usize = 150;

/// The AUR through its RPC v5 (`search`, `info`) and its metadata dump (`dump`), over a
/// [`Fetcher`].
///
/// Searches go to `GET {rpc}/v5/search?arg=...&by=...`, info to
/// `GET {rpc}/v5/info?arg[]=a&arg[]=b...` in chunks of [`INFO_CHUNK`] names, the dump is a
/// conditional GET of the dump URL decoded as a stream on a blocking thread (so `dump` needs
/// a tokio runtime, as `omg-adapters-http`'s fetcher does).
#[derive(Clone)]
pub struct AurRpc {
    fetcher: Arc<dyn Fetcher>,
    rpc_url: String,
    dump_url: String,
}

impl std::fmt::Debug for AurRpc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AurRpc")
            .field("rpc_url", &self.rpc_url)
            .field("dump_url", &self.dump_url)
            .finish_non_exhaustive()
    }
}

impl AurRpc {
    /// The AUR at its usual addresses ([`DEFAULT_RPC_URL`], [`DEFAULT_DUMP_URL`]).
    pub fn new(fetcher: Arc<dyn Fetcher>) -> AurRpc {
        AurRpc::with_urls(fetcher, DEFAULT_RPC_URL, DEFAULT_DUMP_URL)
    }

    /// An AUR at other addresses (a mirror, a test server): `rpc_url` is the RPC's base
    /// (`https://aur.archlinux.org/rpc`, a trailing `/` is ignored), `dump_url` the
    /// metadata dump's full URL.
    pub fn with_urls(
        fetcher: Arc<dyn Fetcher>,
        rpc_url: impl Into<String>,
        dump_url: impl Into<String>,
    ) -> AurRpc {
        let mut rpc_url = rpc_url.into();
        while rpc_url.ends_with('/') {
            rpc_url.pop();
        }
        AurRpc {
            fetcher,
            rpc_url,
            dump_url: dump_url.into(),
        }
    }

    /// The RPC's base URL.
    pub fn rpc_url(&self) -> &str {
        &self.rpc_url
    }

    /// The metadata dump's URL.
    pub fn dump_url(&self) -> &str {
        &self.dump_url
    }

    /// The URL a search for `text` by `by` asks.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a query shorter than 2 characters (which the AUR
    /// refuses), except by maintainer (an empty maintainer lists the orphans).
    pub fn search_url(&self, text: &str, by: AurSearchBy) -> Result<String> {
        let chars = text.chars().count();
        if by != AurSearchBy::Maintainer && chars < 2 {
            return Err(Error::InvalidRequest(format!(
                "the AUR searches for 2 or more characters, and \"{}\" has {chars}; give a longer query",
                escape(text)
            )));
        }
        Ok(format!(
            "{}/v5/search?arg={}&by={}",
            self.rpc_url,
            encode(text),
            by.as_str()
        ))
    }

    /// The URLs info for `names` asks, one per [`INFO_CHUNK`] names (none for no names).
    pub fn info_urls(&self, names: &[String]) -> Vec<String> {
        names
            .chunks(INFO_CHUNK)
            .map(|chunk| {
                let mut url = format!("{}/v5/info", self.rpc_url);
                for (i, name) in chunk.iter().enumerate() {
                    url.push(if i == 0 { '?' } else { '&' });
                    url.push_str("arg[]=");
                    url.push_str(&encode(name));
                }
                url
            })
            .collect()
    }

    /// One RPC answer's packages.
    async fn ask(&self, url: String) -> Result<Vec<AurPackage>> {
        let request = FetchRequest::new(url, RPC_MAX_BYTES).labelled(RPC_FEED);
        match self
            .fetcher
            .fetch(&request, None)
            .await
            .map_err(rate_limited)?
        {
            FetchOutcome::Fetched { body, .. } => parse_rpc(&request.url, &body),
            FetchOutcome::NotModified => Err(malformed(
                &request.url,
                "the server answered 304 Not Modified to an unconditional request",
            )),
        }
    }
}

impl AurRpc {
    /// [`AurSource::dump`], each record turned by `map` as it is parsed (what a daemon keeps
    /// of a hundred thousand records is a part of each).
    ///
    /// # Errors
    ///
    /// As [`AurSource::dump`].
    pub async fn dump_map<T, F>(
        &self,
        validators: &Validators,
        map: F,
    ) -> Result<FetchOutcome<Vec<T>>>
    where
        T: Send + 'static,
        F: FnMut(AurPackage) -> T + Send + 'static,
    {
        let request = FetchRequest::new(self.dump_url.clone(), DUMP_MAX_BYTES)
            .if_changed(validators.clone())
            .labelled(DUMP_FEED);
        match self
            .fetcher
            .fetch(&request, None)
            .await
            .map_err(rate_limited)?
        {
            FetchOutcome::NotModified => {
                tracing::debug!(url = %self.dump_url, "the AUR metadata dump is unchanged");
                Ok(FetchOutcome::NotModified)
            }
            FetchOutcome::Fetched { body, validators } => {
                // Decoding takes seconds for the real dump: on a blocking thread.
                let url = self.dump_url.clone();
                let packages =
                    tokio::task::spawn_blocking(move || parse_dump_map(&url, body.as_slice(), map))
                        .await
                        .map_err(|e| {
                            malformed(&self.dump_url, format!("its reader stopped ({e})"))
                        })??;
                Ok(FetchOutcome::Fetched {
                    body: packages,
                    validators,
                })
            }
        }
    }
}

#[async_trait]
impl AurSource for AurRpc {
    async fn search(&self, text: &str, by: AurSearchBy) -> Result<Vec<AurPackage>> {
        let url = self.search_url(text, by)?;
        tracing::debug!(%url, "AUR search");
        self.ask(url).await
    }

    async fn info(&self, names: &[String]) -> Result<Vec<AurPackage>> {
        let mut out = Vec::with_capacity(names.len());
        for url in self.info_urls(names) {
            tracing::debug!(%url, "AUR info");
            out.extend(self.ask(url).await?);
        }
        Ok(out)
    }

    async fn dump(&self, validators: &Validators) -> Result<FetchOutcome<Vec<AurPackage>>> {
        self.dump_map(validators, |p| p).await
    }
}

/// A rate-limited request (HTTP 429) said as such; other errors as they are.
fn rate_limited(e: Error) -> Error {
    match e {
        Error::Download { url, reason } if reason.contains("HTTP 429") => Error::Download {
            url,
            reason: "the AUR limits the rate of requests (HTTP 429 Too Many Requests): wait a few minutes before trying again, or search omgd's copy of the AUR's metadata dump".into(),
        },
        e => e,
    }
}

/// `text` percent-encoded for a query string: every byte but the unreserved ones
/// (`A-Z a-z 0-9 - . _ ~`).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[cfg(test)]
mod tests {
    use super::*;

    struct Never;

    #[async_trait]
    impl Fetcher for Never {
        async fn fetch(
            &self,
            request: &FetchRequest,
            _: Option<Arc<dyn omg_ports::ProgressSink>>,
        ) -> Result<FetchOutcome<Vec<u8>>> {
            Err(Error::Download {
                url: request.url.clone(),
                reason: "the server answered HTTP 429 Too Many Requests".into(),
            })
        }
        async fn fetch_to_file(
            &self,
            request: &FetchRequest,
            _: &std::path::Path,
            _: Option<Arc<dyn omg_ports::ProgressSink>>,
        ) -> Result<FetchOutcome<u64>> {
            Err(Error::Download {
                url: request.url.clone(),
                reason: "unused".into(),
            })
        }
    }

    fn rpc() -> AurRpc {
        AurRpc::with_urls(Arc::new(Never), "http://h/rpc/", "http://h/dump.gz")
    }

    #[test]
    fn encodes_queries() {
        assert_eq!(encode("abc-1.2_x~"), "abc-1.2_x~");
        assert_eq!(encode("a b&c=d+é/"), "a%20b%26c%3Dd%2B%C3%A9%2F");
    }

    #[test]
    fn search_urls() {
        let r = rpc();
        assert_eq!(
            r.search_url("yay bin", AurSearchBy::NameDesc).unwrap(),
            "http://h/rpc/v5/search?arg=yay%20bin&by=name-desc"
        );
        assert_eq!(
            r.search_url("", AurSearchBy::Maintainer).unwrap(),
            "http://h/rpc/v5/search?arg=&by=maintainer"
        );
        for short in ["", "a", "é"] {
            let e = r.search_url(short, AurSearchBy::Name).unwrap_err();
            assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
            assert!(e.to_string().contains("2 or more characters"), "{e}");
        }
        assert!(r.search_url("éé", AurSearchBy::Name).is_ok());
    }

    #[test]
    fn info_urls_are_chunked() {
        let r = rpc();
        assert!(r.info_urls(&[]).is_empty());
        let names: Vec<String> = (0..320).map(|i| format!("p{i}")).collect();
        let urls = r.info_urls(&names);
        assert_eq!(urls.len(), 3);
        assert!(urls[0].starts_with("http://h/rpc/v5/info?arg[]=p0&arg[]=p1&"));
        assert_eq!(urls[0].matches("arg[]=").count(), 150);
        assert_eq!(urls[2].matches("arg[]=").count(), 20);
        assert!(urls[2].ends_with("&arg[]=p319"));
        assert_eq!(
            r.info_urls(&["a+b".into()]),
            ["http://h/rpc/v5/info?arg[]=a%2Bb"]
        );
    }

    #[tokio::test]
    async fn http_429_says_the_aur_limits_the_rate() {
        let e = rpc()
            .search("yay", AurSearchBy::Name)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("the AUR limits the rate"), "{e}");
        assert!(e.contains("metadata dump"), "{e}");
    }
}
