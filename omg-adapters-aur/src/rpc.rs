//! The answers of aurweb's RPC v5 and the records of its metadata dump, read within bounds.
//!
//! ```json
//! {"resultcount": 1, "type": "multiinfo", "version": 5, "results": [
//!   {"ID": 1, "Name": "yay", "PackageBaseID": 2, "PackageBase": "yay", "Version": "12.4.2-1",
//!    "Description": "Yet another yogurt", "URL": null, "URLPath": "/cgit/aur.git/snapshot/yay.tar.gz",
//!    "Maintainer": "jguer", "NumVotes": 2000, "Popularity": 20.5, "OutOfDate": null,
//!    "FirstSubmitted": 1475688004, "LastModified": 1700000000, "Submitter": "jguer",
//!    "License": ["GPL-3.0-or-later"], "Keywords": ["aur"], "Depends": ["pacman>6.1"]}]}
//! ```
//!
//! Field names and types are aurweb's; unknown fields are ignored, optional lists may be
//! absent (or null). An error answer (`"type": "error"`, still HTTP 200) becomes
//! [`Error::AurAnswer`] quoting the server's text. Strings longer than
//! [`MAX_STRING`], lists longer than
//! [`MAX_LIST`] and answers of more than
//! [`RPC_MAX_RESULTS`] results are refused.

use std::fmt;
use std::marker::PhantomData;

use omg_ports::{AurPackage, Error, Result};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::escape::escape;
use crate::limits::{MAX_LIST, MAX_STRING, RPC_MAX_RESULTS};

/// The feed name RPC errors carry.
pub(crate) const RPC_FEED: &str = "AUR RPC";

/// The packages of an RPC v5 answer (`search` or `multiinfo`) fetched from `url`.
///
/// # Errors
///
/// [`Error::AurAnswer`] naming `url` when `body` is not such an answer (cut short, HTML,
/// a record without its required fields or with a field of the wrong type, a string, list
/// or result count past its bound), or is an error answer: the reason is then the server's
/// `error` text, control characters escaped.
pub fn parse_rpc(url: &str, body: &[u8]) -> Result<Vec<AurPackage>> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| malformed(url, e))?;
    match answer.kind.0.as_str() {
        "search" | "multiinfo" => {}
        "error" => {
            let text = answer.error.map(|t| t.0).unwrap_or_default();
            return Err(malformed(
                url,
                format!("the AUR answered with an error: \"{}\"", escape(&text)),
            ));
        }
        other => {
            return Err(malformed(
                url,
                format!(
                    "an answer of type \"{}\", not search or multiinfo",
                    escape(other)
                ),
            ))
        }
    }
    if let Some(version) = answer.version {
        if version != 5 {
            return Err(malformed(
                url,
                format!("an answer of RPC version {version}, not 5"),
            ));
        }
    }
    let results = answer
        .results
        .ok_or_else(|| malformed(url, "the answer has no results"))?;
    Ok(results.0)
}

/// [`Error::AurAnswer`] for `url`, the reason's control characters escaped.
pub(crate) fn malformed(url: &str, reason: impl fmt::Display) -> Error {
    Error::AurAnswer {
        url: url.to_owned(),
        reason: escape(&reason.to_string()),
    }
}

/// The envelope of every RPC v5 answer.
#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "type")]
    kind: Text,
    #[serde(default)]
    error: Option<Text>,
    #[serde(default)]
    results: Option<Bounded<Record, RPC_MAX_RESULTS>>,
    #[serde(default)]
    version: Option<u64>,
}

