//! Bearer tokens and where they may go: a token is sent only with requests whose URL is
//! under its scope (same scheme, host and port, and a path at or below the scope's), checked
//! again at every redirect (the fetcher follows redirects itself: reqwest's own policy drops
//! `Authorization` when a redirect changes host or port, but keeps it on the same host
//! whatever the path).

use omg_ports::{Error, Result, Secret};
use reqwest::header::HeaderValue;
use reqwest::Url;

/// A token sent as `Authorization: Bearer <token>` with every request to a URL under
/// `scope`, and with no other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerToken {
    /// The URL prefix the token is for (`https://api.github.com`, a GitHub Enterprise
    /// server's `https://ghe.example.com/api/v3`).
    pub scope: String,
    /// The token.
    pub token: Secret,
}

/// A token ready to send: its scope parsed, its header value marked sensitive (so that no
/// debug output of reqwest or hyper shows it).
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    scope: Url,
    header: HeaderValue,
}

impl Credential {
    /// `token` ready to send.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the scope is not an `http(s)` URL or the token is not
    /// a valid header value (the message never shows the token).
    pub(crate) fn new(token: &BearerToken) -> Result<Credential> {
        let scope = Url::parse(token.scope.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "the scope of a token, '{}', is not an http(s) URL",
                    token.scope.escape_debug()
                ))
            })?;
        let valid =
            !token.token.is_empty() && token.token.expose().bytes().all(|b| b.is_ascii_graphic());
        let mut header = HeaderValue::from_str(&format!("Bearer {}", token.token.expose()))
            .ok()
            .filter(|_| valid)
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "the token for {scope} has characters a token cannot have (spaces, \
                     control or non-ASCII characters)"
                ))
            })?;
        header.set_sensitive(true);
        Ok(Credential { scope, header })
    }

    /// True when `url` is under the scope.
    pub(crate) fn covers(&self, url: &Url) -> bool {
        if url.scheme() != self.scope.scheme()
            || url.host_str() != self.scope.host_str()
            || url.port_or_known_default() != self.scope.port_or_known_default()
        {
            return false;
        }
        let base = self.scope.path().trim_end_matches('/');
        let path = url.path();
        base.is_empty()
            || path == base
            || path
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// The `Authorization` header for `url`, from the first credential that covers it.
pub(crate) fn authorization<'a>(
    credentials: &'a [Credential],
    url: &Url,
) -> Option<&'a HeaderValue> {
    credentials
        .iter()
        .find(|c| c.covers(url))
        .map(|c| &c.header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential(scope: &str) -> Credential {
        Credential::new(&BearerToken {
            scope: scope.into(),
            token: Secret::new("ghp_x"),
        })
        .unwrap()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_scope_is_a_scheme_a_host_a_port_and_a_path() {
        let host = credential("https://api.github.com");
        assert!(host.covers(&url("https://api.github.com/repos/o/r/releases?page=2")));
        assert!(host.covers(&url("https://api.github.com:443/repositories/1/releases")));
        assert!(!host.covers(&url("http://api.github.com/repos/o/r")));
        assert!(!host.covers(&url("https://api.github.com:8443/repos/o/r")));
        assert!(!host.covers(&url("https://github.com/o/r/releases/download/x")));
        assert!(!host.covers(&url("https://api.github.com.evil.example/repos")));
        assert!(!host.covers(&url("https://objects.githubusercontent.com/x")));
        let ghe = credential("https://ghe.example.com/api/v3/");
        assert!(ghe.covers(&url("https://ghe.example.com/api/v3")));
        assert!(ghe.covers(&url("https://ghe.example.com/api/v3/repos/o/r")));
        assert!(!ghe.covers(&url("https://ghe.example.com/api/v30/repos")));
        assert!(!ghe.covers(&url("https://ghe.example.com/o/r/releases/download/x")));
        // Dot segments are resolved before the comparison.
        assert!(!ghe.covers(&url("https://ghe.example.com/api/v3/../../o/r")));
    }

    #[test]
    fn bad_scopes_and_tokens_are_refused_without_showing_the_token() {
        let bad = |scope: &str, token: &str| {
            Credential::new(&BearerToken {
                scope: scope.into(),
                token: Secret::new(token),
            })
            .unwrap_err()
            .to_string()
        };
        assert!(bad("ftp://x", "t").contains("not an http(s) URL"));
        assert!(bad("api.github.com", "t").contains("not an http(s) URL"));
        let e = bad("https://api.github.com", "ghp_a b");
        assert!(
            e.contains("characters a token cannot have") && !e.contains("ghp_a"),
            "{e}"
        );
        assert!(bad("https://api.github.com", "ghp_\u{e9}").contains("cannot have"));
        assert!(bad("https://api.github.com", "  ").contains("cannot have"));
        let c = credential("https://api.github.com");
        assert!(c.header.is_sensitive());
        assert!(!format!("{c:?}").contains("ghp_x"), "{c:?}");
    }
}
