//! The Debian security tracker's JSON (`/tracker/data/json`, tens of megabytes):
//!
//! ```json
//! {"openssl": {"CVE-2023-0286": {"description": "...", "scope": "remote", "debianbug": 1031328,
//!   "releases": {"bookworm": {"status": "resolved",
//!                             "repositories": {"bookworm": "3.0.8-1"},
//!                             "fixed_version": "3.0.8-1", "urgency": "not yet assigned"},
//!                "bullseye": {"status": "open", "repositories": {"bullseye": "1.1.1n-0+deb11u3"},
//!                             "urgency": "high", "nodsa": "Minor issue"}}}}}
//! ```
//!
//! The parser walks the document once with serde's visitors and keeps only the one
//! release's entries, so memory holds the body and the (small) result, never a tree of
//! the whole document.

use std::fmt;

use omg_ports::{DebianIssue, Error, FeedKind, Result};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::malformed;

/// The issues of release `codename` in a tracker JSON body from `url`.
///
/// # Errors
///
/// [`Error::MalformedFeed`] when `body` is not the tracker's JSON;
/// [`Error::InvalidRequest`] when no issue mentions `codename` at all (a typo, or a release
/// the tracker does not follow).
pub fn parse_debian(url: &str, body: &[u8], codename: &str) -> Result<Vec<DebianIssue>> {
    let mut state = State {
        codename,
        out: Vec::new(),
        issues: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    Sources(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| malformed(FeedKind::Debian, url, e))?;
    if state.out.is_empty() && state.issues > 0 {
        return Err(Error::InvalidRequest(format!(
            "{} has no entries for the release '{codename}'; set [audit] release (or \
             OMG_AUDIT_RELEASE) to a codename the tracker follows, such as bookworm",
            FeedKind::Debian.title()
        )));
    }
    Ok(state.out)
}

struct State<'c> {
    codename: &'c str,
    out: Vec<DebianIssue>,
    issues: usize,
}

/// The top level: source package -> issues.
struct Sources<'s, 'c>(&'s mut State<'c>);

impl<'de> DeserializeSeed<'de> for Sources<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Sources<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of source packages")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(source) = map.next_key::<String>()? {
            map.next_value_seed(Issues {
                state: &mut *self.0,
                source: &source,
            })?;
        }
        Ok(())
    }
}

/// One source package: issue id -> issue.
struct Issues<'s, 'c> {
    state: &'s mut State<'c>,
    source: &'s str,
}

impl<'de> DeserializeSeed<'de> for Issues<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Issues<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of issues")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<String>()? {
            self.state.issues += 1;
            let release = map.next_value_seed(Issue {
                codename: self.state.codename,
            })?;
            if let Some(r) = release {
                self.state.out.push(DebianIssue {
                    source: self.source.to_owned(),
                    id,
                    status: r.status,
                    fixed_version: r.fixed_version.filter(|v| !v.is_empty()),
                    urgency: r.urgency.unwrap_or_default(),
                });
            }
        }
        Ok(())
    }
}

/// The release's entry of one issue.
#[derive(Deserialize)]
struct Release {
    status: String,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
}

/// One issue: its `releases.<codename>`, everything else skipped.
struct Issue<'c> {
    codename: &'c str,
}

impl<'de> DeserializeSeed<'de> for Issue<'_> {
    type Value = Option<Release>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Issue<'_> {
    type Value = Option<Release>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an issue object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "releases" {
                found = map.next_value_seed(Releases {
                    codename: self.codename,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// `releases`: codename -> entry; only `codename`'s is kept.
struct Releases<'c> {
    codename: &'c str,
}

impl<'de> DeserializeSeed<'de> for Releases<'_> {
    type Value = Option<Release>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Releases<'_> {
    type Value = Option<Release>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of releases")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.codename {
                found = Some(map.next_value::<Release>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCERPT: &str = r#"{
 "openssl": {
  "CVE-2023-0286": {"description": "X.400 address type confusion", "scope": "remote",
   "debianbug": 1031328,
   "releases": {
    "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.11-1~deb12u2",
                 "bookworm-security": "3.0.13-1~deb12u1"}, "fixed_version": "3.0.8-1",
                 "urgency": "not yet assigned"},
    "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1w-0+deb11u1"},
                 "fixed_version": "1.1.1n-0+deb11u4", "urgency": "high"}}},
  "TEMP-0000000-1A2B3C": {"description": "no CVE yet", "scope": "local",
   "releases": {"bookworm": {"status": "open", "repositories": {"bookworm": "3.0.11-1~deb12u2"},
                "urgency": "unimportant", "nodsa": "Minor issue", "nodsa_reason": ""}}}
 },
 "zlib": {
  "CVE-2018-25032": {"scope": "remote",
   "releases": {"bullseye": {"status": "resolved", "repositories": {"bullseye": "1:1.2.11.dfsg-2+deb11u2"},
                "fixed_version": "1:1.2.11.dfsg-2+deb11u1", "urgency": "medium"}}}
 }
}"#;

    #[test]
    fn keeps_only_the_release() {
        let issues = parse_debian("u", EXCERPT.as_bytes(), "bookworm").unwrap();
        assert_eq!(
            issues,
            vec![
                DebianIssue {
                    source: "openssl".into(),
                    id: "CVE-2023-0286".into(),
                    status: "resolved".into(),
                    fixed_version: Some("3.0.8-1".into()),
                    urgency: "not yet assigned".into(),
                },
                DebianIssue {
                    source: "openssl".into(),
                    id: "TEMP-0000000-1A2B3C".into(),
                    status: "open".into(),
                    fixed_version: None,
                    urgency: "unimportant".into(),
                },
            ]
        );
        let bullseye = parse_debian("u", EXCERPT.as_bytes(), "bullseye").unwrap();
        assert_eq!(bullseye.len(), 2);
        assert_eq!(
            bullseye[1].fixed_version.as_deref(),
            Some("1:1.2.11.dfsg-2+deb11u1")
        );
    }

    #[test]
    fn unknown_release_is_a_request_error() {
        let e = parse_debian("u", EXCERPT.as_bytes(), "bookwrom").unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
        assert!(e.to_string().contains("'bookwrom'"), "{e}");
    }

    #[test]
    fn truncated_is_malformed() {
        let cut = &EXCERPT.as_bytes()[..EXCERPT.len() - 3];
        let e = parse_debian("https://m/json", cut, "bookworm").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("debian (https://m/json) is malformed"),
            "{e}"
        );
        let e = parse_debian("u", b"[]", "bookworm").unwrap_err();
        assert!(matches!(e, Error::MalformedFeed { .. }), "{e}");
        let e = parse_debian("u", b"{} trailing", "bookworm").unwrap_err();
        assert!(matches!(e, Error::MalformedFeed { .. }), "{e}");
    }
}