/// One package record, as the RPC and the dump spell it.
#[derive(Deserialize)]
pub(crate) struct Raw {
    #[serde(rename = "ID")]
    #[allow(dead_code)]
    id: u64,
    #[serde(rename = "Name")]
    name: Text,
    #[serde(rename = "PackageBaseID")]
    #[allow(dead_code)]
    package_base_id: u64,
    #[serde(rename = "PackageBase")]
    package_base: Text,
    #[serde(rename = "Version")]
    version: Text,
    #[serde(rename = "Description", default)]
    description: Option<Text>,
    #[serde(rename = "URL", default)]
    url: Option<Text>,
    #[serde(rename = "URLPath", default)]
    #[allow(dead_code)]
    url_path: Option<Text>,
    #[serde(rename = "Maintainer", default)]
    maintainer: Option<Text>,
    #[serde(rename = "NumVotes")]
    num_votes: u32,
    #[serde(rename = "Popularity")]
    popularity: f64,
    #[serde(rename = "OutOfDate", default)]
    out_of_date: Option<i64>,
    #[serde(rename = "FirstSubmitted")]
    first_submitted: i64,
    #[serde(rename = "LastModified")]
    last_modified: i64,
    #[serde(rename = "Submitter", default)]
    submitter: Option<Text>,
    #[serde(rename = "PendingRequests", default)]
    pending_requests: Option<u32>,
    #[serde(rename = "License", default)]
    license: Option<List>,
    #[serde(rename = "Keywords", default)]
    keywords: Option<List>,
    #[serde(rename = "Depends", default)]
    depends: Option<List>,
    #[serde(rename = "MakeDepends", default)]
    make_depends: Option<List>,
    #[serde(rename = "CheckDepends", default)]
    check_depends: Option<List>,
    #[serde(rename = "OptDepends", default)]
    opt_depends: Option<List>,
    #[serde(rename = "Provides", default)]
    provides: Option<List>,
    #[serde(rename = "Conflicts", default)]
    conflicts: Option<List>,
    #[serde(rename = "Replaces", default)]
    replaces: Option<List>,
    #[serde(rename = "Groups", default)]
    groups: Option<List>,
    #[serde(rename = "CoMaintainers", default)]
    co_maintainers: Option<List>,
}

impl From<Raw> for AurPackage {
    fn from(r: Raw) -> AurPackage {
        let list = |l: Option<List>| l.map(|l| l.0).unwrap_or_default();
        AurPackage {
            name: r.name.0,
            package_base: r.package_base.0,
            version: r.version.0,
            description: r.description.map(|t| t.0),
            url: r.url.map(|t| t.0),
            maintainer: r.maintainer.map(|t| t.0),
            submitter: r.submitter.map(|t| t.0),
            co_maintainers: list(r.co_maintainers),
            num_votes: r.num_votes,
            popularity: r.popularity,
            out_of_date: r.out_of_date,
            first_submitted: r.first_submitted,
            last_modified: r.last_modified,
            pending_requests: r.pending_requests,
            depends: list(r.depends),
            make_depends: list(r.make_depends),
            check_depends: list(r.check_depends),
            opt_depends: list(r.opt_depends),
            provides: list(r.provides),
            conflicts: list(r.conflicts),
            replaces: list(r.replaces),
            groups: list(r.groups),
            license: list(r.license),
            keywords: list(r.keywords),
        }
    }
}

/// A record deserialized straight into an [`AurPackage`].
pub(crate) struct Record(pub(crate) AurPackage);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Raw::deserialize(d).map(|raw| Record(raw.into()))
    }
}

/// A string of at most [`MAX_STRING`] bytes.
pub(crate) struct Text(pub(crate) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a string of at most {MAX_STRING} bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Text, E> {
                check_len(v)?;
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Text, E> {
                check_len(&v)?;
                Ok(Text(v))
            }
        }
        d.deserialize_string(V)
    }
}

fn check_len<E: de::Error>(v: &str) -> std::result::Result<(), E> {
    if v.len() > MAX_STRING {
        Err(E::custom(format_args!(
            "a string of {} bytes, longer than the limit of {MAX_STRING}",
            v.len()
        )))
    } else {
        Ok(())
    }
}

/// A list of at most [`MAX_LIST`] strings.
struct List(Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let texts = Bounded::<Text, MAX_LIST>::deserialize(d)?;
        Ok(List(texts.0.into_iter().map(|t| t.0).collect()))
    }
}

/// A JSON array of at most `N` elements of `T` (deserialized into `T::Out`), refused as soon
/// as element `N + 1` starts.
pub(crate) struct Bounded<T: Element, const N: usize>(pub(crate) Vec<T::Out>);

/// An array element and what it becomes.
pub(crate) trait Element {
    /// What the element is kept as.
    type Out;
    /// What it is called in the error for a too-long array.
    const WHAT: &'static str;
    /// Unwraps it.
    fn into_out(self) -> Self::Out;
}

impl Element for Text {
    type Out = Text;
    const WHAT: &'static str = "entries in a list";
    fn into_out(self) -> Text {
        self
    }
}

