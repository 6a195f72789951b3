//! Request URLs as aurweb reads them: percent-decoding, query pairs.

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in a query string);
/// a malformed escape is kept verbatim. Invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes everything but unreserved characters (for building test URLs).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A request URL split into its decoded path and its decoded query pairs, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The path, percent-decoded.
    pub path: String,
    /// The raw path (for the path-form arguments, decoded separately).
    pub raw_path: String,
    /// Whether a `?` was present at all.
    pub has_query: bool,
    /// `key=value` pairs, keys and values percent-decoded (`+` is a space).
    pub pairs: Vec<(String, String)>,
}

impl Url {
    /// Splits `url` (`/path?query`).
    pub fn parse(url: &str) -> Url {
        let (raw_path, query) = match url.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (url, None),
        };
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k, true), percent_decode(v, true))
            })
            .collect();
        Url {
            path: percent_decode(raw_path, false),
            raw_path: raw_path.to_owned(),
            has_query: query.is_some(),
            pairs,
        }
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of any of `keys`, in order.
    pub fn all(&self, keys: &[&str]) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_plus_and_bracket_keys() {
        let u = Url::parse("/rpc/v5/info?arg%5B%5D=a%2Bb&arg[]=c+d&by=name%");
        assert_eq!(u.all(&["arg[]"]), ["a+b", "c d"]);
        assert_eq!(u.get("by"), Some("name%"));
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode(&percent_encode("a b/é"), false), "a b/é");
    }
}
