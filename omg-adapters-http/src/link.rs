//! The `Link` header (RFC 8288) as paged APIs send it: GitHub's
//! `<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel="next",
//! <...&page=5>; rel="last"`, Adoptium's `<...&page=1&page_size=20>; rel="next"`.

use reqwest::header::{HeaderMap, LINK};
use reqwest::Url;

/// The longest `Link` header read; a longer one is refused.
const MAX_LINK_BYTES: usize = 16 << 10;

/// The target of the first link with relation `next` in `headers`, resolved against `base`
/// (the page's URL); `None` without one.
///
/// # Errors
///
/// Why the header cannot be used: too long, not text, or a next page that is not an
/// `http(s)` URL.
pub(crate) fn next_link(headers: &HeaderMap, base: &Url) -> Result<Option<Url>, String> {
    for value in headers.get_all(LINK) {
        if value.len() > MAX_LINK_BYTES {
            return Err(format!(
                "its Link header is longer than {MAX_LINK_BYTES} bytes"
            ));
        }
        let text = value
            .to_str()
            .map_err(|_| "its Link header is not ASCII text".to_string())?;
        if let Some(target) = links(text)
            .into_iter()
            .find(|(_, rels)| rels.iter().any(|r| r.eq_ignore_ascii_case("next")))
            .map(|(target, _)| target)
        {
            let url = base
                .join(target)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| {
                    format!(
                        "its Link header names a next page that is not an http(s) URL: {}",
                        target.escape_debug()
                    )
                })?;
            return Ok(Some(url));
        }
    }
    Ok(None)
}

/// Each link-value of `text`: its target and its relation types. Malformed parts are
/// skipped up to the next link-value.
fn links(text: &str) -> Vec<(&str, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        let Some(after) = rest.strip_prefix('<') else {
            // Not a link-value: skip to the next comma outside quotes.
            match skip_params(rest) {
                ("", _) => return out,
                (next, _) => {
                    rest = next;
                    continue;
                }
            }
        };
        let Some((target, params)) = after.split_once('>') else {
            return out;
        };
        let (next, rels) = skip_params(params);
        out.push((target.trim(), rels));
        rest = next;
    }
}

/// Reads `; name=value` parameters up to the comma that ends the link-value (commas inside
/// quoted strings do not); what follows, and the `rel` parameter's relation types.
fn skip_params(text: &str) -> (&str, Vec<String>) {
    let mut rels = Vec::new();
    let mut param = String::new();
    let mut quoted = false;
    let mut escaped = false;
    let mut end = text.len();
    let mut params = Vec::new();
    for (i, c) in text.char_indices() {
        if quoted {
            if escaped {
                escaped = false;
                param.push(c);
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            } else {
                param.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ';' => params.push(std::mem::take(&mut param)),
            ',' => {
                end = i;
                break;
            }
            _ => param.push(c),
        }
    }
    params.push(param);
    for p in params {
        if let Some((name, value)) = p.split_once('=') {
            if name.trim().eq_ignore_ascii_case("rel") {
                rels.extend(value.split_ascii_whitespace().map(str::to_string));
            }
        }
    }
    (&text[end..], rels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn next(values: &[&str]) -> Result<Option<String>, String> {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(LINK, HeaderValue::from_str(v).unwrap());
        }
        let base = Url::parse("https://api.github.com/repos/o/r/releases?per_page=20").unwrap();
        next_link(&headers, &base).map(|u| u.map(String::from))
    }

    #[test]
    fn github_and_adoptium_links() {
        // GitHub's header on a middle page (docs.github.com, "Using pagination in the REST
        // API"): prev, next, last, first.
        let github = "<https://api.github.com/repositories/1/releases?per_page=20&page=1>; \
            rel=\"prev\", <https://api.github.com/repositories/1/releases?per_page=20&page=3>; \
            rel=\"next\", <https://api.github.com/repositories/1/releases?per_page=20&page=7>; \
            rel=\"last\", <https://api.github.com/repositories/1/releases?per_page=20&page=1>; \
            rel=\"first\"";
        assert_eq!(
            next(&[github]).unwrap().as_deref(),
            Some("https://api.github.com/repositories/1/releases?per_page=20&page=3")
        );
        let last_page = "<https://api.github.com/repositories/1/releases?per_page=20&page=6>; \
            rel=\"prev\", <https://api.github.com/repositories/1/releases?per_page=20&page=1>; \
            rel=\"first\"";
        assert_eq!(next(&[last_page]).unwrap(), None);
        assert_eq!(next(&[]).unwrap(), None);
        let adoptium = "<https://api.adoptium.net/v3/assets/feature_releases/21/ga?os=linux&page=1&page_size=20>;rel=\"next\"";
        assert_eq!(
            next(&[adoptium]).unwrap().as_deref(),
            Some("https://api.adoptium.net/v3/assets/feature_releases/21/ga?os=linux&page=1&page_size=20")
        );
    }

    #[test]
    fn rfc_8288_forms() {
        // Unquoted and multiple relation types, other parameters with commas in quotes,
        // relative targets, several headers.
        assert_eq!(
            next(&["</p2>; rel=next"]).unwrap().as_deref(),
            Some("https://api.github.com/p2")
        );
        assert_eq!(
            next(&["<p2>; title=\"a, b\"; rel=\"last NEXT\""])
                .unwrap()
                .as_deref(),
            Some("https://api.github.com/repos/o/r/p2")
        );
        assert_eq!(
            next(&["<https://x/a>; rel=\"prev\"", "<https://x/b>; rel=\"next\""])
                .unwrap()
                .as_deref(),
            Some("https://x/b")
        );
        assert_eq!(
            next(&["garbage, <https://x/c>; rel=\"next\""])
                .unwrap()
                .as_deref(),
            Some("https://x/c")
        );
        assert_eq!(next(&["<https://x/d"]).unwrap(), None);
        assert!(next(&["<file:///etc/passwd>; rel=\"next\""])
            .unwrap_err()
            .contains("not an http(s) URL"));
        let long = format!("<https://x/{}>; rel=\"next\"", "a".repeat(MAX_LINK_BYTES));
        assert!(next(&[&long]).unwrap_err().contains("longer than"));
    }
}
