//! Rate limits as GitHub's API states them (docs.github.com, "Rate limits for the REST
//! API"): HTTP 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (the
//! epoch second it resets), or a secondary limit's `retry-after` (seconds to wait).

use std::time::{SystemTime, UNIX_EPOCH};

use omg_ports::Error;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};

/// [`Error::RateLimited`] when the answer says a rate limit was reached; `None` otherwise.
pub(crate) fn rate_limited(
    request_url: &str,
    url: &Url,
    status: StatusCode,
    headers: &HeaderMap,
    authenticated: bool,
) -> Option<Error> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let exhausted = number("x-ratelimit-remaining") == Some(0);
    let retry_after = number(RETRY_AFTER.as_str());
    if !exhausted && retry_after.is_none() {
        return None;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let resets_at = retry_after
        .map(|s| now.saturating_add(s))
        .or_else(|| number("x-ratelimit-reset").filter(|_| exhausted));
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => url.as_str().to_string(),
    };
    Some(Error::RateLimited {
        service: host,
        url: request_url.to_string(),
        resets_at,
        authenticated,
        advice: "wait until it resets, then try again".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(status: u16, headers: &[(&'static str, &str)]) -> Option<Error> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        let url = Url::parse("https://api.github.com/repos/o/r/releases").unwrap();
        rate_limited(
            url.as_str(),
            &url,
            StatusCode::from_u16(status).unwrap(),
            &map,
            false,
        )
    }

    #[test]
    fn only_an_exhausted_limit_is_a_rate_limit() {
        let limited = [
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1735693384"),
        ];
        for status in [403, 429] {
            let Some(Error::RateLimited {
                service, resets_at, ..
            }) = answer(status, &limited)
            else {
                panic!("{status} is a rate limit");
            };
            assert_eq!(service, "api.github.com");
            assert_eq!(resets_at, Some(1_735_693_384));
        }
        // A 403 with requests left is a refusal, not a limit; a 500 is neither.
        assert!(answer(403, &[("x-ratelimit-remaining", "59")]).is_none());
        assert!(answer(403, &[]).is_none());
        assert!(answer(500, &limited).is_none());
        // A secondary limit: retry-after seconds from now.
        let Some(Error::RateLimited { resets_at, .. }) = answer(403, &[("retry-after", "60")])
        else {
            panic!("retry-after is a rate limit");
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(resets_at.is_some_and(|t| t >= now + 59 && t <= now + 61));
    }
}
