//! The RPC v5 answers (aurweb's behaviour, by hand): search, info, suggest, errors.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::query::{percent_decode, Url};
use super::record::{relation_name, AurRecord};

/// The `by` fields aurweb accepts.
pub const SEARCH_BYS: &[&str] = &[
    "name-desc",
    "name",
    "maintainer",
    "depends",
    "makedepends",
    "optdepends",
    "checkdepends",
    "provides",
    "conflicts",
    "replaces",
    "groups",
    "submitter",
    "keywords",
    "comaintainers",
];

/// At most this many names in a suggest answer, as aurweb.
const SUGGEST_LIMIT: usize = 20;

/// What the RPC reads: the package set and the result cap.
pub(crate) struct Rpc<'a> {
    pub records: &'a BTreeMap<String, AurRecord>,
    pub max_results: usize,
}

/// aurweb's error answer (sent with HTTP 200).
pub fn error(message: &str) -> Value {
    json!({
        "error": message,
        "resultcount": 0,
        "results": [],
        "type": "error",
        "version": 5,
    })
}

fn envelope(kind: &str, results: Vec<Value>) -> Value {
    json!({
        "resultcount": results.len(),
        "results": results,
        "type": kind,
        "version": 5,
    })
}

impl Rpc<'_> {
    /// `/rpc/v5/...`: `rest` is the path after `/rpc/v5/` (still percent-encoded).
    pub fn v5(&self, method: &str, rest: &str, url: &Url, body: &[u8]) -> Value {
        let (kind, path_arg) = match rest.split_once('/') {
            Some((k, a)) => (k, Some(percent_decode(a, false))),
            None => (rest, None),
        };
        if method == "POST" {
            return self.v5_post(kind, body);
        }
        match (kind, path_arg) {
            // aurweb's current code: a query string beside the path argument is refused.
            ("search", Some(_)) if url.has_query => error("No request type/data specified."),
            ("search", Some(arg)) => self.search(&arg, "name-desc"),
            ("search", None) => match url.get("arg") {
                None => error("No request type/data specified."),
                Some(arg) => self.search(arg, url.get("by").unwrap_or("name-desc")),
            },
            ("info", Some(arg)) => self.info(&[arg]),
            ("info", None) => self.info(&url.all(&["arg[]", "arg"])),
            ("suggest", Some(arg)) => self.suggest(&arg, false),
            ("suggest", None) => self.suggest(url.get("arg").unwrap_or(""), false),
            ("suggest-pkgbase", Some(arg)) => self.suggest(&arg, true),
            ("suggest-pkgbase", None) => self.suggest(url.get("arg").unwrap_or(""), true),
            _ => error("Incorrect request type specified."),
        }
    }

    fn v5_post(&self, kind: &str, body: &[u8]) -> Value {
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            return error("No request type/data specified.");
        };
        match kind {
            "info" => {
                let names: Vec<String> = match &v["arg"] {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                    Value::String(s) => vec![s.clone()],
                    _ => return error("No request type/data specified."),
                };
                self.info(&names)
            }
            "search" => match v["arg"].as_str() {
                Some(arg) => self.search(arg, v["by"].as_str().unwrap_or("name-desc")),
                None => error("No request type/data specified."),
            },
            _ => error("Incorrect request type specified."),
        }
    }

    /// The legacy `/rpc?v=5&type=...` form.
    pub fn legacy(&self, url: &Url) -> Value {
        match url.get("v") {
            None => return error("Please specify an API version."),
            Some("5") => {}
            Some(_) => return error("Invalid version specified."),
        }
        match url.get("type") {
            None => error("No request type/data specified."),
            Some("search") => match url.get("arg") {
                None => error("No request type/data specified."),
                Some(arg) => self.search(arg, url.get("by").unwrap_or("name-desc")),
            },
            Some("info" | "multiinfo") => self.info(&url.all(&["arg[]", "arg"])),
            Some("suggest") => self.suggest(url.get("arg").unwrap_or(""), false),
            Some("suggest-pkgbase") => self.suggest(url.get("arg").unwrap_or(""), true),
            Some(_) => error("Incorrect request type specified."),
        }
    }

    /// A search: `by` checked first, then the argument's length (2+ characters, except
    /// `maintainer`), then the result cap (an error above it, never a truncation).
    pub fn search(&self, arg: &str, by: &str) -> Value {
        if !SEARCH_BYS.contains(&by) {
            return error("Incorrect by field specified.");
        }
        if by != "maintainer" && arg.chars().count() < 2 {
            return error("Query arg too small.");
        }
        let needle = arg.to_lowercase();
        let contains = |hay: &str| hay.to_lowercase().contains(&needle);
        let rel = |list: &[String]| list.iter().any(|d| relation_name(d) == arg);
        let exact = |list: &[String]| list.iter().any(|d| d == arg);
        let hits: Vec<Value> = self
            .records
            .values()
            .filter(|r| match by {
                "name-desc" => contains(&r.name) || r.description.as_deref().is_some_and(contains),
                "name" => contains(&r.name),
                "maintainer" if arg.is_empty() => r.maintainer.is_none(),
                "maintainer" => r.maintainer.as_deref() == Some(arg),
                "submitter" => r.submitter.as_deref() == Some(arg),
                "depends" => rel(&r.depends),
                "makedepends" => rel(&r.make_depends),
                "checkdepends" => rel(&r.check_depends),
                "optdepends" => rel(&r.opt_depends),
                // aurweb: a package always provides itself.
                "provides" => rel(&r.provides) || r.name == arg,
                "conflicts" => rel(&r.conflicts),
                "replaces" => rel(&r.replaces),
                "groups" => exact(&r.groups),
                "keywords" => r.keywords.iter().any(|k| k.eq_ignore_ascii_case(arg)),
                "comaintainers" => exact(&r.co_maintainers),
                _ => false,
            })
            .map(AurRecord::search_json)
            .collect();
        if hits.len() > self.max_results {
            return error("Too many package results.");
        }
        envelope("search", hits)
    }

    /// An info request: the known names among `names` (unknown ones are left out).
    pub fn info(&self, names: &[String]) -> Value {
        if names.is_empty() {
            return error("No request type/data specified.");
        }
        let mut seen = std::collections::BTreeSet::new();
        let hits: Vec<Value> = names
            .iter()
            .filter(|n| seen.insert(n.as_str()))
            .filter_map(|n| self.records.get(n))
            .map(AurRecord::info_json)
            .collect();
        if hits.len() > self.max_results {
            return error("Too many package results.");
        }
        envelope("multiinfo", hits)
    }

    /// Names (or bases) starting with `arg`, sorted, at most 20: a bare array.
    pub fn suggest(&self, arg: &str, bases: bool) -> Value {
        let mut names: Vec<&str> = self
            .records
            .values()
            .map(|r| if bases { &r.package_base } else { &r.name })
            .filter(|n| n.starts_with(arg))
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        names.truncate(SUGGEST_LIMIT);
        json!(names)
    }
}