impl Element for Record {
    type Out = AurPackage;
    const WHAT: &'static str = "package records";
    fn into_out(self) -> AurPackage {
        self.0
    }
}

impl<'de, T, const N: usize> Deserialize<'de> for Bounded<T, N>
where
    T: Element + Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T, const N: usize>(PhantomData<T>);
        impl<'de, T, const N: usize> Visitor<'de> for V<T, N>
        where
            T: Element + Deserialize<'de>,
        {
            type Value = Bounded<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "an array of at most {N} {}", T::WHAT)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Bounded<T, N>, A::Error> {
                collect_bounded::<T, A>(&mut seq, N).map(Bounded)
            }
        }
        d.deserialize_seq(V::<T, N>(PhantomData))
    }
}

/// The elements of `seq`, refusing more than `max` before reading element `max + 1`.
pub(crate) fn collect_bounded<'de, T, A>(
    seq: &mut A,
    max: usize,
) -> std::result::Result<Vec<T::Out>, A::Error>
where
    T: Element + Deserialize<'de>,
    A: SeqAccess<'de>,
{
    collect_bounded_map::<T, A, T::Out>(seq, max, |x| x)
}

/// [`collect_bounded`], each element turned by `map` as it is read (so that only what
/// `map` keeps of each stays in memory).
pub(crate) fn collect_bounded_map<'de, T, A, U>(
    seq: &mut A,
    max: usize,
    mut map: impl FnMut(T::Out) -> U,
) -> std::result::Result<Vec<U>, A::Error>
where
    T: Element + Deserialize<'de>,
    A: SeqAccess<'de>,
{
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(max).min(1024));
    loop {
        if out.len() == max {
            // One more element, of any shape, is one too many.
            return match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(out),
                Some(_) => Err(de::Error::custom(format_args!(
                    "more than {max} {}; refused rather than cut short",
                    T::WHAT
                ))),
            };
        }
        match seq.next_element::<T>()? {
            Some(element) => out.push(map(element.into_out())),
            None => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A search answer as aurweb writes it (no Submitter, License, Keywords or lists).
    const SEARCH: &str = r#"{"resultcount":2,"results":[{"Description":"An AUR helper with a pacman-like interface","FirstSubmitted":1475688004,"ID":1563489,"LastModified":1719091012,"Maintainer":"jguer","Name":"yay","NumVotes":2371,"OutOfDate":null,"PackageBase":"yay","PackageBaseID":115973,"Popularity":21.384712,"URL":"https://github.com/Jguer/yay","URLPath":"/cgit/aur.git/snapshot/yay.tar.gz","Version":"12.3.5-1"},{"Description":null,"FirstSubmitted":1500000000,"ID":1000001,"LastModified":1600000000,"Maintainer":null,"Name":"yay-git","NumVotes":0,"OutOfDate":1650000000,"PackageBase":"yay-git","PackageBaseID":120000,"Popularity":0.0,"URL":null,"URLPath":"/cgit/aur.git/snapshot/yay-git.tar.gz","Version":"1:12.3.5.r3.gabcdef-1"}],"type":"search","version":5}"#;

    /// A multiinfo answer: a split package with every list, an orphan with null fields and
    /// no optional lists, and a field aurweb may add later.
    const MULTIINFO: &str = r#"{
  "resultcount": 2,
  "results": [
    {
      "CheckDepends": ["python-pytest"],
      "CoMaintainers": ["alice", "bob"],
      "Conflicts": ["foo-bin"],
      "Depends": ["glibc", "zlib>=1.3"],
      "Description": "The foo tools",
      "FirstSubmitted": 1600000000,
      "Groups": ["foo-suite"],
      "ID": 900001,
      "Keywords": ["foo", "tools"],
      "LastModified": 1700000000,
      "License": ["MIT", "Apache-2.0"],
      "Maintainer": "carol",
      "MakeDepends": ["cmake", "git"],
      "Name": "foo-cli",
      "NumVotes": 12,
      "OptDepends": ["bash-completion: completion for bash"],
      "OutOfDate": null,
      "PackageBase": "foo",
      "PackageBaseID": 70001,
      "PendingRequests": 1,
      "Popularity": 0.25,
      "Provides": ["foo=2.1"],
      "Replaces": ["foo-old"],
      "Submitter": "dave",
      "URL": "https://foo.example.org",
      "URLPath": "/cgit/aur.git/snapshot/foo.tar.gz",
      "Version": "2:2.1.0-3",
      "SomethingNew": {"nested": [1, 2, 3]}
    },
    {
      "Description": null,
      "FirstSubmitted": 1400000000,
      "ID": 5,
      "Keywords": [],
      "LastModified": 1400000001,
      "License": [],
      "Maintainer": null,
      "Name": "old-thing",
      "NumVotes": 0,
      "OutOfDate": 1500000000,
      "PackageBase": "old-thing",
      "PackageBaseID": 6,
      "Popularity": 0,
      "Submitter": null,
      "URL": null,
      "URLPath": "/cgit/aur.git/snapshot/old-thing.tar.gz",
      "Version": "0.1-1"
    }
  ],
  "type": "multiinfo",
  "version": 5
}"#;

    #[test]
    fn a_search_answer() {
        let pkgs = parse_rpc("u", SEARCH.as_bytes()).unwrap();
        assert_eq!(pkgs.len(), 2);
        let yay = &pkgs[0];
        assert_eq!(yay.name, "yay");
        assert_eq!(yay.package_base, "yay");
        assert_eq!(yay.version, "12.3.5-1");
        assert_eq!(yay.maintainer.as_deref(), Some("jguer"));
        assert_eq!(yay.num_votes, 2371);
        assert!((yay.popularity - 21.384712).abs() < 1e-9);
        assert_eq!(yay.out_of_date, None);
        assert_eq!(yay.first_submitted, 1475688004);
        assert_eq!(yay.url.as_deref(), Some("https://github.com/Jguer/yay"));
        assert!(yay.license.is_empty() && yay.depends.is_empty() && yay.submitter.is_none());
        let git = &pkgs[1];
        assert_eq!(git.description, None);
        assert_eq!(git.maintainer, None);
        assert_eq!(git.out_of_date, Some(1650000000));
        assert_eq!(git.version, "1:12.3.5.r3.gabcdef-1");
    }

    #[test]
    fn a_multiinfo_answer_with_nulls_and_missing_lists() {
        let pkgs = parse_rpc("u", MULTIINFO.as_bytes()).unwrap();
        assert_eq!(pkgs.len(), 2);
        let foo = &pkgs[0];
        assert_eq!(foo.name, "foo-cli");
        assert_eq!(foo.package_base, "foo");
        assert_eq!(foo.depends, ["glibc", "zlib>=1.3"]);
        assert_eq!(foo.make_depends, ["cmake", "git"]);
        assert_eq!(foo.check_depends, ["python-pytest"]);
        assert_eq!(foo.opt_depends, ["bash-completion: completion for bash"]);
        assert_eq!(foo.provides, ["foo=2.1"]);
        assert_eq!(foo.conflicts, ["foo-bin"]);
        assert_eq!(foo.replaces, ["foo-old"]);
        assert_eq!(foo.groups, ["foo-suite"]);
        assert_eq!(foo.co_maintainers, ["alice", "bob"]);
        assert_eq!(foo.license, ["MIT", "Apache-2.0"]);
        assert_eq!(foo.keywords, ["foo", "tools"]);
        assert_eq!(foo.submitter.as_deref(), Some("dave"));
        assert_eq!(foo.pending_requests, Some(1));
        let old = &pkgs[1];
        assert_eq!(old.maintainer, None);
        assert_eq!(old.submitter, None);
        assert_eq!(old.description, None);
        assert_eq!(old.url, None);
        assert_eq!(old.popularity, 0.0);
        assert_eq!(old.pending_requests, None);
        assert!(old.depends.is_empty() && old.co_maintainers.is_empty());
    }

    #[test]
    fn an_empty_answer() {
        let body = r#"{"resultcount":0,"results":[],"type":"multiinfo","version":5}"#;
        assert!(parse_rpc("u", body.as_bytes()).unwrap().is_empty());
    }

    #[test]
    fn an_error_answer_names_the_servers_text_escaped() {
        let body = r#"{"error":"Query arg too small.","resultcount":0,"results":[],"type":"error","version":5}"#;
        let e = parse_rpc("https://aur/rpc/v5/search?arg=a", body.as_bytes()).unwrap_err();
        assert!(matches!(e, Error::AurAnswer { .. }), "{e}");
        assert!(e.to_string().contains("\"Query arg too small.\""), "{e}");
        let body = r#"{"error":"bad\u001b[2Jthing\nhere","resultcount":0,"results":[],"type":"error","version":5}"#;
        let text = parse_rpc("u", body.as_bytes()).unwrap_err().to_string();
        assert!(text.contains(r"bad\u{1b}[2Jthing\nhere"), "{text}");
        assert!(!text.chars().any(char::is_control), "{text}");
    }

    #[test]
    fn foreign_truncated_or_mistyped_bodies_are_malformed() {
        let cut = &SEARCH.as_bytes()[..SEARCH.len() / 2];
        let wrong_type = SEARCH.replace("\"NumVotes\":2371", "\"NumVotes\":\"many\"");
        let negative_votes = SEARCH.replace("\"NumVotes\":2371", "\"NumVotes\":-1");
        let no_name = SEARCH.replace("\"Name\":\"yay\",", "");
        let other_type = SEARCH.replace("\"type\":\"search\"", "\"type\":\"suggest\"");
        let version4 = SEARCH.replace("\"version\":5", "\"version\":4");
        let no_results = r#"{"resultcount":0,"type":"search","version":5}"#;
        for body in [
            cut,
            b"<html>captive portal</html>".as_slice(),
            b"[]",
            b"",
            wrong_type.as_bytes(),
            negative_votes.as_bytes(),
            no_name.as_bytes(),
            other_type.as_bytes(),
            version4.as_bytes(),
            no_results.as_bytes(),
        ] {
            let e = parse_rpc("https://aur/rpc", body).unwrap_err();
            assert!(matches!(e, Error::AurAnswer { .. }), "{e}");
            assert!(e.to_string().contains("https://aur/rpc"), "{e}");
        }
    }

    fn record(name: &str, extra: &str) -> String {
        format!(
            r#"{{"ID":1,"Name":"{name}","PackageBaseID":1,"PackageBase":"b","Version":"1-1","Description":null,"URL":null,"URLPath":"/x","Maintainer":null,"NumVotes":0,"Popularity":0.0,"OutOfDate":null,"FirstSubmitted":0,"LastModified":0{extra}}}"#
        )
    }

    #[test]
    fn bounds_are_refused_not_cut() {
        let answer = |results: &str| {
            format!(r#"{{"resultcount":1,"results":[{results}],"type":"multiinfo","version":5}}"#)
        };
        // A string at the bound passes, one byte more does not.
        let at = answer(&record(&"a".repeat(MAX_STRING), ""));
        assert_eq!(
            parse_rpc("u", at.as_bytes()).unwrap()[0].name.len(),
            MAX_STRING
        );
        let over = answer(&record(&"a".repeat(MAX_STRING + 1), ""));
        let e = parse_rpc("u", over.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("longer than the limit"), "{e}");
        // A list at the bound passes, one entry more does not.
        let list = |n: usize| vec!["\"x\""; n].join(",");
        let at = answer(&record("n", &format!(r#","Depends":[{}]"#, list(MAX_LIST))));
        assert_eq!(
            parse_rpc("u", at.as_bytes()).unwrap()[0].depends.len(),
            MAX_LIST
        );
        let over = answer(&record(
            "n",
            &format!(r#","Depends":[{}]"#, list(MAX_LIST + 1)),
        ));
        let e = parse_rpc("u", over.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("more than 10000 entries in a list"), "{e}");
        // Results: the same.
        let one = record("n", "");
        let many = |n: usize| answer(&vec![one.as_str(); n].join(","));
        assert_eq!(
            parse_rpc("u", many(RPC_MAX_RESULTS).as_bytes())
                .unwrap()
                .len(),
            RPC_MAX_RESULTS
        );
        let e = parse_rpc("u", many(RPC_MAX_RESULTS + 1).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 10000 package records"), "{e}");
    }

    #[test]
    fn null_lists_are_empty() {
        let body = format!(
            r#"{{"resultcount":1,"results":[{}],"type":"multiinfo","version":5}}"#,
            record("n", r#","Depends":null,"License":null"#)
        );
        let pkgs = parse_rpc("u", body.as_bytes()).unwrap();
        assert!(pkgs[0].depends.is_empty() && pkgs[0].license.is_empty());
    }
}
